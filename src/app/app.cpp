#include "app/app.hpp"

#include <utility>

namespace muster::app {

App::App(Store& store, const Policy& policy, const Clock& clock, AppOptions options)
    : store_(store),
      options_(std::move(options)),
      runner_(options_.on_subscriber_report),
      writes_(store, WritePath::Hooks{[this](Tx& tx) { return AppendPending(tx); },
                                      options_.bulk_follower ? std::function<void()>([this] { runner_.Committed(); })
                                                             : std::function<void()>()}),
      domain_(writes_, policy, clock) {}

App::~App() { (void)Finish(); }

Result<std::unique_ptr<App>> App::Build(Store& store, const Policy& policy, const Clock& clock, AppOptions options) {
  if (!options.load_ledger) return Status::Internal("app: no way to read the ledger's keys");
  if (options.bulk_follower && !options.ledger_at_start) {
    return Status::Internal("app: a bulk follower needs the ledger's keys at start");
  }
  std::unique_ptr<App> app(new App(store, policy, clock, std::move(options)));
  if (app->options_.ledger_at_start) {
    MUSTER_ASSIGN_OR_RETURN(ledger::Ledger ledger, app->options_.load_ledger());
    absl::MutexLock lock(&app->ledger_mu_);
    app->ledger_.emplace(std::move(ledger));
    if (app->options_.bulk_follower) {
      // The ledger is never replaced once read, so the follower may keep a reference to it.
      app->follower_ = std::make_unique<ledger::Follower>(*app->ledger_, store);
      app->runner_.Add(*app->follower_, {.on_commit = true, .bulk = true});
    }
  }
  return app;
}

const ledger::Ledger* App::ledger() const {
  absl::MutexLock lock(&ledger_mu_);
  return ledger_ ? &*ledger_ : nullptr;
}

Status App::AppendPending(Tx& tx) {
  const ledger::Ledger* ledger = nullptr;
  {
    absl::MutexLock lock(&ledger_mu_);
    if (!ledger_) {
      MUSTER_ASSIGN_OR_RETURN(ledger::Ledger loaded, options_.load_ledger());
      ledger_.emplace(std::move(loaded));
    }
    ledger = &*ledger_;
  }
  return ledger->AppendPending(tx).status();
}

Status App::Finish() { return runner_.Stop(); }

}  // namespace muster::app

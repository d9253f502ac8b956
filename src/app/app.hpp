// The services of one process, built in one place for the CLI and the server alike, on the one
// write path (store/write_path.hpp) with the ledger wired in: every write appends its events to
// the ledger before it commits, and the batches of bulk work (a campaign's issue, the sweep) hand
// theirs to a ledger::Follower. No caller sets a hook, so none can forget one. The process's
// subscribers (events/runner.hpp) run on its one runner: the ledger follower, and whatever the
// server adds (the exit-ban index, its timers).
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <functional>
#include <memory>
#include <optional>

#include "app/domain.hpp"
#include "core/policy.hpp"
#include "core/status.hpp"
#include "core/time.hpp"
#include "events/runner.hpp"
#include "ledger/follower.hpp"
#include "ledger/log.hpp"
#include "store/store.hpp"
#include "store/write_path.hpp"

namespace muster::app {

struct AppOptions {
  // Reads the ledger's keys (cli::Context::LoadLedger).
  std::function<Result<ledger::Ledger>()> load_ledger;
  // false: the keys are read at the first write, so that read-only commands work without them.
  // true: at Build, which fails without them (a server, bulk commands).
  bool ledger_at_start = false;
  // Bulk batches' events are appended by a follower thread while the next batches commit (needs
  // ledger_at_start). Otherwise every write appends its own.
  bool bulk_follower = false;
  // Hears when a subscriber's rounds start failing (they are tried again at its next wake-up)
  // and when they recover.
  events::Runner::Report on_subscriber_report;
};

class App {
 public:
  static Result<std::unique_ptr<App>> Build(Store& store, const Policy& policy, const Clock& clock, AppOptions options);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  Store& store() const { return store_; }
  WritePath& writes() { return writes_; }
  // The domain services (app/domain.hpp), on this process's write path.
  Domain& domain() { return domain_; }
  // The ledger once its keys have been read; null before (ledger_at_start = false).
  const ledger::Ledger* ledger() const;

  // The process's subscribers: add more with runner().Add; Finish stops them.
  events::Runner& runner() { return runner_; }

  // Stops the subscribers after their final rounds (the follower's appends the events of every
  // bulk batch committed so far); the first error. Ok when none failed.
  Status Finish();

 private:
  App(Store& store, const Policy& policy, const Clock& clock, AppOptions options);
  Status AppendPending(Tx& tx);

  Store& store_;
  const AppOptions options_;
  mutable absl::Mutex ledger_mu_;
  std::optional<ledger::Ledger> ledger_ ABSL_GUARDED_BY(ledger_mu_);
  std::unique_ptr<ledger::Follower> follower_;  // set at Build, before any write
  events::Runner runner_;                       // stopped before the follower goes
  WritePath writes_;
  Domain domain_;
};

}  // namespace muster::app

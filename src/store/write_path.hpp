// The one write path every service uses. A write runs its work in one transaction and, around
// it, what every write needs and no caller may forget: the events it emitted reach the ledger
// before it commits (or, for the batches of bulk work, a follower appends them meanwhile), and a
// change to the exit bans is announced to the other servers. app::App builds the one WritePath
// of a process, with the ledger wired, for the CLI and the server alike.
#pragma once

#include <functional>

#include "core/status.hpp"
#include "store/store.hpp"

namespace muster {

class WritePath {
 public:
  // What a write's work reports for the path to act on.
  struct Effects {
    bool exit_bans_changed = false;  // it imposed or lifted an exit ban
  };
  enum class Kind {
    kSingle,  // one change: its events reach the ledger in the same transaction
    kBulk,    // a batch of a campaign's issue or of the sweep: see Hooks::bulk_after_commit
  };
  struct Hooks {
    // Runs in every write, after its work and before commit (ledger::Ledger::AppendPending); a
    // failure rolls the whole write back. Empty: the events wait for whoever appends them later.
    std::function<Status(Tx&)> before_commit;
    // When set, bulk batches skip before_commit and call this once each has committed
    // (ledger::Follower::Notify, whose thread appends their events meanwhile), so that a batch
    // holds the write lock for its own rows only.
    std::function<void()> bulk_after_commit;
  };

  // `store` must outlive this object. Without hooks, writes reach the ledger only when something
  // else appends their events (`muster ledger append`): for tests of a service alone.
  explicit WritePath(Store& store, Hooks hooks = {}) : store_(store), hooks_(std::move(hooks)) {}
  WritePath(const WritePath&) = delete;
  WritePath& operator=(const WritePath&) = delete;

  Store& store() const { return store_; }

  // Runs `work` in a write transaction, then the hooks of `kind`; `effects` holds what the work
  // reported once it committed (reset for each try of the transaction).
  Status Write(const std::function<Status(Tx&, Effects&)>& work, Kind kind, Effects& effects);
  Status Write(const std::function<Status(Tx&)>& work, Kind kind = Kind::kSingle);

 private:
  Store& store_;
  const Hooks hooks_;
};

}  // namespace muster

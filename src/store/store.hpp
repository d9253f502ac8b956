// The storage interface every service uses. Implementations: store/sqlite (embedded default)
// and, later, store/postgres. Services never see SQL.
//
// All access happens inside a transaction: Store::Write runs a function with a Tx and commits
// when it returns Ok, rolls back otherwise, so a failed operation leaves nothing half-written.
// Store::Read runs a function on a consistent snapshot. A Tx must not escape its function.
// Store is thread-safe; a Tx is used by one thread.
#pragma once

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/account.hpp"
#include "core/correction.hpp"
#include "core/person.hpp"
#include "core/status.hpp"
#include "core/summons.hpp"
#include "store/appeal_port.hpp"
#include "store/auth_port.hpp"
#include "store/campaign_port.hpp"
#include "store/correction_port.hpp"
#include "store/deferment_port.hpp"
#include "store/events_port.hpp"
#include "store/ledger_port.hpp"
#include "store/notification_port.hpp"
#include "store/office_port.hpp"
#include "store/override_port.hpp"
#include "store/person_port.hpp"
#include "store/report_port.hpp"
#include "store/restriction_port.hpp"
#include "store/summons_port.hpp"

namespace muster {

class Tx {
 public:
  virtual ~Tx() = default;

  // The registry: offices, persons, deferments, correction requests (registry/).
  virtual OfficePort& offices() = 0;
  virtual PersonPort& persons() = 0;
  virtual DefermentPort& deferments() = 0;
  virtual CorrectionPort& corrections() = 0;
  // Campaigns, and the report aggregates over summonses and restrictions.
  virtual CampaignPort& campaigns() = 0;
  virtual ReportPort& reports() = 0;

  // Summonses, appeals, eligibility overrides, restrictions and exit checks
  // (summons/service.hpp).
  virtual SummonsPort& summonses() = 0;
  virtual AppealPort& appeals() = 0;
  virtual OverridePort& overrides() = 0;
  virtual RestrictionPort& restrictions() = 0;

  // Accounts, activation codes, sessions, API keys (auth/auth_service.hpp).
  virtual AuthPort& auth() = 0;
  // Domain events, in order (store/events_port.hpp).
  virtual EventPort& events() = 0;
  // The ledger's tiles and checkpoints (store/ledger_port.hpp).
  virtual LedgerPort& ledger() = 0;
  // The outbox of notifications and their attempts (store/notification_port.hpp).
  virtual NotificationPort& notifications() = 0;
};

// Wakes a follower of the exit bans when another process may have imposed or lifted one. Used
// by one thread.
class ChangeWaiter {
 public:
  virtual ~ChangeWaiter() = default;
  // Returns when a change may have been committed, or after `timeout` at the latest.
  virtual void Wait(std::chrono::milliseconds timeout) = 0;
};

// Read-your-writes across requests, for a store that reads from a replica. A write position is
// where a write ended in the primary's log ("16/B374D848" on PostgreSQL). While a ReadAfter is in
// scope on a thread, that thread's ReadReplica reads from the replica only once the replica has
// replayed up to its position, and from the primary until then.
class ReadAfter {
 public:
  explicit ReadAfter(std::string position);
  ~ReadAfter();
  ReadAfter(const ReadAfter&) = delete;
  ReadAfter& operator=(const ReadAfter&) = delete;
  // The position in force on this thread; empty outside any ReadAfter.
  static const std::string& Current();

 private:
  std::string previous_;
};

// Whether `text` has the form of a write position: two groups of 1 to 8 hex digits and a slash.
bool IsWritePosition(std::string_view text);

class Store {
 public:
  virtual ~Store() = default;

  virtual Status Write(const std::function<Status(Tx&)>& work) = 0;
  // A consistent snapshot that includes every write committed before the call (the primary).
  virtual Status Read(const std::function<Status(Tx&)>& work) = 0;
  // A consistent snapshot that may lag behind the latest commits: a read replica when the store
  // has one, otherwise the same as Read. For read-only work that need not see what the caller
  // has just written (lists, a citizen's cabinet, following the exit bans).
  virtual Status ReadReplica(const std::function<Status(Tx&)>& work) { return Read(work); }
  // The write position of the last write this thread committed since the last call, then
  // forgets it; empty when there was none, or when the store has no replica to wait for.
  virtual std::string TakeWritePosition() { return {}; }

  // A waiter woken by exit-ban changes of any process; this default only sleeps out the
  // timeout (the follower then polls).
  virtual std::unique_ptr<ChangeWaiter> WatchExitBanChanges();

  // The highest migration applied to the database.
  virtual int SchemaVersion() = 0;

  // Writes a consistent copy of the whole database to the new file `path` while the store stays
  // in use; on failure no file is left behind. Backends with their own backup tools (PostgreSQL:
  // pg_basebackup and WAL archiving, docs/deploy.md) answer FailedPrecondition.
  virtual Status Backup(const std::string& path) {
    return Status::FailedPrecondition(
        fmt::format("cannot back up to '{}' here: this database is backed up with its own tools", path));
  }
};

}  // namespace muster

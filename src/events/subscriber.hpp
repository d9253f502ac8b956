// Subscribers: what reacts to the changes a process or another one committed, a round at a time,
// each on a thread of the runner (events/runner.hpp). The ledger's follower, the exit-ban index,
// the server's timers (ledger checkpoints, the sweep, writing the exit checks answered) are
// subscribers; so is everything that turns events into work of its own (CursorSubscriber).
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "core/summons.hpp"
#include "core/time.hpp"
#include "store/store.hpp"
#include "store/write_path.hpp"

namespace muster::events {

class Subscriber {
 public:
  virtual ~Subscriber() = default;

  // Names it in messages and, for a CursorSubscriber, its cursor's row.
  virtual std::string_view name() const = 0;
  // Handles what is new since the last round; called from one thread at a time. A round that
  // fails is tried again at the next wake-up, so a round leaves nothing half done.
  virtual Status Round() = 0;
  // A write of this process committed (Runner::Committed, on the writer's thread, outside any
  // transaction, after the subscriber's thread was woken).
  virtual void Committed() {}
  // The last round, once the subscriber's thread has stopped (Runner::Stop): by default one
  // more Round, so that what was committed before the stop is handled.
  virtual Status Final() { return Round(); }
};

// A subscriber to the events of some types whose cursor (the seq it has handled up to) is a row
// of the database (EventPort::Cursor). A round reads up to `batch` events of its types after the
// cursor and hands them to Handle in the write transaction that moves the cursor past them, on
// the write path (store/write_path.hpp), so what Handle writes and the cursor commit together or
// not at all. Each event is therefore handled once: after a crash the next round resumes where
// the last commit left off, and the servers sharing a database take turns (writes are
// serialised) instead of handling an event twice. A round with nothing new writes nothing.
class CursorSubscriber : public Subscriber {
 public:
  struct Options {
    std::string name;                // the cursor's name: unique in the database
    std::vector<std::string> types;  // the event types it handles; empty: every event
    size_t batch = 1000;             // events per transaction
  };
  CursorSubscriber(WritePath& writes, const Clock& clock, Options options);

  std::string_view name() const final { return options_.name; }
  // Handles batches until it has caught up.
  Status Round() final;
  // Events handled by this object's rounds.
  uint64_t handled() const;

 protected:
  // Handles `events` (at least one, by seq) in `tx`, the transaction that moves the cursor past
  // them; an error rolls both back, and the round is repeated later.
  virtual Status Handle(Tx& tx, std::span<const Event> events) = 0;

 private:
  // Handles one batch; true when there may be more.
  Result<bool> Batch();
  // The events of our types after `cursor`, and how far a reader has looked: the seq of the
  // last of them in a full batch, else the last event written.
  Status Next(Tx& tx, int64_t cursor, std::vector<Event>& events, int64_t& looked_to) const;

  WritePath& writes_;
  const Clock& clock_;
  const Options options_;
  std::vector<std::string_view> type_views_;
  mutable absl::Mutex mu_;
  uint64_t handled_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace muster::events

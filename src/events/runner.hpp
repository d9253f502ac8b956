// The one runner of a process's subscribers (events/subscriber.hpp): a thread for each, so that a
// long round of one (a sweep) never holds up another (writing the exit checks answered). A
// subscriber's thread runs a round when woken (by a commit of this process, or by the store when
// another process changed what it follows) and at least once every period; it says when its
// rounds start to fail and when they recover, once each, not at every round.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/status.hpp"
#include "events/subscriber.hpp"
#include "store/store.hpp"

namespace muster::events {

struct Schedule {
  // A round at least this often. Zero: only when woken.
  std::chrono::milliseconds every{0};
  // Woken by Runner::Committed: a write of this process committed.
  bool on_commit = false;
  // Woken by the store when another process may have changed what the subscriber follows
  // (Store::WatchExitBanChanges); the thread then waits on it instead of a timer, for `every`
  // at the longest.
  std::unique_ptr<ChangeWaiter> waiter;
  // Bulk work (a sweep, the notifications, the ledger's bulk appends): its thread runs at the
  // lower priority of core/thread_priority.hpp, below the threads that answer requests.
  bool bulk = false;
};

class Runner {
 public:
  // Hears, on the subscriber's thread, that its rounds started failing (`st` the error) or
  // recovered (`st` ok).
  using Report = std::function<void(std::string_view name, const Status& st)>;
  explicit Runner(Report report = {});
  ~Runner();  // Stop, if not called
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  // Starts a thread for `subscriber`, which must outlive the runner (or its Stop). Not after Stop.
  void Add(Subscriber& subscriber, Schedule schedule);
  // The same for a subscriber the runner keeps until it is destroyed.
  void Add(std::unique_ptr<Subscriber> subscriber, Schedule schedule);
  // A write of this process committed: wakes the subscribers that follow commits, then calls
  // their Committed. Outside any transaction.
  void Committed();
  // Stops every thread (a round that is running finishes first), then runs each subscriber's
  // Final in the order they were added; the first error, naming its subscriber. Once.
  Status Stop();

  struct Counts {
    std::string name;
    uint64_t rounds = 0;
    uint64_t failed_rounds = 0;
  };
  std::vector<Counts> counts() const;

 private:
  struct Slot;
  void Add(std::unique_ptr<Subscriber> owned, Subscriber& subscriber, Schedule schedule);
  void Loop(Slot& slot);

  const Report report_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Slot>> slots_ ABSL_GUARDED_BY(mu_);
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  Status stop_result_ ABSL_GUARDED_BY(mu_);
};

}  // namespace muster::events

#include "events/runner.hpp"

#include <absl/time/time.h>

#include "core/thread_priority.hpp"

namespace muster::events {

struct Runner::Slot {
  std::unique_ptr<Subscriber> owned;  // when the runner keeps it
  Subscriber& subscriber;
  Schedule schedule;
  absl::Mutex mu;
  bool woken ABSL_GUARDED_BY(mu) = false;
  bool stop ABSL_GUARDED_BY(mu) = false;
  uint64_t rounds ABSL_GUARDED_BY(mu) = 0;
  uint64_t failed_rounds ABSL_GUARDED_BY(mu) = 0;
  std::thread thread;  // started last

  Slot(std::unique_ptr<Subscriber> keep, Subscriber& s, Schedule sched)
      : owned(std::move(keep)), subscriber(s), schedule(std::move(sched)) {}
  bool Stopping() {
    absl::MutexLock lock(&mu);
    return stop;
  }
};

Runner::Runner(Report report) : report_(std::move(report)) {}

Runner::~Runner() { (void)Stop(); }

void Runner::Add(Subscriber& subscriber, Schedule schedule) { Add(nullptr, subscriber, std::move(schedule)); }

void Runner::Add(std::unique_ptr<Subscriber> subscriber, Schedule schedule) {
  Subscriber& s = *subscriber;
  Add(std::move(subscriber), s, std::move(schedule));
}

void Runner::Add(std::unique_ptr<Subscriber> owned, Subscriber& subscriber, Schedule schedule) {
  absl::MutexLock lock(&mu_);
  if (stopped_) return;
  slots_.push_back(std::make_unique<Slot>(std::move(owned), subscriber, std::move(schedule)));
  Slot& slot = *slots_.back();
  slot.thread = std::thread([this, &slot] { Loop(slot); });
}

void Runner::Loop(Slot& slot) {
  if (slot.schedule.bulk) EnterBulkPriority();
  // A day stands for "only when woken": the thread still looks at stop.
  const absl::Duration period =
      slot.schedule.every.count() > 0 ? absl::FromChrono(slot.schedule.every) : absl::Hours(24);
  bool failing = false;
  while (true) {
    if (slot.schedule.waiter) {
      // The store's waiter returns on a change or after its timeout; stop is seen within it.
      const auto timeout = slot.schedule.every.count() > 0 ? slot.schedule.every : std::chrono::milliseconds(1000);
      slot.schedule.waiter->Wait(timeout);
      absl::MutexLock lock(&slot.mu);
      if (slot.stop) return;
      slot.woken = false;
    } else {
      absl::MutexLock lock(&slot.mu);
      auto ready = [&slot]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(slot.mu) { return slot.woken || slot.stop; };
      slot.mu.AwaitWithTimeout(absl::Condition(&ready), period);
      if (slot.stop) return;
      slot.woken = false;
    }
    Status st = slot.subscriber.Round();
    {
      absl::MutexLock lock(&slot.mu);
      ++slot.rounds;
      if (!st.ok()) ++slot.failed_rounds;
    }
    if (report_ && st.ok() == failing) report_(slot.subscriber.name(), st);
    failing = !st.ok();
  }
}

void Runner::Committed() {
  std::vector<Slot*> woken;
  {
    absl::MutexLock lock(&mu_);
    for (auto& slot : slots_) {
      if (!slot->schedule.on_commit) continue;
      absl::MutexLock slot_lock(&slot->mu);
      slot->woken = true;
      woken.push_back(slot.get());
    }
  }
  for (Slot* slot : woken) slot->subscriber.Committed();
}

Status Runner::Stop() {
  std::vector<Slot*> slots;
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return stop_result_;
    stopped_ = true;
    for (auto& slot : slots_) slots.push_back(slot.get());
  }
  for (Slot* slot : slots) {
    absl::MutexLock lock(&slot->mu);
    slot->stop = true;
  }
  for (Slot* slot : slots) slot->thread.join();
  Status result;
  for (Slot* slot : slots) {
    Status st = slot->subscriber.Final();
    if (!st.ok() && result.ok()) result = st.WithContext(slot->subscriber.name());
  }
  absl::MutexLock lock(&mu_);
  stop_result_ = result;
  return result;
}

std::vector<Runner::Counts> Runner::counts() const {
  std::vector<Counts> out;
  absl::MutexLock lock(&mu_);
  for (const auto& slot : slots_) {
    absl::MutexLock slot_lock(&slot->mu);
    out.push_back({std::string(slot->subscriber.name()), slot->rounds, slot->failed_rounds});
  }
  return out;
}

}  // namespace muster::events

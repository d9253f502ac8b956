// Appends to the ledger, from a thread of its own, the events other transactions commit.
//
// For bulk work (a campaign's issue, a sweep): its write transactions then commit their domain
// rows and events without waiting for the leaves to be encoded and hashed, which is most of an
// append's time, and the thread does that on another core meanwhile. Each round reads the events
// after the log's last one in a read transaction, hashes them there, and appends the hashes in a
// short write transaction unless another writer appended first (Ledger::AppendHashed; the round
// is then repeated from the new end).
//
// Finish appends whatever is still pending in one write transaction, so the log covers every
// event when it returns. A process that dies first leaves events pending, as a crash between
// two transactions would: the next append (any write with the ledger, `muster ledger
// checkpoint`, the server's timer) takes them up, and `ledger verify` counts them as pending.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <functional>
#include <thread>

#include "core/status.hpp"
#include "ledger/log.hpp"
#include "store/store.hpp"

namespace muster::ledger {

class Follower {
 public:
  // `on_error`, when given, hears of every round that failed, on the follower's thread.
  using ErrorHook = std::function<void(const Status&)>;
  Follower(const Ledger& ledger, Store& store, ErrorHook on_error = {});
  ~Follower();  // Finish, if not called
  Follower(const Follower&) = delete;
  Follower& operator=(const Follower&) = delete;

  // Events were committed: append them soon. Call after every commit, outside any transaction:
  // when a round is waiting to append, this waits for it (a short write transaction).
  void Notify();
  // Stops the thread and appends the rest, returning that append's result. A round that failed
  // is tried again at the next notice; this append retries whatever is still pending.
  Status Finish();

  uint64_t appended() const;       // leaves appended by the thread's rounds
  uint64_t failed_rounds() const;  // rounds that ended in an error

 private:
  void Run();
  Status CatchUp();

  const Ledger& ledger_;
  Store& store_;
  ErrorHook on_error_;
  mutable absl::Mutex mu_;
  absl::CondVar wake_;     // notified_ or stopping_ set
  absl::CondVar written_;  // ready_to_write_ cleared
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
  bool ready_to_write_ ABSL_GUARDED_BY(mu_) = false;  // a round waits for the write lock
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t appended_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t failed_rounds_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
  bool finished_ = false;
};

}  // namespace muster::ledger

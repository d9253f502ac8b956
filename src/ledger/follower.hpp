// Appends to the ledger the events other transactions commit, as a subscriber
// (events/subscriber.hpp) on a thread of the runner's.
//
// For bulk work (a campaign's issue, a sweep): its write transactions then commit their domain
// rows and events without waiting for the leaves to be encoded and hashed, which is most of an
// append's time, and the follower's thread does that on another core meanwhile. Each round reads
// the events after the log's last one in a read transaction, hashes them there, and appends the
// hashes in a short write transaction unless another writer appended first (Ledger::AppendHashed;
// the round is then repeated from the new end). Its cursor is the log itself: the events it has
// appended are those the log holds, in the database.
//
// Final appends whatever is still pending in one write transaction, so the log covers every
// event when the runner stops. A process that dies first leaves events pending, as a crash
// between two transactions would: the next append (any write with the ledger, `muster ledger
// checkpoint`, the server's timer) takes them up, and `ledger verify` counts them as pending.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include "core/status.hpp"
#include "events/subscriber.hpp"
#include "ledger/log.hpp"
#include "store/store.hpp"

namespace muster::ledger {

class Follower : public events::Subscriber {
 public:
  Follower(const Ledger& ledger, Store& store) : ledger_(ledger), store_(store) {}

  std::string_view name() const override { return "ledger follower"; }
  Status Round() override;
  // A round that has its leaves ready waits for the store's write lock, which the writer that
  // committed would take again at once for its next transaction: this lets the round's short
  // one go first.
  void Committed() override;
  Status Final() override;

  uint64_t appended() const;  // leaves appended by Round

 private:
  const Ledger& ledger_;
  Store& store_;
  mutable absl::Mutex mu_;
  absl::CondVar written_;                             // ready_to_write_ cleared
  bool ready_to_write_ ABSL_GUARDED_BY(mu_) = false;  // a round waits for the write lock
  uint64_t appended_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace muster::ledger

#include "ledger/follower.hpp"

namespace muster::ledger {
namespace {

// Events hashed per transaction: large enough that its write transaction is a small share of
// the round, small enough that a round finishes soon after the bulk work does.
constexpr size_t kRoundEvents = 50000;

}  // namespace

void Follower::Committed() {
  absl::MutexLock lock(&mu_);
  while (ready_to_write_) written_.Wait(&mu_);
}

uint64_t Follower::appended() const {
  absl::MutexLock lock(&mu_);
  return appended_;
}

Status Follower::Round() {
  while (true) {
    HashedLeaves leaves;
    MUSTER_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> Status {
      MUSTER_ASSIGN_OR_RETURN(leaves, ledger_.HashPending(tx, kRoundEvents));
      return Status::Ok();
    }));
    if (leaves.seqs.empty()) return Status::Ok();
    uint64_t appended = 0;
    {
      absl::MutexLock lock(&mu_);
      ready_to_write_ = true;
    }
    Status st = store_.Write([&](Tx& tx) -> Status {
      MUSTER_ASSIGN_OR_RETURN(appended, ledger_.AppendHashed(tx, leaves));
      return Status::Ok();
    });
    {
      absl::MutexLock lock(&mu_);
      ready_to_write_ = false;
      appended_ += appended;
    }
    written_.SignalAll();
    MUSTER_RETURN_IF_ERROR(st);
    // A full round may have left more; a short one caught up (or lost a race, and is repeated
    // at the next wake-up or by Final).
    if (leaves.seqs.size() < kRoundEvents) return Status::Ok();
  }
}

Status Follower::Final() {
  return store_.Write([&](Tx& tx) { return ledger_.AppendPending(tx).status(); });
}

}  // namespace muster::ledger

#include "ledger/follower.hpp"

namespace muster::ledger {
namespace {

// Events hashed per round: large enough that its write transaction is a small share of the
// round, small enough that a round finishes soon after the bulk work does.
constexpr size_t kRoundEvents = 50000;

}  // namespace

Follower::Follower(const Ledger& ledger, Store& store, ErrorHook on_error)
    : ledger_(ledger), store_(store), on_error_(std::move(on_error)) {
  thread_ = std::thread([this] { Run(); });
}

Follower::~Follower() {
  if (!finished_) (void)Finish();
}

void Follower::Notify() {
  absl::MutexLock lock(&mu_);
  notified_ = true;
  wake_.Signal();
  // A round that has its leaves ready waits for the store's write lock, which the caller would
  // take again at once for its next transaction: let the round's short one go first.
  while (ready_to_write_) written_.Wait(&mu_);
}

uint64_t Follower::appended() const {
  absl::MutexLock lock(&mu_);
  return appended_;
}

uint64_t Follower::failed_rounds() const {
  absl::MutexLock lock(&mu_);
  return failed_rounds_;
}

void Follower::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      while (!notified_ && !stopping_) wake_.Wait(&mu_);
      if (stopping_) return;
      notified_ = false;
    }
    Status st = CatchUp();
    if (!st.ok() && on_error_) on_error_(st);
    // A round that failed (a lost connection, a failover) is tried again at the next notice,
    // and in any case by the final append in Finish.
    if (!st.ok()) {
      absl::MutexLock lock(&mu_);
      ++failed_rounds_;
    }
  }
}

Status Follower::CatchUp() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return Status::Ok();
    }
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
    // at the next notice or by Finish).
    if (leaves.seqs.size() < kRoundEvents) return Status::Ok();
  }
}

Status Follower::Finish() {
  if (finished_) return Status::Ok();
  finished_ = true;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.Signal();
  thread_.join();
  return store_.Write([&](Tx& tx) { return ledger_.AppendPending(tx).status(); }).WithContext("ledger");
}

}  // namespace muster::ledger

#include "summons/exit_check_backlog.hpp"

#include <algorithm>

namespace muster {

ExitCheckBacklog::ExitCheckBacklog(size_t capacity, size_t batch)
    : batch_(std::max<size_t>(1, batch)), capacity_(std::max<size_t>(1, capacity)) {}

void ExitCheckBacklog::Append(ExitCheckRecord record) {
  {
    absl::MutexLock lock(&mu_);
    if (pending_.size() + in_flight_ < capacity_) {
      pending_.push_back(std::move(record));
      return;
    }
  }
  dropped_.fetch_add(1, std::memory_order_relaxed);
}

Status ExitCheckBacklog::Flush(const WriteBatch& write) {
  absl::MutexLock flushing(&flush_mu_);
  // What a failed flush left goes first, then what was appended up to now.
  if (!unwritten_.empty()) MUSTER_RETURN_IF_ERROR(WriteUnwritten(write));
  {
    absl::MutexLock lock(&mu_);
    // unwritten_ is empty and keeps its capacity: the next appends reuse it.
    unwritten_.swap(pending_);
    in_flight_ = unwritten_.size();
  }
  return WriteUnwritten(write);
}

Status ExitCheckBacklog::WriteUnwritten(const WriteBatch& write) {
  size_t done = 0;
  Status st = Status::Ok();
  while (done < unwritten_.size()) {
    size_t n = std::min(batch_, unwritten_.size() - done);
    st = write(std::span<const ExitCheckRecord>(unwritten_.data() + done, n));
    if (!st.ok()) break;
    done += n;
    written_.fetch_add(n, std::memory_order_relaxed);
    absl::MutexLock lock(&mu_);
    in_flight_ -= n;
  }
  unwritten_.erase(unwritten_.begin(), unwritten_.begin() + static_cast<std::ptrdiff_t>(done));
  return st;
}

ExitCheckBacklog::Counts ExitCheckBacklog::counts() const {
  Counts c;
  {
    absl::MutexLock lock(&mu_);
    c.pending = pending_.size() + in_flight_;
  }
  c.written = written_.load(std::memory_order_relaxed);
  c.dropped = dropped_.load(std::memory_order_relaxed);
  return c;
}

void ExitCheckBacklog::SetCapacity(size_t capacity) {
  absl::MutexLock lock(&mu_);
  capacity_ = std::max<size_t>(1, capacity);
}

}  // namespace muster

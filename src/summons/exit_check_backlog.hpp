// The audit records of answered exit checks on their way to the store: a bounded backlog that
// the exit check appends to and a flusher writes, a batch per transaction.
//
// Bounds: at most `capacity` records are held, those being written included; a record appended
// beyond that is dropped and counted, so a store that cannot keep up (or a full disk) costs
// counted records, never unbounded memory. The memory held is at most two vectors of
// `capacity` records (the one being filled and the one being written), about 90 bytes a record.
//
// Thread safety: Append and counts() from any thread; Flush from any thread, one at a time
// (a second caller waits for the first).
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "core/time.hpp"

namespace muster {

// One answered exit check. Its reference is made again from `at` and `counter` when written
// (ExitCheckService::FormatReference), so that the hot path keeps no text but the two strings.
struct ExitCheckRecord {
  std::string national_id;
  bool allow = true;
  uint8_t kind = 0;  // the restriction kind asked about: its index in ExitCheckService::kinds()
  std::string asked_by;
  Timestamp at;
  uint64_t counter = 0;
};

class ExitCheckBacklog {
 public:
  static constexpr size_t kDefaultCapacity = 500000;
  static constexpr size_t kDefaultBatch = 10000;

  explicit ExitCheckBacklog(size_t capacity = kDefaultCapacity, size_t batch = kDefaultBatch);

  // Takes the record, or drops it and counts it when the backlog holds `capacity` records. The
  // cost of the exit check's audit trail: a mutex held for one push_back.
  void Append(ExitCheckRecord record);

  // Writes the records held: first those a failed flush left, then everything appended before
  // this call, in order, in calls to `write` of at most `batch` records each (the caller makes
  // each one transaction). Stops at the first failure and returns it; the batch that failed
  // and those after it stay, ahead of newer records, for the next call.
  using WriteBatch = std::function<Status(std::span<const ExitCheckRecord>)>;
  Status Flush(const WriteBatch& write);

  struct Counts {
    uint64_t written = 0;  // records written since start
    uint64_t dropped = 0;  // records dropped because the backlog was full
    size_t pending = 0;    // records held: appended, not yet written
  };
  Counts counts() const;

  // Changes the bound (at least 1); records already held stay.
  void SetCapacity(size_t capacity);
  size_t batch() const { return batch_; }

 private:
  // Writes unwritten_ in batches; on failure keeps the rest in unwritten_. flush_mu_ held.
  Status WriteUnwritten(const WriteBatch& write) ABSL_EXCLUSIVE_LOCKS_REQUIRED(flush_mu_);

  const size_t batch_;
  mutable absl::Mutex mu_;
  size_t capacity_ ABSL_GUARDED_BY(mu_);
  std::vector<ExitCheckRecord> pending_ ABSL_GUARDED_BY(mu_);  // appended, not yet taken by a flush
  size_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;                  // unwritten_.size()
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> written_{0};

  absl::Mutex flush_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  std::vector<ExitCheckRecord> unwritten_ ABSL_GUARDED_BY(flush_mu_);  // taken, not yet written
};

}  // namespace muster

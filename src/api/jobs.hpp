// Long work started by a request and followed by polling GET /api/v1/jobs/{id}: today the issue
// of a campaign. One worker thread runs the jobs in order. Drain() (at shutdown) asks the running
// job to stop at its next safe point: work polls stopping() between its steps (a campaign issue
// between batches) and returns; such a job ends "stopped" with done < total, and queued jobs are
// not started. Campaign issue is resumable, so a stopped job, or one cut short by a crash, is
// completed by starting it again. Thread-safe.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/status.hpp"
#include "core/time.hpp"

namespace muster::api {

enum class JobState { kQueued, kRunning, kDone, kFailed, kStopped };
std::string_view JobStateName(JobState state);

struct JobView {
  int64_t id = 0;
  std::string kind;
  int64_t subject = 0;                 // the campaign id
  std::vector<std::string> districts;  // whose offices may follow it
  std::string started_by;
  JobState state = JobState::kQueued;
  size_t done = 0;
  size_t total = 0;
  std::string error;
  Timestamp created_at;
};

class JobRunner {
 public:
  // `progress(done, total)` may be called from the work as it goes.
  using Work = std::function<Status(const std::function<void(size_t, size_t)>& progress)>;

  JobRunner();
  ~JobRunner();  // drains

  // Queues `work`; returns the job id. FailedPrecondition once draining.
  Result<int64_t> Start(JobView job, Work work);
  std::optional<JobView> Get(int64_t id) const;
  std::vector<JobView> List() const;
  // True once Drain() has begun: running work should return at its next safe point.
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }
  // Stops taking jobs, asks the running one to stop, leaves queued ones unstarted, and joins the
  // worker.
  void Drain();

 private:
  void Loop();

  mutable absl::Mutex mu_;
  absl::CondVar cv_;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<bool> stopping_{false};
  int64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  std::map<int64_t, JobView> jobs_ ABSL_GUARDED_BY(mu_);
  std::deque<std::pair<int64_t, Work>> queue_ ABSL_GUARDED_BY(mu_);
  std::thread worker_;
};

}  // namespace muster::api

#include "api/jobs.hpp"

#include "core/thread_priority.hpp"

namespace muster::api {

std::string_view JobStateName(JobState state) {
  switch (state) {
    case JobState::kQueued: return "queued";
    case JobState::kRunning: return "running";
    case JobState::kDone: return "done";
    case JobState::kFailed: return "failed";
    case JobState::kStopped: return "stopped";
  }
  return "queued";
}

JobRunner::JobRunner() : worker_([this] { Loop(); }) {}

JobRunner::~JobRunner() { Drain(); }

Result<int64_t> JobRunner::Start(JobView job, Work work) {
  absl::MutexLock lock(&mu_);
  if (draining_) return Status::FailedPrecondition("the server is shutting down; try again later");
  job.id = next_id_++;
  job.state = JobState::kQueued;
  jobs_[job.id] = job;
  queue_.emplace_back(job.id, std::move(work));
  cv_.SignalAll();
  return job.id;
}

std::optional<JobView> JobRunner::Get(int64_t id) const {
  absl::MutexLock lock(&mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

std::vector<JobView> JobRunner::List() const {
  absl::MutexLock lock(&mu_);
  std::vector<JobView> out;
  for (const auto& [id, job] : jobs_) out.push_back(job);
  return out;
}

void JobRunner::Drain() {
  {
    absl::MutexLock lock(&mu_);
    draining_ = true;
    stopping_.store(true, std::memory_order_relaxed);
    cv_.SignalAll();
  }
  if (worker_.joinable()) worker_.join();
}

void JobRunner::Loop() {
  EnterBulkPriority();  // a campaign's issue never starves the requests
  while (true) {
    std::pair<int64_t, Work> next;
    {
      absl::MutexLock lock(&mu_);
      while (!draining_ && queue_.empty()) cv_.Wait(&mu_);
      if (draining_) {  // queued jobs stay unstarted; starting them again resumes them
        for (const auto& [id, work] : queue_) jobs_[id].state = JobState::kStopped;
        queue_.clear();
        return;
      }
      next = std::move(queue_.front());
      queue_.pop_front();
      jobs_[next.first].state = JobState::kRunning;
    }
    int64_t id = next.first;
    Status st = next.second([this, id](size_t done, size_t total) {
      absl::MutexLock lock(&mu_);
      jobs_[id].done = done;
      jobs_[id].total = total;
    });
    absl::MutexLock lock(&mu_);
    JobView& job = jobs_[id];
    job.state = !st.ok() ? JobState::kFailed
                : stopping() && job.done < job.total ? JobState::kStopped
                                                     : JobState::kDone;
    if (!st.ok()) job.error = st.message();
  }
}

}  // namespace muster::api

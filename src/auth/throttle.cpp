#include "auth/throttle.hpp"

#include <algorithm>

namespace muster::auth {
namespace {

constexpr auto kWindow = std::chrono::hours(1);  // failures older than this are forgotten
constexpr int64_t kMaxLockSeconds = 15 * 60;
constexpr size_t kMaxEntries = 100'000;

}  // namespace

int64_t Throttle::RetryAfter(std::string_view key, Timestamp now) const {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(std::string(key));
  if (it == entries_.end() || it->second.locked_until <= now) return 0;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(it->second.locked_until - now).count();
  return (left + 999) / 1000;
}

void Throttle::Failure(std::string_view key, Timestamp now) {
  absl::MutexLock lock(&mu_);
  if (entries_.size() >= kMaxEntries) Prune(now);
  Entry& e = entries_[std::string(key)];
  if (e.failures > 0 && now - e.last_failure > kWindow) e.failures = 0;
  ++e.failures;
  e.last_failure = now;
  if (e.failures > free_failures_) {
    int shift = std::min(e.failures - free_failures_ - 1, 20);
    int64_t seconds = std::min<int64_t>(int64_t{1} << shift, kMaxLockSeconds);
    e.locked_until = now + std::chrono::seconds(seconds);
  }
}

void Throttle::Success(std::string_view key) {
  absl::MutexLock lock(&mu_);
  entries_.erase(std::string(key));
}

void Throttle::Prune(Timestamp now) {
  std::erase_if(entries_, [&](const auto& kv) {
    return kv.second.locked_until <= now && now - kv.second.last_failure > kWindow;
  });
}

}  // namespace muster::auth

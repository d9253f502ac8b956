#include "summons/exit_ban_index.hpp"

#include <algorithm>
#include <functional>

namespace muster {
namespace {

// The Debian build of Abseil has its own string_view type.
absl::string_view Key(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace
void ExitBanIndex::Add(std::string_view national_id, int64_t id, Timestamp effective_at) {
  absl::MutexLock lock(&mu_);
  Entry& entry = bans_[Key(national_id)];
  for (const Ban& b : entry.bans) {
    if (b.id == id) return;
  }
  if (entry.bans.empty() || effective_at < entry.earliest) entry.earliest = effective_at;
  entry.bans.push_back({id, effective_at});
}

void ExitBanIndex::Remove(std::string_view national_id, int64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = bans_.find(Key(national_id));
  if (it == bans_.end()) return;
  auto& list = it->second.bans;
  list.erase(std::remove_if(list.begin(), list.end(), [id](const Ban& b) { return b.id == id; }), list.end());
  if (list.empty()) {
    bans_.erase(it);
    return;
  }
  it->second.earliest = std::min_element(list.begin(), list.end(), [](const Ban& a, const Ban& b) {
                          return a.effective_at < b.effective_at;
                        })->effective_at;
}

void ExitBanIndex::Clear() {
  absl::MutexLock lock(&mu_);
  bans_.clear();
}

void ExitBanIndex::Swap(ExitBanIndex& other) {
  // Both locks, in address order, so that two swaps of the same pair cannot deadlock.
  if (std::less<const absl::Mutex*>()(&mu_, &other.mu_)) {
    absl::MutexLock first(&mu_);
    absl::MutexLock second(&other.mu_);
    bans_.swap(other.bans_);
  } else {
    absl::MutexLock first(&other.mu_);
    absl::MutexLock second(&mu_);
    bans_.swap(other.bans_);
  }
}

bool ExitBanIndex::Barred(std::string_view national_id, Timestamp now) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = bans_.find(Key(national_id));
  return it != bans_.end() && it->second.earliest <= now;
}

size_t ExitBanIndex::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return bans_.size();
}

std::optional<Timestamp> ExitBanIndex::Earliest(std::string_view national_id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = bans_.find(Key(national_id));
  if (it == bans_.end()) return std::nullopt;
  return it->second.earliest;
}

void ExitBanIndex::ForEach(const std::function<void(std::string_view, Timestamp)>& fn) const {
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [national_id, entry] : bans_)
    fn(std::string_view(national_id.data(), national_id.size()), entry.earliest);
}

}  // namespace muster

#include "summons/exit_ban_index.hpp"

#include <algorithm>
#include <mutex>

namespace muster {

void ExitBanIndex::Add(std::string_view national_id, int64_t id, Timestamp effective_at) {
  std::unique_lock lock(mu_);
  auto it = bans_.find(national_id);
  if (it == bans_.end()) it = bans_.emplace(std::string(national_id), std::vector<Ban>{}).first;
  for (const Ban& b : it->second) {
    if (b.id == id) return;
  }
  it->second.push_back({id, effective_at});
}

void ExitBanIndex::Remove(std::string_view national_id, int64_t id) {
  std::unique_lock lock(mu_);
  auto it = bans_.find(national_id);
  if (it == bans_.end()) return;
  auto& list = it->second;
  list.erase(std::remove_if(list.begin(), list.end(), [id](const Ban& b) { return b.id == id; }), list.end());
  if (list.empty()) bans_.erase(it);
}

void ExitBanIndex::Clear() {
  std::unique_lock lock(mu_);
  bans_.clear();
}

bool ExitBanIndex::Barred(std::string_view national_id, Timestamp now) const {
  std::shared_lock lock(mu_);
  auto it = bans_.find(national_id);
  if (it == bans_.end()) return false;
  for (const Ban& b : it->second) {
    if (b.effective_at <= now) return true;
  }
  return false;
}

size_t ExitBanIndex::size() const {
  std::shared_lock lock(mu_);
  return bans_.size();
}

}  // namespace muster

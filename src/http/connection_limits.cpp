#include "http/connection_limits.hpp"

#include <cstring>

namespace muster::http {

ConnectionLimits::ConnectionLimits(size_t max_total, size_t max_per_address, ConnectionStats& stats)
    : max_total_(max_total), max_per_address_(max_per_address), stats_(stats) {
  stats_.max.store(static_cast<int64_t>(max_total), std::memory_order_relaxed);
}

size_t ConnectionLimits::Hash::operator()(const IpAddress& a) const {
  uint64_t hi = 0, lo = 0;
  std::memcpy(&hi, a.bytes.data(), 8);
  std::memcpy(&lo, a.bytes.data() + 8, 8);
  return std::hash<uint64_t>()(hi * 0x9e3779b97f4a7c15ull ^ lo ^ (a.v4 ? 1 : 0));
}

bool ConnectionLimits::OpenAddress(const IpAddress& address, bool exempt) {
  if (max_per_address_ == 0 || exempt) return true;
  absl::MutexLock lock(&mu_);
  size_t& n = per_address_[address];
  if (n >= max_per_address_) {
    if (n == 0) per_address_.erase(address);
    return false;
  }
  ++n;
  return true;
}

void ConnectionLimits::CloseAddress(const IpAddress& address, bool exempt) {
  if (max_per_address_ == 0 || exempt) return;
  absl::MutexLock lock(&mu_);
  auto it = per_address_.find(address);
  if (it == per_address_.end()) return;
  if (--it->second == 0) per_address_.erase(it);
}

ConnectionLimits::Verdict ConnectionLimits::Open(const IpAddress& address, bool exempt) {
  if (!OpenAddress(address, exempt)) {
    stats_.refused_address.fetch_add(1, std::memory_order_relaxed);
    return Verdict::kOverAddress;
  }
  int64_t before = stats_.open.fetch_add(1, std::memory_order_relaxed);
  if (max_total_ != 0 && static_cast<size_t>(before) >= max_total_) {
    stats_.open.fetch_sub(1, std::memory_order_relaxed);
    return Verdict::kOverTotal;
  }
  return Verdict::kAdmit;
}

void ConnectionLimits::RoomMade() { stats_.open.fetch_add(1, std::memory_order_relaxed); }

void ConnectionLimits::Refused(const IpAddress& address, bool exempt) {
  CloseAddress(address, exempt);
  stats_.refused_total.fetch_add(1, std::memory_order_relaxed);
}

void ConnectionLimits::Close(const IpAddress& address, bool exempt) {
  CloseAddress(address, exempt);
  stats_.open.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace muster::http

#include "summons/deadline.hpp"

#include <chrono>

namespace muster {

Timestamp Deadline(const Summons& summons, const Policy& policy) {
  return summons.appear_at + std::chrono::hours(policy.grace_hours);
}

Timestamp OverdueIfAppearBefore(Timestamp now, const Policy& policy) {
  return now - std::chrono::hours(policy.grace_hours);
}

}  // namespace muster

// When a summons falls due: the appointment plus the policy's grace period
// ([deadline] grace_hours). The sweep marks a summons no_show once its deadline has passed, the
// restrictions' delays count from it, and the cabinet shows it as "appear by". All of them ask
// these two functions, so the three can never disagree.
#pragma once

#include "core/policy.hpp"
#include "core/summons.hpp"
#include "core/time.hpp"

namespace muster {

// appear_at + grace_hours.
Timestamp Deadline(const Summons& summons, const Policy& policy);

// The summonses whose deadline has passed at `now` are those with appear_at before this
// instant (the bound the sweep hands to the store).
Timestamp OverdueIfAppearBefore(Timestamp now, const Policy& policy);

}  // namespace muster

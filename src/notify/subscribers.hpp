// What a server runs for notifications, on its runner (events/runner.hpp): the outbox, every
// kOutboxPoll and when the runner hears of a commit (Runner::Committed: a bulk batch); when the
// policy has an [escalation], the escalation every kEscalationPoll; and, when the deployment
// configures a channel, a dispatcher every kDispatchPoll. Without a channel the messages stay
// queued.
#pragma once

#include <chrono>

#include "core/deployment.hpp"
#include "core/policy.hpp"
#include "core/time.hpp"
#include "events/runner.hpp"
#include "notify/dispatcher.hpp"
#include "notify/escalation.hpp"
#include "notify/outbox.hpp"
#include "store/write_path.hpp"

namespace muster::notify {

inline constexpr std::chrono::seconds kOutboxPoll{2};
inline constexpr std::chrono::seconds kDispatchPoll{1};
inline constexpr std::chrono::seconds kEscalationPoll{60};
// A dispatcher's round ends after this long even with more due (the next begins a poll later),
// so that a server stops within about this long while a campaign's messages go out.
inline constexpr std::chrono::seconds kDispatchRound{5};

// `writes`, `clock`, `policy` must outlive the runner's subscribers. True when a dispatcher was
// added (a channel is configured).
bool AddNotificationSubscribers(events::Runner& runner, WritePath& writes, const Clock& clock, const Policy& policy,
                                const Deployment& deployment, OutboxOptions outbox = {},
                                DispatcherOptions dispatcher = {.owner = DefaultOwner()});

}  // namespace muster::notify

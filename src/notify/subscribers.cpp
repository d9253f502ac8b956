#include "notify/subscribers.hpp"

namespace muster::notify {

bool AddNotificationSubscribers(events::Runner& runner, WritePath& writes, const Clock& clock, const Policy& policy,
                                const Deployment& deployment, OutboxOptions outbox, DispatcherOptions dispatcher) {
  runner.Add(std::make_unique<Outbox>(writes, clock, policy, std::move(outbox)),
             {.every = kOutboxPoll, .on_commit = true, .bulk = true});
  if (policy.escalation.enabled()) {
    runner.Add(std::make_unique<EscalationSubscriber>(std::make_unique<Escalator>(writes, clock, policy)),
               {.every = kEscalationPoll, .bulk = true});
  }
  auto channels = ChannelsOf(deployment, clock);
  if (channels.empty()) return false;
  runner.Add(
      std::make_unique<DispatchSubscriber>(
          std::make_unique<Dispatcher>(writes, clock, std::move(channels), std::move(dispatcher)), kDispatchRound),
      {.every = kDispatchPoll, .bulk = true});
  return true;
}

}  // namespace muster::notify

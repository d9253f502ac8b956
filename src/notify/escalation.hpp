// Escalation (the policy's [escalation], core/policy.hpp): a summons delivered and not opened
// within unread_days of its last step is told again through the next step of the ladder, and
// with no step left is marked unreachable and listed for its office (Denmark's digital post calls
// this state IGNORED).
//
// The delivery is the ladder's first step. A later step is skipped when the person has no address
// for it (an e-mail address, a phone for `sms`, a postal address for `paper`), when a message of
// its channel about the summons failed for good, and always for `account` (the summons is in the
// account already). Each step taken is an event of the summons, in the transaction that records
// the step (NotificationPort::SetEscalation):
//
//   summons.escalated    {"step":"email"|"sms"|"paper"}   the outbox (notify/outbox.hpp) queues
//                                                          the reminder on that step's channel;
//                                                          `paper` is the print queue's entry
//   summons.unreachable  {"last_step":"<step>"}           no step left
//
// A summons opened, appeared, excused, cancelled or marked no_show leaves the escalation.
// Used by one thread at a time (the runner's, or `muster notify run`).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "core/notification.hpp"
#include "core/policy.hpp"
#include "core/status.hpp"
#include "core/time.hpp"
#include "events/subscriber.hpp"
#include "store/write_path.hpp"

namespace muster::notify {

inline constexpr std::string_view kEscalationActor = "system:escalation";

// The channel a step sends through; nullopt for `account`.
std::optional<NotificationChannel> ChannelOfStep(EscalationStep step);

// The step after `last` (a step's name; "" for the delivery, the ladder's first step) that
// `usable` accepts, in ladder order; nullopt when none is left. A `last` the ladder does not
// name (the policy changed) counts as its first step.
std::optional<EscalationStep> NextStep(const std::vector<EscalationStep>& ladder, std::string_view last,
                                       const std::function<bool(EscalationStep)>& usable);

struct EscalationCounts {
  size_t stepped = 0;      // summonses told again through a further step
  size_t unreachable = 0;  // summonses with no step left
};

class Escalator {
 public:
  // `writes`, `clock` and `policy` must outlive it.
  Escalator(WritePath& writes, const Clock& clock, const Policy& policy, size_t batch = 500)
      : writes_(writes), clock_(clock), policy_(policy), batch_(batch) {}

  // Takes the step due for every summons unopened for unread_days since its last one, a batch
  // per transaction; nothing when the policy has no escalation.
  Result<EscalationCounts> Pass();

 private:
  WritePath& writes_;
  const Clock& clock_;
  const Policy& policy_;
  const size_t batch_;
};

// The escalation as a subscriber of the runner: a Pass each round.
class EscalationSubscriber final : public events::Subscriber {
 public:
  explicit EscalationSubscriber(std::unique_ptr<Escalator> escalator) : escalator_(std::move(escalator)) {}
  std::string_view name() const override { return "escalating unopened summonses"; }
  Status Round() override { return escalator_->Pass().status(); }
  Status Final() override { return Status::Ok(); }  // the next server takes it up

 private:
  std::unique_ptr<Escalator> escalator_;
};

}  // namespace muster::notify

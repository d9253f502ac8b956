#include "notify/escalation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/person.hpp"
#include "core/summons.hpp"
#include "store/emit_event.hpp"

namespace muster::notify {
namespace {

// The address `person` has for the channel of `step` (empty: none).
const std::string& AddressFor(const Person& person, EscalationStep step) {
  static const std::string kNone;
  switch (step) {
    case EscalationStep::kEmail:
      return person.email;
    case EscalationStep::kSms:
      return person.phone;
    case EscalationStep::kPaper:
      return person.address;
    case EscalationStep::kAccount:
      break;
  }
  return kNone;
}

}  // namespace

std::optional<NotificationChannel> ChannelOfStep(EscalationStep step) {
  switch (step) {
    case EscalationStep::kEmail:
      return NotificationChannel::kEmail;
    case EscalationStep::kSms:
      return NotificationChannel::kWebhook;
    case EscalationStep::kPaper:
      return NotificationChannel::kPaper;
    case EscalationStep::kAccount:
      break;
  }
  return std::nullopt;
}

std::optional<EscalationStep> NextStep(const std::vector<EscalationStep>& ladder, std::string_view last,
                                       const std::function<bool(EscalationStep)>& usable) {
  size_t from = 1;  // the delivery was the first step
  if (std::optional<EscalationStep> step = ParseEscalationStep(last)) {
    auto at = std::find(ladder.begin(), ladder.end(), *step);
    if (at != ladder.end()) from = static_cast<size_t>(at - ladder.begin()) + 1;
  }
  for (size_t i = from; i < ladder.size(); ++i) {
    if (usable(ladder[i])) return ladder[i];
  }
  return std::nullopt;
}

Result<EscalationCounts> Escalator::Pass() {
  EscalationCounts counts;
  const EscalationRule& rule = policy_.escalation;
  if (!rule.enabled()) return counts;
  const Timestamp now = clock_.Now();
  const Timestamp stepped_before = now - std::chrono::days(rule.unread_days);
  int64_t after = 0;
  while (true) {
    size_t listed = 0;
    EscalationCounts batch;
    int64_t last_id = after;
    MUSTER_RETURN_IF_ERROR(writes_.Write(
        [&](Tx& tx) -> Status {
          batch = {};
          MUSTER_ASSIGN_OR_RETURN(std::vector<Escalation> due,
                                  tx.notifications().ListUnopened(stepped_before, after, batch_));
          listed = due.size();
          for (Escalation& e : due) {
            last_id = e.summons_id;
            MUSTER_ASSIGN_OR_RETURN(Summons summons, tx.summonses().GetById(e.summons_id));
            auto person = tx.persons().Get(summons.national_id);
            if (!person.ok() && !person.status().IsNotFound()) return person.status();
            MUSTER_ASSIGN_OR_RETURN(std::vector<Notification> failed,
                                    tx.notifications().List({.summons_number = e.summons_number,
                                                             .status = NotificationStatus::kPermanentFailure}));
            auto usable = [&](EscalationStep step) {
              std::optional<NotificationChannel> channel = ChannelOfStep(step);
              if (!channel || !person.ok() || person->status == PersonStatus::kDeceased) return false;
              if (AddressFor(*person, step).empty()) return false;
              return std::none_of(failed.begin(), failed.end(),
                                  [&](const Notification& n) { return n.channel == *channel; });
            };
            const std::string last = e.step.empty() ? std::string(EscalationStepName(rule.ladder.front())) : e.step;
            std::optional<EscalationStep> next = NextStep(rule.ladder, e.step, usable);
            e.stepped_at = now;
            if (next) {
              e.step = std::string(EscalationStepName(*next));
              MUSTER_RETURN_IF_ERROR(EmitEvent(tx, "summons.escalated", now, kEscalationActor, e.summons_number,
                                               nlohmann::json{{"step", e.step}}));
              ++batch.stepped;
            } else {
              e.step = last;
              e.unreachable_at = now;
              MUSTER_RETURN_IF_ERROR(EmitEvent(tx, "summons.unreachable", now, kEscalationActor, e.summons_number,
                                               nlohmann::json{{"last_step", last}}));
              ++batch.unreachable;
            }
            MUSTER_RETURN_IF_ERROR(tx.notifications().SetEscalation(e));
          }
          return Status::Ok();
        },
        WritePath::Kind::kBulk));
    counts.stepped += batch.stepped;
    counts.unreachable += batch.unreachable;
    after = last_id;
    if (listed < batch_) return counts;
  }
}

}  // namespace muster::notify

#include "summons/service.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "store/emit_event.hpp"

namespace muster {

using Writes = SummonsLifecycle::ExitBanWrites;

Result<Eligibility> SummonsService::CheckPerson(std::string_view national_id, std::string_view office,
                                                std::string_view kind, Timestamp appear_at, const Actor& actor) {
  const Policy& policy = life_.policy();
  if (!policy.IsCampaignKind(kind)) {
    return Status::InvalidArgument("kind", fmt::format("'{}' is not one of {}", kind, policy.CampaignKinds()));
  }
  Eligibility result;
  MUSTER_RETURN_IF_ERROR(life_.store().Read([&](Tx& tx) {
    auto person = tx.persons().Get(national_id);
    if (!actor.is_system() &&
        (person.status().IsNotFound() || (person.ok() && !actor.SeesPerson(person->national_id, person->district)))) {
      return actor.Absent("national_id", "such person");
    }
    MUSTER_RETURN_IF_ERROR(person.status());
    MUSTER_ASSIGN_OR_RETURN(Office o, tx.offices().Get(office.empty() ? person->district : office));
    MUSTER_ASSIGN_OR_RETURN(auto deferments, tx.deferments().List(national_id));
    result = CheckEligibility(*person, deferments, kind, LocalDate(appear_at, o.timezone), policy);
    return Status::Ok();
  }));
  return result;
}

Result<Summons> SummonsService::Issue(const IssueRequest& r, const Actor& actor) {
  Summons issued;
  MUSTER_RETURN_IF_ERROR(life_.Write([&](Tx& tx, Writes& changes) {
    MUSTER_ASSIGN_OR_RETURN(Eligibility e, life_.Assess(tx, r, actor));
    if (!e.eligible()) {
      return Status::FailedPrecondition(
                 fmt::format(
                     "{} is not eligible for {}: {}; an override needs a justification and a second person's approval",
                     r.national_id, r.kind, fmt::join(e.reasons, ", ")))
          .WithReasons(e.reasons);
    }
    MUSTER_ASSIGN_OR_RETURN(issued, life_.EnterNext(tx, r, actor.name(), "", "", changes));
    return Status::Ok();
  }));
  return issued;
}

Result<Summons> SummonsService::Get(std::string_view number, const Actor& actor) {
  Summons s;
  MUSTER_RETURN_IF_ERROR(life_.store().Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(s, life_.Scoped(tx, number, actor, /*act=*/false));
    return Status::Ok();
  }));
  return s;
}

Result<Summons> SummonsService::View(std::string_view number, const Actor& actor) {
  Summons s;
  MUSTER_RETURN_IF_ERROR(life_.Write([&](Tx& tx, Writes& changes) {
    MUSTER_ASSIGN_OR_RETURN(s, life_.Scoped(tx, number, actor, /*act=*/true));
    if (s.viewed_at) return Status::Ok();  // only the first opening counts
    Timestamp now = life_.clock().Now();
    if (s.state == SummonsState::kIssued) MUSTER_RETURN_IF_ERROR(life_.Deliver(tx, s, now, actor.name(), changes));
    s.viewed_at = now;
    if (s.state == SummonsState::kDelivered) s.state = SummonsState::kViewed;
    MUSTER_RETURN_IF_ERROR(tx.summonses().Update(s));
    return EmitEvent(tx, "summons.viewed", now, actor.name(), s.number, {{"viewed_at", FormatTimestamp(now)}});
  }));
  return s;
}

Result<Summons> SummonsService::Appear(std::string_view number, std::optional<Timestamp> at, const Actor& actor) {
  Timestamp now = life_.clock().Now();
  Timestamp when = at.value_or(now);
  Summons s;
  MUSTER_RETURN_IF_ERROR(life_.Write([&](Tx& tx, Writes& changes) {
    MUSTER_ASSIGN_OR_RETURN(s, life_.Scoped(tx, number, actor, /*act=*/true));
    if (when > now) return Status::InvalidArgument("at", fmt::format("{} is in the future", FormatTimestamp(when)));
    MUSTER_RETURN_IF_ERROR(CheckTransition(s.number, s.state, SummonsAction::kAppear));
    if (when < s.issued_at) {
      return Status::InvalidArgument("at", fmt::format("{} is before the summons was issued", FormatTimestamp(when)));
    }
    s.state = SummonsState::kAppeared;
    s.appeared_at = when;
    MUSTER_RETURN_IF_ERROR(tx.summonses().Update(s));
    MUSTER_RETURN_IF_ERROR(
        EmitEvent(tx, "summons.appeared", now, actor.name(), s.number, {{"appeared_at", FormatTimestamp(when)}}));
    return life_.LiftAll(tx, s, now, "appeared", actor.name(), changes);
  }));
  return s;
}

Result<Summons> SummonsService::Cancel(std::string_view number, std::string_view reason, const Actor& actor) {
  Summons s;
  MUSTER_RETURN_IF_ERROR(life_.Write([&](Tx& tx, Writes& changes) {
    MUSTER_ASSIGN_OR_RETURN(s, life_.Scoped(tx, number, actor, /*act=*/true));
    MUSTER_RETURN_IF_ERROR(CheckText("reason", reason, {.max_bytes = 1000, .multiline = true}));
    MUSTER_RETURN_IF_ERROR(CheckTransition(s.number, s.state, SummonsAction::kCancel));
    Timestamp now = life_.clock().Now();
    s.state = SummonsState::kCancelled;
    s.closed_at = now;
    s.close_reason = std::string(reason);
    MUSTER_RETURN_IF_ERROR(tx.summonses().Update(s));
    MUSTER_RETURN_IF_ERROR(
        EmitEvent(tx, "summons.cancelled", now, actor.name(), s.number, {{"reason", s.close_reason}}));
    return life_.LiftAll(tx, s, now, "summons cancelled", actor.name(), changes);
  }));
  return s;
}

}  // namespace muster

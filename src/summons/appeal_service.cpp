#include "summons/appeal_service.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "store/emit_event.hpp"

namespace muster {

using Writes = SummonsLifecycle::ExitBanWrites;

Result<std::vector<AppealService::Listed>> AppealService::List(AppealFilter filter, const Actor& actor) {
  if (!actor.is_system()) filter.offices = actor.offices();  // none for who has no office
  std::vector<Listed> out;
  MUSTER_RETURN_IF_ERROR(life_.store().ReadReplica([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(auto appeals, tx.appeals().List(filter));
    out.reserve(appeals.size());
    for (Appeal& a : appeals) {
      MUSTER_ASSIGN_OR_RETURN(Summons s, tx.summonses().GetById(a.summons_id));
      out.push_back({std::move(a), std::move(s)});
    }
    return Status::Ok();
  }));
  return out;
}

Result<Appeal> AppealService::File(std::string_view number, AppealReason reason, std::string_view text,
                                   const Actor& actor) {
  Appeal a;
  MUSTER_RETURN_IF_ERROR(life_.Write([&](Tx& tx, Writes&) {
    MUSTER_ASSIGN_OR_RETURN(Summons s, life_.Scoped(tx, number, actor, /*act=*/true));
    MUSTER_RETURN_IF_ERROR(CheckText("text", text, {.max_bytes = 5000, .multiline = true}));
    MUSTER_RETURN_IF_ERROR(CheckTransition(s.number, s.state, SummonsAction::kFileAppeal));
    MUSTER_ASSIGN_OR_RETURN(auto pending,
                            tx.appeals().List({.state = AppealState::kPending, .summons_id = s.id, .limit = 1}));
    if (!pending.empty()) {
      return Status::FailedPrecondition(
          fmt::format("summons {} already has appeal {} pending", s.number, pending.front().id));
    }
    a.summons_id = s.id;
    a.summons_number = s.number;
    a.reason = reason;
    a.text = std::string(text);
    a.filed_by = actor.name();
    a.filed_at = life_.clock().Now();
    MUSTER_ASSIGN_OR_RETURN(a.id, tx.appeals().Insert(a));
    return EmitEvent(tx, "appeal.filed", a.filed_at, actor.name(), s.number,
                     {{"appeal_id", a.id}, {"reason", std::string(AppealReasonName(reason))}});
  }));
  return a;
}

Result<Appeal> AppealService::Decide(AppealId appeal_id, bool grant, std::string_view reason, const Actor& actor) {
  Appeal a;
  MUSTER_RETURN_IF_ERROR(life_.Write([&](Tx& tx, Writes& changes) {
    auto found = tx.appeals().Get(appeal_id);
    if (!found.ok() && !found.status().IsNotFound()) return found.status();
    if (!found.ok() && !actor.is_system()) return actor.Absent("id", fmt::format("appeal {}", appeal_id));
    MUSTER_ASSIGN_OR_RETURN(a, std::move(found));
    MUSTER_ASSIGN_OR_RETURN(Summons s, tx.summonses().GetById(a.summons_id));
    if (!actor.ActsFor(s.office)) return actor.Absent("id", fmt::format("appeal {}", appeal_id));
    MUSTER_RETURN_IF_ERROR(CheckText("reason", reason, {.max_bytes = 2000, .multiline = true}));
    if (a.state != AppealState::kPending) {
      return Status::FailedPrecondition(fmt::format("appeal {} is already {}", a.id, AppealStateName(a.state)));
    }
    if (SameActor(s.issued_by, actor.name())) {
      return Status::PermissionDenied(
          fmt::format("{} issued summons {} and may not decide its appeal", actor.name(), s.number));
    }
    Timestamp now = life_.clock().Now();
    a.state = grant ? AppealState::kGranted : AppealState::kDenied;
    a.decided_by = actor.name();
    a.decided_at = now;
    a.decision_reason = std::string(reason);
    MUSTER_RETURN_IF_ERROR(tx.appeals().Update(a));
    MUSTER_RETURN_IF_ERROR(EmitEvent(tx, "appeal.decided", now, actor.name(), s.number,
                                     {{"appeal_id", a.id}, {"decision", std::string(AppealStateName(a.state))}}));
    if (!grant) return Status::Ok();
    MUSTER_RETURN_IF_ERROR(CheckTransition(s.number, s.state, SummonsAction::kExcuse));
    s.state = SummonsState::kExcused;
    s.closed_at = now;
    s.close_reason = std::string(reason);
    MUSTER_RETURN_IF_ERROR(tx.summonses().Update(s));
    MUSTER_RETURN_IF_ERROR(EmitEvent(tx, "summons.excused", now, actor.name(), s.number, {{"appeal_id", a.id}}));
    return life_.LiftAll(tx, s, now, "appeal granted", actor.name(), changes);
  }));
  return a;
}

}  // namespace muster

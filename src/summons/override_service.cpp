#include "summons/override_service.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "store/emit_event.hpp"

namespace muster {

using Writes = SummonsLifecycle::ExitBanWrites;

Result<OverrideRequest> OverrideService::Scoped(Tx& tx, OverrideId id, const Actor& actor, bool act) {
  auto o = tx.overrides().Get(id);
  if (actor.is_system()) return o;
  if (!o.ok() && !o.status().IsNotFound()) return o.status();
  if (!o.ok() || !(act ? actor.ActsFor(o->office) : actor.Sees(o->office))) {
    return actor.Absent("id", fmt::format("override request {}", id));
  }
  return o;
}

Result<OverrideRequest> OverrideService::Request(const IssueRequest& r, std::string_view justification,
                                                 const Actor& actor) {
  if (!actor.ActsFor(r.office)) return Status::PermissionDenied("office", "not one of your offices");
  MUSTER_RETURN_IF_ERROR(CheckText("justification", justification, {.max_bytes = 2000, .multiline = true}));
  OverrideRequest o;
  MUSTER_RETURN_IF_ERROR(life_.Write([&](Tx& tx, Writes&) {
    MUSTER_ASSIGN_OR_RETURN(Eligibility e, life_.Assess(tx, r, actor));
    if (e.eligible()) {
      return Status::FailedPrecondition(
          fmt::format("{} is eligible for {}: issue the summons without an override", r.national_id, r.kind));
    }
    o = OverrideRequest{OverrideId(),
                        r.national_id,
                        r.office,
                        r.kind,
                        r.appear_at,
                        r.place,
                        r.purpose,
                        e.reasons,
                        std::string(justification),
                        actor.name(),
                        life_.clock().Now()};
    MUSTER_ASSIGN_OR_RETURN(o.id, tx.overrides().Insert(o));
    return EmitEvent(tx, "override.requested", o.requested_at, actor.name(), o.national_id,
                     {{"override_id", o.id},
                      {"national_id", o.national_id},
                      {"office", o.office},
                      {"kind", o.kind},
                      {"reasons", o.reasons},
                      {"justification", o.justification}});
  }));
  return o;
}

Result<std::vector<OverrideRequest>> OverrideService::List(OverrideFilter filter, const Actor& actor) {
  if (!actor.is_system()) filter.offices = actor.offices();  // none for who has no office
  std::vector<OverrideRequest> list;
  MUSTER_RETURN_IF_ERROR(life_.store().ReadReplica([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(list, tx.overrides().List(filter));
    return Status::Ok();
  }));
  return list;
}

Result<OverrideRequest> OverrideService::Get(OverrideId id, const Actor& actor) {
  OverrideRequest o;
  MUSTER_RETURN_IF_ERROR(life_.store().Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(o, Scoped(tx, id, actor, /*act=*/false));
    return Status::Ok();
  }));
  return o;
}

Result<Summons> OverrideService::Approve(OverrideId id, const Actor& actor) {
  Summons issued;
  MUSTER_RETURN_IF_ERROR(life_.Write([&](Tx& tx, Writes& changes) {
    MUSTER_ASSIGN_OR_RETURN(OverrideRequest o, Scoped(tx, id, actor, /*act=*/true));
    if (o.state != OverrideState::kPending) {
      return Status::FailedPrecondition(fmt::format("override {} is already {}", o.id, OverrideStateName(o.state)));
    }
    if (SameActor(o.requested_by, actor.name())) {
      return Status::PermissionDenied(fmt::format(
          "override {} was requested by {}; a second person must approve it (four eyes)", o.id, actor.name()));
    }
    IssueRequest r{o.national_id, o.office, o.kind, o.appear_at, o.place, o.purpose};
    std::string reason = fmt::format("{} (overrides {})", o.justification, fmt::join(o.reasons, ", "));
    MUSTER_ASSIGN_OR_RETURN(issued, life_.EnterNext(tx, r, o.requested_by, reason, actor.name(), changes));
    o.state = OverrideState::kApproved;
    o.decided_by = actor.name();
    o.decided_at = life_.clock().Now();
    o.summons_id = issued.id;
    MUSTER_RETURN_IF_ERROR(tx.overrides().Update(o));
    return EmitEvent(tx, "override.approved", *o.decided_at, actor.name(), o.national_id,
                     {{"override_id", o.id}, {"national_id", o.national_id}, {"summons", issued.number}});
  }));
  return issued;
}

Result<OverrideRequest> OverrideService::Reject(OverrideId id, const Actor& actor) {
  OverrideRequest o;
  MUSTER_RETURN_IF_ERROR(life_.Write([&](Tx& tx, Writes&) {
    MUSTER_ASSIGN_OR_RETURN(o, Scoped(tx, id, actor, /*act=*/true));
    if (o.state != OverrideState::kPending) {
      return Status::FailedPrecondition(fmt::format("override {} is already {}", o.id, OverrideStateName(o.state)));
    }
    o.state = OverrideState::kRejected;
    o.decided_by = actor.name();
    o.decided_at = life_.clock().Now();
    MUSTER_RETURN_IF_ERROR(tx.overrides().Update(o));
    return EmitEvent(tx, "override.rejected", *o.decided_at, actor.name(), o.national_id,
                     {{"override_id", o.id}, {"national_id", o.national_id}});
  }));
  return o;
}

}  // namespace muster

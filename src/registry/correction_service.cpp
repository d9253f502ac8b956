#include "registry/correction_service.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "registry/correction.hpp"
#include "store/emit_event.hpp"

namespace muster::registry {
namespace {

// `value` checked for `field` today, a district also against the offices.
Result<std::string> CheckedValue(Tx& tx, std::string_view field, std::string_view value, Timestamp now) {
  MUSTER_ASSIGN_OR_RETURN(std::string checked, CheckCorrection(field, value, UtcDate(now)));
  if (field == "district") {
    auto office = tx.offices().Get(checked);
    if (office.status().IsNotFound()) {
      return Status::InvalidArgument("value", fmt::format("district '{}' is not the code of a known office", checked));
    }
    MUSTER_RETURN_IF_ERROR(office.status());
  }
  return checked;
}

nlohmann::json Payload(const CorrectionRequest& c) {
  return {{"correction_id", c.id}, {"national_id", c.national_id}, {"field", c.field}};
}

}  // namespace

Result<CorrectionRequest> CorrectionService::Request(std::string_view national_id, std::string_view field,
                                                     std::string_view value, std::string_view explanation,
                                                     const Actor& actor) {
  MUSTER_RETURN_IF_ERROR(
      CheckText("explanation", explanation, {.max_bytes = 2000, .required = false, .multiline = true}));
  MUSTER_RETURN_IF_ERROR(CheckText("value", value, {.max_bytes = 2000, .required = false}));
  CorrectionRequest c;
  MUSTER_RETURN_IF_ERROR(writes_.Write([&](Tx& tx) {
    Timestamp now = clock_.Now();
    auto found = tx.persons().Get(national_id);
    if (!actor.is_system() &&
        (found.status().IsNotFound() || (found.ok() && !actor.ActsOn(found->national_id, found->district)))) {
      return actor.Absent("national_id", "such person");
    }
    MUSTER_ASSIGN_OR_RETURN(Person person, std::move(found));
    MUSTER_ASSIGN_OR_RETURN(std::string checked, CheckedValue(tx, field, value, now));
    if (FieldValue(person, field) == checked) {
      return Status::InvalidArgument("value", fmt::format("{} is already '{}'", field, checked));
    }
    MUSTER_ASSIGN_OR_RETURN(auto pending,
                            tx.corrections().List({CorrectionState::kPending, person.national_id, {}, 1000}));
    for (const auto& p : pending) {
      if (p.field == field) {
        return Status::FailedPrecondition(
            "field", fmt::format("a correction of {} is already pending (request {})", field, p.id));
      }
    }
    c.national_id = person.national_id;
    c.district = person.district;
    c.field = std::string(field);
    c.proposed_value = std::move(checked);
    c.explanation = std::string(explanation);
    c.requested_by = actor.name();
    c.requested_at = now;
    MUSTER_ASSIGN_OR_RETURN(c.id, tx.corrections().Insert(c));
    return EmitEvent(tx, "person.correction_requested", now, actor.name(), c.national_id, Payload(c));
  }));
  return c;
}

Result<std::vector<CorrectionRequest>> CorrectionService::List(CorrectionFilter filter, const Actor& actor) {
  if (actor.role() == Role::kCitizen && !actor.is_system()) {
    filter.national_id = actor.national_id();
    filter.districts.clear();
  } else if (!actor.is_system()) {
    if (actor.offices().empty()) return std::vector<CorrectionRequest>{};  // empty districts would mean all
    filter.districts = actor.offices();
  }
  std::vector<CorrectionRequest> list;
  MUSTER_RETURN_IF_ERROR(writes_.store().ReadReplica([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(list, tx.corrections().List(filter));
    return Status::Ok();
  }));
  return list;
}

Result<CorrectionRequest> CorrectionService::Decide(int64_t id, bool approve, std::string_view reason,
                                                    const Actor& actor) {
  if (!approve && reason.empty()) return Status::InvalidArgument("reason", "is required to reject a request");
  MUSTER_RETURN_IF_ERROR(CheckText("reason", reason, {.max_bytes = 2000, .required = false, .multiline = true}));
  CorrectionRequest c;
  MUSTER_RETURN_IF_ERROR(writes_.Write([&](Tx& tx) {
    Timestamp now = clock_.Now();
    auto found = tx.corrections().Get(id);
    if (!actor.is_system() && (found.status().IsNotFound() || (found.ok() && !actor.ActsFor(found->district)))) {
      return actor.Absent("id", fmt::format("correction request {}", id));
    }
    MUSTER_ASSIGN_OR_RETURN(c, std::move(found));
    if (c.state != CorrectionState::kPending) {
      return Status::FailedPrecondition(
          fmt::format("correction request {} is already {}", c.id, CorrectionStateName(c.state)));
    }
    if (SameActor(c.requested_by, actor.name())) {
      return Status::PermissionDenied(
          fmt::format("{} asked for correction {} and may not decide it", actor.name(), c.id));
    }
    c.decided_by = actor.name();
    c.decided_at = now;
    c.decision_reason = std::string(reason);
    nlohmann::json payload = Payload(c);
    if (approve) {
      MUSTER_ASSIGN_OR_RETURN(Person person, tx.persons().Get(c.national_id));
      // Checked again: a birth date or a district may have become wrong since the request.
      MUSTER_ASSIGN_OR_RETURN(std::string value, CheckedValue(tx, c.field, c.proposed_value, now));
      c.previous_value = FieldValue(person, c.field);
      ApplyCorrection(person, c.field, value);
      MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(person).status());
      c.state = CorrectionState::kApproved;
    } else {
      c.state = CorrectionState::kRejected;
      payload["reason"] = c.decision_reason;
    }
    MUSTER_RETURN_IF_ERROR(tx.corrections().Update(c));
    return EmitEvent(tx, approve ? "person.corrected" : "person.correction_rejected", now, actor.name(), c.national_id,
                     payload);
  }));
  return c;
}

}  // namespace muster::registry

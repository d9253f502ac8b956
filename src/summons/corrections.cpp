// SummonsService: requests to correct a person's registry data and their decisions.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "registry/correction.hpp"
#include "summons/service.hpp"

namespace muster {
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

Result<CorrectionRequest> SummonsService::RequestCorrection(std::string_view national_id, std::string_view field,
                                                            std::string_view value, std::string_view explanation,
                                                            std::string_view actor) {
  MUSTER_RETURN_IF_ERROR(
      CheckText("explanation", explanation, {.max_bytes = 2000, .required = false, .multiline = true}));
  MUSTER_RETURN_IF_ERROR(CheckText("value", value, {.max_bytes = 2000, .required = false}));
  CorrectionRequest c;
  MUSTER_RETURN_IF_ERROR(Write([&](Tx& tx, ExitBanWrites&) {
    Timestamp now = clock_.Now();
    MUSTER_ASSIGN_OR_RETURN(Person person, tx.persons().Get(national_id));
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
    c.requested_by = std::string(actor);
    c.requested_at = now;
    MUSTER_ASSIGN_OR_RETURN(c.id, tx.corrections().Insert(c));
    return EmitEvent(tx, "person.correction_requested", now, actor, c.national_id, Payload(c));
  }));
  return c;
}

Result<CorrectionRequest> SummonsService::DecideCorrection(int64_t id, bool approve, std::string_view reason,
                                                           std::string_view actor) {
  if (!approve && reason.empty()) return Status::InvalidArgument("reason", "is required to reject a request");
  MUSTER_RETURN_IF_ERROR(CheckText("reason", reason, {.max_bytes = 2000, .required = false, .multiline = true}));
  CorrectionRequest c;
  MUSTER_RETURN_IF_ERROR(Write([&](Tx& tx, ExitBanWrites&) {
    Timestamp now = clock_.Now();
    MUSTER_ASSIGN_OR_RETURN(c, tx.corrections().Get(id));
    if (c.state != CorrectionState::kPending) {
      return Status::FailedPrecondition(
          fmt::format("correction request {} is already {}", c.id, CorrectionStateName(c.state)));
    }
    if (SameActor(c.requested_by, actor)) {
      return Status::PermissionDenied(fmt::format("{} asked for correction {} and may not decide it", actor, c.id));
    }
    c.decided_by = std::string(actor);
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
    return EmitEvent(tx, approve ? "person.corrected" : "person.correction_rejected", now, actor, c.national_id,
                     payload);
  }));
  return c;
}

}  // namespace muster

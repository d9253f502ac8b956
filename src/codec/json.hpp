// JSON forms of the domain types, shared by the CLI's --json output and the HTTP API.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "core/json_writer.hpp"
#include "core/notification.hpp"
#include "core/person.hpp"
#include "core/policy.hpp"
#include "core/summons.hpp"
#include "registry/correction.hpp"
#include "registry/person_import.hpp"
#include "summons/campaign.hpp"
#include "summons/eligibility.hpp"
#include "summons/report.hpp"

namespace muster {

nlohmann::json ToJson(const Office& office);
nlohmann::json ToJson(const Person& person);
nlohmann::json ToJson(const Deferment& deferment);
nlohmann::json ToJson(const ImportSummary& summary);
nlohmann::json ToJson(const Summons& summons);
// A summons as the cabinet and the office read it: also its `deadline` (summons/deadline.hpp)
// and `office_timezone`, the office's IANA zone, in which the appointment is meant.
nlohmann::json ToJson(const Summons& summons, const Policy& policy, std::string_view office_timezone);
nlohmann::json ToJson(const Appeal& appeal);
nlohmann::json ToJson(const Restriction& restriction);
nlohmann::json ToJson(const Campaign& campaign);
nlohmann::json ToJson(const CampaignPlan& plan);  // counts only, not the assignments
nlohmann::json ToJson(const OverrideRequest& request);
nlohmann::json ToJson(const Eligibility& eligibility);
nlohmann::json ToJson(const CorrectionRequest& request);
nlohmann::json ToJson(const Funnel& funnel);
nlohmann::json ToJson(const TimelineDay& day);
nlohmann::json ToJson(const DistrictRow& row);
// A message as officers and citizens read it: never its address or its placeholder values.
nlohmann::json ToJson(const Notification& notification);
// An unreachable summons (its escalation's last step and when none was left).
nlohmann::json ToJson(const Escalation& escalation);

// The same JSON as ToJson(summons).dump() and ToJson(summons, policy, office_timezone).dump(),
// byte for byte, through the appending writer: for the hot answers (the citizen's cabinet).
void WriteJson(JsonWriter& out, const Summons& summons);
void WriteJson(JsonWriter& out, const Summons& summons, const Policy& policy, std::string_view office_timezone);
// The payload (canonical JSON text) is written as the object it is.
nlohmann::json ToJson(const Event& event);

}  // namespace muster

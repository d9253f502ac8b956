// JSON forms of the domain types, shared by the CLI's --json output and the HTTP API.
#pragma once

#include <nlohmann/json.hpp>

#include "registry/person.hpp"
#include "registry/person_import.hpp"
#include "summons/campaign.hpp"
#include "summons/eligibility.hpp"
#include "summons/summons.hpp"

namespace muster {

nlohmann::json ToJson(const Office& office);
nlohmann::json ToJson(const Person& person);
nlohmann::json ToJson(const Deferment& deferment);
nlohmann::json ToJson(const ImportSummary& summary);
nlohmann::json ToJson(const Summons& summons);
nlohmann::json ToJson(const Appeal& appeal);
nlohmann::json ToJson(const Restriction& restriction);
nlohmann::json ToJson(const Campaign& campaign);
nlohmann::json ToJson(const CampaignPlan& plan);  // counts only, not the assignments
nlohmann::json ToJson(const OverrideRequest& request);
nlohmann::json ToJson(const Eligibility& eligibility);

}  // namespace muster

// JSON forms of the domain types, shared by the CLI's --json output and the HTTP API.
#pragma once

#include <nlohmann/json.hpp>

#include "registry/person.hpp"
#include "registry/person_import.hpp"

namespace muster {

nlohmann::json ToJson(const Office& office);
nlohmann::json ToJson(const Person& person);
nlohmann::json ToJson(const Deferment& deferment);
nlohmann::json ToJson(const ImportSummary& summary);

}  // namespace muster

// A citizen's request to correct their registry data: which field, the value they propose and
// why. An officer of the person's office approves it (the person is changed) or rejects it with
// a reason. The proposed value passes the same rules as the CSV import (registry/person_rules).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/correction.hpp"
#include "core/person.hpp"
#include "core/status.hpp"
#include "core/time.hpp"

namespace muster {

// The fields a citizen may ask to correct, as in the persons CSV: surname, given_name,
// patronymic, birth_date, sex, district, address, email, phone. (category and fitness are the
// office's findings, national_id the key: not corrected this way.)
std::string_view CorrectableFields();
bool IsCorrectableField(std::string_view field);

// Checks `value` for `field` with the import's rules and returns it normalised (a phone in E.164
// form). InvalidArgument "value: <field> ..." naming the rule broken, or "field: ..." for a field
// that cannot be corrected. The district is checked against the offices by the caller.
Result<std::string> CheckCorrection(std::string_view field, std::string_view value, CivilDate today);

// The person's current value of `field` (a correctable one).
std::string FieldValue(const Person& person, std::string_view field);
// Sets `field` of `person` to `value`, a value CheckCorrection accepted.
void ApplyCorrection(Person& person, std::string_view field, std::string_view value);

}  // namespace muster

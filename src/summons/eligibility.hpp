// Who may be called: a pure function of the person, their deferments, the campaign kind, the
// appearance date and the policy. It returns every reason a person may not be called, so that
// officers see all of them at once and overrides are recorded against each.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/person.hpp"
#include "core/policy.hpp"
#include "core/time.hpp"

namespace muster {

struct Eligibility {
  // Empty when eligible. Each is one of "age_below", "age_above", "fitness", "status",
  // "deferment:<kind>", in that order.
  std::vector<std::string> reasons;

  bool eligible() const { return reasons.empty(); }
};

// Completed years of age on `on`. A 29 February birthday falls on 28 February or 1 March in
// other years, as `rule` says.
int AgeOn(CivilDate birth, CivilDate on, LeapDayBirthday rule);

// The subset of a person that eligibility reads (campaign planning works on these).
struct EligibilityFacts {
  CivilDate birth_date;
  std::string_view fitness;
  PersonStatus status = PersonStatus::kActive;
};

// `kind` must be a campaign kind of the policy. `deferments` may hold any of the person's
// deferments; those that do not cover `on` or do not block are ignored.
Eligibility CheckEligibility(const EligibilityFacts& person, std::span<const Deferment> deferments,
                             std::string_view kind, CivilDate on, const Policy& policy);
Eligibility CheckEligibility(const Person& person, std::span<const Deferment> deferments, std::string_view kind,
                             CivilDate on, const Policy& policy);

}  // namespace muster

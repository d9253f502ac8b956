#include "summons/eligibility.hpp"

#include <algorithm>

namespace muster {

int AgeOn(CivilDate birth, CivilDate on, LeapDayBirthday rule) {
  using namespace std::chrono;
  int age = static_cast<int>(on.year()) - static_cast<int>(birth.year());
  // This year's birthday; 29 February moves in years without it.
  year_month_day birthday = on.year() / birth.month() / birth.day();
  if (!birthday.ok()) {
    birthday = rule == LeapDayBirthday::kFeb28 ? on.year() / February / 28 : on.year() / March / 1;
  }
  if (on < birthday) --age;
  return age;
}

Eligibility CheckEligibility(const EligibilityFacts& person, std::span<const Deferment> deferments,
                             std::string_view kind, CivilDate on, const Policy& policy) {
  Eligibility result;
  auto range = policy.age.find(kind);
  if (range != policy.age.end()) {
    int age = AgeOn(person.birth_date, on, policy.leap_day_birthday);
    if (age < range->second.min) result.reasons.emplace_back("age_below");
    if (age > range->second.max) result.reasons.emplace_back("age_above");
  }
  if (std::find(policy.fitness_eligible.begin(), policy.fitness_eligible.end(), person.fitness) ==
      policy.fitness_eligible.end()) {
    result.reasons.emplace_back("fitness");
  }
  if (person.status != PersonStatus::kActive) result.reasons.emplace_back("status");
  for (const Deferment& d : deferments) {
    if (!d.Covers(on)) continue;
    if (std::find(policy.blocking_deferments.begin(), policy.blocking_deferments.end(), d.kind) ==
        policy.blocking_deferments.end()) {
      continue;
    }
    std::string reason = "deferment:" + d.kind;
    if (std::find(result.reasons.begin(), result.reasons.end(), reason) == result.reasons.end()) {
      result.reasons.push_back(std::move(reason));
    }
  }
  return result;
}

Eligibility CheckEligibility(const Person& person, std::span<const Deferment> deferments, std::string_view kind,
                             CivilDate on, const Policy& policy) {
  return CheckEligibility(EligibilityFacts{person.birth_date, person.fitness, person.status}, deferments, kind, on,
                          policy);
}

}  // namespace muster

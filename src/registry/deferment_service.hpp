// Deferments: an officer records that a person may not be summoned for a reason the policy
// names (study, health, family) until a date, and ends one early. Scoped to the person's office
// (core/actor.hpp).
#pragma once

#include <string_view>

#include "core/actor.hpp"
#include "core/person.hpp"
#include "core/policy.hpp"
#include "core/time.hpp"
#include "store/write_path.hpp"

namespace muster::registry {

class DefermentService {
 public:
  DefermentService(WritePath& writes, const Policy& policy, const Clock& clock)
      : writes_(writes), policy_(policy), clock_(clock) {}

  Result<Deferment> Add(std::string_view national_id, std::string_view kind, CivilDate until, std::string_view basis,
                        const Actor& actor);
  Result<Deferment> End(DefermentId id, const Actor& actor);

 private:
  // Ok when the actor acts for the office of the person `national_id`; absent otherwise.
  Status CheckScope(Tx& tx, std::string_view national_id, const Actor& actor) const;
  WritePath& writes_;
  const Policy& policy_;
  const Clock& clock_;
};

}  // namespace muster::registry

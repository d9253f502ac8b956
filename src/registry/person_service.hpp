// Reading the registry as the acting principal may (core/actor.hpp): officers and supervisors see
// the persons registered with their own offices, a citizen their own record; anyone else's
// answers as absent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/actor.hpp"
#include "core/person.hpp"
#include "core/policy.hpp"
#include "store/store.hpp"

namespace muster::registry {

class PersonService {
 public:
  PersonService(Store& store, const Policy& policy) : store_(store), policy_(policy) {}

  // The person `national_id` (checked by the policy, about "national_id"). `from_replica`: read
  // from the replica when the store has one.
  Result<Person> Get(std::string_view national_id, const Actor& actor, bool from_replica = true);
  // The districts a listing covers: `district` when given (PermissionDenied, about "district",
  // unless the actor acts for it), else every office of the actor's.
  Result<std::vector<std::string>> Districts(const std::string* district, const Actor& actor) const;

 private:
  Store& store_;
  const Policy& policy_;
};

}  // namespace muster::registry

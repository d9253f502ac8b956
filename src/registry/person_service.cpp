#include "registry/person_service.hpp"

namespace muster::registry {

Result<Person> PersonService::Get(std::string_view national_id, const Actor& actor, bool from_replica) {
  MUSTER_RETURN_IF_ERROR(policy_.national_id.Validate(national_id).WithField("national_id"));
  Result<Person> person = Status::Internal("person not read");
  auto read = [&](Tx& tx) {
    person = tx.persons().Get(national_id);
    return person.ok() || person.status().IsNotFound() ? Status::Ok() : person.status();
  };
  MUSTER_RETURN_IF_ERROR(from_replica ? store_.ReadReplica(read) : store_.Read(read));
  if (actor.is_system()) return person;
  if (!person.ok() || !actor.ActsOn(person->national_id, person->district)) {
    return actor.Absent("national_id", "such person");
  }
  return person;
}

Result<std::vector<std::string>> PersonService::Districts(const std::string* district, const Actor& actor) const {
  if (district == nullptr) return actor.offices();
  if (!actor.ActsFor(*district)) return Status::PermissionDenied("district", "not one of your offices");
  return std::vector<std::string>{*district};
}

}  // namespace muster::registry

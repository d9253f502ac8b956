// Reading the registry as the acting principal may (core/actor.hpp): officers and supervisors see
// the persons registered with their own offices, a citizen their own record; anyone else's
// answers as absent.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor.hpp"
#include "core/person.hpp"
#include "core/policy.hpp"
#include "core/summons.hpp"
#include "store/store.hpp"

namespace muster::registry {

// A page of persons: at most the limit asked for, and whether more follow.
struct PersonList {
  std::vector<Person> items;
  bool more = false;
};

// A person's page: the record, their deferments, summonses (with the time zone of each
// summons's office), restrictions, and the last events about them and their summonses.
struct PersonPage {
  static constexpr size_t kHistoryLimit = 1000;

  Person person;
  std::vector<Deferment> deferments;
  std::vector<Summons> summonses;
  std::map<std::string, std::string> office_timezones;
  std::vector<Restriction> restrictions;
  std::vector<Event> history;    // oldest first, at most kHistoryLimit
  bool history_complete = true;  // false when older events exist
};

class PersonService {
 public:
  PersonService(Store& store, const Policy& policy) : store_(store), policy_(policy) {}

  // The person `national_id` (checked by the policy, about "national_id"). `from_replica`: read
  // from the replica when the store has one.
  Result<Person> Get(std::string_view national_id, const Actor& actor, bool from_replica = true);
  // The districts a listing covers: `district` when given (PermissionDenied, about "district",
  // unless the actor acts for it), else every office of the actor's.
  Result<std::vector<std::string>> Districts(const std::string* district, const Actor& actor) const;
  // The persons of the districts above by national ID, after `after` (exclusive; empty: from
  // the start), at most `limit`, read from the replica.
  Result<PersonList> List(const std::string* district, std::string_view after, size_t limit, const Actor& actor);
  // The persons of the districts above whose name matches `query` (InvalidArgument, about "q",
  // when it is empty or over 200 bytes), the first `limit` by name; `more` says the limit cut it.
  Result<PersonList> Search(std::string query, const std::string* district, size_t limit, const Actor& actor);
  // The page of the person `national_id`, absent as Get answers.
  Result<PersonPage> Page(std::string_view national_id, const Actor& actor);

 private:
  Store& store_;
  const Policy& policy_;
};

}  // namespace muster::registry

#include "registry/person_service.hpp"

#include <algorithm>

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

Result<PersonList> PersonService::List(const std::string* district, std::string_view after, size_t limit,
                                       const Actor& actor) {
  MUSTER_ASSIGN_OR_RETURN(auto districts, Districts(district, actor));
  // Each district's persons come sorted by national ID after the cursor; merging the first
  // `limit` of each gives the first `limit` overall.
  PersonList list;
  MUSTER_RETURN_IF_ERROR(store_.ReadReplica([&](Tx& tx) -> Status {
    for (const auto& d : districts) {
      PersonFilter filter;
      filter.district = d;
      filter.after_national_id = std::string(after);
      filter.limit = limit + 1;
      MUSTER_ASSIGN_OR_RETURN(auto part, tx.persons().List(filter));
      for (auto& p : part) list.items.push_back(std::move(p));
    }
    return Status::Ok();
  }));
  std::sort(list.items.begin(), list.items.end(),
            [](const Person& a, const Person& b) { return a.national_id < b.national_id; });
  list.more = list.items.size() > limit;
  if (list.more) list.items.resize(limit);
  return list;
}

Result<PersonList> PersonService::Search(std::string query, const std::string* district, size_t limit,
                                         const Actor& actor) {
  MUSTER_ASSIGN_OR_RETURN(auto districts, Districts(district, actor));
  if (query.size() > 200) return Status::InvalidArgument("q", "must be at most 200 bytes");
  if (query.find_first_not_of(" \t,") == std::string::npos) {
    return Status::InvalidArgument("q", "give a name to search for");
  }
  PersonList list;
  MUSTER_RETURN_IF_ERROR(store_.ReadReplica([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(list.items, tx.persons().Search({std::move(query), std::move(districts), limit}));
    return Status::Ok();
  }));
  list.more = list.items.size() == limit;
  return list;
}

Result<PersonPage> PersonService::Page(std::string_view national_id, const Actor& actor) {
  MUSTER_ASSIGN_OR_RETURN(Person person, Get(national_id, actor));
  PersonPage page;
  page.person = std::move(person);
  const std::string& id = page.person.national_id;
  MUSTER_RETURN_IF_ERROR(store_.ReadReplica([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(page.deferments, tx.deferments().List(id));
    MUSTER_ASSIGN_OR_RETURN(page.summonses, tx.summonses().ListOfPerson(id));
    // The history: events about the person (deferments) and about each of their summonses.
    std::vector<std::string> subjects = {id};
    for (const auto& s : page.summonses) {
      subjects.push_back(s.number);
      if (page.office_timezones.contains(s.office)) continue;
      MUSTER_ASSIGN_OR_RETURN(Office office, tx.offices().Get(s.office));
      page.office_timezones.emplace(s.office, office.timezone);
    }
    MUSTER_ASSIGN_OR_RETURN(page.restrictions, tx.restrictions().ListOfPerson(id));
    MUSTER_ASSIGN_OR_RETURN(page.history, tx.events().ListAbout(subjects, PersonPage::kHistoryLimit));
    return Status::Ok();
  }));
  page.history_complete = page.history.size() < PersonPage::kHistoryLimit;
  return page;
}

}  // namespace muster::registry

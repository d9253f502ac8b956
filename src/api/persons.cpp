// /api/v1/persons: the registry as officers and supervisors see it, scoped to their offices: the
// list (by national ID, or ?q= by name), the person's page (deferments, summonses, restrictions
// and history) and their eligibility for a summons before one is issued. A person outside the
// caller's offices answers exactly as an unknown one (404).
#include <fmt/format.h>

#include <algorithm>

#include "api/handlers.hpp"
#include "codec/json.hpp"

namespace muster::api {

namespace {

// GET /api/v1/persons?q=: persons of the caller's offices (or of ?district=) by name.
void SearchPersons(Call& call, std::string query, std::vector<std::string> districts, size_t limit) {
  if (query.size() > 200) return http::WriteProblem(call.response, 400, "q: must be at most 200 bytes", "q");
  if (query.find_first_not_of(" \t,") == std::string::npos) {
    return http::WriteProblem(call.response, 400, "q: give a name to search for", "q");
  }
  std::vector<Person> persons;
  Status st = call.services.store.ReadReplica([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(persons, tx.persons().Search({std::move(query), std::move(districts), limit}));
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& p : persons) items.push_back(ToJson(p));
  // A name search is not paged: at most `limit` matches, the first by name; a longer name narrows it.
  Reply(call, 200, {{"items", std::move(items)}, {"next_cursor", nullptr}, {"limited", persons.size() == limit}});
}

// The person of the {national_id} parameter if the caller may see them (PersonService).
Result<Person> ScopedPerson(Call& call) {
  return call.services.domain.persons().Get(call.params.Get("national_id"), call.who.Acting());
}

constexpr size_t kHistoryLimit = 1000;

}  // namespace

void ListPersons(Call& call) {
  bool has_district = false;
  std::string district = call.request.QueryParam("district", &has_district);
  Page page;
  if (!PageQuery(call, page)) return;
  auto scoped = call.services.domain.persons().Districts(has_district ? &district : nullptr, call.who.Acting());
  if (!scoped.ok()) return Fail(call, scoped.status());
  std::vector<std::string> districts = std::move(*scoped);
  bool has_query = false;
  std::string query = call.request.QueryParam("q", &has_query);
  if (has_query) return SearchPersons(call, std::move(query), std::move(districts), page.limit);
  // Each district's persons come sorted by national ID after the cursor; merging the first
  // `limit` of each gives the first `limit` overall.
  std::vector<Person> persons;
  Status st = call.services.store.ReadReplica([&](Tx& tx) -> Status {
    for (const auto& d : districts) {
      PersonFilter filter;
      filter.district = d;
      filter.after_national_id = page.after;
      filter.limit = page.limit + 1;
      MUSTER_ASSIGN_OR_RETURN(auto part, tx.persons().List(filter));
      for (auto& p : part) persons.push_back(std::move(p));
    }
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
  std::sort(persons.begin(), persons.end(),
            [](const Person& a, const Person& b) { return a.national_id < b.national_id; });
  bool more = persons.size() > page.limit;
  if (more) persons.resize(page.limit);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& p : persons) items.push_back(ToJson(p));
  nlohmann::json next = more ? nlohmann::json(persons.back().national_id) : nlohmann::json(nullptr);
  Reply(call, 200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

void GetPerson(Call& call) {
  auto person = ScopedPerson(call);
  if (!person.ok()) return Fail(call, person.status());
  const std::string& national_id = person->national_id;
  nlohmann::json j = ToJson(*person);
  nlohmann::json deferments = nlohmann::json::array();
  nlohmann::json summonses = nlohmann::json::array();
  nlohmann::json restrictions = nlohmann::json::array();
  nlohmann::json history = nlohmann::json::array();
  Status st = call.services.store.ReadReplica([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(auto ds, tx.deferments().List(national_id));
    for (const auto& d : ds) deferments.push_back(ToJson(d));
    MUSTER_ASSIGN_OR_RETURN(auto ss, tx.summonses().ListOfPerson(national_id));
    // The history: events about the person (deferments) and about each of their summonses.
    std::vector<std::string> subjects = {national_id};
    for (const auto& s : ss) {
      MUSTER_ASSIGN_OR_RETURN(nlohmann::json sj, SummonsJson(tx, call.services.policy, s));
      summonses.push_back(std::move(sj));
      subjects.push_back(s.number);
    }
    MUSTER_ASSIGN_OR_RETURN(auto rs, tx.restrictions().ListOfPerson(national_id));
    for (const auto& r : rs) restrictions.push_back(ToJson(r));
    MUSTER_ASSIGN_OR_RETURN(auto events, tx.events().ListAbout(subjects, kHistoryLimit));
    for (const auto& e : events) history.push_back(ToJson(e));
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
  j["deferments"] = std::move(deferments);
  j["summonses"] = std::move(summonses);
  j["restrictions"] = std::move(restrictions);
  // The last kHistoryLimit events, oldest first; `history_complete` is false when older ones exist.
  j["history_complete"] = history.size() < kHistoryLimit;
  j["history"] = std::move(history);
  Reply(call, 200, j);
}

void PersonEligibility(Call& call) {
  auto person = ScopedPerson(call);
  if (!person.ok()) return Fail(call, person.status());
  std::string kind = call.request.QueryParam("kind");
  if (kind.empty()) return http::WriteProblem(call.response, 400, "kind: is required", "kind");
  std::string appear_text = call.request.QueryParam("appear_at");
  if (appear_text.empty()) return http::WriteProblem(call.response, 400, "appear_at: is required", "appear_at");
  auto appear_at = ParseTimestamp(appear_text);
  if (!appear_at.ok()) {
    return http::WriteProblem(call.response, 400,
                              "appear_at: must be an RFC 3339 time such as 2027-01-15T09:00:00+03:00", "appear_at");
  }
  // On the day of the appointment at the person's own office, which is the one that summons them.
  auto e = call.services.domain.summons().CheckPerson(person->national_id, person->district, kind, *appear_at,
                                                      call.who.Acting());
  if (!e.ok()) return Fail(call, e.status());
  nlohmann::json j = ToJson(*e);
  j["national_id"] = person->national_id;
  j["office"] = person->district;
  j["kind"] = kind;
  j["appear_at"] = FormatTimestamp(*appear_at);
  Reply(call, 200, j);
}

}  // namespace muster::api

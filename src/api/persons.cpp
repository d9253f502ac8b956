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

// The person of the {national_id} parameter if the caller may see them (PersonService).
Result<Person> ScopedPerson(Call& call) {
  return call.services.domain.persons().Get(call.params.Get("national_id"), call.who.Acting());
}

}  // namespace

void ListPersons(Call& call) {
  bool has_district = false;
  std::string district = call.request.QueryParam("district", &has_district);
  Page page;
  if (!PageQuery(call, page)) return;
  const std::string* scope = has_district ? &district : nullptr;
  bool has_query = false;
  std::string query = call.request.QueryParam("q", &has_query);
  auto& persons = call.services.domain.persons();
  auto list = has_query ? persons.Search(std::move(query), scope, page.limit, call.who.Acting())
                        : persons.List(scope, page.after, page.limit, call.who.Acting());
  if (!list.ok()) return Fail(call, list.status());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& p : list->items) items.push_back(ToJson(p));
  if (has_query) {
    // A name search is not paged: at most `limit` matches, the first by name; a longer name narrows it.
    return Reply(call, 200, {{"items", std::move(items)}, {"next_cursor", nullptr}, {"limited", list->more}});
  }
  nlohmann::json next = list->more ? nlohmann::json(list->items.back().national_id) : nlohmann::json(nullptr);
  Reply(call, 200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

void GetPerson(Call& call) {
  auto page = call.services.domain.persons().Page(call.params.Get("national_id"), call.who.Acting());
  if (!page.ok()) return Fail(call, page.status());
  nlohmann::json j = ToJson(page->person);
  nlohmann::json deferments = nlohmann::json::array();
  for (const auto& d : page->deferments) deferments.push_back(ToJson(d));
  nlohmann::json summonses = nlohmann::json::array();
  for (const auto& s : page->summonses) {
    summonses.push_back(ToJson(s, call.services.policy, page->office_timezones.at(s.office)));
  }
  nlohmann::json restrictions = nlohmann::json::array();
  for (const auto& r : page->restrictions) restrictions.push_back(ToJson(r));
  nlohmann::json history = nlohmann::json::array();
  for (const auto& e : page->history) history.push_back(ToJson(e));
  j["deferments"] = std::move(deferments);
  j["summonses"] = std::move(summonses);
  j["restrictions"] = std::move(restrictions);
  // The last PersonPage::kHistoryLimit events, oldest first; `history_complete` is false when older ones exist.
  j["history_complete"] = page->history_complete;
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

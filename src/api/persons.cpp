// /api/v1/persons: the registry as officers and supervisors see it, scoped to their offices.
// A person outside the caller's offices answers exactly as an unknown one (404).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "api/handlers.hpp"
#include "codec/json.hpp"

namespace muster::api {

void ListPersons(Call& call) {
  bool has_district = false;
  std::string district = call.request.QueryParam("district", &has_district);
  std::string after = call.request.QueryParam("after");
  std::string limit_text = call.request.QueryParam("limit");
  int64_t limit = 50;
  if (!limit_text.empty()) {
    auto [end, ec] = std::from_chars(limit_text.data(), limit_text.data() + limit_text.size(), limit);
    if (ec != std::errc() || end != limit_text.data() + limit_text.size() || limit < 1 || limit > 1000) {
      return http::WriteProblem(call.response, 400, "limit: must be an integer from 1 to 1000", "limit");
    }
  }
  std::vector<std::string> districts;
  if (has_district) {
    if (!auth::InScope(call.who, district)) {
      return http::WriteProblem(call.response, 403, "district: not one of your offices", "district");
    }
    districts.push_back(district);
  } else {
    districts = call.who.offices;
  }
  // Each district's persons come sorted by national ID after the cursor; merging the first
  // `limit` of each gives the first `limit` overall.
  std::vector<Person> persons;
  Status st = call.services.store.Read([&](Tx& tx) -> Status {
    for (const auto& d : districts) {
      PersonFilter filter;
      filter.district = d;
      filter.after_national_id = after;
      filter.limit = static_cast<size_t>(limit) + 1;
      MUSTER_ASSIGN_OR_RETURN(auto part, tx.ListPersons(filter));
      for (auto& p : part) persons.push_back(std::move(p));
    }
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
  std::sort(persons.begin(), persons.end(),
            [](const Person& a, const Person& b) { return a.national_id < b.national_id; });
  bool more = persons.size() > static_cast<size_t>(limit);
  if (more) persons.resize(static_cast<size_t>(limit));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& p : persons) items.push_back(ToJson(p));
  nlohmann::json next = more ? nlohmann::json(persons.back().national_id) : nlohmann::json(nullptr);
  Reply(call, 200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

void GetPerson(Call& call) {
  std::string_view national_id = call.params.Get("national_id");
  Status valid = call.services.policy.national_id.Validate(national_id);
  if (!valid.ok()) return Fail(call, valid, "national_id");
  Person person;
  std::vector<Deferment> deferments;
  Status st = call.services.store.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(person, tx.GetPerson(national_id));
    MUSTER_ASSIGN_OR_RETURN(deferments, tx.ListDeferments(national_id));
    return Status::Ok();
  });
  if (st.IsNotFound() || (st.ok() && !auth::InScope(call.who, person.district))) {
    return Fail(call, Status::NotFound("national_id: no such person in your offices"));
  }
  if (!st.ok()) return Fail(call, st);
  nlohmann::json j = ToJson(person);
  nlohmann::json d = nlohmann::json::array();
  for (const auto& x : deferments) d.push_back(ToJson(x));
  j["deferments"] = std::move(d);
  Reply(call, 200, j);
}

}  // namespace muster::api

// /api/v1/appeals: the queue of appeals on summonses of the caller's offices, and decisions.
// The rule that the issuer may not decide, and the scope, live in AppealService.
#include <fmt/format.h>

#include "api/handlers.hpp"
#include "codec/json.hpp"

namespace muster::api {

void ListAppeals(Call& call) {
  std::optional<AppealState> state = AppealState::kPending;
  if (!StateQuery(call, state, ParseAppealState, "pending, granted, denied")) return;
  Page page;
  AppealFilter filter{.state = state};
  if (!IdPageQuery(call, page, filter.after_id)) return;
  filter.limit = page.limit + 1;
  auto found = call.services.domain.appeals().List(filter, call.who.Acting());
  if (!found.ok()) return Fail(call, found.status());
  std::vector<AppealService::Listed>& appeals = *found;
  nlohmann::json next = NextCursor(appeals, page.limit, [](const AppealService::Listed& l) { return l.appeal.id; });
  nlohmann::json items = nlohmann::json::array();
  for (const auto& [a, s] : appeals) {
    nlohmann::json j = ToJson(a);
    j["office"] = s.office;
    j["issued_by"] = s.issued_by;
    items.push_back(std::move(j));
  }
  Reply(call, 200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

void DecideAppeal(Call& call) {
  int64_t id;
  if (!IdParam(call, "id", id)) return;
  auto body = Body::Parse(call);
  if (!body) return;
  bool grant = false;
  std::string reason;
  if (!body->Bool("grant", grant) || !body->String("reason", reason, true, 2000)) return;
  auto decided = call.services.domain.appeals().Decide(AppealId(id), grant, reason, call.who.Acting());
  if (!decided.ok()) return Fail(call, decided.status());
  Reply(call, 200, ToJson(*decided));
}

}  // namespace muster::api

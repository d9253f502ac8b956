// Requests to correct a person's registry data: /api/v1/me/corrections for the citizen (file,
// list their own), /api/v1/corrections for officers and supervisors (the queue of their offices'
// persons, and decisions). The rules and the scope live in registry::CorrectionService.
#include <fmt/format.h>

#include "api/handlers.hpp"
#include "codec/json.hpp"

namespace muster::api {

namespace {

// The page of correction requests that `filter` selects after ?after=, ?limit= long.
void ReplyCorrections(Call& call, CorrectionFilter filter) {
  Page page;
  if (!IdPageQuery(call, page, filter.after_id)) return;
  filter.limit = page.limit + 1;
  // The service narrows it to what the caller may see: their own, or their offices' persons'.
  auto found = call.services.domain.corrections().List(filter, call.who.Acting());
  if (!found.ok()) return Fail(call, found.status());
  std::vector<CorrectionRequest>& list = *found;
  nlohmann::json next = NextCursor(list, page.limit);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& c : list) items.push_back(ToJson(c));
  Reply(call, 200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

}  // namespace

void MyCorrections(Call& call) { ReplyCorrections(call, {}); }

void RequestMyCorrection(Call& call) {
  auto body = Body::Parse(call);
  if (!body) return;
  std::string field, value, explanation;
  if (!body->String("field", field, true, 64) || !body->String("value", value, true, 2000) ||
      !body->String("explanation", explanation, false, 2000)) {
    return;
  }
  auto c =
      call.services.domain.corrections().Request(call.who.national_id, field, value, explanation, call.who.Acting());
  if (!c.ok()) return Fail(call, c.status());
  call.response.SetHeader("Location", "/api/v1/me/corrections");
  Reply(call, 201, ToJson(*c));
}

void ListCorrections(Call& call) {
  std::optional<CorrectionState> state = CorrectionState::kPending;
  if (!StateQuery(call, state, ParseCorrectionState, "pending, approved, rejected")) return;
  ReplyCorrections(call, {.state = state});
}

void DecideCorrection(Call& call) {
  int64_t id;
  if (!IdParam(call, "id", id)) return;
  auto body = Body::Parse(call);
  if (!body) return;
  bool approve = false;
  std::string reason;
  if (!body->Bool("approve", approve) || !body->String("reason", reason, false, 2000)) return;
  auto decided = call.services.domain.corrections().Decide(id, approve, reason, call.who.Acting());
  if (!decided.ok()) return Fail(call, decided.status());
  Reply(call, 200, ToJson(*decided));
}

}  // namespace muster::api

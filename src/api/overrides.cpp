// /api/v1/overrides: summoning a person the eligibility check excludes, with four eyes. An officer
// or supervisor requests it with a justification; a supervisor of the office, never the
// requester, approves it (which issues the summons) or rejects it. The four-eyes rule lives in
// OverrideService, and so does the scope.
#include <fmt/format.h>

#include "api/handlers.hpp"
#include "codec/json.hpp"

namespace muster::api {
namespace {

// The override of the {id} parameter if the caller may see it; writes the problem otherwise.
std::optional<OverrideRequest> ScopedOverride(Call& call) {
  int64_t id;
  if (!IdParam(call, "id", id)) return std::nullopt;
  auto o = call.services.domain.overrides().Get(OverrideId(id), call.who.Acting());
  if (!o.ok()) {
    Fail(call, o.status());
    return std::nullopt;
  }
  return *o;
}

}  // namespace

void RequestOverride(Call& call) {
  auto body = Body::Parse(call);
  if (!body) return;
  IssueRequest r;
  std::string justification;
  if (!body->String("national_id", r.national_id, true, 64) || !body->String("office", r.office, true, 32) ||
      !body->String("kind", r.kind, true, 64) || !body->Time("appear_at", r.appear_at) ||
      !body->String("place", r.place, true, 500) || !body->String("purpose", r.purpose, true, 500) ||
      !body->String("justification", justification, true, 2000)) {
    return;
  }
  auto o = call.services.domain.overrides().Request(r, justification, call.who.Acting());
  if (!o.ok()) return Fail(call, o.status());
  call.response.SetHeader("Location", fmt::format("/api/v1/overrides/{}", o->id));
  Reply(call, 201, ToJson(*o));
}

void ListOverrides(Call& call) {
  OverrideFilter filter;
  filter.state = OverrideState::kPending;
  if (!StateQuery(call, filter.state, ParseOverrideState, "pending, approved, rejected")) return;
  Page page;
  if (!IdPageQuery(call, page, filter.after_id)) return;
  filter.limit = page.limit + 1;
  auto found = call.services.domain.overrides().List(filter, call.who.Acting());
  if (!found.ok()) return Fail(call, found.status());
  std::vector<OverrideRequest>& list = *found;
  nlohmann::json next = NextCursor(list, page.limit);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& o : list) items.push_back(ToJson(o));
  Reply(call, 200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

void ApproveOverride(Call& call) {
  auto o = ScopedOverride(call);
  if (!o) return;
  auto issued = call.services.domain.overrides().Approve(o->id, call.who.Acting());
  if (!issued.ok()) return Fail(call, issued.status());
  auto summons = SummonsJson(call, *issued);
  if (!summons.ok()) return Fail(call, summons.status());
  Status st = call.services.store.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(*o, tx.overrides().Get(o->id));
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
  call.response.SetHeader("Location", fmt::format("/api/v1/summonses/{}", issued->number));
  Reply(call, 201, {{"override", ToJson(*o)}, {"summons", std::move(*summons)}});
}

void RejectOverride(Call& call) {
  auto o = ScopedOverride(call);
  if (!o) return;
  auto rejected = call.services.domain.overrides().Reject(o->id, call.who.Acting());
  if (!rejected.ok()) return Fail(call, rejected.status());
  Reply(call, 200, ToJson(*rejected));
}

}  // namespace muster::api

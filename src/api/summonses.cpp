// /api/v1/summonses: issue one, read one, record an appearance, cancel. The services scope them
// to the caller's offices (a summons of another office answers as absent).
#include <fmt/format.h>

#include "api/handlers.hpp"
#include "codec/json.hpp"

namespace muster::api {
namespace {

void FailIssue(Call& call, const Status& failed) {
  // Not eligible: name the national ID and list every reason, as the eligibility route does.
  if (failed.code() == StatusCode::kFailedPrecondition && !failed.reasons().empty()) {
    return http::WriteProblem(call.response, 409, failed.message(), "national_id", {{"reasons", failed.reasons()}});
  }
  Fail(call, failed);
}

}  // namespace

Result<nlohmann::json> SummonsJson(Tx& tx, const Policy& policy, const Summons& s) {
  MUSTER_ASSIGN_OR_RETURN(Office office, tx.offices().Get(s.office));
  return ToJson(s, policy, office.timezone);
}

Result<nlohmann::json> SummonsJson(Call& call, const Summons& s) {
  nlohmann::json j;
  MUSTER_RETURN_IF_ERROR(call.services.store.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(j, SummonsJson(tx, call.services.policy, s));
    return Status::Ok();
  }));
  return j;
}

void ReplySummons(Call& call, int status, const Summons& s) {
  auto j = SummonsJson(call, s);
  if (!j.ok()) return Fail(call, j.status());
  Reply(call, status, *j);
}

void IssueSummons(Call& call) {
  auto body = Body::Parse(call);
  if (!body) return;
  IssueRequest r;
  if (!body->String("national_id", r.national_id, true, 64) || !body->String("office", r.office, true, 32) ||
      !body->String("kind", r.kind, true, 64) || !body->Time("appear_at", r.appear_at) ||
      !body->String("place", r.place, true, 500) || !body->String("purpose", r.purpose, true, 500)) {
    return;
  }
  auto s = call.services.domain.summons().Issue(r, call.who.Acting());
  if (!s.ok()) return FailIssue(call, s.status());
  call.response.SetHeader("Location", fmt::format("/api/v1/summonses/{}", s->number));
  ReplySummons(call, 201, *s);
}

// The summons of the {number} parameter, as the caller may see it: read before the body, so that
// a summons out of reach answers 404 whatever the body.
Result<Summons> ScopedSummons(Call& call) {
  return call.services.domain.summons().Get(call.params.Get("number"), call.who.Acting());
}

void GetSummons(Call& call) {
  auto s = ScopedSummons(call);
  if (!s.ok()) return Fail(call, s.status());
  ReplySummons(call, 200, *s);
}

void RecordAppearance(Call& call) {
  auto s = ScopedSummons(call);
  if (!s.ok()) return Fail(call, s.status());
  std::optional<Timestamp> at;
  if (!call.request.body.empty()) {
    auto body = Body::Parse(call);
    if (!body || !body->OptionalTime("at", at)) return;
  }
  auto done = call.services.domain.summons().Appear(s->number, at, call.who.Acting());
  if (!done.ok()) return Fail(call, done.status());
  ReplySummons(call, 200, *done);
}

void CancelSummons(Call& call) {
  auto s = ScopedSummons(call);
  if (!s.ok()) return Fail(call, s.status());
  auto body = Body::Parse(call);
  if (!body) return;
  std::string reason;
  if (!body->String("reason", reason, true, 2000)) return;
  auto done = call.services.domain.summons().Cancel(s->number, reason, call.who.Acting());
  if (!done.ok()) return Fail(call, done.status());
  ReplySummons(call, 200, *done);
}

}  // namespace muster::api

// GET /api/v1/exit-check/{national_id}: the border's question, on the hot path, and
// GET /api/v1/restriction-check/{kind}/{national_id}: an agency's question about a kind of
// restriction its key names (the exit check is the kind exit_ban). The answer comes from the
// service's in-memory index (no SQL) and is written by hand, without a JSON library:
//
//   {"decision":"allow","reference":"X1A225C2D1DB6C4"}
//
// It never says why, nor anything else about the person.
#include <algorithm>

#include "api/handlers.hpp"
#include "api/metrics.hpp"

namespace muster::api {
namespace {

void Answer(Call& call, const ExitCheckAnswer& answer) {
  std::string& out = call.response.body;
  out.append(R"({"decision":")");
  out.append(answer.allow ? "allow" : "deny");
  out.append(R"(","reference":")");
  out.append(answer.reference());  // [A-Za-z0-9-] only
  out.append("\"}");
}

}  // namespace

void ExitCheck(Call& call) {
  auto answer = call.services.domain.exit_checks().ExitCheck(call.params.Get("national_id"), call.who.Actor());
  if (!answer.ok()) return Fail(call, answer.status(), "national_id");
  call.services.metrics.ExitCheck(answer->allow);
  Answer(call, *answer);
}

void RestrictionCheck(Call& call) {
  std::string_view kind = call.params.Get("kind");
  const auto& allowed = call.who.kinds;
  if (std::find(allowed.begin(), allowed.end(), kind) == allowed.end()) {
    return Fail(call, Status::PermissionDenied("kind", "this key may not ask about this kind of restriction"));
  }
  auto answer =
      call.services.domain.exit_checks().RestrictionCheck(kind, call.params.Get("national_id"), call.who.Actor());
  if (!answer.ok()) return Fail(call, answer.status(), "national_id");
  Answer(call, *answer);
}

}  // namespace muster::api

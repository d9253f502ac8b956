// GET /api/v1/exit-check/{national_id}: the border's question, on the hot path. The answer
// comes from the service's in-memory index (no SQL) and is written by hand, without a JSON
// library:
//
//   {"decision":"allow","reference":"X1A225C2D1DB6C4"}
//
// It never says why, nor anything else about the person.
#include "api/handlers.hpp"
#include "api/metrics.hpp"

namespace muster::api {

void ExitCheck(Call& call) {
  auto answer = call.services.domain.exit_checks().ExitCheck(call.params.Get("national_id"), call.who.Actor());
  if (!answer.ok()) return Fail(call, answer.status(), "national_id");
  call.services.metrics.ExitCheck(answer->allow);
  std::string& out = call.response.body;
  out.append(R"({"decision":")");
  out.append(answer->allow ? "allow" : "deny");
  out.append(R"(","reference":")");
  out.append(answer->reference());  // [A-Za-z0-9-] only
  out.append("\"}");
}

}  // namespace muster::api

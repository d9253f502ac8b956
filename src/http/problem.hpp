// RFC 9457 problem details: every error the API answers is an application/problem+json body
//
//   {"type": "about:blank", "title": "Bad Request", "status": 400,
//    "detail": "national_id: does not match ^[0-9]{11}$", "field": "national_id"}
//
// `field` (an extension member) names the request field at fault when there is one; `title` is
// the status's reason phrase, as RFC 9457 asks for "about:blank".
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "core/status.hpp"
#include "http/message.hpp"

namespace muster::http {

std::string_view ReasonPhrase(int status);

// Replaces `response` with a problem. `field` may be empty.
void WriteProblem(Response& response, int status, std::string_view detail, std::string_view field = {});
// The same with more extension members: the members of the object `extra`, e.g.
// {"reasons": ["age_above", "deferment:study"]} when a person may not be summoned.
void WriteProblem(Response& response, int status, std::string_view detail, std::string_view field,
                  const nlohmann::json& extra);

// The HTTP status that answers `status`: 400 invalid, 404 not found, 409 exists or forbidden
// transition, 403 permission, 503 a storage or system failure (I/O, a full disk, a database
// that does not answer, corrupt data), 500 otherwise (a bug).
int HttpStatusFor(const Status& status);

// A problem for a failed Status. Without an explicit `field`, a message of the form
// "field_name: ..." names its field; a field name starts with a letter, so a message that starts
// with a value ("11223344595: ...", "26-00000001-5: ...") names none. A 5xx problem says only
// that the service is unavailable (503) or failed (500): the cause is for the server's log.
void WriteStatusProblem(Response& response, const Status& status, std::string_view field = {});

}  // namespace muster::http

#include "http/problem.hpp"

#include <nlohmann/json.hpp>

namespace muster::http {

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

void WriteProblem(Response& response, int status, std::string_view detail, std::string_view field) {
  WriteProblem(response, status, detail, field, nlohmann::json::object());
}

void WriteProblem(Response& response, int status, std::string_view detail, std::string_view field,
                  const nlohmann::json& extra) {
  nlohmann::json j = {{"type", "about:blank"}, {"title", ReasonPhrase(status)}, {"status", status}, {"detail", detail}};
  if (!field.empty()) j["field"] = field;
  for (const auto& [name, value] : extra.items()) {
    if (!j.contains(name)) j[name] = value;
  }
  response.status = status;
  response.content_type.assign("application/problem+json");
  // Replace (not dump into) the body: the handler may have written part of an answer.
  response.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kIoError: return 503;
    case StatusCode::kCorruption: return 503;
    default: return 500;
  }
}

void WriteStatusProblem(Response& response, const Status& status, std::string_view field) {
  int code = HttpStatusFor(status);
  if (code == 503) {
    WriteProblem(response, 503, "the service is unavailable at the moment; try again later");
    return;
  }
  if (code == 500) {
    WriteProblem(response, 500, "the server could not complete the request");
    return;
  }
  // The field the caller names, or the one the status carries (Status::field()).
  std::string_view named = field.empty() ? std::string_view(status.field()) : field;
  if (status.reasons().empty()) return WriteProblem(response, code, status.message(), named);
  WriteProblem(response, code, status.message(), named, {{"reasons", status.reasons()}});
}

}  // namespace muster::http

#include "api/call.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cstdio>

namespace muster::api {

void Reply(Call& call, int status, const nlohmann::json& body) {
  call.response.status = status;
  call.response.content_type.assign("application/json");
  call.response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Fail(Call& call, const Status& status, std::string_view field) {
  if (http::HttpStatusFor(status) >= 500) LogServerError(call.request.method, call.route, status);
  http::WriteStatusProblem(call.response, status, field);
}

void LogServerError(http::Method method, std::string_view route, const Status& status) {
  // One write, so that lines from several threads do not interleave.
  std::string line =
      fmt::format("muster serve: error: {} {}: {}\n", http::MethodName(method), route, MaskDigits(status.ToString()));
  std::fwrite(line.data(), 1, line.size(), stderr);
}

std::string MaskDigits(std::string_view text) {
  std::string out(text);
  size_t i = 0;
  while (i < out.size()) {
    if (!std::isdigit(static_cast<unsigned char>(out[i]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < out.size() && std::isdigit(static_cast<unsigned char>(out[j]))) ++j;
    if (j - i >= 6) {
      for (size_t k = i; k + 2 < j; ++k) out[k] = '*';
    }
    i = j;
  }
  return out;
}

std::optional<Body> Body::Parse(Call& call) {
  std::string_view type = call.request.Header("content-type");
  std::string_view media = type.substr(0, type.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (!http::EqualsIgnoreCase(media, "application/json")) {
    http::WriteProblem(call.response, 415, "the request body must be application/json", "Content-Type");
    return std::nullopt;
  }
  nlohmann::json json = nlohmann::json::parse(call.request.body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    http::WriteProblem(call.response, 400, "the request body is not valid JSON", "body");
    return std::nullopt;
  }
  if (!json.is_object()) {
    http::WriteProblem(call.response, 400, "the request body must be a JSON object", "body");
    return std::nullopt;
  }
  return Body(call, std::move(json));
}

const nlohmann::json* Body::Get(std::string_view field, bool required, bool& ok) {
  ok = true;
  auto it = json_.find(field);
  if (it == json_.end() || it->is_null()) {
    if (required) {
      http::WriteProblem(call_->response, 400, fmt::format("{}: is required", field), field);
      ok = false;
    }
    return nullptr;
  }
  return &*it;
}

bool Body::Wrong(std::string_view field, std::string_view expected) {
  http::WriteProblem(call_->response, 400, fmt::format("{}: must be {}", field, expected), field);
  return false;
}

bool Body::String(std::string_view field, std::string& out, bool required, size_t max_bytes) {
  bool ok;
  const nlohmann::json* v = Get(field, required, ok);
  if (!v) return ok;
  if (!v->is_string()) return Wrong(field, "a string");
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_bytes) return Wrong(field, fmt::format("at most {} bytes", max_bytes));
  out = s;
  return true;
}

bool Body::Int(std::string_view field, int64_t& out, bool required) {
  bool ok;
  const nlohmann::json* v = Get(field, required, ok);
  if (!v) return ok;
  if (!v->is_number_integer()) return Wrong(field, "an integer");
  out = v->get<int64_t>();
  return true;
}

bool Body::Bool(std::string_view field, bool& out, bool required) {
  bool ok;
  const nlohmann::json* v = Get(field, required, ok);
  if (!v) return ok;
  if (!v->is_boolean()) return Wrong(field, "true or false");
  out = v->get<bool>();
  return true;
}

bool Body::StringList(std::string_view field, std::vector<std::string>& out, bool required) {
  bool ok;
  const nlohmann::json* v = Get(field, required, ok);
  if (!v) return ok;
  if (!v->is_array() || v->size() > 1000) return Wrong(field, "an array of at most 1000 strings");
  out.clear();
  for (const auto& item : *v) {
    if (!item.is_string()) return Wrong(field, "an array of strings");
    out.push_back(item.get<std::string>());
  }
  return true;
}

bool Body::Time(std::string_view field, Timestamp& out, bool required) {
  std::string text;
  if (!String(field, text, required, 64)) return false;
  if (text.empty() && !required) return true;
  auto t = ParseTimestamp(text);
  if (!t.ok()) return Wrong(field, "an RFC 3339 time such as 2027-01-15T09:00:00+03:00");
  out = *t;
  return true;
}

bool Body::OptionalTime(std::string_view field, std::optional<Timestamp>& out) {
  Timestamp t;
  bool ok;
  if (!Get(field, false, ok)) return true;
  if (!Time(field, t, true)) return false;
  out = t;
  return true;
}

bool Body::Date(std::string_view field, CivilDate& out, bool required) {
  std::string text;
  if (!String(field, text, required, 32)) return false;
  if (text.empty() && !required) return true;
  auto d = ParseCivilDate(text);
  if (!d.ok()) return Wrong(field, "a date YYYY-MM-DD");
  out = *d;
  return true;
}

bool IdParam(Call& call, std::string_view name, int64_t& out) {
  std::string_view text = call.params.Get(name);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end != text.data() + text.size() || out <= 0) {
    http::WriteProblem(call.response, 400, fmt::format("{}: must be a positive integer", name), name);
    return false;
  }
  return true;
}

bool UintQuery(Call& call, std::string_view name, uint64_t& out, bool required, bool* present) {
  bool given = false;
  std::string text = call.request.QueryParam(name, &given);
  if (present) *present = given;
  if (!given) {
    if (!required) return true;
    http::WriteProblem(call.response, 400, fmt::format("{}: is required", name), name);
    return false;
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    http::WriteProblem(call.response, 400, fmt::format("{}: must be a non-negative integer", name), name);
    return false;
  }
  out = value;
  return true;
}

bool PageQuery(Call& call, Page& page) {
  uint64_t limit = kDefaultPageLimit;
  if (!UintQuery(call, "limit", limit, false)) return false;
  if (limit < 1 || limit > kMaxPageLimit) {
    http::WriteProblem(call.response, 400, fmt::format("limit: must be an integer from 1 to {}", kMaxPageLimit),
                       "limit");
    return false;
  }
  page.limit = static_cast<size_t>(limit);
  page.after = call.request.QueryParam("after");
  return true;
}

bool IdPageQuery(Call& call, Page& page, int64_t& after_id) {
  if (!PageQuery(call, page)) return false;
  after_id = 0;
  if (page.after.empty()) return true;
  auto [end, ec] = std::from_chars(page.after.data(), page.after.data() + page.after.size(), after_id);
  if (ec != std::errc() || end != page.after.data() + page.after.size() || after_id <= 0) {
    http::WriteProblem(call.response, 400, "after: not a cursor of this list (give next_cursor of the previous page)",
                       "after");
    return false;
  }
  return true;
}

}  // namespace muster::api

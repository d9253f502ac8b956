// The HTTP request and response as the router and the handlers see them: plain values with no
// Beast types, so that only src/http/server.cpp compiles Beast.
//
// Lifetime: every string_view in a Request points into the server's per-connection buffers and
// is valid only while the handler runs. A Response is reused by the server between requests on
// one connection (clear() keeps the body's capacity), so hot handlers append without allocating.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace muster::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view MethodName(Method method);

struct Request {
  Method method = Method::kGet;
  std::string_view target;  // path and query, as sent
  std::string_view path;    // target up to '?'
  std::string_view query;   // after '?', or empty
  std::string_view body;
  std::string_view remote_address;
  bool tls = false;
  std::vector<std::pair<std::string_view, std::string_view>> headers;

  // The first header named `name` (case-insensitive), or empty.
  std::string_view Header(std::string_view name) const;
  // The value of cookie `name`, or empty.
  std::string_view Cookie(std::string_view name) const;
  // The decoded value of query parameter `name`, or empty; `present` tells whether it was given.
  std::string QueryParam(std::string_view name, bool* present = nullptr) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Type and Content-Length
  bool close = false;  // close the connection after this response

  void clear() {
    status = 200;
    content_type.assign("application/json");
    body.clear();
    headers.clear();
    close = false;
  }
  void SetHeader(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
};

// Case-insensitive ASCII comparison.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace muster::http

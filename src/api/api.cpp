#include "api/api.hpp"

#include <fmt/format.h>

#include <chrono>

#include "api/metrics.hpp"
#include "http/static_files.hpp"

namespace muster::api {
namespace {

// Where a logged-in browser keeps the position of its last write (see Api::Handle).
constexpr std::string_view kReadAfterCookie = "muster_read_after";

bool IsWrite(http::Method m) {
  return m != http::Method::kGet && m != http::Method::kHead && m != http::Method::kOptions;
}

// Constant-time comparison of two tokens.
bool SameToken(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

void JsonString(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
    } else {
      out += c;
    }
  }
  out += '"';
}

}  // namespace

Api::Api(Services services, ApiOptions options)
    : services_(services), options_(std::move(options)), openapi_(OpenApiDocument()) {
  services_.openapi = &openapi_;
  for (const auto& r : Routes()) router_.Add(r.method, r.path);
}

bool Api::IsBlocking(const http::Request& request) const {
  if (!IsWrite(request.method)) return false;
  http::PathParams params;
  http::RouteMatch match = router_.Match(request.method, request.path, params);
  return match.kind == http::RouteMatch::kFound && Routes()[match.id].blocking;
}

namespace {

// Answers under /api/v1/ carry personal data, so no cache keeps them; the exceptions are public
// and hold none: the OpenAPI document and the ledger's checkpoint and proofs (hashes only).
bool MayBeCached(std::string_view path) {
  return path == "/api/v1/openapi.json" || path == "/api/v1/ledger/checkpoint" ||
         path.rfind("/api/v1/ledger/proof/", 0) == 0;
}

bool HasHeader(const http::Response& response, std::string_view name) {
  for (const auto& [k, v] : response.headers) {
    if (http::EqualsIgnoreCase(k, name)) return true;
  }
  return false;
}

}  // namespace

bool Api::Authenticate(const http::Request& request, http::Response& response, auth::Principal& who,
                       std::string_view route) {
  std::string_view authorization = request.Header("authorization");
  Result<auth::Principal> found = Status::NotFound("");
  if (!authorization.empty()) {
    if (authorization.size() < 7 || !http::EqualsIgnoreCase(authorization.substr(0, 7), "bearer ")) {
      http::WriteProblem(response, 401, "Authorization: use a Bearer token", "Authorization");
      response.SetHeader("WWW-Authenticate", "Bearer");
      return false;
    }
    std::string_view token = authorization.substr(7);
    found = token.substr(0, 3) == "mk_" ? services_.auth.AuthenticateApiKey(token)
                                        : services_.auth.AuthenticateSession(token);
  } else {
    std::string_view cookie = request.Cookie("muster_session");
    if (cookie.empty()) {
      http::WriteProblem(response, 401, "authentication required: log in at /api/v1/session");
      response.SetHeader("WWW-Authenticate", "Bearer");
      return false;
    }
    found = services_.auth.AuthenticateSession(cookie);
    if (found.ok()) found->via_cookie = true;
  }
  if (!found.ok() && http::HttpStatusFor(found.status()) >= 500) {  // the store failed, not the token
    LogServerError(request.method, route, found.status());
    http::WriteStatusProblem(response, found.status());
    return false;
  }
  if (!found.ok()) {
    http::WriteProblem(response, 401, "the session or key is unknown, expired or revoked");
    response.SetHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    return false;
  }
  who = std::move(*found);
  return true;
}

void Api::Handle(const http::Request& request, http::Response& response) {
  auto start = std::chrono::steady_clock::now();
  const auto& routes = Routes();
  http::PathParams params;
  http::RouteMatch match = router_.Match(request.method, request.path, params);
  size_t route_id = routes.size();
  auth::Principal who;
  bool authenticated = false;
  if (match.kind == http::RouteMatch::kNotFound) {
    bool api = request.path.rfind("/api/", 0) == 0;
    if (api || !http::ServeStatic(options_.web_root, request, response)) {
      http::WriteProblem(response, 404, fmt::format("no route for {}", MaskDigits(request.path)));
    }
  } else if (match.kind == http::RouteMatch::kMethodNotAllowed) {
    http::WriteProblem(response, 405, fmt::format("{} is not allowed here; allowed: {}",
                                                  http::MethodName(request.method), match.allow));
    response.SetHeader("Allow", match.allow);
  } else {
    route_id = match.id;
    const RouteSpec& spec = routes[match.id];
    bool go = true;
    if (!spec.is_public) {
      go = authenticated = Authenticate(request, response, who, spec.path);
      if (go && !auth::Admits(spec.roles, who)) {
        http::WriteProblem(response, 403, fmt::format("a {} may not use this", RoleName(who.role)));
        go = false;
      }
      if (go && who.via_cookie && IsWrite(request.method)) {
        std::string_view sent = request.Header("x-csrf-token");
        std::string want = auth::AuthService::CsrfTokenFor(request.Cookie("muster_session"));
        if (sent.empty() || !SameToken(sent, want)) {
          http::WriteProblem(response, 403,
                             "X-CSRF-Token: a cookie-authenticated write must echo the csrf_token from login",
                             "X-CSRF-Token");
          go = false;
        }
      }
    }
    // Read-your-writes with a read replica: a client that sends back the position of its last
    // write (the Muster-Read-After header, or the cookie a logged-in browser keeps) reads from
    // the replica only once it has replayed that far, and from the primary until then.
    std::string_view after;
    if (go) {
      after = request.Header("muster-read-after");
      if (after.empty()) {
        after = request.Cookie(kReadAfterCookie);
        if (!IsWritePosition(after)) after = {};
      } else if (!IsWritePosition(after)) {
        http::WriteProblem(response, 400, "Muster-Read-After: not a write position such as 16/B374D848",
                           "Muster-Read-After");
        go = false;
      }
    }
    if (go) {
      (void)services_.store.TakeWritePosition();  // one an earlier request left on this thread
      ReadAfter read_after{std::string(after)};
      Call call{request, response, params, who, services_, spec.path};
      spec.handler(call);
      std::string written = services_.store.TakeWritePosition();
      if (!written.empty()) {
        response.SetHeader("Muster-Write-Position", written);
        if (who.via_cookie) {
          response.SetHeader("Set-Cookie", fmt::format("{}={}; Path=/; Max-Age=300; HttpOnly; SameSite=Strict{}",
                                                       kReadAfterCookie, written, request.tls ? "; Secure" : ""));
        }
      }
    }
  }
  if (request.path.rfind("/api/v1/", 0) == 0 && !MayBeCached(request.path) && !HasHeader(response, "cache-control")) {
    response.SetHeader("Cache-Control", "no-store");
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  services_.metrics.Record(route_id, response.status, elapsed);
  if (options_.access_log) {
    Log(request, response, route_id < routes.size() ? routes[route_id].path : "-", authenticated ? &who : nullptr,
        std::chrono::duration<double, std::milli>(elapsed).count());
  }
}

void Api::Log(const http::Request& request, const http::Response& response, std::string_view route,
              const auth::Principal* who, double ms) {
  // Tokens, cookies and bodies (passwords) are never logged; national IDs are masked.
  std::string line = R"({"time":)";
  JsonString(line, FormatTimestamp(services_.clock.Now()));
  line += R"(,"remote":)";
  JsonString(line, request.remote_address);
  line += R"(,"method":)";
  JsonString(line, http::MethodName(request.method));
  line += R"(,"path":)";
  JsonString(line, MaskDigits(request.path));
  line += R"(,"route":)";
  JsonString(line, route);
  fmt::format_to(std::back_inserter(line), R"(,"status":{},"ms":{:.3f},"bytes":{})", response.status, ms,
                 response.body.size());
  if (who) {
    line += R"(,"who":)";
    JsonString(line, MaskDigits(who->Actor()));
  }
  line += "}\n";
  absl::MutexLock lock(&log_mu_);
  std::fwrite(line.data(), 1, line.size(), options_.access_log);
  std::fflush(options_.access_log);
}

}  // namespace muster::api

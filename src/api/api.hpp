// The HTTP API: the route table (routes.cpp: method, path, the roles admitted, the handler, and
// what OpenAPI says about it) and the dispatcher that every request goes through:
//
//   match route (404 / 405 + Allow) -> authenticate (401) -> roles of the route (403)
//   -> CSRF for cookie-authenticated writes (403) -> handler -> metrics, access log
//
// The OpenAPI 3.1 document is generated from the same table, so it cannot drift from what is
// served. Thread-safe once built.
#pragma once

#include <absl/synchronization/mutex.h>

#include <cstdio>
#include <string>
#include <vector>

#include "api/call.hpp"
#include "http/router.hpp"

namespace muster::api {

struct RouteSpec {
  http::Method method;
  const char* path;       // "/api/v1/persons/{national_id}"
  bool is_public;         // no authentication
  auth::RoleSet roles;    // who may call it when not public
  void (*handler)(Call&);
  const char* summary;
  // Request body fields for OpenAPI: "name!:type,..." ('!' required; types string (default),
  // integer, boolean, array, date, date-time); nullptr when the route takes no body.
  const char* body;
  int status;  // the success status
  // Query parameters for OpenAPI, in the same form as `body`; nullptr when none.
  const char* query = nullptr;
  // Media types of the success answer, "text/plain,application/json"; nullptr: application/json.
  const char* media = nullptr;
  // Runs on the server's blocking pool, not on an I/O thread: the handler hashes with Argon2id.
  bool blocking = false;
};

// The route table: every route the server answers, and the permission matrix.
const std::vector<RouteSpec>& Routes();
// "GET /api/v1/persons/{national_id}" for each route, by route id (for metrics).
std::vector<std::string> RouteNames();
// The OpenAPI 3.1 document describing Routes().
std::string OpenApiDocument();

struct ApiOptions {
  std::string web_root;        // serve static files from here when set (web/dist)
  std::FILE* access_log = nullptr;  // JSON lines; nullptr: none
};

class Api {
 public:
  Api(Services services, ApiOptions options);

  // The server's handler.
  void Handle(const http::Request& request, http::Response& response);
  // True when the request's route runs on the blocking pool (RouteSpec::blocking). Cheap for
  // the GET routes of the hot paths: only a write can be blocking.
  bool IsBlocking(const http::Request& request) const;

 private:
  // Fills `who` from a Bearer token or the session cookie; false after writing a 401 (or a 503
  // when the store fails, logged with `route`).
  bool Authenticate(const http::Request& request, http::Response& response, auth::Principal& who,
                    std::string_view route);
  void Log(const http::Request& request, const http::Response& response, std::string_view route,
           const auth::Principal* who, double ms);

  Services services_;
  ApiOptions options_;
  std::string openapi_;
  http::Router router_;
  absl::Mutex log_mu_;  // one line at a time to options_.access_log
};

}  // namespace muster::api

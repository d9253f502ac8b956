// /api/v1/session: log in (POST), who am I (GET), log out (DELETE).
#include <fmt/format.h>

#include <cstdio>

#include "api/handlers.hpp"

namespace muster::api {
namespace {

nlohmann::json PrincipalJson(const auth::Principal& who) {
  nlohmann::json j = {{"role", RoleName(who.role)}, {"login", who.name}};
  if (!who.national_id.empty()) j["national_id"] = who.national_id;
  if (!who.offices.empty()) j["offices"] = who.offices;
  return j;
}

}  // namespace

void Login(Call& call) {
  auto body = Body::Parse(call);
  if (!body) return;
  std::string login, password;
  if (!body->String("login", login, true, 64) || !body->String("password", password, true, 256)) return;
  auth::LoginResult r =
      call.services.auth.Login(login, password, call.request.remote_address, call.request.Cookie("muster_device"));
  if (r.outcome == auth::LoginResult::kUnavailable) {
    fmt::print(stderr, "muster serve: POST /api/v1/session: the store failed; the login was not judged\n");
    http::WriteProblem(call.response, 503, "the service is unavailable; try again later");
    call.response.SetHeader("Retry-After", "30");
    return;
  }
  if (r.outcome == auth::LoginResult::kThrottled) {
    http::WriteProblem(call.response, 429, fmt::format("too many failed logins; try again in {} s", r.retry_after),
                       "login");
    call.response.SetHeader("Retry-After", std::to_string(r.retry_after));
    return;
  }
  if (r.outcome != auth::LoginResult::kOk) {
    http::WriteProblem(call.response, 401, "the login or the password is wrong", "password");
    return;
  }
  auto ttl = call.services.auth.session_ttl().count();
  std::string secure = call.request.tls ? "; Secure" : "";
  call.response.SetHeader(
      "Set-Cookie",
      fmt::format("muster_session={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", r.token, ttl, secure));
  call.response.SetHeader(
      "Set-Cookie", fmt::format("muster_csrf={}; Path=/; Max-Age={}; SameSite=Strict{}", r.csrf_token, ttl, secure));
  // The device cookie: this browser has logged in to this account, so others' failed guesses
  // never lock it out (auth_service.hpp). Sent only to the login route; 400 days, the most a
  // browser keeps a cookie.
  call.response.SetHeader("Set-Cookie",
                          fmt::format("muster_device={}; Path=/api/v1/session; Max-Age={}; HttpOnly; SameSite=Strict{}",
                                      r.device_token, 400 * 24 * 3600, secure));
  call.response.SetHeader("Cache-Control", "no-store");
  nlohmann::json j = PrincipalJson(r.principal);
  j["token"] = r.token;
  j["csrf_token"] = r.csrf_token;
  j["expires_at"] = FormatTimestamp(r.expires_at);
  Reply(call, 201, j);
}

void WhoAmI(Call& call) { Reply(call, 200, PrincipalJson(call.who)); }

void Logout(Call& call) {
  Status st = call.services.auth.Logout(call.who);
  if (!st.ok()) return Fail(call, st);
  std::string secure = call.request.tls ? "; Secure" : "";
  call.response.SetHeader("Set-Cookie",
                          fmt::format("muster_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}", secure));
  call.response.SetHeader("Set-Cookie", fmt::format("muster_csrf=; Path=/; Max-Age=0; SameSite=Strict{}", secure));
  call.response.status = 204;
  call.response.body.clear();
}

}  // namespace muster::api

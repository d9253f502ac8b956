// Accounts: citizen activation (public), activation codes (officers), staff users and API keys
// (admins).
#include <fmt/format.h>

#include "api/handlers.hpp"
#include "codec/json.hpp"

namespace muster::api {

void Activate(Call& call) {
  auto body = Body::Parse(call);
  if (!body) return;
  std::string national_id, code, password;
  if (!body->String("national_id", national_id, true, 64) || !body->String("code", code, true, 64) ||
      !body->String("password", password, true, 256)) {
    return;
  }
  int64_t retry_after = 0;
  auto account = call.services.auth.Activate(national_id, code, password, call.request.remote_address, &retry_after);
  if (retry_after > 0) {
    http::WriteProblem(call.response, 429, fmt::format("too many failed activations; try again in {} s", retry_after),
                       "code");
    call.response.SetHeader("Retry-After", std::to_string(retry_after));
    return;
  }
  if (!account.ok()) return Fail(call, account.status());
  Reply(call, 201, {{"login", account->login}, {"role", RoleName(account->role)}});
}

void IssueActivationCode(Call& call) {
  auto body = Body::Parse(call);
  if (!body) return;
  std::string national_id;
  if (!body->String("national_id", national_id, true, 64)) return;
  // Officers act for persons of their own offices; others are answered as unknown.
  auto person = call.services.domain.persons().Get(national_id, call.who.Acting(), /*from_replica=*/false);
  if (!person.ok()) return Fail(call, person.status(), "national_id");
  auto code = call.services.auth.IssueActivationCode(national_id, call.who.Actor());
  if (!code.ok()) return Fail(call, code.status());
  call.response.SetHeader("Cache-Control", "no-store");
  Reply(call, 201, {{"national_id", national_id}, {"code", *code}});
}

void CreateUser(Call& call) {
  auto body = Body::Parse(call);
  if (!body) return;
  std::string login, role_name, display_name, password;
  std::vector<std::string> offices;
  if (!body->String("login", login, true, 64) || !body->String("role", role_name, true, 32) ||
      !body->String("display_name", display_name, false, 200) || !body->StringList("offices", offices, false) ||
      !body->String("password", password, true, 256)) {
    return;
  }
  auto role = ParseRole(role_name);
  if (!role) return Fail(call, Status::InvalidArgument("role", "must be officer, supervisor, auditor or admin"));
  auto account = call.services.auth.CreateStaff(login, *role, display_name, offices, password, call.who.Actor());
  if (!account.ok()) return Fail(call, account.status());
  Reply(call, 201,
        {{"id", account->id},
         {"login", account->login},
         {"role", RoleName(account->role)},
         {"offices", account->offices}});
}

void CreateApiKey(Call& call) {
  auto body = Body::Parse(call);
  if (!body) return;
  std::string name, role_name;
  std::vector<std::string> kinds;
  if (!body->String("name", name, true, 64) || !body->String("role", role_name, true, 32) ||
      !body->StringList("kinds", kinds, false)) {
    return;
  }
  auto role = ParseRole(role_name);
  if (!role) return Fail(call, Status::InvalidArgument("role", "must be border, auditor or agency"));
  auto key = call.services.auth.CreateApiKey(*role, name, call.who.Actor(), kinds);
  if (!key.ok()) return Fail(call, key.status());
  call.response.SetHeader("Cache-Control", "no-store");
  Reply(call, 201,
        {{"id", key->key.id},
         {"name", key->key.name},
         {"role", RoleName(key->key.role)},
         {"kinds", key->key.kinds},
         {"key", key->secret}});
}

}  // namespace muster::api

#include "auth/auth_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

#include "auth/secrets.hpp"

namespace muster::auth {
namespace {

constexpr std::string_view kSessionDomain = "muster-session";
constexpr std::string_view kApiKeyDomain = "muster-apikey";
constexpr std::string_view kCsrfDomain = "muster-csrf";
constexpr std::string_view kApiKeyPrefix = "mk_";

Status CheckLogin(std::string_view login) {
  if (login.empty() || login.size() > 64) return Status::InvalidArgument("login: must be 1 to 64 characters");
  for (char c : login) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    if (!ok) return Status::InvalidArgument("login: use lowercase letters, digits, '.', '-' and '_'");
  }
  return Status::Ok();
}

}  // namespace

AuthService::AuthService(Store& store, const Policy& policy, const Clock& clock, AuthOptions options)
    : store_(store), policy_(policy), clock_(clock), options_(options) {}

Principal AuthService::FromAccount(const Account& a) const {
  Principal p;
  p.role = a.role;
  p.account_id = a.id;
  p.name = a.login;
  p.national_id = a.national_id;
  p.offices = a.offices;
  return p;
}

Result<Account> AuthService::CreateStaff(std::string_view login, Role role, std::string_view display_name,
                                         const std::vector<std::string>& offices, std::string_view password,
                                         std::string_view actor) {
  MUSTER_RETURN_IF_ERROR(CheckLogin(login));
  if (role == Role::kCitizen || role == Role::kBorder) {
    return Status::InvalidArgument("role: staff accounts are officer, supervisor, auditor or admin");
  }
  bool scoped = role == Role::kOfficer || role == Role::kSupervisor;
  if (scoped && offices.empty()) return Status::InvalidArgument("office: an officer or supervisor needs an office");
  if (!scoped && !offices.empty()) {
    return Status::InvalidArgument(fmt::format("office: a {} is not scoped to offices", RoleName(role)));
  }
  MUSTER_RETURN_IF_ERROR(CheckPasswordStrength(password));
  MUSTER_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  Account account;
  account.login = std::string(login);
  account.role = role;
  account.display_name = display_name.empty() ? std::string(login) : std::string(display_name);
  account.offices = offices;
  account.password_hash = std::move(hash);
  account.created_by = std::string(actor);
  account.created_at = clock_.Now();
  MUSTER_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    for (const auto& code : offices) MUSTER_RETURN_IF_ERROR(tx.GetOffice(code).status().WithContext("office"));
    MUSTER_ASSIGN_OR_RETURN(account.id, tx.InsertAccount(account));
    return Status::Ok();
  }));
  return account;
}

Result<std::string> AuthService::IssueActivationCode(std::string_view national_id, std::string_view actor) {
  MUSTER_RETURN_IF_ERROR(policy_.national_id.Validate(national_id).WithContext("national_id"));
  std::string code = RandomCode(10);
  MUSTER_ASSIGN_OR_RETURN(std::string hash, HashPassword(code));
  ActivationCode record;
  record.national_id = std::string(national_id);
  record.code_hash = std::move(hash);
  record.created_by = std::string(actor);
  record.created_at = clock_.Now();
  record.expires_at = record.created_at + options_.activation_code_ttl;
  MUSTER_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(tx.GetPerson(national_id).status().WithContext("national_id"));
    return tx.UpsertActivationCode(record);
  }));
  return code;
}

Result<Account> AuthService::Activate(std::string_view national_id, std::string_view code, std::string_view password,
                                      std::string_view address, int64_t* retry_after) {
  MUSTER_RETURN_IF_ERROR(policy_.national_id.Validate(national_id).WithContext("national_id"));
  MUSTER_RETURN_IF_ERROR(CheckPasswordStrength(password));
  Timestamp now = clock_.Now();
  std::string id_key = fmt::format("activate:{}", national_id);
  std::string address_key = fmt::format("activate-from:{}", address);
  *retry_after = std::max(by_login_.RetryAfter(id_key, now), by_address_.RetryAfter(address_key, now));
  if (*retry_after > 0) return Status::PermissionDenied("too many failed activations; try again later");

  auto refuse = [&]() {
    by_login_.Failure(id_key, now);
    by_address_.Failure(address_key, now);
    return Status::PermissionDenied("code: the national ID and activation code do not match a valid code");
  };
  ActivationCode record;
  Status st = store_.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(record, tx.GetActivationCode(national_id));
    return Status::Ok();
  });
  if (st.IsNotFound()) {
    VerifyDummyPassword(code);
    return refuse();
  }
  MUSTER_RETURN_IF_ERROR(st);
  if (!VerifyPassword(record.code_hash, code) || record.used_at || record.expires_at <= now) return refuse();
  MUSTER_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));

  Account account;
  MUSTER_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    // Used once: a second activation with the same code in a race fails here.
    MUSTER_ASSIGN_OR_RETURN(ActivationCode fresh, tx.GetActivationCode(national_id));
    if (fresh.used_at || fresh.code_hash != record.code_hash) {
      return Status::PermissionDenied("code: the activation code has been used");
    }
    fresh.used_at = now;
    MUSTER_RETURN_IF_ERROR(tx.UpdateActivationCode(fresh));
    auto existing = tx.GetAccountByLogin(national_id);
    if (existing.ok()) {
      account = *existing;
      account.password_hash = hash;
      account.active = true;
      return tx.UpdateAccount(account);
    }
    if (!existing.status().IsNotFound()) return existing.status();
    MUSTER_ASSIGN_OR_RETURN(Person person, tx.GetPerson(national_id));
    account.login = std::string(national_id);
    account.role = Role::kCitizen;
    account.display_name = fmt::format("{} {}", person.given_name, person.surname);
    account.national_id = std::string(national_id);
    account.password_hash = hash;
    account.created_by = fmt::format("activation:{}", record.created_by);
    account.created_at = now;
    MUSTER_ASSIGN_OR_RETURN(account.id, tx.InsertAccount(account));
    return Status::Ok();
  }));
  by_login_.Success(id_key);
  // Sessions of a reset account end: drop them from the cache (the store keeps them revocable).
  {
    std::unique_lock lock(mu_);
    std::erase_if(sessions_, [&](const auto& kv) { return kv.second.principal.account_id == account.id; });
  }
  return account;
}

LoginResult AuthService::Login(std::string_view login, std::string_view password, std::string_view address) {
  LoginResult result;
  Timestamp now = clock_.Now();
  std::string login_key = fmt::format("login:{}", login);
  std::string address_key = fmt::format("login-from:{}", address);
  result.retry_after = std::max(by_login_.RetryAfter(login_key, now), by_address_.RetryAfter(address_key, now));
  if (result.retry_after > 0) {
    result.outcome = LoginResult::kThrottled;
    return result;
  }
  Account account;
  Status st = store_.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(account, tx.GetAccountByLogin(login));
    return Status::Ok();
  });
  bool ok = false;
  if (st.ok()) {
    ok = VerifyPassword(account.password_hash, password) && account.active;
  } else {
    VerifyDummyPassword(password);
  }
  if (!ok) {
    by_login_.Failure(login_key, now);
    by_address_.Failure(address_key, now);
    result.outcome = LoginResult::kBadCredentials;
    return result;
  }
  Session session;
  std::string token = RandomHex(32);
  session.token_hash = DigestHex(kSessionDomain, token);
  session.account_id = account.id;
  session.created_at = now;
  session.expires_at = now + options_.session_ttl;
  if (!store_.Write([&](Tx& tx) { return tx.InsertSession(session); }).ok()) {
    result.outcome = LoginResult::kBadCredentials;
    return result;
  }
  by_login_.Success(login_key);
  result.outcome = LoginResult::kOk;
  result.csrf_token = CsrfTokenFor(token);
  result.token = std::move(token);
  result.expires_at = session.expires_at;
  result.principal = FromAccount(account);
  result.principal.token_hash = session.token_hash;
  return result;
}

Status AuthService::Logout(const Principal& principal) {
  if (principal.token_hash.empty()) return Status::FailedPrecondition("session: not a session");
  {
    std::unique_lock lock(mu_);
    sessions_.erase(principal.token_hash);
  }
  Timestamp now = clock_.Now();
  return store_.Write([&](Tx& tx) { return tx.RevokeSession(principal.token_hash, now); });
}

Result<Principal> AuthService::Cache(std::unordered_map<std::string, Cached>& cache, const std::string& hash,
                                     const std::function<Result<Principal>(Tx&, Timestamp&)>& load) {
  Timestamp now = clock_.Now();
  {
    std::shared_lock lock(mu_);
    auto it = cache.find(hash);
    if (it != cache.end() && it->second.until > now) return it->second.principal;
  }
  Principal principal;
  Timestamp expires = Timestamp::max();
  MUSTER_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(principal, load(tx, expires));
    return Status::Ok();
  }));
  std::unique_lock lock(mu_);
  if (cache.size() > 200'000) cache.clear();
  cache[hash] = Cached{principal, std::min(expires, now + options_.cache_ttl)};
  return principal;
}

Result<Principal> AuthService::AuthenticateSession(std::string_view token) {
  if (token.size() != 64) return Status::NotFound("session: unknown or expired");
  std::string hash = DigestHex(kSessionDomain, token);
  Timestamp now = clock_.Now();
  auto principal = Cache(sessions_, hash, [&](Tx& tx, Timestamp& valid_until) -> Result<Principal> {
    auto session = tx.GetSession(hash);
    if (!session.ok()) return Status::NotFound("session: unknown or expired");
    if (session->revoked_at || session->expires_at <= now) return Status::NotFound("session: unknown or expired");
    MUSTER_ASSIGN_OR_RETURN(Account account, tx.GetAccount(session->account_id));
    if (!account.active) return Status::NotFound("session: unknown or expired");
    valid_until = session->expires_at;
    Principal p = FromAccount(account);
    p.token_hash = hash;
    return p;
  });
  return principal;
}

Result<CreatedApiKey> AuthService::CreateApiKey(Role role, std::string_view name, std::string_view actor) {
  if (role != Role::kBorder && role != Role::kAuditor) {
    return Status::InvalidArgument("role: API keys are for border or auditor machines");
  }
  MUSTER_RETURN_IF_ERROR(CheckLogin(name).WithContext("name"));
  CreatedApiKey created;
  created.secret = fmt::format("{}{}", kApiKeyPrefix, RandomHex(32));
  created.key.name = std::string(name);
  created.key.role = role;
  created.key.key_hash = DigestHex(kApiKeyDomain, created.secret);
  created.key.created_by = std::string(actor);
  created.key.created_at = clock_.Now();
  MUSTER_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(created.key.id, tx.InsertApiKey(created.key));
    return Status::Ok();
  }));
  return created;
}

Result<Principal> AuthService::AuthenticateApiKey(std::string_view secret) {
  if (secret.substr(0, kApiKeyPrefix.size()) != kApiKeyPrefix) return Status::NotFound("api key: unknown");
  std::string hash = DigestHex(kApiKeyDomain, secret);
  return Cache(api_keys_, hash, [&](Tx& tx, Timestamp&) -> Result<Principal> {
    auto key = tx.GetApiKeyByHash(hash);
    if (!key.ok() || key->revoked_at) return Status::NotFound("api key: unknown");
    Principal p;
    p.role = key->role;
    p.name = key->name;
    return p;
  });
}

std::string AuthService::CsrfTokenFor(std::string_view session_token) {
  return DigestHex(kCsrfDomain, session_token);
}

}  // namespace muster::auth

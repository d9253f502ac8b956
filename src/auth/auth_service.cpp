#include "auth/auth_service.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sodium.h>

#include <algorithm>

#include "auth/secrets.hpp"

namespace muster::auth {
namespace {

constexpr std::string_view kSessionDomain = "muster-session";
constexpr std::string_view kApiKeyDomain = "muster-apikey";
constexpr std::string_view kCsrfDomain = "muster-csrf";
constexpr std::string_view kApiKeyPrefix = "mk_";
constexpr std::string_view kDeviceDomain = "muster-device";

Status CheckLogin(std::string_view login) {
  if (login.empty() || login.size() > 64) return Status::InvalidArgument("login", "must be 1 to 64 characters");
  for (char c : login) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
    if (!ok) return Status::InvalidArgument("login", "use lowercase letters, digits, '.', '-' and '_'");
  }
  return Status::Ok();
}

// A device token is "<nonce>.<mac>": 128 random bits and a BLAKE2b MAC of the login and the nonce
// under the account's password hash, so that every server can check it with no state of its own
// and a password reset makes it worthless.
std::string DeviceMac(const Account& account, std::string_view nonce) {
  return DigestHex(kDeviceDomain, fmt::format("{}\n{}\n{}", account.password_hash, account.login, nonce));
}

std::string NewDeviceToken(const Account& account) {
  std::string nonce = RandomHex(16);
  return fmt::format("{}.{}", nonce, DeviceMac(account, nonce));
}

// The device's nonce when `token` is a valid device token for `account`, or empty.
std::string TrustedDevice(const Account& account, std::string_view token) {
  size_t dot = token.find('.');
  if (dot != 32 || token.size() != 32 + 1 + 64) return {};
  std::string nonce(token.substr(0, dot));
  std::string mac = DeviceMac(account, nonce);
  if (sodium_memcmp(mac.data(), token.data() + dot + 1, mac.size()) != 0) return {};
  return nonce;
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

Status AuthService::CheckStaffLogin(std::string_view login) const {
  MUSTER_RETURN_IF_ERROR(CheckLogin(login));
  if (policy_.national_id.MatchesPattern(login)) {
    return Status::InvalidArgument(
        "login", fmt::format("'{}' has the form of a national ID ({}); staff logins must not, so that no citizen's "
                             "activation can reach a staff account",
                             login, policy_.national_id.pattern()));
  }
  return Status::Ok();
}

namespace {

Status CheckStaffRole(Role role, const std::vector<std::string>& offices) {
  if (role == Role::kCitizen || role == Role::kBorder || role == Role::kAgency) {
    return Status::InvalidArgument("role", "staff accounts are officer, supervisor, auditor or admin");
  }
  bool scoped = role == Role::kOfficer || role == Role::kSupervisor;
  if (scoped && offices.empty()) return Status::InvalidArgument("office", "an officer or supervisor needs an office");
  if (!scoped && !offices.empty()) {
    return Status::InvalidArgument("office", fmt::format("a {} is not scoped to offices", RoleName(role)));
  }
  return Status::Ok();
}

}  // namespace

void AuthService::DropCachedSessions(int64_t account_id) {
  absl::MutexLock lock(&mu_);
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.principal.account_id == account_id; });
}

Result<Account> AuthService::CreateStaff(std::string_view login, Role role, std::string_view display_name,
                                         const std::vector<std::string>& offices, std::string_view password,
                                         std::string_view actor) {
  MUSTER_RETURN_IF_ERROR(CheckStaffLogin(login));
  MUSTER_RETURN_IF_ERROR(CheckStaffRole(role, offices));
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
    for (const auto& code : offices) MUSTER_RETURN_IF_ERROR(tx.offices().Get(code).status().WithField("office"));
    MUSTER_ASSIGN_OR_RETURN(account.id, tx.auth().InsertAccount(account));
    return Status::Ok();
  }));
  return account;
}

Result<Account> AuthService::UpdateStaff(std::string_view login, const StaffChange& change, std::string_view actor) {
  (void)actor;
  std::string hash;
  if (change.password) {
    MUSTER_RETURN_IF_ERROR(CheckPasswordStrength(*change.password));
    MUSTER_ASSIGN_OR_RETURN(hash, HashPassword(*change.password));
  }
  if (change.display_name && (change.display_name->empty() || change.display_name->size() > 200)) {
    return Status::InvalidArgument("display_name", "must be 1 to 200 bytes");
  }
  Account account;
  MUSTER_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(account, tx.auth().GetAccountByLogin(login));
    if (account.role == Role::kCitizen) {
      return Status::NotFound("login", fmt::format("no staff account '{}'", login));
    }
    bool ends_sessions = false;
    if (change.role && *change.role != account.role) {
      account.role = *change.role;
      ends_sessions = true;
    }
    if (change.offices && *change.offices != account.offices) {
      account.offices = *change.offices;
      ends_sessions = true;
    }
    if (change.role && !change.offices && account.role != Role::kOfficer && account.role != Role::kSupervisor) {
      account.offices.clear();
    }
    MUSTER_RETURN_IF_ERROR(CheckStaffRole(account.role, account.offices));
    for (const auto& code : account.offices) {
      MUSTER_RETURN_IF_ERROR(tx.offices().Get(code).status().WithField("office"));
    }
    if (change.active && *change.active != account.active) {
      account.active = *change.active;
      ends_sessions = true;
    }
    if (change.active.value_or(account.active)) MUSTER_RETURN_IF_ERROR(CheckStaffLogin(account.login));
    if (change.display_name) account.display_name = *change.display_name;
    if (change.password) {
      account.password_hash = hash;
      ends_sessions = true;
    }
    MUSTER_RETURN_IF_ERROR(tx.auth().UpdateAccount(account));
    if (ends_sessions) MUSTER_RETURN_IF_ERROR(tx.auth().RevokeAccountSessions(account.id, clock_.Now()).status());
    return Status::Ok();
  }));
  DropCachedSessions(account.id);
  return account;
}

Status AuthService::CheckStaffLogins() {
  std::vector<std::string> bad;
  MUSTER_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(std::vector<Account> staff, tx.auth().ListStaffAccounts());
    for (const Account& a : staff) {
      if (a.active && policy_.national_id.MatchesPattern(a.login)) bad.push_back(a.login);
    }
    return Status::Ok();
  }));
  if (bad.empty()) return Status::Ok();
  return Status::FailedPrecondition(
      "accounts",
      fmt::format(
          "the staff login{} {} ha{} the form of a national ID, which a citizen's activation could "
          "take over; deactivate {} (`muster user update LOGIN --deactivate`) and create the staff account again "
          "under another login",
          bad.size() == 1 ? "" : "s", fmt::join(bad, ", "), bad.size() == 1 ? "s" : "ve",
          bad.size() == 1 ? "it" : "them"));
}

Result<std::string> AuthService::IssueActivationCode(std::string_view national_id, std::string_view actor) {
  MUSTER_RETURN_IF_ERROR(policy_.national_id.Validate(national_id).WithField("national_id"));
  std::string code = RandomCode(10);
  MUSTER_ASSIGN_OR_RETURN(std::string hash, HashPassword(code));
  ActivationCode record;
  record.national_id = std::string(national_id);
  record.code_hash = std::move(hash);
  record.created_by = std::string(actor);
  record.created_at = clock_.Now();
  record.expires_at = record.created_at + options_.activation_code_ttl;
  MUSTER_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(tx.persons().Get(national_id).status().WithField("national_id"));
    return tx.auth().UpsertActivationCode(record);
  }));
  return code;
}

Result<Account> AuthService::Activate(std::string_view national_id, std::string_view code, std::string_view password,
                                      std::string_view address, int64_t* retry_after) {
  MUSTER_RETURN_IF_ERROR(policy_.national_id.Validate(national_id).WithField("national_id"));
  MUSTER_RETURN_IF_ERROR(CheckPasswordStrength(password));
  Timestamp now = clock_.Now();
  std::string id_key = fmt::format("activate:{}|{}", national_id, address);
  std::string address_key = fmt::format("activate-from:{}", address);
  *retry_after = std::max(by_login_.RetryAfter(id_key, now), by_address_.RetryAfter(address_key, now));
  if (*retry_after > 0) return Status::PermissionDenied("too many failed activations; try again later");

  auto refuse = [&]() {
    by_login_.Failure(id_key, now);
    by_address_.Failure(address_key, now);
    return Status::PermissionDenied("code", "the national ID and activation code do not match a valid code");
  };
  ActivationCode record;
  Status st = store_.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(record, tx.auth().GetActivationCode(national_id));
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
    MUSTER_ASSIGN_OR_RETURN(ActivationCode fresh, tx.auth().GetActivationCode(national_id));
    if (fresh.used_at || fresh.code_hash != record.code_hash) {
      return Status::PermissionDenied("code", "the activation code has been used");
    }
    fresh.used_at = now;
    MUSTER_RETURN_IF_ERROR(tx.auth().UpdateActivationCode(fresh));
    auto existing = tx.auth().GetAccountByLogin(national_id);
    if (existing.ok()) {
      // Only ever the citizen account of this person: a staff account under this login (made
      // before such logins were refused) is not touched.
      if (existing->role != Role::kCitizen || existing->national_id != national_id) {
        return Status::FailedPrecondition("national_id",
                                          "a staff account uses this national ID as its login; ask an administrator");
      }
      account = *existing;
      account.password_hash = hash;
      account.active = true;
      MUSTER_RETURN_IF_ERROR(tx.auth().UpdateAccount(account));
      return tx.auth().RevokeAccountSessions(account.id, now).status();
    }
    if (!existing.status().IsNotFound()) return existing.status();
    MUSTER_ASSIGN_OR_RETURN(Person person, tx.persons().Get(national_id));
    account.login = std::string(national_id);
    account.role = Role::kCitizen;
    account.display_name = fmt::format("{} {}", person.given_name, person.surname);
    account.national_id = std::string(national_id);
    account.password_hash = hash;
    account.created_by = fmt::format("activation:{}", record.created_by);
    account.created_at = now;
    MUSTER_ASSIGN_OR_RETURN(account.id, tx.auth().InsertAccount(account));
    return Status::Ok();
  }));
  by_login_.Success(id_key);
  DropCachedSessions(account.id);
  return account;
}

LoginResult AuthService::Login(std::string_view login, std::string_view password, std::string_view address,
                               std::string_view device_token) {
  LoginResult result;
  Timestamp now = clock_.Now();
  Account account;
  Status st = store_.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(account, tx.auth().GetAccountByLogin(login));
    return Status::Ok();
  });
  if (!st.ok() && !st.IsNotFound()) {
    result.outcome = LoginResult::kUnavailable;
    return result;
  }
  // A browser that logged in to this account before is throttled by its own failures only.
  std::string device = st.ok() && !device_token.empty() ? TrustedDevice(account, device_token) : std::string();
  std::string device_key = fmt::format("device:{}", device);
  std::string login_key = fmt::format("login:{}", login);
  std::string address_key = fmt::format("login-from:{}", address);
  if (!device.empty()) {
    result.retry_after = by_device_.RetryAfter(device_key, now);
  } else {
    result.retry_after = std::max(by_login_.RetryAfter(login_key, now), by_address_.RetryAfter(address_key, now));
  }
  if (result.retry_after > 0) {
    result.outcome = LoginResult::kThrottled;
    return result;
  }
  bool ok = false;
  if (st.ok()) {
    ok = VerifyPassword(account.password_hash, password) && account.active;
  } else {
    VerifyDummyPassword(password);
  }
  if (!ok) {
    if (!device.empty()) {
      by_device_.Failure(device_key, now);
    } else {
      by_login_.Failure(login_key, now);
      by_address_.Failure(address_key, now);
    }
    result.outcome = LoginResult::kBadCredentials;
    return result;
  }
  Session session;
  std::string token = RandomHex(32);
  session.token_hash = DigestHex(kSessionDomain, token);
  session.account_id = account.id;
  session.created_at = now;
  session.expires_at = now + options_.session_ttl;
  if (!store_.Write([&](Tx& tx) { return tx.auth().InsertSession(session); }).ok()) {
    result.outcome = LoginResult::kUnavailable;
    return result;
  }
  // The owner's success ends the lock of the untrusted path too; the address keeps its count,
  // so that an attacker's own successful logins cannot reset it between guesses at others.
  by_login_.Success(login_key);
  if (!device.empty()) by_device_.Success(device_key);
  result.outcome = LoginResult::kOk;
  result.csrf_token = CsrfTokenFor(token);
  result.device_token = device.empty() ? NewDeviceToken(account) : std::string(device_token);
  result.token = std::move(token);
  result.expires_at = session.expires_at;
  result.principal = FromAccount(account);
  result.principal.token_hash = session.token_hash;
  return result;
}

Status AuthService::Logout(const Principal& principal) {
  if (principal.token_hash.empty()) return Status::FailedPrecondition("session", "not a session");
  {
    absl::MutexLock lock(&mu_);
    sessions_.erase(principal.token_hash);
  }
  Timestamp now = clock_.Now();
  return store_.Write([&](Tx& tx) { return tx.auth().RevokeSession(principal.token_hash, now); });
}

Result<Principal> AuthService::Cache(std::unordered_map<std::string, Cached> AuthService::*cache, const std::string& hash,
                                     const std::function<Result<Principal>(Tx&, Timestamp&)>& load) {
  Timestamp now = clock_.Now();
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = (this->*cache).find(hash);
    if (it != (this->*cache).end() && it->second.until > now) return it->second.principal;
  }
  Principal principal;
  Timestamp expires = Timestamp::max();
  MUSTER_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(principal, load(tx, expires));
    return Status::Ok();
  }));
  absl::MutexLock lock(&mu_);
  if ((this->*cache).size() > 200'000) (this->*cache).clear();
  (this->*cache)[hash] = Cached{principal, std::min(expires, now + options_.cache_ttl)};
  return principal;
}

Result<Principal> AuthService::AuthenticateSession(std::string_view token) {
  if (token.size() != 64) return Status::NotFound("session", "unknown or expired");
  std::string hash = DigestHex(kSessionDomain, token);
  Timestamp now = clock_.Now();
  auto principal = Cache(&AuthService::sessions_, hash, [&](Tx& tx, Timestamp& valid_until) -> Result<Principal> {
    auto session = tx.auth().GetSession(hash);
    if (!session.ok()) return Status::NotFound("session", "unknown or expired");
    if (session->revoked_at || session->expires_at <= now) return Status::NotFound("session", "unknown or expired");
    MUSTER_ASSIGN_OR_RETURN(Account account, tx.auth().GetAccount(session->account_id));
    if (!account.active) return Status::NotFound("session", "unknown or expired");
    valid_until = session->expires_at;
    Principal p = FromAccount(account);
    p.token_hash = hash;
    return p;
  });
  return principal;
}

Result<CreatedApiKey> AuthService::CreateApiKey(Role role, std::string_view name, std::string_view actor,
                                                const std::vector<std::string>& kinds) {
  if (role != Role::kBorder && role != Role::kAuditor && role != Role::kAgency) {
    return Status::InvalidArgument("role", "API keys are for border, auditor or agency machines");
  }
  MUSTER_RETURN_IF_ERROR(CheckLogin(name).WithField("name"));
  MUSTER_RETURN_IF_ERROR(CheckKeyKinds(role, kinds));
  CreatedApiKey created;
  created.key.kinds = kinds;
  created.secret = fmt::format("{}{}", kApiKeyPrefix, RandomHex(32));
  created.key.name = std::string(name);
  created.key.role = role;
  created.key.key_hash = DigestHex(kApiKeyDomain, created.secret);
  created.key.created_by = std::string(actor);
  created.key.created_at = clock_.Now();
  MUSTER_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(created.key.id, tx.auth().InsertApiKey(created.key));
    return Status::Ok();
  }));
  return created;
}

Status AuthService::CheckKeyKinds(Role role, const std::vector<std::string>& kinds) const {
  if (role != Role::kAgency) {
    if (kinds.empty()) return Status::Ok();
    return Status::InvalidArgument(
        "kinds", fmt::format("only agency keys are scoped to restriction kinds, not {}", RoleName(role)));
  }
  if (kinds.empty()) return Status::InvalidArgument("kinds", "an agency key needs at least one restriction kind");
  for (size_t i = 0; i < kinds.size(); ++i) {
    const std::string& kind = kinds[i];
    bool known = kind == "exit_ban" || std::any_of(policy_.restrictions.begin(), policy_.restrictions.end(),
                                                   [&](const RestrictionRule& r) { return r.kind == kind; });
    if (!known) {
      return Status::InvalidArgument("kinds", fmt::format("'{}' is not a restriction kind of the policy", kind));
    }
    if (std::find(kinds.begin(), kinds.begin() + static_cast<std::ptrdiff_t>(i), kind) !=
        kinds.begin() + static_cast<std::ptrdiff_t>(i)) {
      return Status::InvalidArgument("kinds", fmt::format("'{}' is named twice", kind));
    }
  }
  return Status::Ok();
}

Result<Principal> AuthService::AuthenticateApiKey(std::string_view secret) {
  if (secret.substr(0, kApiKeyPrefix.size()) != kApiKeyPrefix) return Status::NotFound("api key: unknown");
  std::string hash = DigestHex(kApiKeyDomain, secret);
  return Cache(&AuthService::api_keys_, hash, [&](Tx& tx, Timestamp&) -> Result<Principal> {
    auto key = tx.auth().GetApiKeyByHash(hash);
    if (!key.ok() || key->revoked_at) return Status::NotFound("api key: unknown");
    Principal p;
    p.role = key->role;
    p.name = key->name;
    p.kinds = key->kinds;
    return p;
  });
}

std::string AuthService::CsrfTokenFor(std::string_view session_token) { return DigestHex(kCsrfDomain, session_token); }

}  // namespace muster::auth

// Accounts, activation, sessions and API keys: every authentication rule, used by the CLI
// (`muster user …`, `muster apikey create`) and the HTTP API.
//
// Sessions are 256-bit random tokens, stored as digests and valid for `session_ttl`; API keys
// likewise, with no expiry. Authenticated sessions and keys are cached in memory for
// `cache_ttl`, so the hot paths (exit check, cabinet) run no SQL to authenticate; a logout
// through this process takes effect at once. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/access.hpp"
#include "auth/account.hpp"
#include "auth/throttle.hpp"
#include "core/policy.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace muster::auth {

struct AuthOptions {
  std::chrono::seconds session_ttl{12 * 3600};
  std::chrono::seconds cache_ttl{30};
  std::chrono::hours activation_code_ttl{14 * 24};
};

struct LoginResult {
  enum Outcome { kOk, kBadCredentials, kThrottled } outcome = kBadCredentials;
  int64_t retry_after = 0;  // seconds, for kThrottled
  std::string token;        // for kOk: shown to the client once
  std::string csrf_token;   // for kOk: what cookie-authenticated writes must echo
  Timestamp expires_at;
  Principal principal;
};

struct CreatedApiKey {
  ApiKey key;
  std::string secret;  // shown once
};

class AuthService {
 public:
  AuthService(Store& store, const Policy& policy, const Clock& clock, AuthOptions options = {});

  // Staff: officer|supervisor|auditor|admin; officers and supervisors need at least one office.
  Result<Account> CreateStaff(std::string_view login, Role role, std::string_view display_name,
                              const std::vector<std::string>& offices, std::string_view password,
                              std::string_view actor);
  // A new one-time code for a registered person (replacing any earlier one); shown once.
  Result<std::string> IssueActivationCode(std::string_view national_id, std::string_view actor);
  // Activates (or resets) the citizen account of `national_id` with a valid unused code.
  // Failures are throttled per national ID and per `address` like logins.
  Result<Account> Activate(std::string_view national_id, std::string_view code, std::string_view password,
                           std::string_view address, int64_t* retry_after);

  LoginResult Login(std::string_view login, std::string_view password, std::string_view address);
  Status Logout(const Principal& principal);
  // NotFound for an unknown, expired or revoked token.
  Result<Principal> AuthenticateSession(std::string_view token);

  Result<CreatedApiKey> CreateApiKey(Role role, std::string_view name, std::string_view actor);
  Result<Principal> AuthenticateApiKey(std::string_view secret);

  // The CSRF token bound to a session token (derived, not stored).
  static std::string CsrfTokenFor(std::string_view session_token);
  std::chrono::seconds session_ttl() const { return options_.session_ttl; }

 private:
  struct Cached {
    Principal principal;
    Timestamp until;  // re-read from the store after this
  };
  Principal FromAccount(const Account& account) const;
  Result<Principal> Cache(std::unordered_map<std::string, Cached>& cache, const std::string& hash,
                          const std::function<Result<Principal>(Tx&, Timestamp& valid_until)>& load);

  Store& store_;
  const Policy& policy_;
  const Clock& clock_;
  AuthOptions options_;
  Throttle by_login_{5};     // per login name or national ID
  Throttle by_address_{50};  // per client address: many people may share one (NAT, a proxy)
  std::shared_mutex mu_;
  std::unordered_map<std::string, Cached> sessions_;  // by token hash
  std::unordered_map<std::string, Cached> api_keys_;  // by key hash
};

}  // namespace muster::auth

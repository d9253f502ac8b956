// Accounts, activation, sessions and API keys: every authentication rule, used by the CLI
// (`muster user …`, `muster apikey create`) and the HTTP API.
//
// Sessions are 256-bit random tokens, stored as digests and valid for `session_ttl`; API keys
// likewise, with no expiry. Authenticated sessions and keys are cached in memory for
// `cache_ttl`, so the hot paths (exit check, cabinet) run no SQL to authenticate; a logout
// through this process takes effect at once. Thread-safe.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/access.hpp"
#include "auth/throttle.hpp"
#include "core/account.hpp"
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
  // kUnavailable: the store failed (the log says why); the credentials were not judged.
  enum Outcome { kOk, kBadCredentials, kThrottled, kUnavailable } outcome = kBadCredentials;
  int64_t retry_after = 0;   // seconds, for kThrottled
  std::string token;         // for kOk: shown to the client once
  std::string csrf_token;    // for kOk: what cookie-authenticated writes must echo
  std::string device_token;  // for kOk: the device cookie that keeps this browser trusted
  Timestamp expires_at;
  Principal principal;
};

// A change to a staff account; what is unset stays as it is.
struct StaffChange {
  std::optional<Role> role;
  std::optional<std::vector<std::string>> offices;
  std::optional<bool> active;
  std::optional<std::string> display_name;
  std::optional<std::string> password;
};

struct CreatedApiKey {
  ApiKey key;
  std::string secret;  // shown once
};

class AuthService {
 public:
  AuthService(Store& store, const Policy& policy, const Clock& clock, AuthOptions options = {});

  // Staff: officer|supervisor|auditor|admin; officers and supervisors need at least one office.
  // A staff login never has the form of a national ID (the policy's pattern), so that no
  // activation can ever reach a staff account.
  Result<Account> CreateStaff(std::string_view login, Role role, std::string_view display_name,
                              const std::vector<std::string>& offices, std::string_view password,
                              std::string_view actor);
  // Changes a staff account's role, offices, name, password or whether it is active. A change of
  // anything but the name ends every session of the account.
  Result<Account> UpdateStaff(std::string_view login, const StaffChange& change, std::string_view actor);
  // FailedPrecondition naming every active staff account whose login has the form of a national
  // ID (accounts made before that was refused); `muster serve` will not start with one.
  Status CheckStaffLogins();

  // A new one-time code for a registered person (replacing any earlier one); shown once.
  Result<std::string> IssueActivationCode(std::string_view national_id, std::string_view actor);
  // Activates (or resets) the citizen account of `national_id` with a valid unused code, and ends
  // every session the account had. Only ever a citizen account: FailedPrecondition when the
  // login is a staff account's. Failures are throttled per national ID and address together,
  // and per address, never per national ID alone: the code's ~49 bits make guessing hopeless, and
  // a lock per ID would let anyone lock a citizen out of their own code.
  Result<Account> Activate(std::string_view national_id, std::string_view code, std::string_view password,
                           std::string_view address, int64_t* retry_after);

  // Throttling (OWASP's device cookies): a browser that has logged in to this account before
  // presents `device_token` and is throttled only by its own failures, so failures elsewhere
  // never lock the owner out. Other attempts are throttled per login and per address.
  LoginResult Login(std::string_view login, std::string_view password, std::string_view address,
                    std::string_view device_token = {});
  Status Logout(const Principal& principal);
  // NotFound for an unknown, expired or revoked token.
  Result<Principal> AuthenticateSession(std::string_view token);

  // `kinds`: for an agency key, the restriction kinds of the policy it may ask about (at least
  // one); empty for other roles.
  Result<CreatedApiKey> CreateApiKey(Role role, std::string_view name, std::string_view actor,
                                     const std::vector<std::string>& kinds = {});
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
  Status CheckStaffLogin(std::string_view login) const;
  Status CheckKeyKinds(Role role, const std::vector<std::string>& kinds) const;
  // Forgets the cached sessions of the account (its sessions are revoked in the store).
  void DropCachedSessions(int64_t account_id);
  // `cache` is sessions_ or api_keys_, read and written under mu_.
  Result<Principal> Cache(std::unordered_map<std::string, Cached> AuthService::*cache, const std::string& hash,
                          const std::function<Result<Principal>(Tx&, Timestamp& valid_until)>& load);

  Store& store_;
  const Policy& policy_;
  const Clock& clock_;
  AuthOptions options_;
  Throttle by_login_{5};      // untrusted attempts per login; activations per national ID and address
  Throttle by_device_{5};     // attempts from a trusted device, per device
  Throttle by_address_{100};  // per client address: many people may share one (NAT, a proxy)
  absl::Mutex mu_;
  std::unordered_map<std::string, Cached> sessions_ ABSL_GUARDED_BY(mu_);  // by token hash
  std::unordered_map<std::string, Cached> api_keys_ ABSL_GUARDED_BY(mu_);  // by key hash
};

}  // namespace muster::auth

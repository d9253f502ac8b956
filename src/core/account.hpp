// Accounts, activation codes, sessions and API keys: the value types of authentication
// (auth/auth_service.hpp applies the rules; store/auth_port.hpp keeps them).
//
// Secrets are never stored: passwords and activation codes as Argon2id strings
// (crypto_pwhash_str), session tokens and API keys as BLAKE2b-256 digests in hex.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.hpp"

namespace muster {

// DESIGN §2. Citizens and staff log in with a password; border and auditor machines use API keys.
// Agency machines (kAgency) ask about the restriction kinds their key names.
enum class Role { kCitizen, kOfficer, kSupervisor, kAuditor, kAdmin, kBorder, kAgency };

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct Account {
  int64_t id = 0;
  std::string login;  // staff: a chosen name; citizens: their national ID
  Role role = Role::kCitizen;
  std::string display_name;
  std::string national_id;           // citizens only
  std::vector<std::string> offices;  // officers and supervisors: the office codes they act for
  std::string password_hash;         // Argon2id string
  bool active = true;
  std::string created_by;
  Timestamp created_at;
};

// A one-time code an officer hands a citizen to activate (or reset) their account.
struct ActivationCode {
  std::string national_id;
  std::string code_hash;  // Argon2id string
  std::string created_by;
  Timestamp created_at;
  Timestamp expires_at;
  std::optional<Timestamp> used_at;
};

struct Session {
  std::string token_hash;
  int64_t account_id = 0;
  Timestamp created_at;
  Timestamp expires_at;
  std::optional<Timestamp> revoked_at;
};

struct ApiKey {
  int64_t id = 0;
  std::string name;  // unique
  Role role = Role::kBorder;
  std::string key_hash;
  std::string created_by;
  Timestamp created_at;
  std::optional<Timestamp> revoked_at;
  std::vector<std::string> kinds;  // agency keys: the restriction kinds they may ask about
};

}  // namespace muster

// Accounts, one-time activation codes, sessions and API keys (migration 0004_auth.sql), as
// auth/auth_service.hpp keeps them. Reached from a transaction as tx.auth(); used by the
// thread that owns the transaction. Every method fails with IoError when the database does.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/account.hpp"
#include "core/status.hpp"
#include "core/time.hpp"

namespace muster {

class AuthPort {
 public:
  virtual ~AuthPort() = default;

  // The new account's id; AlreadyExists naming the login when it is taken.
  virtual Result<int64_t> InsertAccount(const Account& account) = 0;
  // NotFound when there is no such account.
  virtual Result<Account> GetAccount(int64_t id) = 0;
  virtual Result<Account> GetAccountByLogin(std::string_view login) = 0;
  // Writes role, display name, offices, password hash and whether it is active (never the
  // login); NotFound when there is no such account.
  virtual Status UpdateAccount(const Account& account) = 0;
  // Every account but citizens', by login.
  virtual Result<std::vector<Account>> ListStaffAccounts() = 0;

  // A person has at most one code: this replaces an earlier one.
  virtual Status UpsertActivationCode(const ActivationCode& code) = 0;
  // NotFound when the person has none.
  virtual Result<ActivationCode> GetActivationCode(std::string_view national_id) = 0;
  // Writes used_at.
  virtual Status UpdateActivationCode(const ActivationCode& code) = 0;

  virtual Status InsertSession(const Session& session) = 0;
  // NotFound for an unknown token digest (a revoked or expired session is returned as it is).
  virtual Result<Session> GetSession(std::string_view token_hash) = 0;
  // Revokes the session unless it is revoked already.
  virtual Status RevokeSession(std::string_view token_hash, Timestamp at) = 0;
  // Revokes every live session of the account; returns how many.
  virtual Result<int64_t> RevokeAccountSessions(int64_t account_id, Timestamp at) = 0;

  // The new key's id; AlreadyExists naming the name when it is taken.
  virtual Result<int64_t> InsertApiKey(const ApiKey& key) = 0;
  // NotFound for an unknown key digest (a revoked key is returned as it is).
  virtual Result<ApiKey> GetApiKeyByHash(std::string_view key_hash) = 0;
};

}  // namespace muster

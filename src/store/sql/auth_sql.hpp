// The one implementation of AuthPort, over either backend's sql::Connection.
#pragma once

#include "store/auth_port.hpp"
#include "store/sql.hpp"

namespace muster::sql {

class SqlAuth final : public AuthPort {
 public:
  // `conn` must outlive this object.
  explicit SqlAuth(Connection& conn) : conn_(conn) {}

  Result<int64_t> InsertAccount(const Account& account) override;
  Result<Account> GetAccount(int64_t id) override;
  Result<Account> GetAccountByLogin(std::string_view login) override;
  Status UpdateAccount(const Account& account) override;
  Result<std::vector<Account>> ListStaffAccounts() override;
  Status UpsertActivationCode(const ActivationCode& code) override;
  Result<ActivationCode> GetActivationCode(std::string_view national_id) override;
  Status UpdateActivationCode(const ActivationCode& code) override;
  Status InsertSession(const Session& session) override;
  Result<Session> GetSession(std::string_view token_hash) override;
  Status RevokeSession(std::string_view token_hash, Timestamp at) override;
  Result<int64_t> RevokeAccountSessions(int64_t account_id, Timestamp at) override;
  Result<int64_t> InsertApiKey(const ApiKey& key) override;
  Result<ApiKey> GetApiKeyByHash(std::string_view key_hash) override;

 private:
  Connection& conn_;
};

}  // namespace muster::sql

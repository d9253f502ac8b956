// PgTx: accounts, activation codes, sessions, API keys (migration 0004_auth.sql).
#include <fmt/format.h>

#include "store/postgres/pg_tx.hpp"

namespace muster::postgres {
namespace {

constexpr std::string_view kAccountSelect =
    "SELECT id, login, role, display_name, national_id, offices, password_hash, active, created_by, created_at "
    "FROM accounts";

Account ReadAccount(const Rows& r, int i) {
  Account a;
  a.id = r.Int(i, 0);
  a.login = r.Text(i, 1);
  a.role = ParseRole(r.View(i, 2)).value_or(Role::kCitizen);
  a.display_name = r.Text(i, 3);
  a.national_id = r.Text(i, 4);
  a.offices = Split(r.Text(i, 5));
  a.password_hash = r.Text(i, 6);
  a.active = r.Int(i, 7) != 0;
  a.created_by = r.Text(i, 8);
  a.created_at = FromMillis(r.Int(i, 9));
  return a;
}

ActivationCode ReadActivationCode(const Rows& r, int i) {
  ActivationCode c;
  c.national_id = r.Text(i, 0);
  c.code_hash = r.Text(i, 1);
  c.created_by = r.Text(i, 2);
  c.created_at = FromMillis(r.Int(i, 3));
  c.expires_at = FromMillis(r.Int(i, 4));
  c.used_at = OptColumn(r, i, 5);
  return c;
}

}  // namespace

Result<int64_t> PgTx::InsertAccount(const Account& a) {
  std::string offices = Join(a.offices);
  Params params;
  params.Add(a.login).Add(RoleName(a.role)).Add(a.display_name).Add(a.national_id).Add(offices);
  params.Add(a.password_hash).Add(int64_t{a.active ? 1 : 0}).Add(a.created_by).Add(Millis(a.created_at));
  auto rows = conn_.Query(
      "INSERT INTO accounts (login, role, display_name, national_id, offices, password_hash, active, created_by, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
      params);
  if (rows.status().IsAlreadyExists()) return Status::AlreadyExists(fmt::format("login: '{}' is taken", a.login));
  MUSTER_RETURN_IF_ERROR(rows.status());
  return rows->Int(0, 0);
}

Result<Account> PgTx::GetAccount(int64_t id) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query(fmt::format("{} WHERE id = $1", kAccountSelect), Params().Add(id)));
  return One<Account>(rows, ReadAccount, fmt::format("account {} not found", id));
}

Result<Account> PgTx::GetAccountByLogin(std::string_view login) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query(fmt::format("{} WHERE login = $1", kAccountSelect), Params().Add(login)));
  return One<Account>(rows, ReadAccount, fmt::format("login: no account '{}'", login));
}

Status PgTx::UpdateAccount(const Account& a) {
  std::string offices = Join(a.offices);
  Params params;
  params.Add(a.id).Add(a.display_name).Add(offices).Add(a.password_hash).Add(int64_t{a.active ? 1 : 0});
  params.Add(RoleName(a.role));
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query("UPDATE accounts SET display_name = $2, offices = $3, "
                                                 "password_hash = $4, active = $5, role = $6 WHERE id = $1",
                                                 params));
  if (rows.affected() == 0) return Status::NotFound(fmt::format("account {} not found", a.id));
  return Status::Ok();
}

Result<std::vector<Account>> PgTx::ListStaffAccounts() {
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query(fmt::format("{} WHERE role <> 'citizen' ORDER BY login", kAccountSelect)));
  return Collect<Account>(rows, ReadAccount);
}

Status PgTx::UpsertActivationCode(const ActivationCode& c) {
  Params params;
  params.Add(c.national_id).Add(c.code_hash).Add(c.created_by).Add(Millis(c.created_at)).Add(Millis(c.expires_at));
  params.Add(OptMillis(c.used_at));
  return conn_
      .Query(
          "INSERT INTO activation_codes (national_id, code_hash, created_by, created_at, expires_at, used_at) "
          "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (national_id) DO UPDATE SET code_hash = EXCLUDED.code_hash, "
          "created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, "
          "used_at = EXCLUDED.used_at",
          params)
      .status();
}

Result<ActivationCode> PgTx::GetActivationCode(std::string_view national_id) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query("SELECT national_id, code_hash, created_by, created_at, expires_at, used_at "
                                      "FROM activation_codes WHERE national_id = $1",
                                      Params().Add(national_id)));
  return One<ActivationCode>(rows, ReadActivationCode, "activation code not found");
}

Status PgTx::UpdateActivationCode(const ActivationCode& c) {
  return conn_
      .Query("UPDATE activation_codes SET used_at = $2 WHERE national_id = $1",
             Params().Add(c.national_id).Add(OptMillis(c.used_at)))
      .status();
}

Status PgTx::InsertSession(const Session& session) {
  Params params;
  params.Add(session.token_hash).Add(session.account_id).Add(Millis(session.created_at));
  params.Add(Millis(session.expires_at)).Add(OptMillis(session.revoked_at));
  return conn_
      .Query(
          "INSERT INTO sessions (token_hash, account_id, created_at, expires_at, revoked_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          params)
      .status();
}

Result<Session> PgTx::GetSession(std::string_view token_hash) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT token_hash, account_id, created_at, expires_at, revoked_at "
                                                 "FROM sessions WHERE token_hash = $1",
                                                 Params().Add(token_hash)));
  return One<Session>(
      rows,
      [](const Rows& r, int i) {
        Session session;
        session.token_hash = r.Text(i, 0);
        session.account_id = r.Int(i, 1);
        session.created_at = FromMillis(r.Int(i, 2));
        session.expires_at = FromMillis(r.Int(i, 3));
        session.revoked_at = OptColumn(r, i, 4);
        return session;
      },
      "session not found");
}

Status PgTx::RevokeSession(std::string_view token_hash, Timestamp at) {
  return conn_
      .Query("UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
             Params().Add(token_hash).Add(Millis(at)))
      .status();
}

Result<int64_t> PgTx::RevokeAccountSessions(int64_t account_id, Timestamp at) {
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query("UPDATE sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL",
                             Params().Add(account_id).Add(Millis(at))));
  return int64_t{rows.affected()};
}

Result<int64_t> PgTx::InsertApiKey(const ApiKey& k) {
  Params params;
  params.Add(k.name).Add(RoleName(k.role)).Add(k.key_hash).Add(k.created_by).Add(Millis(k.created_at));
  params.Add(OptMillis(k.revoked_at));
  auto rows = conn_.Query(
      "INSERT INTO api_keys (name, role, key_hash, created_by, created_at, revoked_at) "
      "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      params);
  if (rows.status().IsAlreadyExists()) return Status::AlreadyExists(fmt::format("name: API key '{}' exists", k.name));
  MUSTER_RETURN_IF_ERROR(rows.status());
  return rows->Int(0, 0);
}

Result<ApiKey> PgTx::GetApiKeyByHash(std::string_view key_hash) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT id, name, role, key_hash, created_by, created_at, revoked_at "
                                                 "FROM api_keys WHERE key_hash = $1",
                                                 Params().Add(key_hash)));
  return One<ApiKey>(
      rows,
      [](const Rows& r, int i) {
        ApiKey k;
        k.id = r.Int(i, 0);
        k.name = r.Text(i, 1);
        k.role = ParseRole(r.View(i, 2)).value_or(Role::kBorder);
        k.key_hash = r.Text(i, 3);
        k.created_by = r.Text(i, 4);
        k.created_at = FromMillis(r.Int(i, 5));
        k.revoked_at = OptColumn(r, i, 6);
        return k;
      },
      "api key not found");
}

}  // namespace muster::postgres

// AuthPort in SQL that both backends run as written.
#include "store/sql/auth_sql.hpp"

#include <fmt/format.h>

namespace muster::sql {
namespace {

constexpr std::string_view kAccountColumns =
    "id, login, role, display_name, national_id, offices, password_hash, active, created_by, created_at";

Account ReadAccount(const Row& r) {
  Account a;
  a.id = r.Int(0);
  a.login = r.Text(1);
  a.role = ParseRole(r.View(2)).value_or(Role::kCitizen);
  a.display_name = r.Text(3);
  a.national_id = r.Text(4);
  a.offices = Split(r.View(5));
  a.password_hash = r.Text(6);
  a.active = r.Int(7) != 0;
  a.created_by = r.Text(8);
  a.created_at = FromMillis(r.Int(9));
  return a;
}

ActivationCode ReadActivationCode(const Row& r) {
  ActivationCode c;
  c.national_id = r.Text(0);
  c.code_hash = r.Text(1);
  c.created_by = r.Text(2);
  c.created_at = FromMillis(r.Int(3));
  c.expires_at = FromMillis(r.Int(4));
  c.used_at = OptTime(r, 5);
  return c;
}

Session ReadSession(const Row& r) {
  Session s;
  s.token_hash = r.Text(0);
  s.account_id = r.Int(1);
  s.created_at = FromMillis(r.Int(2));
  s.expires_at = FromMillis(r.Int(3));
  s.revoked_at = OptTime(r, 4);
  return s;
}

ApiKey ReadApiKey(const Row& r) {
  ApiKey k;
  k.id = r.Int(0);
  k.name = r.Text(1);
  k.role = ParseRole(r.View(2)).value_or(Role::kBorder);
  k.key_hash = r.Text(3);
  k.created_by = r.Text(4);
  k.created_at = FromMillis(r.Int(5));
  k.revoked_at = OptTime(r, 6);
  k.kinds = Split(r.View(7));
  return k;
}

// The id a `... RETURNING id` statement returned.
Result<int64_t> InsertReturningId(Connection& conn, std::string_view sql, const Args& args) {
  int64_t id = 0;
  MUSTER_RETURN_IF_ERROR(conn.Run(sql, args,
                                  [&](const Row& r) {
                                    id = r.Int(0);
                                    return Status::Ok();
                                  })
                             .status());
  return id;
}

}  // namespace

Result<int64_t> SqlAuth::InsertAccount(const Account& a) {
  std::string offices = Join(a.offices);
  Args args;
  args.Add(a.login).Add(RoleName(a.role)).Add(a.display_name).Add(a.national_id).Add(offices);
  args.Add(a.password_hash).Add(a.active).Add(a.created_by).Add(Millis(a.created_at));
  auto id =
      InsertReturningId(conn_,
                        "INSERT INTO accounts (login, role, display_name, national_id, offices, password_hash, "
                        "active, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                        args);
  if (id.status().IsAlreadyExists()) return Status::AlreadyExists("login", fmt::format("'{}' is taken", a.login));
  return id;
}

Result<Account> SqlAuth::GetAccount(int64_t id) {
  return One<Account>(conn_, fmt::format("SELECT {} FROM accounts WHERE id = $1", kAccountColumns), Args().Add(id),
                      ReadAccount, fmt::format("account {} not found", id));
}

Result<Account> SqlAuth::GetAccountByLogin(std::string_view login) {
  return One<Account>(conn_, fmt::format("SELECT {} FROM accounts WHERE login = $1", kAccountColumns),
                      Args().Add(login), ReadAccount, fmt::format("login: no account '{}'", login));
}

Status SqlAuth::UpdateAccount(const Account& a) {
  std::string offices = Join(a.offices);
  Args args;
  args.Add(a.id).Add(a.display_name).Add(offices).Add(a.password_hash).Add(a.active).Add(RoleName(a.role));
  MUSTER_ASSIGN_OR_RETURN(int64_t changed, conn_.Run("UPDATE accounts SET display_name = $2, offices = $3, "
                                                     "password_hash = $4, active = $5, role = $6 WHERE id = $1",
                                                     args));
  if (changed == 0) return Status::NotFound(fmt::format("account {} not found", a.id));
  return Status::Ok();
}

Result<std::vector<Account>> SqlAuth::ListStaffAccounts() {
  return Collect<Account>(
      conn_, fmt::format("SELECT {} FROM accounts WHERE role <> 'citizen' ORDER BY login", kAccountColumns), Args(),
      ReadAccount);
}

Status SqlAuth::UpsertActivationCode(const ActivationCode& c) {
  Args args;
  args.Add(c.national_id).Add(c.code_hash).Add(c.created_by).Add(Millis(c.created_at)).Add(Millis(c.expires_at));
  args.Add(OptMillis(c.used_at));
  return conn_
      .Run(
          "INSERT INTO activation_codes (national_id, code_hash, created_by, created_at, expires_at, used_at) "
          "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (national_id) DO UPDATE SET code_hash = excluded.code_hash, "
          "created_by = excluded.created_by, created_at = excluded.created_at, expires_at = excluded.expires_at, "
          "used_at = excluded.used_at",
          args)
      .status();
}

Result<ActivationCode> SqlAuth::GetActivationCode(std::string_view national_id) {
  return One<ActivationCode>(conn_,
                             "SELECT national_id, code_hash, created_by, created_at, expires_at, used_at "
                             "FROM activation_codes WHERE national_id = $1",
                             Args().Add(national_id), ReadActivationCode, "activation code not found");
}

Status SqlAuth::UpdateActivationCode(const ActivationCode& c) {
  return conn_
      .Run("UPDATE activation_codes SET used_at = $2 WHERE national_id = $1",
           Args().Add(c.national_id).Add(OptMillis(c.used_at)))
      .status();
}

Status SqlAuth::InsertSession(const Session& s) {
  Args args;
  args.Add(s.token_hash).Add(s.account_id).Add(Millis(s.created_at)).Add(Millis(s.expires_at));
  args.Add(OptMillis(s.revoked_at));
  return conn_
      .Run(
          "INSERT INTO sessions (token_hash, account_id, created_at, expires_at, revoked_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          args)
      .status();
}

Result<Session> SqlAuth::GetSession(std::string_view token_hash) {
  return One<Session>(conn_,
                      "SELECT token_hash, account_id, created_at, expires_at, revoked_at FROM sessions "
                      "WHERE token_hash = $1",
                      Args().Add(token_hash), ReadSession, "session not found");
}

Status SqlAuth::RevokeSession(std::string_view token_hash, Timestamp at) {
  return conn_
      .Run("UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
           Args().Add(token_hash).Add(Millis(at)))
      .status();
}

Result<int64_t> SqlAuth::RevokeAccountSessions(int64_t account_id, Timestamp at) {
  return conn_.Run("UPDATE sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL",
                   Args().Add(account_id).Add(Millis(at)));
}

Result<int64_t> SqlAuth::InsertApiKey(const ApiKey& k) {
  const std::string kinds = Join(k.kinds);
  Args args;
  args.Add(k.name).Add(RoleName(k.role)).Add(k.key_hash).Add(k.created_by).Add(Millis(k.created_at));
  args.Add(OptMillis(k.revoked_at)).Add(kinds);
  auto id = InsertReturningId(conn_,
                              "INSERT INTO api_keys (name, role, key_hash, created_by, created_at, revoked_at, kinds) "
                              "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                              args);
  if (id.status().IsAlreadyExists()) return Status::AlreadyExists("name", fmt::format("API key '{}' exists", k.name));
  return id;
}

Result<ApiKey> SqlAuth::GetApiKeyByHash(std::string_view key_hash) {
  return One<ApiKey>(conn_,
                     "SELECT id, name, role, key_hash, created_by, created_at, revoked_at, kinds FROM api_keys "
                     "WHERE key_hash = $1",
                     Args().Add(key_hash), ReadApiKey, "api key not found");
}

}  // namespace muster::sql

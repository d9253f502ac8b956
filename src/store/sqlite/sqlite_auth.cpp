// Tx on SQLite: accounts, activation codes, sessions, API keys (migration 0004_auth.sql).
#include <fmt/format.h>

#include "store/sqlite/sqlite_tx.hpp"

namespace muster::sqlite {
namespace {

constexpr std::string_view kAccountSelect =
    "SELECT id, login, role, display_name, national_id, offices, password_hash, active, created_by, created_at "
    "FROM accounts";

Account ReadAccount(const Statement& s) {
  Account a;
  a.id = s.Int(0);
  a.login = s.Text(1);
  a.role = ParseRole(s.Text(2)).value_or(Role::kCitizen);
  a.display_name = s.Text(3);
  a.national_id = s.Text(4);
  a.offices = Split(s.Text(5));
  a.password_hash = s.Text(6);
  a.active = s.Int(7) != 0;
  a.created_by = s.Text(8);
  a.created_at = FromMillis(s.Int(9));
  return a;
}

ActivationCode ReadActivationCode(const Statement& s) {
  ActivationCode c;
  c.national_id = s.Text(0);
  c.code_hash = s.Text(1);
  c.created_by = s.Text(2);
  c.created_at = FromMillis(s.Int(3));
  c.expires_at = FromMillis(s.Int(4));
  c.used_at = OptColumn(s, 5);
  return c;
}

}  // namespace

Result<int64_t> SqliteTx::InsertAccount(const Account& a) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare("INSERT INTO accounts (login, role, display_name, national_id, offices, "
                                      "password_hash, active, created_by, created_at) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  s->Bind(1, a.login).Bind(2, RoleName(a.role)).Bind(3, a.display_name).Bind(4, a.national_id);
  s->Bind(5, Join(a.offices)).Bind(6, a.password_hash).Bind(7, int64_t{a.active ? 1 : 0}).Bind(8, a.created_by);
  s->Bind(9, Millis(a.created_at));
  Status st = s->Run();
  if (st.IsAlreadyExists()) return Status::AlreadyExists(fmt::format("login: '{}' is taken", a.login));
  MUSTER_RETURN_IF_ERROR(st);
  return db_.LastInsertRowId();
}

Result<Account> SqliteTx::GetAccount(int64_t id) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} WHERE id = ?1", kAccountSelect)));
  s->Bind(1, id);
  return One<Account>(*s, ReadAccount, fmt::format("account {} not found", id));
}

Result<Account> SqliteTx::GetAccountByLogin(std::string_view login) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} WHERE login = ?1", kAccountSelect)));
  s->Bind(1, login);
  return One<Account>(*s, ReadAccount, fmt::format("login: no account '{}'", login));
}

Status SqliteTx::UpdateAccount(const Account& a) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare("UPDATE accounts SET display_name = ?2, offices = ?3, password_hash = ?4, "
                                      "active = ?5, role = ?6 WHERE id = ?1"));
  s->Bind(1, a.id).Bind(2, a.display_name).Bind(3, Join(a.offices)).Bind(4, a.password_hash);
  s->Bind(5, int64_t{a.active ? 1 : 0}).Bind(6, RoleName(a.role));
  MUSTER_RETURN_IF_ERROR(s->Run());
  if (db_.Changes() == 0) return Status::NotFound(fmt::format("account {} not found", a.id));
  return Status::Ok();
}

Result<std::vector<Account>> SqliteTx::ListStaffAccounts() {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare(fmt::format("{} WHERE role <> 'citizen' ORDER BY login", kAccountSelect)));
  std::vector<Account> out;
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadAccount(*s));
  }
  return out;
}

Status SqliteTx::UpsertActivationCode(const ActivationCode& c) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare("INSERT OR REPLACE INTO activation_codes (national_id, code_hash, created_by, "
                                      "created_at, expires_at, used_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  s->Bind(1, c.national_id).Bind(2, c.code_hash).Bind(3, c.created_by).Bind(4, Millis(c.created_at));
  s->Bind(5, Millis(c.expires_at)).Bind(6, OptMillis(c.used_at));
  return s->Run();
}

Result<ActivationCode> SqliteTx::GetActivationCode(std::string_view national_id) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare("SELECT national_id, code_hash, created_by, created_at, expires_at, used_at "
                                      "FROM activation_codes WHERE national_id = ?1"));
  s->Bind(1, national_id);
  return One<ActivationCode>(*s, ReadActivationCode, "activation code not found");
}

Status SqliteTx::UpdateActivationCode(const ActivationCode& c) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare("UPDATE activation_codes SET used_at = ?2 WHERE national_id = ?1"));
  s->Bind(1, c.national_id).Bind(2, OptMillis(c.used_at));
  return s->Run();
}

Status SqliteTx::InsertSession(const Session& session) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare("INSERT INTO sessions (token_hash, account_id, created_at, expires_at, "
                                      "revoked_at) VALUES (?1, ?2, ?3, ?4, ?5)"));
  s->Bind(1, session.token_hash).Bind(2, session.account_id).Bind(3, Millis(session.created_at));
  s->Bind(4, Millis(session.expires_at)).Bind(5, OptMillis(session.revoked_at));
  return s->Run();
}

Result<Session> SqliteTx::GetSession(std::string_view token_hash) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare("SELECT token_hash, account_id, created_at, expires_at, revoked_at "
                                      "FROM sessions WHERE token_hash = ?1"));
  s->Bind(1, token_hash);
  return One<Session>(
      *s,
      [](const Statement& r) {
        Session session;
        session.token_hash = r.Text(0);
        session.account_id = r.Int(1);
        session.created_at = FromMillis(r.Int(2));
        session.expires_at = FromMillis(r.Int(3));
        session.revoked_at = OptColumn(r, 4);
        return session;
      },
      "session not found");
}

Status SqliteTx::RevokeSession(std::string_view token_hash, Timestamp at) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare("UPDATE sessions SET revoked_at = ?2 WHERE token_hash = ?1 "
                                                     "AND revoked_at IS NULL"));
  s->Bind(1, token_hash).Bind(2, Millis(at));
  return s->Run();
}

Result<int64_t> SqliteTx::RevokeAccountSessions(int64_t account_id, Timestamp at) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare("UPDATE sessions SET revoked_at = ?2 WHERE account_id = ?1 "
                                                     "AND revoked_at IS NULL"));
  s->Bind(1, account_id).Bind(2, Millis(at));
  MUSTER_RETURN_IF_ERROR(s->Run());
  return int64_t{db_.Changes()};
}

Result<int64_t> SqliteTx::InsertApiKey(const ApiKey& k) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare("INSERT INTO api_keys (name, role, key_hash, created_by, created_at, revoked_at) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  s->Bind(1, k.name).Bind(2, RoleName(k.role)).Bind(3, k.key_hash).Bind(4, k.created_by);
  s->Bind(5, Millis(k.created_at)).Bind(6, OptMillis(k.revoked_at));
  Status st = s->Run();
  if (st.IsAlreadyExists()) return Status::AlreadyExists(fmt::format("name: API key '{}' exists", k.name));
  MUSTER_RETURN_IF_ERROR(st);
  return db_.LastInsertRowId();
}

Result<ApiKey> SqliteTx::GetApiKeyByHash(std::string_view key_hash) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare("SELECT id, name, role, key_hash, created_by, created_at, revoked_at "
                                      "FROM api_keys WHERE key_hash = ?1"));
  s->Bind(1, key_hash);
  return One<ApiKey>(
      *s,
      [](const Statement& r) {
        ApiKey k;
        k.id = r.Int(0);
        k.name = r.Text(1);
        k.role = ParseRole(r.Text(2)).value_or(Role::kBorder);
        k.key_hash = r.Text(3);
        k.created_by = r.Text(4);
        k.created_at = FromMillis(r.Int(5));
        k.revoked_at = OptColumn(r, 6);
        return k;
      },
      "api key not found");
}

}  // namespace muster::sqlite

#include "store/sqlite/sqlite_db.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

namespace muster::sqlite {

Status FromSqlite(int rc, sqlite3* db, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return Status::Ok();
  std::string msg = fmt::format("{}: {}", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) return Status::AlreadyExists(msg);
      return Status::FailedPrecondition(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(msg);
    default:
      return Status::IoError(msg);
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindStatic(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<int64_t>& value) {
  if (value.has_value()) return Bind(index, *value);
  return BindNull(index);
}

Statement& Statement::BindBlobStatic(int index, const void* data, size_t size) {
  sqlite3_bind_blob(stmt_, index, data, static_cast<int>(size), SQLITE_STATIC);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_);
  return FromSqlite(sqlite3_extended_errcode(db), db, "sqlite");
}

Status Statement::Run() {
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

Result<std::vector<int64_t>> Statement::RunReturningUpdated(std::string_view table) {
  struct Updated {
    std::string_view table;
    std::vector<int64_t> rowids;
  } updated{table, {}};
  sqlite3* db = sqlite3_db_handle(stmt_);
  sqlite3_update_hook(
      db,
      [](void* arg, int op, const char*, const char* name, sqlite3_int64 rowid) {
        auto* u = static_cast<Updated*>(arg);
        if (op == SQLITE_UPDATE && u->table == name) u->rowids.push_back(rowid);
      },
      &updated);
  Status st = Run();
  sqlite3_update_hook(db, nullptr, nullptr);
  MUSTER_RETURN_IF_ERROR(st);
  return std::move(updated.rowids);
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string_view Statement::Blob(int column) const {
  const void* data = sqlite3_column_blob(stmt_, column);
  if (data == nullptr) return {};
  return {static_cast<const char*>(data), static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
}

int Statement::ParameterIndex(const char* name) const { return sqlite3_bind_parameter_index(stmt_, name); }

const char* Statement::ParameterName(int index) const { return sqlite3_bind_parameter_name(stmt_, index); }

bool Statement::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Database::~Database() {
  cache_.clear();
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path, bool create) {
  // Before SQLite's first use in the process: no memory statistics, which would take a global
  // mutex around every allocation. (Refused, harmlessly, when SQLite is already initialised.)
  static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = Status::IoError(fmt::format("cannot open database '{}': {}", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close_v2(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Database>(new Database(db));
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string msg = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    return FromSqlite(rc, nullptr, msg);
  }
  return Status::Ok();
}

Status Database::Run(std::string_view sql) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, Prepare(sql));
  Status st = s->Run();
  s->Reset();
  return st;
}

Result<int64_t> Database::QueryInt(std::string_view sql) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, Prepare(sql));
  MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
  int64_t value = row ? s->Int(0) : 0;
  s->Reset();
  return value;
}

Result<Statement*> Database::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return FromSqlite(rc, db_, fmt::format("prepare '{}'", sql.substr(0, 60)));
  auto [inserted, ok] = cache_.emplace(std::string(sql), std::make_unique<Statement>(stmt));
  return inserted->second.get();
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int Database::Changes() const { return sqlite3_changes(db_); }
std::string Database::ErrorMessage() const { return sqlite3_errmsg(db_); }

}  // namespace muster::sqlite

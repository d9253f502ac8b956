// A thin RAII layer over the SQLite C API: one connection, cached prepared statements.
// Not thread-safe: the owner serialises access.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace muster::sqlite {

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds by 1-based index; strings are copied by SQLite (SQLITE_TRANSIENT).
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const std::optional<int64_t>& value);
  // Binds without copying: `value` must stay alive and unchanged until the next Reset.
  Statement& BindStatic(int index, std::string_view value);
  Statement& BindNull(int index);
  // A BLOB bound without copying, under the same rule as BindStatic.
  Statement& BindBlobStatic(int index, const void* data, size_t size);

  // Steps once: true when a row is available, false when done.
  Result<bool> Step();
  // Steps to completion, ignoring rows.
  Status Run();
  // Steps to completion and returns the rowids of the rows of `table` it updated, in the order
  // it updated them (SQLite's update hook): what UPDATE ... RETURNING rowid gives, without
  // RETURNING's temporary table of every row (0.15 s for a sweep's 300,000).
  Result<std::vector<int64_t>> RunReturningUpdated(std::string_view table);
  // Resets and clears bindings so the statement can be reused.
  void Reset();

  int64_t Int(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;
  // The column's bytes, valid until the next Step or Reset.
  std::string_view Blob(int column) const;
  // The 1-based index of the parameter named `name` ("$1"), 0 when the statement has none.
  int ParameterIndex(const char* name) const;
  // The name of parameter `index` (1-based), nullptr when it has none or there is no such.
  const char* ParameterName(int index) const;

 private:
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Opens `path`; creates it only when `create` is true.
  static Result<std::unique_ptr<Database>> Open(const std::string& path, bool create);

  Status Exec(std::string_view sql);
  // Runs one statement through the cache: for the statements every transaction runs (BEGIN,
  // COMMIT, ROLLBACK), which Exec would parse anew each time.
  Status Run(std::string_view sql);
  // The integer in the first column of the first row of a cached statement with no parameters
  // (a count, a max), 0 when there is no row.
  Result<int64_t> QueryInt(std::string_view sql);
  // A cached statement, reset and ready to bind. Valid until the Database is destroyed.
  Result<Statement*> Prepare(std::string_view sql);

  int64_t LastInsertRowId() const;
  int Changes() const;
  std::string ErrorMessage() const;
  sqlite3* handle() { return db_; }

 private:
  explicit Database(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::map<std::string, std::unique_ptr<Statement>, std::less<>> cache_;
};

// Maps a SQLite result code to a Status, naming `what` was attempted.
Status FromSqlite(int rc, sqlite3* db, std::string_view what);

}  // namespace muster::sqlite

// Internal to store/sqlite: EventPort on SQLite, the shared SQL but for Append, whose seq SQLite
// assigns.
#pragma once

#include "store/sql/events_sql.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace muster::sqlite {

class SqliteEvents final : public sql::SqlEvents {
 public:
  // `db` and `sql` (over `db`) must outlive this object.
  SqliteEvents(Database& db, sql::Connection& sql) : SqlEvents(sql), db_(db) {}

  // The seq is the rowid SQLite gives the row (one more than the highest), read back from the
  // connection: an explicit seq costs a seek per row, RETURNING a temporary table per statement
  // (5% and half of a bulk insert's rate).
  Result<int64_t> Append(const Event& event) override;

 private:
  Database& db_;
};

}  // namespace muster::sqlite

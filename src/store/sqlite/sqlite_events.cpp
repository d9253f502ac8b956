// SqliteEvents: what the events table does differently on SQLite. The rest is
// store/sql/events_sql.cpp.
#include "store/sqlite/sqlite_events.hpp"

namespace muster::sqlite {

Result<int64_t> SqliteEvents::Append(const Event& e) {
  sql::Args args;
  args.Add(e.type).Add(sql::Millis(e.at)).Add(e.actor).Add(e.subject).Add(e.payload);
  MUSTER_RETURN_IF_ERROR(
      conn_.Run("INSERT INTO events (type, at, actor, subject, payload) VALUES ($1, $2, $3, $4, $5)", args).status());
  return db_.LastInsertRowId();
}

}  // namespace muster::sqlite

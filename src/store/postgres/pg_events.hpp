// Internal to store/postgres: EventPort on PostgreSQL, the shared SQL but for Append, which is
// pipelined.
#pragma once

#include <optional>

#include "store/postgres/pg_conn.hpp"
#include "store/sql/events_sql.hpp"

namespace muster::postgres {

class PgEvents final : public sql::SqlEvents {
 public:
  // `conn` and `sql` (over `conn`) must outlive this object.
  PgEvents(Connection& conn, sql::Connection& sql) : SqlEvents(sql), pg_(conn) {}

  // The seq is assigned here, not by the identity column, so that an event needs no answer: its
  // row joins the write's multi-row INSERTs (Connection::AddRow; pg_summons.cpp, where their
  // order is set).
  Result<int64_t> Append(const Event& event) override;

 private:
  Connection& pg_;
  // The seq of the last event of this write, read once. Sound because every write holds the
  // store's write lock.
  std::optional<int64_t> last_seq_;
};

}  // namespace muster::postgres

// Internal to store/sqlite: the summonses port of store/sql, closing the overdue through
// SQLite's update hook (Statement::RunReturningUpdated): a RETURNING clause costs SQLite a
// trigger and a temporary table over each batch of the sweep.
#pragma once

#include "store/sql/summons_sql.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace muster::sqlite {

class SqliteSummons final : public sql::SqlSummons {
 public:
  // `sql` and `db` (the database `sql` runs on) must outlive this object.
  SqliteSummons(sql::Connection& sql, Database& db) : SqlSummons(sql), db_(db) {}

  Result<std::vector<int64_t>> CloseOverdue(Timestamp appear_before, std::span<const int64_t> ids,
                                            Timestamp closed_at) override;

 private:
  Database& db_;
};

}  // namespace muster::sqlite

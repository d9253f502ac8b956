// Internal to store/sqlite: sql::Connection on one SQLite connection, for the queries written
// once (store/sql/). Parameters $1, $2, ... are bound by name; statements come from the
// connection's cache.
#pragma once

#include "store/sql.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace muster::sqlite {

class SqliteConnection final : public sql::Connection {
 public:
  // `db` must outlive this object.
  explicit SqliteConnection(Database& db) : db_(db) {}

  sql::Dialect dialect() const override { return sql::Dialect::kSqlite; }
  std::string InList(int n, sql::ListOf kind) const override;
  std::string EncodeList(std::span<const std::string> items) const override;
  std::string EncodeList(std::span<const std::string_view> items) const override;
  std::string EncodeList(std::span<const int64_t> ids) const override;
  Result<int64_t> Run(std::string_view sql, const sql::Args& args,
                      const std::function<Status(const sql::Row&)>& each) override;

 private:
  Database& db_;
};

}  // namespace muster::sqlite

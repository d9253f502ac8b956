// Internal to store/postgres: sql::Connection on one libpq connection, for the queries written
// once (store/sql/). Statements are prepared once per connection.
#pragma once

#include "store/postgres/pg_conn.hpp"
#include "store/sql.hpp"

namespace muster::postgres {

// Row `row` of a result, as the queries written once read it.
class ResultRow final : public sql::Row {
 public:
  ResultRow(const Rows& rows, int row) : rows_(rows), row_(row) {}
  bool IsNull(int column) const override { return rows_.IsNull(row_, column); }
  int64_t Int(int column) const override { return rows_.Int(row_, column); }
  std::string Text(int column) const override { return rows_.Text(row_, column); }
  std::string_view View(int column) const override { return rows_.View(row_, column); }
  std::string Blob(int column) const override;
  void Seek(int row) { row_ = row; }

 private:
  const Rows& rows_;
  int row_;
};

class PgConnection final : public sql::Connection {
 public:
  // `conn` must outlive this object.
  explicit PgConnection(postgres::Connection& conn) : conn_(conn) {}

  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  std::string InList(int n, sql::ListOf kind) const override;
  std::string EncodeList(std::span<const std::string> items) const override;
  std::string EncodeList(std::span<const std::string_view> items) const override;
  std::string EncodeList(std::span<const int64_t> ids) const override;
  Result<int64_t> Run(std::string_view sql, const sql::Args& args,
                      const std::function<Status(const sql::Row&)>& each) override;

 private:
  postgres::Connection& conn_;
};

}  // namespace muster::postgres

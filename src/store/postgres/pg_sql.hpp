// Internal to store/postgres: sql::Connection on one libpq connection, for the queries written
// once (store/sql/). Statements are prepared once per connection.
#pragma once

#include "store/postgres/pg_conn.hpp"
#include "store/sql.hpp"

namespace muster::postgres {

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

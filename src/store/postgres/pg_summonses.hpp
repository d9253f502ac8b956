// Internal to store/postgres: the summonses and restrictions ports of store/sql, with the
// statements PostgreSQL sends otherwise. Writes that come by the thousand (a campaign's
// summonses, a sweep's updates and restrictions, exit checks) are multi-row INSERTs and UPDATEs
// over unnest (Connection::AddRow) that need no answer (restriction ids assigned in the write);
// the active restrictions are read row by row; a change of the exit bans is NOTIFYed.
#pragma once

#include <optional>

#include "store/postgres/pg_conn.hpp"
#include "store/sql/restriction_sql.hpp"
#include "store/sql/summons_sql.hpp"

namespace muster::postgres {

class PgSummons final : public sql::SqlSummons {
 public:
  // `sql` and `conn` (the connection `sql` runs on) must outlive this object.
  PgSummons(sql::Connection& sql, Connection& conn) : SqlSummons(sql), pg_(conn) {}

  Status Insert(const Summons& summons) override;
  Status Update(const Summons& summons) override;

 private:
  Connection& pg_;
};

class PgRestrictions final : public sql::SqlRestrictions {
 public:
  // `sql` and `conn` (the connection `sql` runs on) must outlive this object, which belongs to
  // one write (SqlRestrictions::NextId).
  PgRestrictions(sql::Connection& sql, Connection& conn) : SqlRestrictions(sql), pg_(conn) {}

  Result<int64_t> Insert(const Restriction& restriction) override;
  Status ForEachActive(std::string_view kind, const std::function<void(const Restriction&)>& fn) override;
  Status InsertExitCheck(std::string_view reference, std::string_view kind, std::string_view national_id,
                         std::string_view decision, std::string_view asked_by, Timestamp asked_at) override;
  Status NotifyExitBanChange() override;

 private:
  Connection& pg_;
  bool exit_bans_notified_ = false;  // NOTIFY kExitBanChannel sent in this write
};

}  // namespace muster::postgres

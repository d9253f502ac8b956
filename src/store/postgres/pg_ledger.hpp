// Internal to store/postgres: LedgerPort on PostgreSQL, the shared SQL but for writing and
// reading tiles, each in one statement over arrays.
#pragma once

#include "store/sql/ledger_sql.hpp"

namespace muster::postgres {

class PgLedger final : public sql::SqlLedger {
 public:
  // `sql` must outlive this object.
  explicit PgLedger(sql::Connection& sql) : SqlLedger(sql) {}

  // The tiles travel as parallel arrays (the hashes as bytea hex literals), unnested
  // server-side.
  Status PutTiles(std::span<const LedgerTile> tiles) override;
  // The wanted (level, index) pairs as arrays, each answered by a primary-key lookup.
  Result<std::vector<std::optional<LedgerTile>>> ReadTiles(std::span<const LedgerTileId> ids) override;
};

}  // namespace muster::postgres

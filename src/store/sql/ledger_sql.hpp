// The implementation of LedgerPort over either backend's sql::Connection. A backend may
// override what its engine does differently (store/postgres/pg_ledger.hpp: tiles in arrays).
#pragma once

#include "store/ledger_port.hpp"
#include "store/sql.hpp"

namespace muster::sql {

class SqlLedger : public LedgerPort {
 public:
  // `conn` must outlive this object.
  explicit SqlLedger(Connection& conn) : conn_(conn) {}

  Result<LedgerHead> Head() override;
  // One statement per tile.
  Status PutTiles(std::span<const LedgerTile> tiles) override;
  // One primary-key lookup per tile.
  Result<std::vector<std::optional<LedgerTile>>> ReadTiles(std::span<const LedgerTileId> ids) override;
  Result<std::vector<LedgerTile>> ListTiles(uint64_t level, uint64_t from, size_t limit) override;
  Result<std::optional<LedgerTile>> FindLeafTile(int64_t seq) override;
  Result<int64_t> InsertCheckpoint(const StoredCheckpoint& checkpoint) override;
  Result<std::vector<StoredCheckpoint>> ListCheckpoints() override;
  Result<std::optional<StoredCheckpoint>> LatestCheckpoint() override;

  // The columns ReadTile reads, in order.
  static constexpr std::string_view kTileColumns = "level, idx, first_seq, last_seq, hashes";
  static LedgerTile ReadTile(const Row& r);

 protected:
  Connection& conn_;
};

}  // namespace muster::sql

// PgLedger: what the ledger's tables (migrations 0003_ledger.sql, 0009_ledger_tiles.sql) do
// differently on PostgreSQL. The rest is store/sql/ledger_sql.cpp.
#include "store/postgres/pg_ledger.hpp"

#include <fmt/format.h>

#include "store/postgres/pg_tx.hpp"

namespace muster::postgres {

Status PgLedger::PutTiles(std::span<const LedgerTile> tiles) {
  if (tiles.empty()) return Status::Ok();
  // One statement: a partial tile that grew replaces its stored row.
  std::string levels = IntArray(tiles.size(), [&](size_t i) { return static_cast<int64_t>(tiles[i].id.level); });
  std::string idx = IntArray(tiles.size(), [&](size_t i) { return static_cast<int64_t>(tiles[i].id.index); });
  std::string first = IntArray(tiles.size(), [&](size_t i) { return tiles[i].first_seq; });
  std::string last = IntArray(tiles.size(), [&](size_t i) { return tiles[i].last_seq; });
  std::string hashes = "{";
  for (size_t i = 0; i < tiles.size(); ++i) {
    if (i) hashes += ',';
    hashes += "\"\\\\x";
    for (unsigned char c : tiles[i].hashes) {
      constexpr std::string_view kDigits = "0123456789abcdef";
      hashes += kDigits[c >> 4];
      hashes += kDigits[c & 0xF];
    }
    hashes += '"';
  }
  hashes += '}';
  auto changed = conn_.Run(
      "INSERT INTO ledger_tiles (level, idx, first_seq, last_seq, hashes) "
      "SELECT * FROM unnest($1::text::bigint[], $2::text::bigint[], $3::text::bigint[], $4::text::bigint[], "
      "$5::text::bytea[]) "
      "ON CONFLICT (level, idx) DO UPDATE SET first_seq = excluded.first_seq, last_seq = excluded.last_seq, "
      "hashes = excluded.hashes",
      sql::Args().Add(levels).Add(idx).Add(first).Add(last).Add(hashes));
  return changed.status().WithContext(fmt::format("ledger tiles {}/{} to {}/{}", tiles.front().id.level,
                                                  tiles.front().id.index, tiles.back().id.level,
                                                  tiles.back().id.index));
}

Result<std::vector<std::optional<LedgerTile>>> PgLedger::ReadTiles(std::span<const LedgerTileId> ids) {
  std::vector<std::optional<LedgerTile>> out(ids.size());
  if (ids.empty()) return out;
  std::string levels = IntArray(ids.size(), [&](size_t i) { return static_cast<int64_t>(ids[i].level); });
  std::string idx = IntArray(ids.size(), [&](size_t i) { return static_cast<int64_t>(ids[i].index); });
  MUSTER_RETURN_IF_ERROR(
      conn_
          .Run("SELECT t.level, t.idx, t.first_seq, t.last_seq, t.hashes, w.pos - 1 "
               "FROM unnest($1::text::bigint[], $2::text::bigint[]) WITH ORDINALITY AS w (level, idx, pos) "
               "JOIN ledger_tiles t ON t.level = w.level AND t.idx = w.idx",
               sql::Args().Add(levels).Add(idx),
               [&](const sql::Row& r) {
                 size_t pos = static_cast<size_t>(r.Int(5));
                 if (pos < ids.size()) out[pos] = ReadTile(r);
                 return Status::Ok();
               })
          .status());
  return out;
}

}  // namespace muster::postgres

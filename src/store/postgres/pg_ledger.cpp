// PgTx: the ledger's tables (migrations 0003_ledger.sql, 0009_ledger_tiles.sql). Appends run
// inside a write, which holds the store's advisory lock, so two processes never append at once.
#include <cstring>

#include "store/postgres/pg_tx.hpp"

namespace muster::postgres {
namespace {

// A malformed stored hash reads as zeros; LedgerVerify then reports the mismatch, so nothing
// here hides tampering (as in store/sqlite).
template <size_t N>
void ReadHash(const Rows& r, int i, int column, std::array<uint8_t, N>* out) {
  std::string bytes;
  if (r.Bytes(i, column, &bytes) && bytes.size() == N) {
    std::memcpy(out->data(), bytes.data(), N);
  } else {
    out->fill(0);
  }
}

constexpr std::string_view kTileColumns = "level, idx, first_seq, last_seq, hashes";

LedgerTile ReadTile(const Rows& r, int i) {
  LedgerTile t;
  t.id = {static_cast<uint64_t>(r.Int(i, 0)), static_cast<uint64_t>(r.Int(i, 1))};
  t.first_seq = r.Int(i, 2);
  t.last_seq = r.Int(i, 3);
  if (!r.Bytes(i, 4, &t.hashes)) t.hashes.clear();  // a malformed value reads as no hashes
  return t;
}

StoredCheckpoint ReadCheckpoint(const Rows& r, int i) {
  StoredCheckpoint c;
  c.id = r.Int(i, 0);
  c.size = static_cast<uint64_t>(r.Int(i, 1));
  ReadHash(r, i, 2, &c.root);
  c.note = r.Text(i, 3);
  c.created_at = FromMillis(r.Int(i, 4));
  return c;
}

}  // namespace

Result<LedgerHead> PgTx::GetLedgerHead() {
  // One round trip: the last level-0 tile (none in an empty ledger) and where format 2 begins.
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query("SELECT t.idx, length(t.hashes), t.last_seq, "
                             "(SELECT first_seq FROM ledger_leaf_formats WHERE version = 2) "
                             "FROM (SELECT 1) AS one LEFT JOIN (SELECT idx, hashes, last_seq FROM ledger_tiles "
                             "WHERE level = 0 ORDER BY idx DESC LIMIT 1) AS t ON true"));
  LedgerHead head;
  if (rows.empty()) return head;
  if (!rows.IsNull(0, 0)) {
    head.size = static_cast<uint64_t>(rows.Int(0, 0)) * kLedgerTileWidth +
                static_cast<uint64_t>(rows.Int(0, 1)) / kLedgerHashSize;
    head.last_seq = rows.Int(0, 2);
  }
  if (!rows.IsNull(0, 3)) head.leaf_format_2_from = rows.Int(0, 3);
  return head;
}

Status PgTx::PutLedgerTiles(std::span<const LedgerTile> tiles) {
  if (tiles.empty()) return Status::Ok();
  // One statement: the tiles travel as parallel arrays (the hashes as bytea hex literals) and
  // are unnested server-side; a partial tile that grew replaces its stored row.
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
  auto rows = conn_.Query(
      "INSERT INTO ledger_tiles (level, idx, first_seq, last_seq, hashes) "
      "SELECT * FROM unnest($1::text::bigint[], $2::text::bigint[], $3::text::bigint[], $4::text::bigint[], "
      "$5::text::bytea[]) "
      "ON CONFLICT (level, idx) DO UPDATE SET first_seq = excluded.first_seq, last_seq = excluded.last_seq, "
      "hashes = excluded.hashes",
      Params().Add(levels).Add(idx).Add(first).Add(last).Add(hashes));
  return rows.status().WithContext(fmt::format("ledger tiles {}/{} to {}/{}", tiles.front().id.level,
                                               tiles.front().id.index, tiles.back().id.level, tiles.back().id.index));
}

Result<std::vector<std::optional<LedgerTile>>> PgTx::ReadLedgerTiles(std::span<const LedgerTileId> ids) {
  std::vector<std::optional<LedgerTile>> out(ids.size());
  if (ids.empty()) return out;
  // The wanted (level, index) pairs as arrays, each answered by a primary-key lookup.
  std::string levels = IntArray(ids.size(), [&](size_t i) { return static_cast<int64_t>(ids[i].level); });
  std::string idx = IntArray(ids.size(), [&](size_t i) { return static_cast<int64_t>(ids[i].index); });
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query("SELECT t.level, t.idx, t.first_seq, t.last_seq, t.hashes, w.pos - 1 "
                  "FROM unnest($1::text::bigint[], $2::text::bigint[]) WITH ORDINALITY AS w (level, idx, pos) "
                  "JOIN ledger_tiles t ON t.level = w.level AND t.idx = w.idx",
                  Params().Add(levels).Add(idx)));
  for (int i = 0; i < rows.size(); ++i) {
    size_t pos = static_cast<size_t>(rows.Int(i, 5));
    if (pos < ids.size()) out[pos] = ReadTile(rows, i);
  }
  return out;
}

Result<std::vector<LedgerTile>> PgTx::ListLedgerTiles(uint64_t level, uint64_t from, size_t limit) {
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query(
          fmt::format("SELECT {} FROM ledger_tiles WHERE level = $1 AND idx >= $2 ORDER BY idx "
                      "LIMIT $3",
                      kTileColumns),
          Params().Add(static_cast<int64_t>(level)).Add(static_cast<int64_t>(from)).Add(static_cast<int64_t>(limit))));
  return Collect<LedgerTile>(rows, ReadTile);
}

Result<std::optional<LedgerTile>> PgTx::FindLeafTile(int64_t seq) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query(fmt::format("SELECT {} FROM ledger_tiles WHERE level = 0 AND first_seq <= $1 "
                                                  "ORDER BY first_seq DESC LIMIT 1",
                                                  kTileColumns),
                                      Params().Add(seq)));
  if (rows.empty()) return std::optional<LedgerTile>();
  return std::optional<LedgerTile>(ReadTile(rows, 0));
}

Result<int64_t> PgTx::InsertCheckpoint(const StoredCheckpoint& c) {
  Params params;
  params.Add(static_cast<int64_t>(c.size)).Bytes(c.root.data(), c.root.size()).Add(c.note).Add(Millis(c.created_at));
  auto rows = conn_.Query(
      "INSERT INTO ledger_checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4) RETURNING id", params);
  MUSTER_RETURN_IF_ERROR(rows.status().WithContext("ledger checkpoint"));
  return rows->Int(0, 0);
}

Result<std::vector<StoredCheckpoint>> PgTx::ListCheckpoints() {
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query("SELECT id, size, root, note, created_at FROM ledger_checkpoints ORDER BY id"));
  return Collect<StoredCheckpoint>(rows, ReadCheckpoint);
}

Result<std::optional<StoredCheckpoint>> PgTx::LatestCheckpoint() {
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query("SELECT id, size, root, note, created_at FROM ledger_checkpoints ORDER BY id DESC LIMIT 1"));
  if (rows.empty()) return std::optional<StoredCheckpoint>();
  return std::optional<StoredCheckpoint>(ReadCheckpoint(rows, 0));
}

}  // namespace muster::postgres

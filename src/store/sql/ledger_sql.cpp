// LedgerPort in SQL that both backends run as written. Appends run inside a write, which holds
// the store's write lock, so two processes never append at once.
#include "store/sql/ledger_sql.hpp"

#include <fmt/format.h>

#include <cstring>

namespace muster::sql {
namespace {

constexpr std::string_view kCheckpointColumns = "id, size, root, note, created_at";

// A malformed stored root reads as zeros; LedgerVerify then reports the mismatch, so nothing
// here hides tampering.
StoredCheckpoint ReadCheckpoint(const Row& r) {
  StoredCheckpoint c;
  c.id = r.Int(0);
  c.size = static_cast<uint64_t>(r.Int(1));
  std::string root = r.Blob(2);
  if (root.size() == c.root.size()) std::memcpy(c.root.data(), root.data(), root.size());
  c.note = r.Text(3);
  c.created_at = FromMillis(r.Int(4));
  return c;
}

template <typename T, typename Read>
Result<std::optional<T>> First(Connection& conn, std::string_view sql, const Args& args, Read read) {
  std::optional<T> out;
  MUSTER_RETURN_IF_ERROR(conn.Run(sql, args,
                                  [&](const Row& r) {
                                    if (!out) out = read(r);
                                    return Status::Ok();
                                  })
                             .status());
  return out;
}

}  // namespace

LedgerTile SqlLedger::ReadTile(const Row& r) {
  LedgerTile t;
  t.id = {static_cast<uint64_t>(r.Int(0)), static_cast<uint64_t>(r.Int(1))};
  t.first_seq = r.Int(2);
  t.last_seq = r.Int(3);
  t.hashes = r.Blob(4);  // a malformed value reads as no hashes
  return t;
}

Result<LedgerHead> SqlLedger::Head() {
  // One statement: the last level-0 tile (none in an empty ledger) and where format 2 begins.
  LedgerHead head;
  MUSTER_RETURN_IF_ERROR(conn_
                             .Run("SELECT t.idx, t.bytes, t.last_seq, "
                                  "(SELECT first_seq FROM ledger_leaf_formats WHERE version = 2) "
                                  "FROM (SELECT 1) AS one LEFT JOIN (SELECT idx, length(hashes) AS bytes, last_seq "
                                  "FROM ledger_tiles WHERE level = 0 ORDER BY idx DESC LIMIT 1) AS t ON true",
                                  Args(),
                                  [&](const Row& r) {
                                    if (!r.IsNull(0)) {
                                      head.size = static_cast<uint64_t>(r.Int(0)) * kLedgerTileWidth +
                                                  static_cast<uint64_t>(r.Int(1)) / kLedgerHashSize;
                                      head.last_seq = r.Int(2);
                                    }
                                    if (!r.IsNull(3)) head.leaf_format_2_from = r.Int(3);
                                    return Status::Ok();
                                  })
                             .status());
  return head;
}

Status SqlLedger::PutTiles(std::span<const LedgerTile> tiles) {
  for (const LedgerTile& t : tiles) {
    Args args;
    args.Add(static_cast<int64_t>(t.id.level)).Add(static_cast<int64_t>(t.id.index));
    args.Add(t.first_seq).Add(t.last_seq).Blob(t.hashes);
    MUSTER_RETURN_IF_ERROR(
        conn_
            .Run("INSERT INTO ledger_tiles (level, idx, first_seq, last_seq, hashes) VALUES ($1, $2, $3, $4, $5) "
                 "ON CONFLICT (level, idx) DO UPDATE SET first_seq = excluded.first_seq, "
                 "last_seq = excluded.last_seq, hashes = excluded.hashes",
                 args)
            .status()
            .WithContext(fmt::format("ledger tile {}/{}", t.id.level, t.id.index)));
  }
  return Status::Ok();
}

Result<std::vector<std::optional<LedgerTile>>> SqlLedger::ReadTiles(std::span<const LedgerTileId> ids) {
  const std::string sql = fmt::format("SELECT {} FROM ledger_tiles WHERE level = $1 AND idx = $2", kTileColumns);
  std::vector<std::optional<LedgerTile>> out;
  out.reserve(ids.size());
  for (const LedgerTileId& id : ids) {
    MUSTER_ASSIGN_OR_RETURN(
        std::optional<LedgerTile> tile,
        First<LedgerTile>(conn_, sql, Args().Add(static_cast<int64_t>(id.level)).Add(static_cast<int64_t>(id.index)),
                          ReadTile));
    out.push_back(std::move(tile));
  }
  return out;
}

Result<std::vector<LedgerTile>> SqlLedger::ListTiles(uint64_t level, uint64_t from, size_t limit) {
  return Collect<LedgerTile>(
      conn_,
      fmt::format("SELECT {} FROM ledger_tiles WHERE level = $1 AND idx >= $2 ORDER BY idx LIMIT $3", kTileColumns),
      Args().Add(static_cast<int64_t>(level)).Add(static_cast<int64_t>(from)).Add(static_cast<int64_t>(limit)),
      ReadTile);
}

Result<std::optional<LedgerTile>> SqlLedger::FindLeafTile(int64_t seq) {
  return First<LedgerTile>(conn_,
                           fmt::format("SELECT {} FROM ledger_tiles WHERE level = 0 AND first_seq <= $1 "
                                       "ORDER BY first_seq DESC LIMIT 1",
                                       kTileColumns),
                           Args().Add(seq), ReadTile);
}

Result<int64_t> SqlLedger::InsertCheckpoint(const StoredCheckpoint& c) {
  Args args;
  args.Add(static_cast<int64_t>(c.size))
      .Blob(std::string_view(reinterpret_cast<const char*>(c.root.data()), c.root.size()));
  args.Add(c.note).Add(Millis(c.created_at));
  auto id = First<int64_t>(
      conn_, "INSERT INTO ledger_checkpoints (size, root, note, created_at) VALUES ($1, $2, $3, $4) RETURNING id", args,
      [](const Row& r) { return r.Int(0); });
  MUSTER_RETURN_IF_ERROR(id.status().WithContext("ledger checkpoint"));
  if (!*id) return Status::IoError("ledger checkpoint: no id returned");
  return **id;
}

Result<std::vector<StoredCheckpoint>> SqlLedger::ListCheckpoints() {
  return Collect<StoredCheckpoint>(
      conn_, fmt::format("SELECT {} FROM ledger_checkpoints ORDER BY id", kCheckpointColumns), Args(), ReadCheckpoint);
}

Result<std::optional<StoredCheckpoint>> SqlLedger::LatestCheckpoint() {
  return First<StoredCheckpoint>(
      conn_, fmt::format("SELECT {} FROM ledger_checkpoints ORDER BY id DESC LIMIT 1", kCheckpointColumns), Args(),
      ReadCheckpoint);
}

}  // namespace muster::sql

// SqliteTx: the ledger's tables (migrations 0003_ledger.sql and 0009_ledger_tiles.sql).
#include <algorithm>
#include <cstring>

#include "store/sqlite/sqlite_tx.hpp"

namespace muster::sqlite {
namespace {

constexpr std::string_view kTileColumns = "level, idx, first_seq, last_seq, hashes";

LedgerTile ReadTile(const Statement& s) {
  LedgerTile t;
  t.id = {static_cast<uint64_t>(s.Int(0)), static_cast<uint64_t>(s.Int(1))};
  t.first_seq = s.Int(2);
  t.last_seq = s.Int(3);
  t.hashes = std::string(s.Blob(4));
  return t;
}

StoredCheckpoint ReadCheckpoint(const Statement& s) {
  StoredCheckpoint c;
  c.id = s.Int(0);
  c.size = static_cast<uint64_t>(s.Int(1));
  std::string_view blob = s.Blob(2);
  if (blob.size() == c.root.size()) std::memcpy(c.root.data(), blob.data(), blob.size());
  c.note = s.Text(3);
  c.created_at = FromMillis(s.Int(4));
  return c;
}

}  // namespace

Result<LedgerHead> SqliteTx::GetLedgerHead() {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare("SELECT idx, length(hashes), last_seq FROM ledger_tiles WHERE level = 0 ORDER BY idx DESC LIMIT 1"));
  MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
  LedgerHead head;
  if (row) {
    head.size =
        static_cast<uint64_t>(s->Int(0)) * kLedgerTileWidth + static_cast<uint64_t>(s->Int(1)) / kLedgerHashSize;
    head.last_seq = s->Int(2);
  }
  s->Reset();
  MUSTER_ASSIGN_OR_RETURN(Statement * f, db_.Prepare("SELECT first_seq FROM ledger_leaf_formats WHERE version = 2"));
  MUSTER_ASSIGN_OR_RETURN(bool format_row, f->Step());
  if (format_row) head.leaf_format_2_from = f->Int(0);
  f->Reset();
  return head;
}

Status SqliteTx::PutLedgerTiles(std::span<const LedgerTile> tiles) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare("INSERT OR REPLACE INTO ledger_tiles (level, idx, first_seq, "
                                                     "last_seq, hashes) VALUES (?1, ?2, ?3, ?4, ?5)"));
  for (const LedgerTile& t : tiles) {
    s->Bind(1, static_cast<int64_t>(t.id.level)).Bind(2, static_cast<int64_t>(t.id.index));
    s->Bind(3, t.first_seq).Bind(4, t.last_seq).BindBlobStatic(5, t.hashes.data(), t.hashes.size());
    Status st = s->Run();
    s->Reset();
    MUSTER_RETURN_IF_ERROR(st.WithContext(fmt::format("ledger tile {}/{}", t.id.level, t.id.index)));
  }
  return Status::Ok();
}

Result<std::vector<std::optional<LedgerTile>>> SqliteTx::ReadLedgerTiles(std::span<const LedgerTileId> ids) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(fmt::format("SELECT {} FROM ledger_tiles WHERE level = ?1 AND idx = ?2", kTileColumns)));
  std::vector<std::optional<LedgerTile>> out;
  out.reserve(ids.size());
  for (const LedgerTileId& id : ids) {
    s->Bind(1, static_cast<int64_t>(id.level)).Bind(2, static_cast<int64_t>(id.index));
    auto row = s->Step();
    if (!row.ok()) {
      s->Reset();
      return row.status();
    }
    out.push_back(*row ? std::optional<LedgerTile>(ReadTile(*s)) : std::nullopt);
    s->Reset();
  }
  return out;
}

Result<std::vector<LedgerTile>> SqliteTx::ListLedgerTiles(uint64_t level, uint64_t from, size_t limit) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("SELECT {} FROM ledger_tiles WHERE level = ?1 AND "
                                                                 "idx >= ?2 ORDER BY idx LIMIT ?3",
                                                                 kTileColumns)));
  s->Bind(1, static_cast<int64_t>(level)).Bind(2, static_cast<int64_t>(from)).Bind(3, static_cast<int64_t>(limit));
  auto tiles = Collect<LedgerTile>(*s, ReadTile);
  s->Reset();
  return tiles;
}

Result<std::optional<LedgerTile>> SqliteTx::FindLeafTile(int64_t seq) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("SELECT {} FROM ledger_tiles WHERE level = 0 AND "
                                                                 "first_seq <= ?1 ORDER BY first_seq DESC LIMIT 1",
                                                                 kTileColumns)));
  s->Bind(1, seq);
  MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
  std::optional<LedgerTile> tile;
  if (row) tile = ReadTile(*s);
  s->Reset();
  return tile;
}

Result<int64_t> SqliteTx::InsertCheckpoint(const StoredCheckpoint& c) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare("INSERT INTO ledger_checkpoints (size, root, note, created_at) VALUES (?1, ?2, ?3, ?4)"));
  s->Bind(1, static_cast<int64_t>(c.size)).BindBlobStatic(2, c.root.data(), c.root.size());
  s->BindStatic(3, c.note).Bind(4, Millis(c.created_at));
  Status st = s->Run();
  s->Reset();
  MUSTER_RETURN_IF_ERROR(st.WithContext("ledger checkpoint"));
  return db_.LastInsertRowId();
}

Result<std::vector<StoredCheckpoint>> SqliteTx::ListCheckpoints() {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare("SELECT id, size, root, note, created_at FROM ledger_checkpoints ORDER BY id"));
  auto list = Collect<StoredCheckpoint>(*s, ReadCheckpoint);
  s->Reset();
  return list;
}

Result<std::optional<StoredCheckpoint>> SqliteTx::LatestCheckpoint() {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare("SELECT id, size, root, note, created_at FROM ledger_checkpoints ORDER BY id DESC LIMIT 1"));
  MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
  std::optional<StoredCheckpoint> latest;
  if (row) latest = ReadCheckpoint(*s);
  s->Reset();
  return latest;
}

}  // namespace muster::sqlite

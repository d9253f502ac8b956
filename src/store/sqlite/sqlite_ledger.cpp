// SqliteTx: the ledger's tables (migration 0003_ledger.sql).
#include <algorithm>
#include <cstring>

#include "store/sqlite/sqlite_tx.hpp"

namespace muster::sqlite {
namespace {

constexpr std::string_view kLeafColumns = "idx, seq, hash, data";

Result<ledger::Hash> HashColumn(const Statement& s, int column, std::string_view what) {
  std::string_view blob = s.Blob(column);
  if (blob.size() != ledger::kHashSize) {
    return Status::Corruption(fmt::format("{}: stored hash is {} bytes, not {}", what, blob.size(), ledger::kHashSize));
  }
  ledger::Hash h;
  std::memcpy(h.data(), blob.data(), h.size());
  return h;
}

// A leaf with a malformed hash is returned with a zero hash; LedgerVerify reports it as a
// mismatch against its data, so nothing here hides tampering.
LedgerLeaf ReadLeaf(const Statement& s) {
  LedgerLeaf leaf;
  leaf.index = static_cast<uint64_t>(s.Int(0));
  leaf.seq = s.Int(1);
  std::string_view blob = s.Blob(2);
  if (blob.size() == leaf.hash.size()) std::memcpy(leaf.hash.data(), blob.data(), blob.size());
  leaf.data = s.Text(3);
  return leaf;
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
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare("SELECT idx, seq FROM ledger_leaves ORDER BY idx DESC LIMIT 1"));
  MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
  LedgerHead head;
  if (row) head = LedgerHead{static_cast<uint64_t>(s->Int(0)) + 1, s->Int(1)};
  s->Reset();
  return head;
}

Status SqliteTx::AppendLedger(std::span<const LedgerLeaf> leaves, std::span<const ledger::SubtreeHash> subtrees) {
  MUSTER_ASSIGN_OR_RETURN(Statement * leaf,
                          db_.Prepare("INSERT INTO ledger_leaves (idx, seq, hash, data) VALUES (?1, ?2, ?3, ?4)"));
  for (const LedgerLeaf& l : leaves) {
    leaf->Bind(1, static_cast<int64_t>(l.index)).Bind(2, l.seq);
    leaf->BindBlobStatic(3, l.hash.data(), l.hash.size()).BindStatic(4, l.data);
    Status st = leaf->Run();
    leaf->Reset();
    MUSTER_RETURN_IF_ERROR(st.WithContext(fmt::format("ledger leaf {}", l.index)));
  }
  MUSTER_ASSIGN_OR_RETURN(Statement * node,
                          db_.Prepare("INSERT INTO ledger_subtrees (level, idx, hash) VALUES (?1, ?2, ?3)"));
  for (const ledger::SubtreeHash& t : subtrees) {
    if (t.id.level == 0) continue;
    node->Bind(1, static_cast<int64_t>(t.id.level)).Bind(2, static_cast<int64_t>(t.id.index));
    node->BindBlobStatic(3, t.hash.data(), t.hash.size());
    Status st = node->Run();
    node->Reset();
    MUSTER_RETURN_IF_ERROR(st.WithContext(fmt::format("ledger subtree ({}, {})", t.id.level, t.id.index)));
  }
  return Status::Ok();
}

Result<std::vector<ledger::Hash>> SqliteTx::ReadLedgerSubtrees(std::span<const ledger::SubtreeId> ids) {
  if (ids.empty()) return std::vector<ledger::Hash>{};
  // One statement per number of ids: the wanted (position, level, index) as a VALUES table,
  // each row answered by a primary-key lookup in the leaves (level 0) or the subtrees.
  std::string sql = "WITH want (pos, level, idx) AS (VALUES ";
  for (size_t i = 0; i < ids.size(); ++i) {
    sql += fmt::format("{}(?{}, ?{}, ?{})", i == 0 ? "" : ", ", 3 * i + 1, 3 * i + 2, 3 * i + 3);
  }
  sql +=
      ") SELECT w.pos, coalesce(l.hash, s.hash) FROM want w "
      "LEFT JOIN ledger_leaves l ON w.level = 0 AND l.idx = w.idx "
      "LEFT JOIN ledger_subtrees s ON w.level > 0 AND s.level = w.level AND s.idx = w.idx";
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(sql));
  for (size_t i = 0; i < ids.size(); ++i) {
    int base = static_cast<int>(3 * i);
    s->Bind(base + 1, static_cast<int64_t>(i))
        .Bind(base + 2, static_cast<int64_t>(ids[i].level))
        .Bind(base + 3, static_cast<int64_t>(ids[i].index));
  }
  std::vector<ledger::Hash> out(ids.size());
  std::vector<bool> found(ids.size(), false);
  while (true) {
    auto row = s->Step();
    if (!row.ok()) {
      s->Reset();
      return row.status();
    }
    if (!*row) break;
    size_t pos = static_cast<size_t>(s->Int(0));
    if (pos >= ids.size() || s->IsNull(1)) continue;
    auto h = HashColumn(*s, 1, fmt::format("ledger subtree ({}, {})", ids[pos].level, ids[pos].index));
    if (!h.ok()) {
      s->Reset();
      return h.status();
    }
    out[pos] = *h;
    found[pos] = true;
  }
  s->Reset();
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!found[i]) {
      return Status::NotFound(fmt::format("ledger subtree at level {} index {} is not stored", ids[i].level, ids[i].index));
    }
  }
  return out;
}

Result<std::vector<LedgerLeaf>> SqliteTx::ListLedgerLeaves(uint64_t from, uint64_t to) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(fmt::format("SELECT {} FROM ledger_leaves WHERE idx >= ?1 AND idx < ?2 ORDER BY idx", kLeafColumns)));
  s->Bind(1, static_cast<int64_t>(from)).Bind(2, static_cast<int64_t>(to));
  auto leaves = Collect<LedgerLeaf>(*s, ReadLeaf);
  s->Reset();
  return leaves;
}

Status SqliteTx::ForEachLedgerSubtree(const std::function<Status(const ledger::SubtreeHash&)>& fn) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare("SELECT level, idx, hash FROM ledger_subtrees ORDER BY level, idx"));
  Status st;
  while (st.ok()) {
    auto row = s->Step();
    if (!row.ok()) {
      st = row.status();
      break;
    }
    if (!*row) break;
    ledger::SubtreeHash t;
    t.id = {static_cast<uint64_t>(s->Int(0)), static_cast<uint64_t>(s->Int(1))};
    std::string_view blob = s->Blob(2);
    if (blob.size() == t.hash.size()) std::memcpy(t.hash.data(), blob.data(), blob.size());
    st = fn(t);
  }
  s->Reset();
  return st;
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

Result<LedgerLeaf> SqliteTx::FindDeliveryLeaf(std::string_view number) {
  std::string missing = fmt::format("summons {} has no delivery recorded in the ledger", number);
  MUSTER_ASSIGN_OR_RETURN(
      Statement * e,
      db_.Prepare("SELECT seq FROM events WHERE type = 'summons.delivered' AND subject = ?1 ORDER BY seq LIMIT 1"));
  e->Bind(1, number);
  MUSTER_ASSIGN_OR_RETURN(int64_t seq, One<int64_t>(*e, [](const Statement& st) { return st.Int(0); }, missing));
  // Leaves follow events in order and idx < seq, so the leaf is the first one at or below
  // idx = seq - 1 whose seq matches: the very first row unless events were written that the
  // ledger skipped.
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("SELECT {} FROM ledger_leaves WHERE idx < ?1 AND "
                                                                   "seq <= ?1 ORDER BY idx DESC LIMIT 1",
                                                                   kLeafColumns)));
  s->Bind(1, seq);
  MUSTER_ASSIGN_OR_RETURN(LedgerLeaf leaf, One<LedgerLeaf>(*s, ReadLeaf, missing));
  if (leaf.seq != seq) return Status::NotFound(missing);
  return leaf;
}

}  // namespace muster::sqlite

// PgTx: the ledger's tables (migration 0003_ledger.sql). Appends run inside a write, which
// holds the store's advisory lock, so two processes never append at the same index.
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

LedgerLeaf ReadLeaf(const Rows& r, int i) {
  LedgerLeaf leaf;
  leaf.index = static_cast<uint64_t>(r.Int(i, 0));
  leaf.seq = r.Int(i, 1);
  ReadHash(r, i, 2, &leaf.hash);
  leaf.data = r.Text(i, 3);
  return leaf;
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

// "{1,2,3}" for a bigint[] parameter.
template <typename Get>
std::string IntArray(size_t n, Get get) {
  std::string out = "{";
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ',';
    out += std::to_string(get(i));
  }
  out += '}';
  return out;
}

}  // namespace

Result<LedgerHead> PgTx::GetLedgerHead() {
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT idx, seq FROM ledger_leaves ORDER BY idx DESC LIMIT 1"));
  if (rows.empty()) return LedgerHead{};
  return LedgerHead{static_cast<uint64_t>(rows.Int(0, 0)) + 1, rows.Int(0, 1)};
}

Status PgTx::AppendLedger(std::span<const LedgerLeaf> leaves, std::span<const ledger::SubtreeHash> subtrees) {
  // One statement per table: the rows travel as parallel arrays and are unnested server-side.
  if (!leaves.empty()) {
    std::string idx = IntArray(leaves.size(), [&](size_t i) { return static_cast<int64_t>(leaves[i].index); });
    std::string seq = IntArray(leaves.size(), [&](size_t i) { return leaves[i].seq; });
    std::string hashes = "{";
    std::vector<std::string> data;
    data.reserve(leaves.size());
    for (size_t i = 0; i < leaves.size(); ++i) {
      if (i) hashes += ',';
      hashes += "\"\\\\x";
      for (uint8_t b : leaves[i].hash) hashes += fmt::format("{:02x}", b);
      hashes += '"';
      data.push_back(leaves[i].data);
    }
    hashes += '}';
    std::string texts = TextArray(data);
    auto rows = conn_.Query(
        "INSERT INTO ledger_leaves (idx, seq, hash, data) "
        "SELECT * FROM unnest($1::text::bigint[], $2::text::bigint[], $3::text::bytea[], $4::text::text[])",
        Params().Add(idx).Add(seq).Add(hashes).Add(texts));
    MUSTER_RETURN_IF_ERROR(
        rows.status().WithContext(fmt::format("ledger leaves {} to {}", leaves.front().index, leaves.back().index)));
  }
  std::vector<const ledger::SubtreeHash*> nodes;
  for (const ledger::SubtreeHash& t : subtrees) {
    if (t.id.level > 0) nodes.push_back(&t);
  }
  if (nodes.empty()) return Status::Ok();
  std::string levels = IntArray(nodes.size(), [&](size_t i) { return static_cast<int64_t>(nodes[i]->id.level); });
  std::string idx = IntArray(nodes.size(), [&](size_t i) { return static_cast<int64_t>(nodes[i]->id.index); });
  std::string hashes = "{";
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (i) hashes += ',';
    hashes += "\"\\\\x";
    for (uint8_t b : nodes[i]->hash) hashes += fmt::format("{:02x}", b);
    hashes += '"';
  }
  hashes += '}';
  auto rows = conn_.Query(
      "INSERT INTO ledger_subtrees (level, idx, hash) "
      "SELECT * FROM unnest($1::text::bigint[], $2::text::bigint[], $3::text::bytea[])",
      Params().Add(levels).Add(idx).Add(hashes));
  return rows.status().WithContext("ledger subtrees");
}

Result<std::vector<ledger::Hash>> PgTx::ReadLedgerSubtrees(std::span<const ledger::SubtreeId> ids) {
  if (ids.empty()) return std::vector<ledger::Hash>{};
  // The wanted (level, index) pairs as arrays, each answered by a primary-key lookup in the
  // leaves (level 0) or the subtrees; one statement whatever the number of ids.
  std::string levels = IntArray(ids.size(), [&](size_t i) { return static_cast<int64_t>(ids[i].level); });
  std::string idx = IntArray(ids.size(), [&](size_t i) { return static_cast<int64_t>(ids[i].index); });
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query("SELECT w.pos - 1, coalesce(l.hash, s.hash) "
                  "FROM unnest($1::text::bigint[], $2::text::bigint[]) WITH ORDINALITY AS w (level, idx, pos) "
                  "LEFT JOIN ledger_leaves l ON w.level = 0 AND l.idx = w.idx "
                  "LEFT JOIN ledger_subtrees s ON w.level > 0 AND s.level = w.level AND s.idx = w.idx",
                  Params().Add(levels).Add(idx)));
  std::vector<ledger::Hash> out(ids.size());
  std::vector<bool> found(ids.size(), false);
  std::string bytes;
  for (int i = 0; i < rows.size(); ++i) {
    size_t pos = static_cast<size_t>(rows.Int(i, 0));
    if (pos >= ids.size() || rows.IsNull(i, 1)) continue;
    if (!rows.Bytes(i, 1, &bytes) || bytes.size() != ledger::kHashSize) {
      return Status::Corruption(fmt::format("ledger subtree ({}, {}): stored hash is {} bytes, not {}", ids[pos].level,
                                            ids[pos].index, bytes.size(), ledger::kHashSize));
    }
    std::memcpy(out[pos].data(), bytes.data(), bytes.size());
    found[pos] = true;
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!found[i]) {
      return Status::NotFound(
          fmt::format("ledger subtree at level {} index {} is not stored", ids[i].level, ids[i].index));
    }
  }
  return out;
}

Result<std::vector<LedgerLeaf>> PgTx::ListLedgerLeaves(uint64_t from, uint64_t to) {
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query("SELECT idx, seq, hash, data FROM ledger_leaves WHERE idx >= $1 AND idx < $2 ORDER BY idx",
                             Params().Add(static_cast<int64_t>(from)).Add(static_cast<int64_t>(to))));
  return Collect<LedgerLeaf>(rows, ReadLeaf);
}

Status PgTx::ForEachLedgerSubtree(const std::function<Status(const ledger::SubtreeHash&)>& fn) {
  return conn_.ForEach("SELECT level, idx, hash FROM ledger_subtrees ORDER BY level, idx", Params(),
                       [&](const Rows& r) {
                         ledger::SubtreeHash t;
                         t.id = {static_cast<uint64_t>(r.Int(0, 0)), static_cast<uint64_t>(r.Int(0, 1))};
                         ReadHash(r, 0, 2, &t.hash);
                         return fn(t);
                       });
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

Result<LedgerLeaf> PgTx::FindDeliveryLeaf(std::string_view number) {
  std::string missing = fmt::format("summons {} has no delivery recorded in the ledger", number);
  MUSTER_ASSIGN_OR_RETURN(
      Rows events,
      conn_.Query("SELECT seq FROM events WHERE type = 'summons.delivered' AND subject = $1 ORDER BY seq LIMIT 1",
                  Params().Add(number)));
  if (events.empty()) return Status::NotFound(missing);
  int64_t seq = events.Int(0, 0);
  // Leaves follow events in order and idx < seq: the leaf is the first one at or below
  // idx = seq - 1 whose seq matches (as in store/sqlite).
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT idx, seq, hash, data FROM ledger_leaves WHERE idx < $1 AND "
                                                 "seq <= $1 ORDER BY idx DESC LIMIT 1",
                                                 Params().Add(seq)));
  MUSTER_ASSIGN_OR_RETURN(LedgerLeaf leaf, One<LedgerLeaf>(rows, ReadLeaf, missing));
  if (leaf.seq != seq) return Status::NotFound(missing);
  return leaf;
}

}  // namespace muster::postgres

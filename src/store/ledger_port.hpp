// The ledger's rows (ledger/log.hpp; migrations 0003_ledger.sql, 0009_ledger_tiles.sql,
// 0016_leaf_format_2.sql): the tiles of its Merkle tree and its signed checkpoints. Reached from
// a transaction as tx.ledger(); used by the thread that owns the transaction. Every method fails
// with IoError when the database does.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "core/time.hpp"

namespace muster {

// The Merkle tree is stored as tiles, as in C2SP tlog-tiles: tile `index` at `level` L holds
// the hashes of the complete subtrees of height 8L numbered [256 * index, 256 * index + count),
// so level 0 holds the leaf hashes. Only the last tile of a level is partial; it is rewritten as
// it fills. The leaves themselves are not stored twice: leaf i is the encoding of the i-th event
// (ledger/leaf.hpp), and a level-0 tile names the events its first and last leaves record.
inline constexpr uint64_t kLedgerTileWidth = 256;
inline constexpr size_t kLedgerHashSize = 32;             // ledger::kHashSize: SHA-256
using LedgerHash = std::array<uint8_t, kLedgerHashSize>;  // ledger::Hash
struct LedgerTileId {
  uint64_t level = 0;
  uint64_t index = 0;
  friend bool operator==(const LedgerTileId&, const LedgerTileId&) = default;
};
struct LedgerTile {
  LedgerTileId id;
  std::string hashes;     // count() hashes of kLedgerHashSize bytes, in order
  int64_t first_seq = 0;  // level 0: the event recorded by the tile's first leaf
  int64_t last_seq = 0;   // level 0: by its last leaf
  uint64_t count() const { return hashes.size() / kLedgerHashSize; }
};

struct LedgerHead {
  uint64_t size = 0;     // leaves in the log
  int64_t last_seq = 0;  // seq of the last event recorded; 0 when empty
  // The first event whose leaf is in format 2 (ledger/leaf.hpp; the table ledger_leaf_formats
  // of migration 0016: the first event after those in the ledger then); 0 when the database
  // names none, and every leaf is in format 1.
  int64_t leaf_format_2_from = 0;
};

struct StoredCheckpoint {
  int64_t id = 0;
  uint64_t size = 0;
  LedgerHash root{};  // all zeros when the stored root is not kLedgerHashSize bytes
  std::string note;   // the signed note
  Timestamp created_at;
};

class LedgerPort {
 public:
  virtual ~LedgerPort() = default;

  // The size of the log and the last event it records, from the last level-0 tile (zeros when
  // there is none), and where leaf format 2 begins.
  virtual Result<LedgerHead> Head() = 0;
  // Inserts each tile, or replaces the stored tile of the same (level, index) (a partial tile
  // that grew). On PostgreSQL all in one statement.
  virtual Status PutTiles(std::span<const LedgerTile> tiles) = 0;
  // The tiles `ids`, in the same order; nullopt for a tile not stored.
  virtual Result<std::vector<std::optional<LedgerTile>>> ReadTiles(std::span<const LedgerTileId> ids) = 0;
  // Up to `limit` tiles of `level` with index >= `from`, by index (a deleted row leaves a gap).
  virtual Result<std::vector<LedgerTile>> ListTiles(uint64_t level, uint64_t from, size_t limit) = 0;
  // The level-0 tile with the greatest first_seq <= `seq`; nullopt when none.
  virtual Result<std::optional<LedgerTile>> FindLeafTile(int64_t seq) = 0;

  // Stores a checkpoint (its id is ignored) and returns its new id, greater than every earlier.
  virtual Result<int64_t> InsertCheckpoint(const StoredCheckpoint& checkpoint) = 0;
  // Every checkpoint, oldest (lowest id) first.
  virtual Result<std::vector<StoredCheckpoint>> ListCheckpoints() = 0;
  // The checkpoint stored last; nullopt when there is none.
  virtual Result<std::optional<StoredCheckpoint>> LatestCheckpoint() = 0;
};

}  // namespace muster

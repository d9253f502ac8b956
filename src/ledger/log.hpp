// The ledger as a service: turns domain events into leaves (ledger/leaf.hpp), appends them to the
// RFC 9162 Merkle tree kept in the store, signs checkpoints, builds receipts and audits the lot.
//
// Storage (Tx's ledger block, store.hpp's LedgerTile): the tree as C2SP tiles, 256 hashes a row,
// tile level L holding the complete subtrees of height 8L; and one row per signed checkpoint.
// Leaf i is the encoding of the i-th event, which the events table already holds, so the leaf
// data is not stored again: it is recomputed when read and checked against its tile hash, and
// `VerifyEvents` checks every event. Appending n leaves rewrites the last tile of each level and
// writes about n / 256 new rows; a subtree hash is read from one tile (folding at most 128 of its
// hashes), so a root or a proof reads O(log n) tiles, in one query (TxHashReader).
//
// One gap-free log across processes: AppendPending runs inside the caller's write transaction,
// which SQLite opens with BEGIN IMMEDIATE, and reads the log's size there, so two writers
// serialise and each sees the other's leaves. AppendHashed appends leaves hashed earlier only if
// the log still ends at the event they were read after.
//
// Thread safety: a Ledger is immutable after construction and may be shared; every method works
// inside the Tx it is given, which belongs to one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/status.hpp"
#include "core/time.hpp"
#include "ledger/checkpoint.hpp"
#include "ledger/leaf.hpp"
#include "ledger/merkle.hpp"
#include "ledger/receipt.hpp"
#include "store/store.hpp"

namespace muster::ledger {

static_assert(std::is_same_v<Hash, LedgerHash>, "the store keeps ledger hashes as they are");

// Complete-subtree hashes read from the tiles through a Tx, the tiles a batch needs in one query.
// Keeps the tiles it read, so it must not outlive a write to them. Counts what it reads.
class TxHashReader final : public HashReader {
 public:
  explicit TxHashReader(Tx& tx) : tx_(&tx) {}
  Result<Hash> ReadSubtree(SubtreeId id) const override;
  Result<std::vector<Hash>> ReadSubtrees(std::span<const SubtreeId> ids) const override;

  uint64_t tiles_read() const { return tiles_read_; }
  uint64_t queries() const { return queries_; }

 private:
  Tx* tx_;
  mutable std::map<std::pair<uint64_t, uint64_t>, std::optional<LedgerTile>> tiles_;
  mutable uint64_t tiles_read_ = 0;
  mutable uint64_t queries_ = 0;
};

// The format of the leaf of event `seq` (ledger/leaf.hpp): format 2 from the event the store
// names (LedgerHead::leaf_format_2_from), format 1 before it, so that a leaf appended before
// format 2 existed is recomputed as it was.
LeafFormat LeafFormatOf(const LedgerHead& head, int64_t seq);

// The tile holding subtree `id`, and the run of that tile's hashes whose fold is its hash.
struct TileSpan {
  LedgerTileId tile;
  uint64_t offset = 0;  // first hash
  uint64_t width = 0;   // a power of two, at most 128 (a subtree of height 8L is the next level)
};
TileSpan TileOf(SubtreeId id);

// Writes the subtrees an append completes into the tiles of their level (those of a height that
// is a multiple of 8; the others it skips), reading the last tile of a level the first time it
// grows, and the tiles that changed on Flush. `seq` is the event of the leaf that completed the
// subtree. Keeps the partial tiles across Flush calls, so one appender serves a whole append.
class TileAppender {
 public:
  explicit TileAppender(Tx& tx) : tx_(&tx) {}
  Status Add(const SubtreeHash& s, int64_t seq);
  Status Flush();

 private:
  Tx* tx_;
  std::map<std::pair<uint64_t, uint64_t>, LedgerTile> open_;
  std::set<std::pair<uint64_t, uint64_t>> dirty_;
};

// A leaf as read back: its position, the event it records, its canonical JSON and its hash.
struct Leaf {
  uint64_t index = 0;
  int64_t seq = 0;
  std::string data;
  Hash hash{};
};

// Where the keys live: by default beside the database, "<db>.ledger.key" (the Ed25519 signer
// key, whose name is the log's origin) and "<db>.ledger.secret" (the pseudonym key).
struct LedgerKeyPaths {
  std::string signer_key;
  std::string pseudonym_key;
};
LedgerKeyPaths DefaultLedgerKeyPaths(std::string_view db_path);

// Creates whichever key file is missing (mode 0600); keeps existing ones. Returns how many it
// created. `origin` names the log and its key (checkpoint.hpp's key-name rules).
Result<int> CreateLedgerKeys(const LedgerKeyPaths& paths, std::string_view origin);

// Events after the log's last one, hashed into leaves in a read transaction (Ledger::HashPending)
// for a later write transaction to append (Ledger::AppendHashed).
struct HashedLeaves {
  int64_t after_seq = 0;      // the seq of the log's last event when they were read
  std::vector<int64_t> seqs;  // the events, in order
  std::vector<Hash> hashes;   // their leaf hashes
};

inline constexpr std::string_view kDefaultOrigin = "muster.local/ledger";
inline constexpr std::chrono::seconds kCheckpointInterval{60};

class Ledger {
 public:
  Ledger(SignerKey signer, PseudonymKey pseudonyms, const Clock& clock);
  // Reads both key files; errors name the missing file and say to run `muster init`.
  static Result<Ledger> Load(const LedgerKeyPaths& paths, const Clock& clock);

  const std::string& origin() const { return signer_.name(); }
  VerifierKey verifier() const { return signer_.Verifier(); }
  const PseudonymKey& pseudonyms() const { return pseudonyms_; }

  // Turns every event after the log's last one into a leaf, appends the leaves and the subtrees
  // they complete, and, when it appended any, writes a signed checkpoint of the new tree. All in
  // `tx`, which must be a write transaction. Returns the number of leaves appended.
  Result<uint64_t> AppendPending(Tx& tx) const;
  // AppendPending in two halves, so that a write transaction need not wait while leaves are
  // encoded and hashed (ledger/follower.hpp). HashPending: the first `limit` events after the
  // log's last one, as leaves; a read transaction will do. AppendHashed: appends them, with a
  // checkpoint, if the log still ends where they were read; otherwise (another writer appended
  // meanwhile) appends nothing and returns 0. `tx` must be a write transaction.
  Result<HashedLeaves> HashPending(Tx& tx, size_t limit) const;
  Result<uint64_t> AppendHashed(Tx& tx, const HashedLeaves& leaves) const;
  // Signs and stores a checkpoint of the whole tree now.
  Result<StoredCheckpoint> WriteCheckpoint(Tx& tx) const;
  // For a timer: AppendPending, then a checkpoint when the latest one does not cover the tree
  // and is older than `interval` (or there is none). Returns whether a checkpoint was written.
  Result<bool> Tick(Tx& tx, std::chrono::seconds interval = kCheckpointInterval) const;

  // The receipt of the delivery of summons `number` whose document is `document`: its delivery
  // leaf and an inclusion proof against the latest checkpoint, written first when none covers
  // the leaf. `tx` must be a write transaction.
  Result<Receipt> DeliveryReceipt(Tx& tx, std::string_view number, const nlohmann::json& document) const;
  // The same for the event that recorded the final status of message `notification_id` about
  // summons `number` (notify/proof.hpp: notification.sent or notification.failed): proof that
  // it was sent at the leaf's time through the leaf's channel. NotFound when there is none.
  Result<Receipt> NotificationReceipt(Tx& tx, std::string_view number, int64_t notification_id,
                                      const nlohmann::json& document) const;
  // The same for the lifting of restriction `restriction_id` of summons `number` (its
  // restriction.lifted event, which names the summons document): proof, for a border post whose
  // stop-list is stale, that the restriction no longer bars. NotFound when it was not lifted, or
  // was lifted by an older version, whose lifting events did not name the document.
  Result<Receipt> LiftedReceipt(Tx& tx, std::string_view number, int64_t restriction_id,
                                const nlohmann::json& document) const;

  // Leaves [from, to) of the log (to at most its size), each recomputed from its event and
  // checked against its tile hash: Corruption naming the event that no longer matches, or the
  // tile that does not hold a leaf below `to`.
  Result<std::vector<Leaf>> ReadLeaves(Tx& tx, uint64_t from, uint64_t to) const;

 private:
  class Appending;
  Result<StoredCheckpoint> StoreCheckpoint(Tx& tx, uint64_t size, const Hash& root) const;
  // The receipt of `event`, appended already; NotFound(`missing`) when its leaf is not found.
  // The receipt of the first event about summons `number` of one of `types` whose payload's
  // `id_key` is `id`.
  Result<Receipt> ReceiptOfEvent(Tx& tx, std::string_view number, std::initializer_list<std::string_view> types,
                                 std::string_view id_key, int64_t id, const nlohmann::json& document,
                                 const std::string& missing) const;
  Result<Receipt> EventReceipt(Tx& tx, const Event& event, const nlohmann::json& document,
                               const std::string& missing) const;

  SignerKey signer_;
  PseudonymKey pseudonyms_;
  const Clock* clock_;
};

struct LedgerAudit {
  uint64_t leaves = 0;
  uint64_t tiles = 0;
  uint64_t checkpoints = 0;
  Hash root{};
};

// The auditor's check, needing only the public key: recomputes the tree from the leaf hashes,
// compares every stored tile above them, and checks every checkpoint's signature, its root
// against the leaves and its consistency with the next one. Corruption naming the first
// problem ("ledger tile 1/0: hash 3 differs from the subtree of its leaves", "ledger tile 0/4
// is missing", "checkpoint 3 (size 10): signature: ...").
Result<LedgerAudit> VerifyLedger(Tx& tx, const VerifierKey& key);

// The operator's check, needing the pseudonym key: every event is in the ledger, in order, and
// the hash of what it encodes to now is its leaf hash, so an event changed, removed or slipped
// in after it was recorded shows ("event 5 (summons.delivered 26-00000001-5) no longer matches
// its leaf 4"). Events not yet appended at the end of the log are counted, not an error.
struct EventAudit {
  uint64_t events = 0;
  uint64_t pending = 0;
};
Result<EventAudit> VerifyEvents(Tx& tx, const PseudonymKey& key);

}  // namespace muster::ledger

// The ledger as a service: turns domain events into leaves (ledger/leaf.hpp), appends them to the
// RFC 9162 Merkle tree kept in the store, signs checkpoints, builds receipts and audits the lot.
//
// Storage (Tx's ledger block, migration 0003_ledger.sql): one row per leaf (index, event seq,
// leaf hash, leaf data), one row per complete subtree of level >= 1 (level, index, hash) and one
// row per signed checkpoint. Appending n leaves to a tree of size s reads the ~log2(s) peaks of
// the right edge (one query) and inserts n leaf rows and about n subtree rows; a root or a proof
// reads O(log n) rows in one query (TxHashReader).
//
// One gap-free log across processes: AppendPending runs inside the caller's write transaction,
// which SQLite opens with BEGIN IMMEDIATE, and reads the log's size there, so two writers
// serialise and each sees the other's leaves.
//
// Thread safety: a Ledger is immutable after construction and may be shared; every method works
// inside the Tx it is given, which belongs to one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.hpp"
#include "core/time.hpp"
#include "ledger/checkpoint.hpp"
#include "ledger/leaf.hpp"
#include "ledger/merkle.hpp"
#include "ledger/receipt.hpp"
#include "store/store.hpp"

namespace muster::ledger {

// Complete-subtree hashes read through a Tx, a batch per query. Counts what it reads.
class TxHashReader final : public HashReader {
 public:
  explicit TxHashReader(Tx& tx) : tx_(&tx) {}
  Result<Hash> ReadSubtree(SubtreeId id) const override;
  Result<std::vector<Hash>> ReadSubtrees(std::span<const SubtreeId> ids) const override;

  uint64_t hashes_read() const { return hashes_read_; }
  uint64_t queries() const { return queries_; }

 private:
  Tx* tx_;
  mutable uint64_t hashes_read_ = 0;
  mutable uint64_t queries_ = 0;
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
  // Signs and stores a checkpoint of the whole tree now.
  Result<StoredCheckpoint> WriteCheckpoint(Tx& tx) const;
  // For a timer: AppendPending, then a checkpoint when the latest one does not cover the tree
  // and is older than `interval` (or there is none). Returns whether a checkpoint was written.
  Result<bool> Tick(Tx& tx, std::chrono::seconds interval = kCheckpointInterval) const;

  // The receipt of the delivery of summons `number` whose document is `document`: its delivery
  // leaf and an inclusion proof against the latest checkpoint, written first when none covers
  // the leaf. `tx` must be a write transaction.
  Result<Receipt> DeliveryReceipt(Tx& tx, std::string_view number, const nlohmann::json& document) const;

 private:
  Result<StoredCheckpoint> StoreCheckpoint(Tx& tx, uint64_t size, const Hash& root) const;

  SignerKey signer_;
  PseudonymKey pseudonyms_;
  const Clock* clock_;
};

struct LedgerAudit {
  uint64_t leaves = 0;
  uint64_t subtrees = 0;
  uint64_t checkpoints = 0;
  Hash root{};
};

// The auditor's check, needing only the public key: recomputes every leaf hash from the leaf
// data and the tree from the leaves, compares every stored subtree hash, and checks every
// checkpoint's signature, its root against the leaves and its consistency with the next one.
// Corruption naming the first problem ("leaf 7 (event 8): stored hash does not match its data",
// "leaf 4 is missing", "checkpoint 3 (size 10): signature: ...").
Result<LedgerAudit> VerifyLedger(Tx& tx, const VerifierKey& key);

// The operator's check, needing the pseudonym key: every event is in the ledger, in order, and
// its leaf is exactly what the event encodes to now, so an event changed after it was recorded
// shows ("event 5 (summons.delivered 26-00000001-5) no longer matches its leaf 4"). Events
// not yet appended at the end of the log are counted, not an error. Returns the events checked.
struct EventAudit {
  uint64_t events = 0;
  uint64_t pending = 0;
};
Result<EventAudit> VerifyEvents(Tx& tx, const PseudonymKey& key);

}  // namespace muster::ledger

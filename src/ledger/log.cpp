#include "ledger/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <limits>

namespace muster::ledger {
namespace {

// Events turned into leaves per round trip; bounds the memory of a large catch-up.
constexpr size_t kEventBatch = 10000;
// Leaves read per query when auditing.
constexpr uint64_t kLeafPage = 65536;

bool SameHash(const Hash& a, const Hash& b) { return std::equal(a.begin(), a.end(), b.begin()); }

std::string Describe(const StoredCheckpoint& c) { return fmt::format("checkpoint {} (size {})", c.id, c.size); }

}  // namespace

Result<Hash> TxHashReader::ReadSubtree(SubtreeId id) const {
  MUSTER_ASSIGN_OR_RETURN(std::vector<Hash> hashes, ReadSubtrees(std::span<const SubtreeId>(&id, 1)));
  return hashes.front();
}

Result<std::vector<Hash>> TxHashReader::ReadSubtrees(std::span<const SubtreeId> ids) const {
  ++queries_;
  hashes_read_ += ids.size();
  return tx_->ReadLedgerSubtrees(ids);
}

LedgerKeyPaths DefaultLedgerKeyPaths(std::string_view db_path) {
  return {fmt::format("{}.ledger.key", db_path), fmt::format("{}.ledger.secret", db_path)};
}

Result<int> CreateLedgerKeys(const LedgerKeyPaths& paths, std::string_view origin) {
  int created = 0;
  if (!std::filesystem::exists(paths.signer_key)) {
    MUSTER_ASSIGN_OR_RETURN(SignerKey key, SignerKey::Generate(origin));
    MUSTER_RETURN_IF_ERROR(WriteSignerKeyFile(paths.signer_key, key));
    ++created;
  }
  if (!std::filesystem::exists(paths.pseudonym_key)) {
    MUSTER_ASSIGN_OR_RETURN(PseudonymKey key, PseudonymKey::Generate());
    MUSTER_RETURN_IF_ERROR(WritePseudonymKeyFile(paths.pseudonym_key, key));
    ++created;
  }
  return created;
}

Ledger::Ledger(SignerKey signer, PseudonymKey pseudonyms, const Clock& clock)
    : signer_(std::move(signer)), pseudonyms_(std::move(pseudonyms)), clock_(&clock) {}

Result<Ledger> Ledger::Load(const LedgerKeyPaths& paths, const Clock& clock) {
  auto hint = [](const Status& st) {
    if (!st.IsNotFound()) return st.WithContext("ledger key");
    return Status::FailedPrecondition(
        fmt::format("ledger key: {}; run `muster init` to create the ledger keys, or pass --ledger-key", st.message()));
  };
  auto signer = ReadSignerKeyFile(paths.signer_key);
  if (!signer.ok()) return hint(signer.status());
  auto pseudonyms = ReadPseudonymKeyFile(paths.pseudonym_key);
  if (!pseudonyms.ok()) return hint(pseudonyms.status());
  return Ledger(std::move(*signer), std::move(*pseudonyms), clock);
}

Result<uint64_t> Ledger::AppendPending(Tx& tx) const {
  MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.GetLedgerHead());
  std::optional<CompactRange> range;
  std::vector<LedgerLeaf> leaves;
  std::vector<SubtreeHash> subtrees;
  uint64_t appended = 0;
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(std::vector<Event> events, tx.ListEvents(head.last_seq, kEventBatch));
    if (events.empty()) break;
    if (!range) {
      TxHashReader reader(tx);
      MUSTER_ASSIGN_OR_RETURN(range, CompactRange::Load(reader, head.size));
    }
    leaves.clear();
    subtrees.clear();
    leaves.reserve(events.size());
    for (const Event& e : events) {
      LedgerLeaf leaf;
      leaf.index = range->size();
      leaf.seq = e.seq;
      MUSTER_ASSIGN_OR_RETURN(leaf.data, EncodeLeaf(e, pseudonyms_));
      leaf.hash = HashLeaf(AsBytes(leaf.data));
      range->Append(leaf.hash, &subtrees);
      leaves.push_back(std::move(leaf));
    }
    MUSTER_RETURN_IF_ERROR(tx.AppendLedger(leaves, subtrees));
    head.last_seq = events.back().seq;
    appended += events.size();
    if (events.size() < kEventBatch) break;
  }
  if (appended > 0) MUSTER_RETURN_IF_ERROR(StoreCheckpoint(tx, range->size(), range->Root()).status());
  return appended;
}

Result<StoredCheckpoint> Ledger::StoreCheckpoint(Tx& tx, uint64_t size, const Hash& root) const {
  Checkpoint cp{origin(), size, root, {}};
  StoredCheckpoint stored;
  MUSTER_ASSIGN_OR_RETURN(stored.note, SignCheckpoint(cp, signer_));
  stored.size = size;
  stored.root = root;
  stored.created_at = clock_->Now();
  MUSTER_ASSIGN_OR_RETURN(stored.id, tx.InsertCheckpoint(stored));
  return stored;
}

Result<StoredCheckpoint> Ledger::WriteCheckpoint(Tx& tx) const {
  MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.GetLedgerHead());
  TxHashReader reader(tx);
  MUSTER_ASSIGN_OR_RETURN(Hash root, RootAt(reader, head.size));
  return StoreCheckpoint(tx, head.size, root);
}

Result<bool> Ledger::Tick(Tx& tx, std::chrono::seconds interval) const {
  MUSTER_ASSIGN_OR_RETURN(uint64_t appended, AppendPending(tx));
  if (appended > 0) return true;
  MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.GetLedgerHead());
  MUSTER_ASSIGN_OR_RETURN(std::optional<StoredCheckpoint> latest, tx.LatestCheckpoint());
  if (latest && (latest->size == head.size || clock_->Now() - latest->created_at < interval)) return false;
  if (!latest && head.size == 0) return false;
  MUSTER_RETURN_IF_ERROR(WriteCheckpoint(tx).status());
  return true;
}

Result<Receipt> Ledger::DeliveryReceipt(Tx& tx, std::string_view number, const nlohmann::json& document) const {
  MUSTER_RETURN_IF_ERROR(AppendPending(tx).status());
  MUSTER_ASSIGN_OR_RETURN(LedgerLeaf leaf, tx.FindDeliveryLeaf(number));
  MUSTER_ASSIGN_OR_RETURN(std::optional<StoredCheckpoint> checkpoint, tx.LatestCheckpoint());
  if (!checkpoint || checkpoint->size <= leaf.index) {
    MUSTER_ASSIGN_OR_RETURN(checkpoint, WriteCheckpoint(tx));
  }
  TxHashReader reader(tx);
  return MakeReceipt(document, std::move(leaf.data), leaf.index, reader, checkpoint->note, verifier());
}

Result<LedgerAudit> VerifyLedger(Tx& tx, const VerifierKey& key) {
  LedgerAudit audit;
  MemoryTree tree;
  int64_t last_seq = 0;
  for (uint64_t from = 0;; from += kLeafPage) {
    MUSTER_ASSIGN_OR_RETURN(std::vector<LedgerLeaf> page, tx.ListLedgerLeaves(from, from + kLeafPage));
    for (const LedgerLeaf& leaf : page) {
      uint64_t expected = tree.size();
      if (leaf.index != expected) {
        return Status::Corruption(fmt::format("leaf {} is missing (the next stored leaf is {})", expected, leaf.index));
      }
      if (leaf.seq <= last_seq) {
        return Status::Corruption(fmt::format("leaf {} records event {}, not after event {} of the leaf before",
                                              leaf.index, leaf.seq, last_seq));
      }
      Hash h = HashLeaf(AsBytes(leaf.data));
      if (!SameHash(h, leaf.hash)) {
        return Status::Corruption(
            fmt::format("leaf {} (event {}): stored hash does not match its data", leaf.index, leaf.seq));
      }
      last_seq = leaf.seq;
      tree.AppendHash(h);
    }
    if (page.empty()) break;
  }
  MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.GetLedgerHead());
  if (head.size != tree.size()) {
    return Status::Corruption(fmt::format("leaf {} is missing (the last stored leaf is {})", tree.size(), head.size - 1));
  }
  audit.leaves = tree.size();

  uint64_t n = tree.size();
  uint64_t expected_subtrees = 0;
  for (uint64_t level = 1; (n >> level) > 0; ++level) expected_subtrees += n >> level;
  MUSTER_RETURN_IF_ERROR(tx.ForEachLedgerSubtree([&](const SubtreeHash& stored) -> Status {
    auto want = tree.ReadSubtree(stored.id);
    if (!want.ok()) {
      return Status::Corruption(fmt::format("subtree at level {} index {} is stored, but the {} leaves do not complete it",
                                            stored.id.level, stored.id.index, n));
    }
    if (!SameHash(*want, stored.hash)) {
      return Status::Corruption(fmt::format(
          "subtree at level {} index {} (leaves {} to {}): stored hash differs from the hash of the leaves",
          stored.id.level, stored.id.index, stored.id.index << stored.id.level,
          ((stored.id.index + 1) << stored.id.level) - 1));
    }
    ++audit.subtrees;
    return Status::Ok();
  }));
  if (audit.subtrees != expected_subtrees) {
    return Status::Corruption(fmt::format("{} of the {} subtree hashes of a tree of {} leaves are missing",
                                          expected_subtrees - audit.subtrees, expected_subtrees, n));
  }
  audit.root = tree.Root();

  MUSTER_ASSIGN_OR_RETURN(std::vector<StoredCheckpoint> checkpoints, tx.ListCheckpoints());
  const StoredCheckpoint* previous = nullptr;
  for (const StoredCheckpoint& c : checkpoints) {
    auto signed_cp = VerifyCheckpoint(c.note, key);
    if (!signed_cp.ok()) return Status::Corruption(fmt::format("{}: signature: {}", Describe(c), signed_cp.status().message()));
    if (signed_cp->origin != key.name) {
      return Status::Corruption(fmt::format("{}: origin {} is not the key's {}", Describe(c), signed_cp->origin, key.name));
    }
    if (signed_cp->size != c.size || !SameHash(signed_cp->root, c.root)) {
      return Status::Corruption(fmt::format("{}: stored size or root differs from its signed note (size {})",
                                            Describe(c), signed_cp->size));
    }
    if (c.size > n) {
      return Status::Corruption(fmt::format("{}: signed for {} leaves, but the ledger holds {}", Describe(c), c.size, n));
    }
    MUSTER_ASSIGN_OR_RETURN(Hash root, RootAt(tree, c.size));
    if (!SameHash(root, c.root)) {
      return Status::Corruption(fmt::format("{}: signed root does not match the stored leaves", Describe(c)));
    }
    if (previous != nullptr) {
      if (c.size < previous->size) {
        return Status::Corruption(
            fmt::format("{} is smaller than the earlier {}", Describe(c), Describe(*previous)));
      }
      if (previous->size > 0) {
        MUSTER_ASSIGN_OR_RETURN(std::vector<Hash> proof, ConsistencyProof(tree, previous->size, c.size));
        Status st = VerifyConsistency(previous->size, c.size, proof, previous->root, c.root);
        if (!st.ok()) {
          return Status::Corruption(
              fmt::format("{} is not consistent with {}: {}", Describe(c), Describe(*previous), st.message()));
        }
      }
    }
    previous = &c;
    ++audit.checkpoints;
  }
  return audit;
}

Result<EventAudit> VerifyEvents(Tx& tx, const PseudonymKey& key) {
  EventAudit audit;
  MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.GetLedgerHead());
  int64_t after = 0;
  uint64_t index = 0;
  std::vector<LedgerLeaf> leaves;
  size_t next_leaf = 0;
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(std::vector<Event> events, tx.ListEvents(after, kEventBatch));
    if (events.empty()) break;
    for (const Event& e : events) {
      after = e.seq;
      if (index >= head.size) {
        ++audit.pending;
        continue;
      }
      if (next_leaf == leaves.size()) {
        MUSTER_ASSIGN_OR_RETURN(leaves, tx.ListLedgerLeaves(index, index + kLeafPage));
        next_leaf = 0;
      }
      if (next_leaf == leaves.size() || leaves[next_leaf].index != index) {
        return Status::Corruption(fmt::format("leaf {} is missing", index));
      }
      const LedgerLeaf& leaf = leaves[next_leaf];
      if (leaf.seq != e.seq) {
        return Status::Corruption(fmt::format("event {} ({} {}) is not in the ledger: leaf {} records event {}", e.seq,
                                              e.type, e.subject, index, leaf.seq));
      }
      MUSTER_ASSIGN_OR_RETURN(std::string data, EncodeLeaf(e, key));
      if (data != leaf.data) {
        return Status::Corruption(
            fmt::format("event {} ({} {}) no longer matches its leaf {}", e.seq, e.type, e.subject, index));
      }
      ++next_leaf;
      ++index;
      ++audit.events;
    }
  }
  if (index < head.size) {
    return Status::Corruption(fmt::format("leaf {} records an event that does not exist", index));
  }
  return audit;
}

}  // namespace muster::ledger

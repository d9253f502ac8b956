#include "ledger/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <future>
#include <limits>
#include <span>
#include <thread>

namespace muster::ledger {
namespace {

// Events turned into leaves per round trip; bounds the memory of a large catch-up.
constexpr size_t kEventBatch = 10000;
// Tiles read per query when auditing (256 level-0 tiles: 65,536 leaves).
constexpr size_t kTilePage = 256;
// Subtree heights per tile level: a tile holds 2^8 hashes.
constexpr uint64_t kTileHeight = 8;

bool SameHash(const Hash& a, const Hash& b) { return std::equal(a.begin(), a.end(), b.begin()); }

std::string Describe(const StoredCheckpoint& c) { return fmt::format("checkpoint {} (size {})", c.id, c.size); }
std::string Describe(const LedgerTileId& id) { return fmt::format("ledger tile {}/{}", id.level, id.index); }
std::string Describe(const Event& e) { return fmt::format("event {} ({} {})", e.seq, e.type, e.subject); }

Hash HashAt(const LedgerTile& tile, uint64_t i) {
  Hash h;
  std::memcpy(h.data(), tile.hashes.data() + i * kHashSize, kHashSize);
  return h;
}

// How many hashes tile `index` of a level with `nodes` complete subtrees holds.
uint64_t TileCount(uint64_t nodes, uint64_t index) {
  return std::min<uint64_t>(kLedgerTileWidth, nodes - index * kLedgerTileWidth);
}

// The events recorded by level-0 `tile`, in order, checked against the seqs the tile names:
// an event removed or slipped in among them shows here.
Result<std::vector<Event>> TileEvents(Tx& tx, const LedgerTile& tile) {
  uint64_t count = tile.count();
  if (count == 0 || tile.hashes.size() % kHashSize != 0) {
    return Status::Corruption(
        fmt::format("{} holds {} bytes, not a whole number of hashes", Describe(tile.id), tile.hashes.size()));
  }
  MUSTER_ASSIGN_OR_RETURN(std::vector<Event> events, tx.events().List(tile.first_seq - 1, count));
  if (events.size() != count || events.front().seq != tile.first_seq || events.back().seq != tile.last_seq) {
    return Status::Corruption(fmt::format(
        "{} records the {} events from {} to {}, but the events there are not those: an event was removed or added",
        Describe(tile.id), count, tile.first_seq, tile.last_seq));
  }
  return events;
}

// The leaf of event `e` at `index`, checked against `tile`'s hash for it.
Result<Leaf> CheckedLeaf(const Event& e, uint64_t index, const LedgerTile& tile, const PseudonymKey& key,
                         const LedgerHead& head) {
  Leaf leaf{index, e.seq, {}, {}};
  MUSTER_ASSIGN_OR_RETURN(leaf.data, EncodeLeaf(e, key, LeafFormatOf(head, e.seq)));
  leaf.hash = HashLeaf(AsBytes(leaf.data));
  if (!SameHash(leaf.hash, HashAt(tile, index % kLedgerTileWidth))) {
    return Status::Corruption(fmt::format("{} no longer matches its leaf {}", Describe(e), index));
  }
  return leaf;
}

// Below this many events a batch is encoded on the calling thread alone.
constexpr size_t kParallelEncodeMin = 2048;

// The leaf hashes of `events`, in order. Encoding (pseudonyms, canonical JSON) and hashing are
// most of an append's time and each leaf is independent of the others, so a large batch is
// split across the machine's cores while the caller's transaction waits.
Result<std::vector<Hash>> HashLeaves(std::span<const Event> events, const PseudonymKey& key, const LedgerHead& head) {
  std::vector<Hash> hashes(events.size());
  auto encode = [&](size_t begin, size_t end) -> Status {
    for (size_t i = begin; i < end; ++i) {
      MUSTER_ASSIGN_OR_RETURN(std::string data, EncodeLeaf(events[i], key, LeafFormatOf(head, events[i].seq)));
      hashes[i] = HashLeaf(AsBytes(data));
    }
    return Status::Ok();
  };
  size_t threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
  if (events.size() < kParallelEncodeMin || threads == 1) {
    MUSTER_RETURN_IF_ERROR(encode(0, events.size()));
    return hashes;
  }
  size_t chunk = (events.size() + threads - 1) / threads;
  std::vector<std::future<Status>> others;
  for (size_t t = 1; t < threads; ++t) {
    size_t begin = std::min(events.size(), t * chunk);
    others.push_back(std::async(std::launch::async, encode, begin, std::min(events.size(), begin + chunk)));
  }
  Status st = encode(0, std::min(events.size(), chunk));
  for (auto& other : others) {
    Status theirs = other.get();
    if (st.ok()) st = theirs;
  }
  MUSTER_RETURN_IF_ERROR(st);
  return hashes;
}

// The first `limit` events after `after_seq`, as leaves.
Result<HashedLeaves> HashEventsAfter(Tx& tx, int64_t after_seq, size_t limit, const PseudonymKey& key,
                                     const LedgerHead& head) {
  HashedLeaves leaves;
  leaves.after_seq = after_seq;
  MUSTER_ASSIGN_OR_RETURN(std::vector<Event> events, tx.events().List(after_seq, limit));
  MUSTER_ASSIGN_OR_RETURN(leaves.hashes, HashLeaves(events, key, head));
  leaves.seqs.resize(events.size());
  std::transform(events.begin(), events.end(), leaves.seqs.begin(), [](const Event& e) { return e.seq; });
  return leaves;
}

}  // namespace

LeafFormat LeafFormatOf(const LedgerHead& head, int64_t seq) {
  return head.leaf_format_2_from > 0 && seq >= head.leaf_format_2_from ? LeafFormat::kV2 : LeafFormat::kV1;
}

TileSpan TileOf(SubtreeId id) {
  uint64_t level = id.level / kTileHeight;
  uint64_t rest = id.level % kTileHeight;
  uint64_t first = id.index << rest;  // the subtree's first node of height 8 * level
  return {{level, first / kLedgerTileWidth}, first % kLedgerTileWidth, uint64_t{1} << rest};
}

Status TileAppender::Add(const SubtreeHash& s, int64_t seq) {
  if (s.id.level % kTileHeight != 0) return Status::Ok();
  LedgerTileId id{s.id.level / kTileHeight, s.id.index / kLedgerTileWidth};
  uint64_t offset = s.id.index % kLedgerTileWidth;
  auto key = std::make_pair(id.level, id.index);
  auto it = open_.find(key);
  if (it == open_.end()) {
    LedgerTile tile;
    tile.id = id;
    if (offset > 0) {
      MUSTER_ASSIGN_OR_RETURN(auto stored, tx_->ledger().ReadTiles(std::span<const LedgerTileId>(&id, 1)));
      if (!stored.front()) return Status::Corruption(fmt::format("{} is missing", Describe(id)));
      tile = std::move(*stored.front());
    }
    it = open_.emplace(key, std::move(tile)).first;
  }
  LedgerTile& tile = it->second;
  if (tile.count() != offset || tile.hashes.size() % kHashSize != 0) {
    return Status::Corruption(
        fmt::format("{} holds {} hashes, but the tree needs {} before it", Describe(id), tile.count(), offset));
  }
  tile.hashes.append(reinterpret_cast<const char*>(s.hash.data()), s.hash.size());
  if (id.level == 0) {
    if (offset == 0) tile.first_seq = seq;
    tile.last_seq = seq;
  }
  dirty_.insert(key);
  return Status::Ok();
}

Status TileAppender::Flush() {
  std::vector<LedgerTile> out;
  out.reserve(dirty_.size());
  for (const auto& key : dirty_) out.push_back(open_.at(key));
  dirty_.clear();
  MUSTER_RETURN_IF_ERROR(tx_->ledger().PutTiles(out));
  std::erase_if(open_, [](const auto& kv) { return kv.second.count() == kLedgerTileWidth; });
  return Status::Ok();
}

Result<Hash> TxHashReader::ReadSubtree(SubtreeId id) const {
  MUSTER_ASSIGN_OR_RETURN(std::vector<Hash> hashes, ReadSubtrees(std::span<const SubtreeId>(&id, 1)));
  return hashes.front();
}

Result<std::vector<Hash>> TxHashReader::ReadSubtrees(std::span<const SubtreeId> ids) const {
  std::vector<LedgerTileId> want;
  for (const SubtreeId& id : ids) {
    LedgerTileId tile = TileOf(id).tile;
    if (!tiles_.contains({tile.level, tile.index}) && std::find(want.begin(), want.end(), tile) == want.end()) {
      want.push_back(tile);
    }
  }
  if (!want.empty()) {
    ++queries_;
    MUSTER_ASSIGN_OR_RETURN(std::vector<std::optional<LedgerTile>> read, tx_->ledger().ReadTiles(want));
    for (size_t i = 0; i < want.size(); ++i) {
      if (read[i]) ++tiles_read_;
      tiles_[{want[i].level, want[i].index}] = std::move(read[i]);
    }
  }
  std::vector<Hash> out;
  out.reserve(ids.size());
  std::vector<Hash> run;
  for (const SubtreeId& id : ids) {
    TileSpan span = TileOf(id);
    const std::optional<LedgerTile>& tile = tiles_.at({span.tile.level, span.tile.index});
    if (!tile || tile->hashes.size() % kHashSize != 0 || tile->count() < span.offset + span.width) {
      return Status::NotFound(fmt::format("ledger subtree at level {} index {} is not stored", id.level, id.index));
    }
    run.clear();
    for (uint64_t i = 0; i < span.width; ++i) run.push_back(HashAt(*tile, span.offset + i));
    for (size_t n = run.size(); n > 1; n /= 2) {
      for (size_t i = 0; i < n / 2; ++i) run[i] = HashNode(run[2 * i], run[2 * i + 1]);
    }
    out.push_back(run.front());
  }
  return out;
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

// NOLINTBEGIN(performance-unnecessary-value-param,performance-move-const-arg): the key types have no move
// constructor yet; taking them by const reference is a change to log.hpp left for later.
Ledger::Ledger(SignerKey signer, PseudonymKey pseudonyms, const Clock& clock)
    : signer_(std::move(signer)), pseudonyms_(std::move(pseudonyms)), clock_(&clock) {}
// NOLINTEND(performance-unnecessary-value-param,performance-move-const-arg)

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
  return Ledger(std::move(*signer), std::move(*pseudonyms), clock);  // NOLINT(performance-move-const-arg): as above
}

// One append inside one write transaction: leaves added in order after the log's last one, the
// subtrees they complete written to the tiles, and a signed checkpoint of the new tree.
class Ledger::Appending {
 public:
  Appending(const Ledger& ledger, Tx& tx, LedgerHead head) : ledger_(ledger), tx_(tx), head_(head), tiles_(tx) {}

  int64_t last_seq() const { return head_.last_seq; }

  Status Add(std::span<const int64_t> seqs, std::span<const Hash> hashes) {
    if (seqs.empty()) return Status::Ok();
    if (!range_) {
      TxHashReader reader(tx_);
      MUSTER_ASSIGN_OR_RETURN(range_, CompactRange::Load(reader, head_.size));
    }
    for (size_t i = 0; i < seqs.size(); ++i) {
      completed_.clear();
      range_->Append(hashes[i], &completed_);
      for (const SubtreeHash& s : completed_) MUSTER_RETURN_IF_ERROR(tiles_.Add(s, seqs[i]));
    }
    MUSTER_RETURN_IF_ERROR(tiles_.Flush());
    head_.last_seq = seqs.back();
    appended_ += seqs.size();
    return Status::Ok();
  }

  // Signs a checkpoint of the tree when anything was added; returns the leaves added.
  Result<uint64_t> Finish() {
    if (appended_ > 0) MUSTER_RETURN_IF_ERROR(ledger_.StoreCheckpoint(tx_, range_->size(), range_->Root()).status());
    return appended_;
  }

 private:
  const Ledger& ledger_;
  Tx& tx_;
  LedgerHead head_;
  TileAppender tiles_;
  std::optional<CompactRange> range_;
  std::vector<SubtreeHash> completed_;
  uint64_t appended_ = 0;
};

Result<uint64_t> Ledger::AppendPending(Tx& tx) const {
  MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
  Appending append(*this, tx, head);
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(HashedLeaves leaves,
                            HashEventsAfter(tx, append.last_seq(), kEventBatch, pseudonyms_, head));
    MUSTER_RETURN_IF_ERROR(append.Add(leaves.seqs, leaves.hashes));
    if (leaves.seqs.size() < kEventBatch) break;
  }
  return append.Finish();
}

Result<HashedLeaves> Ledger::HashPending(Tx& tx, size_t limit) const {
  MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
  return HashEventsAfter(tx, head.last_seq, limit, pseudonyms_, head);
}

Result<uint64_t> Ledger::AppendHashed(Tx& tx, const HashedLeaves& leaves) const {
  MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
  if (head.last_seq != leaves.after_seq || leaves.seqs.size() != leaves.hashes.size()) return uint64_t{0};
  Appending append(*this, tx, head);
  MUSTER_RETURN_IF_ERROR(append.Add(leaves.seqs, leaves.hashes));
  return append.Finish();
}

Result<StoredCheckpoint> Ledger::StoreCheckpoint(Tx& tx, uint64_t size, const Hash& root) const {
  Checkpoint cp{origin(), size, root, {}};
  StoredCheckpoint stored;
  MUSTER_ASSIGN_OR_RETURN(stored.note, SignCheckpoint(cp, signer_));
  stored.size = size;
  stored.root = root;
  stored.created_at = clock_->Now();
  MUSTER_ASSIGN_OR_RETURN(stored.id, tx.ledger().InsertCheckpoint(stored));
  return stored;
}

Result<StoredCheckpoint> Ledger::WriteCheckpoint(Tx& tx) const {
  MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
  TxHashReader reader(tx);
  MUSTER_ASSIGN_OR_RETURN(Hash root, RootAt(reader, head.size));
  return StoreCheckpoint(tx, head.size, root);
}

Result<bool> Ledger::Tick(Tx& tx, std::chrono::seconds interval) const {
  MUSTER_ASSIGN_OR_RETURN(uint64_t appended, AppendPending(tx));
  if (appended > 0) return true;
  MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
  MUSTER_ASSIGN_OR_RETURN(std::optional<StoredCheckpoint> latest, tx.ledger().LatestCheckpoint());
  if (latest && (latest->size == head.size || clock_->Now() - latest->created_at < interval)) return false;
  if (!latest && head.size == 0) return false;
  MUSTER_RETURN_IF_ERROR(WriteCheckpoint(tx).status());
  return true;
}

Result<Receipt> Ledger::DeliveryReceipt(Tx& tx, std::string_view number, const nlohmann::json& document) const {
  MUSTER_RETURN_IF_ERROR(AppendPending(tx).status());
  std::string missing = fmt::format("summons {} has no delivery recorded in the ledger", number);
  MUSTER_ASSIGN_OR_RETURN(std::optional<Event> delivery, tx.events().FindFirst(number, "summons.delivered"));
  if (!delivery) return Status::NotFound(missing);
  return EventReceipt(tx, *delivery, document, missing);
}

Result<Receipt> Ledger::NotificationReceipt(Tx& tx, std::string_view number, int64_t notification_id,
                                            const nlohmann::json& document) const {
  return ReceiptOfEvent(
      tx, number, {"notification.sent", "notification.failed"}, "notification", notification_id, document,
      fmt::format("summons {} has no final status of notification {} in the ledger", number, notification_id));
}

Result<Receipt> Ledger::LiftedReceipt(Tx& tx, std::string_view number, int64_t restriction_id,
                                      const nlohmann::json& document) const {
  return ReceiptOfEvent(tx, number, {"restriction.lifted"}, "restriction_id", restriction_id, document,
                        fmt::format("summons {} has no lifting of restriction {} in the ledger that names the "
                                    "summons document",
                                    number, restriction_id));
}

Result<Receipt> Ledger::ReceiptOfEvent(Tx& tx, std::string_view number, std::initializer_list<std::string_view> types,
                                       std::string_view id_key, int64_t id, const nlohmann::json& document,
                                       const std::string& missing) const {
  MUSTER_RETURN_IF_ERROR(AppendPending(tx).status());
  // A summons has a handful of events: its issue, delivery, opening, messages, appearance.
  MUSTER_ASSIGN_OR_RETURN(std::vector<Event> events, tx.events().ListAbout({std::string(number)}, 1000));
  for (const Event& e : events) {
    if (std::find(types.begin(), types.end(), e.type) == types.end()) continue;
    auto payload = nlohmann::json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
    if (!payload.is_object() || !payload.contains("summons_sha256")) continue;
    auto found = payload.find(id_key);
    if (found != payload.end() && *found == id) return EventReceipt(tx, e, document, missing);
  }
  return Status::NotFound(missing);
}

Result<Receipt> Ledger::EventReceipt(Tx& tx, const Event& event, const nlohmann::json& document,
                                     const std::string& missing) const {
  MUSTER_ASSIGN_OR_RETURN(std::optional<LedgerTile> tile, tx.ledger().FindLeafTile(event.seq));
  if (!tile || tile->last_seq < event.seq) return Status::NotFound(missing);
  MUSTER_ASSIGN_OR_RETURN(std::vector<Event> events, TileEvents(tx, *tile));
  auto at = std::find_if(events.begin(), events.end(), [&](const Event& e) { return e.seq == event.seq; });
  if (at == events.end()) return Status::NotFound(missing);
  uint64_t index = tile->id.index * kLedgerTileWidth + static_cast<uint64_t>(at - events.begin());
  MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
  MUSTER_ASSIGN_OR_RETURN(Leaf leaf, CheckedLeaf(*at, index, *tile, pseudonyms_, head));
  MUSTER_ASSIGN_OR_RETURN(std::optional<StoredCheckpoint> checkpoint, tx.ledger().LatestCheckpoint());
  if (!checkpoint || checkpoint->size <= leaf.index) {
    MUSTER_ASSIGN_OR_RETURN(checkpoint, WriteCheckpoint(tx));
  }
  TxHashReader reader(tx);
  return MakeReceipt(document, std::move(leaf.data), leaf.index, reader, checkpoint->note, verifier());
}

Result<std::vector<Leaf>> Ledger::ReadLeaves(Tx& tx, uint64_t from, uint64_t to) const {
  std::vector<Leaf> leaves;
  if (from >= to) return leaves;
  MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
  uint64_t first_tile = from / kLedgerTileWidth;
  uint64_t end_tile = (to + kLedgerTileWidth - 1) / kLedgerTileWidth;
  MUSTER_ASSIGN_OR_RETURN(std::vector<LedgerTile> tiles, tx.ledger().ListTiles(0, first_tile, end_tile - first_tile));
  uint64_t index = from;
  for (const LedgerTile& tile : tiles) {
    if (tile.id.index != index / kLedgerTileWidth) break;
    MUSTER_ASSIGN_OR_RETURN(std::vector<Event> events, TileEvents(tx, tile));
    uint64_t tile_end = tile.id.index * kLedgerTileWidth + events.size();
    for (; index < std::min(to, tile_end); ++index) {
      MUSTER_ASSIGN_OR_RETURN(Leaf leaf, CheckedLeaf(events[index % kLedgerTileWidth], index, tile, pseudonyms_, head));
      leaves.push_back(std::move(leaf));
    }
    if (index == to) return leaves;
  }
  return Status::Corruption(fmt::format("leaf {} is missing: {} does not hold it", index,
                                        Describe(LedgerTileId{0, index / kLedgerTileWidth})));
}

Result<LedgerAudit> VerifyLedger(Tx& tx, const VerifierKey& key) {
  LedgerAudit audit;
  MemoryTree tree;
  int64_t last_seq = 0;
  bool partial = false;  // the tile before was not full: it must have been the last
  for (uint64_t from = 0;;) {
    MUSTER_ASSIGN_OR_RETURN(std::vector<LedgerTile> page, tx.ledger().ListTiles(0, from, kTilePage));
    for (const LedgerTile& tile : page) {
      LedgerTileId expected{0, tree.size() / kLedgerTileWidth};
      if (tile.id.index != expected.index) {
        return Status::Corruption(fmt::format("{} is missing (leaves {} to {})", Describe(expected), tree.size(),
                                              tree.size() + kLedgerTileWidth - 1));
      }
      if (partial) return Status::Corruption(fmt::format("{} follows a partial tile", Describe(tile.id)));
      uint64_t count = tile.count();
      if (count == 0 || count > kLedgerTileWidth || tile.hashes.size() % kHashSize != 0) {
        return Status::Corruption(fmt::format("{} holds {} bytes, not 1 to {} hashes", Describe(tile.id),
                                              tile.hashes.size(), kLedgerTileWidth));
      }
      if (tile.first_seq <= last_seq || tile.last_seq < tile.first_seq + static_cast<int64_t>(count) - 1) {
        return Status::Corruption(fmt::format("{} records events {} to {}, not {} events after event {}",
                                              Describe(tile.id), tile.first_seq, tile.last_seq, count, last_seq));
      }
      last_seq = tile.last_seq;
      partial = count < kLedgerTileWidth;
      for (uint64_t i = 0; i < count; ++i) tree.AppendHash(HashAt(tile, i));
      ++audit.tiles;
    }
    if (page.size() < kTilePage) break;
    from = page.back().id.index + 1;
  }
  MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
  uint64_t n = tree.size();
  if (head.size != n) return Status::Corruption(fmt::format("the ledger holds {} leaves, its tiles {}", head.size, n));
  audit.leaves = n;

  // Every tile above the leaves: exactly the tiles a tree of n leaves has, each hash the subtree
  // of its leaves; and no tile beyond.
  for (uint64_t level = 1;; ++level) {
    uint64_t nodes = level * kTileHeight < 64 ? n >> (level * kTileHeight) : 0;
    uint64_t want = (nodes + kLedgerTileWidth - 1) / kLedgerTileWidth;
    uint64_t next = 0;
    while (true) {
      MUSTER_ASSIGN_OR_RETURN(std::vector<LedgerTile> page, tx.ledger().ListTiles(level, next, kTilePage));
      for (const LedgerTile& tile : page) {
        if (tile.id.index >= want) {
          return Status::Corruption(
              fmt::format("{} is stored, but a tree of {} leaves has no such tile", Describe(tile.id), n));
        }
        if (tile.id.index != next) {
          return Status::Corruption(fmt::format("{} is missing", Describe(LedgerTileId{level, next})));
        }
        uint64_t count = TileCount(nodes, tile.id.index);
        if (tile.hashes.size() != count * kHashSize) {
          return Status::Corruption(fmt::format("{} holds {} bytes, not the {} hashes of a tree of {} leaves",
                                                Describe(tile.id), tile.hashes.size(), count, n));
        }
        for (uint64_t i = 0; i < count; ++i) {
          SubtreeId id{level * kTileHeight, tile.id.index * kLedgerTileWidth + i};
          MUSTER_ASSIGN_OR_RETURN(Hash subtree, tree.ReadSubtree(id));
          if (!SameHash(subtree, HashAt(tile, i))) {
            return Status::Corruption(fmt::format("{}: hash {} differs from the hash of leaves {} to {}",
                                                  Describe(tile.id), i, id.index << id.level,
                                                  ((id.index + 1) << id.level) - 1));
          }
        }
        ++audit.tiles;
        next = tile.id.index + 1;
      }
      if (page.size() < kTilePage) break;
    }
    if (next < want) return Status::Corruption(fmt::format("{} is missing", Describe(LedgerTileId{level, next})));
    if (want == 0) break;
  }
  audit.root = tree.Root();

  MUSTER_ASSIGN_OR_RETURN(std::vector<StoredCheckpoint> checkpoints, tx.ledger().ListCheckpoints());
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
  MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
  int64_t after = 0;
  uint64_t index = 0;
  std::vector<LedgerTile> tiles;
  size_t next_tile = 0;
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(std::vector<Event> events, tx.events().List(after, kEventBatch));
    if (events.empty()) break;
    for (const Event& e : events) {
      after = e.seq;
      if (index >= head.size) {
        ++audit.pending;
        continue;
      }
      uint64_t offset = index % kLedgerTileWidth;
      if (offset == 0 && index > 0) ++next_tile;
      if (next_tile == tiles.size()) {
        MUSTER_ASSIGN_OR_RETURN(tiles, tx.ledger().ListTiles(0, index / kLedgerTileWidth, kTilePage));
        next_tile = 0;
      }
      LedgerTileId want{0, index / kLedgerTileWidth};
      if (next_tile == tiles.size() || tiles[next_tile].id != want) {
        return Status::Corruption(fmt::format("{} is missing", Describe(want)));
      }
      const LedgerTile& tile = tiles[next_tile];
      if (offset >= tile.count()) return Status::Corruption(fmt::format("leaf {} is missing", index));
      if ((offset == 0 && tile.first_seq != e.seq) || (offset + 1 == tile.count() && tile.last_seq != e.seq)) {
        return Status::Corruption(fmt::format("{} is not in the ledger where {} says: leaf {} records event {}",
                                              Describe(e), Describe(tile.id), index,
                                              offset == 0 ? tile.first_seq : tile.last_seq));
      }
      MUSTER_RETURN_IF_ERROR(CheckedLeaf(e, index, tile, key, head).status());
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

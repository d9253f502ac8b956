// The ledger's cost on SQLite:
//  - BM_LedgerAppendPerBatch: 300,000 events turned into leaves, with their tiles and a
//    signed checkpoint, in the transactions of 10,000 events that wrote them (the events of a
//    5,000-summons campaign batch; only the ledger's part is timed); BM_LedgerAppend: the same
//    300,000 in one catch-up transaction; against BM_EventInsertPeer, inserting the same
//    300,000 event rows, in the same run;
//  - BM_InclusionProof / BM_ConsistencyProof: proofs from stored trees of 10^6 and 10^7 leaves,
//    with the tiles read and the queries made per proof as counters (O(log n): at most two
//    tiles a tile level, log256(n) + 1 levels, in one or two queries).
// The large trees are built once into $TMPDIR/muster-ledger-tiles-bench-<n>.db and reused.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "ledger/log.hpp"
#include "store/open.hpp"

namespace muster::ledger {
namespace {

constexpr int kAppendEvents = 300'000;
constexpr int kEventsPerTx = 10'000;

class BenchClock final : public Clock {
 public:
  Timestamp Now() const override { return Timestamp{std::chrono::milliseconds(1'800'000'000'000)}; }
};

std::string TempPath(const std::string& name) {
  const char* tmp = std::getenv("TMPDIR");
  return (std::filesystem::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") / name).string();
}

void RemoveDb(const std::string& path) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

std::unique_ptr<Store> FreshStore(const std::string& path) {
  RemoveDb(path);
  auto store = OpenStore(path, StoreOptions{.create = true});
  if (!store.ok()) std::abort();
  return std::move(*store);
}

Ledger MakeLedger(const Clock& clock) {
  return Ledger(*SignerKey::FromSeed("bench.example/ledger", Bytes(32, 1)), *PseudonymKey::FromBytes(Bytes(32, 2)),
                clock);
}

// A summons.delivered event as the service writes it.
Event DeliveryEvent(int i) {
  std::string number = fmt::format("26-{:08}-{}", i + 1, i % 10);
  nlohmann::json payload = {{"number", number},
                            {"national_id", fmt::format("{:011}", 10'000'000'000LL + i)},
                            {"delivered_at", "2026-11-29T10:00:00.000Z"},
                            {"summons_sha256", std::string(64, 'c')}};
  return Event{0,      "summons.delivered", Timestamp{std::chrono::milliseconds(1'800'000'000'000)}, "cli:bench",
               number, payload.dump()};
}

Status InsertEvents(Store& store, int count) {
  for (int start = 0; start < count; start += kEventsPerTx) {
    MUSTER_RETURN_IF_ERROR(store.Write([&](Tx& tx) {
      for (int i = start; i < std::min(count, start + kEventsPerTx); ++i) {
        MUSTER_RETURN_IF_ERROR(tx.events().Append(DeliveryEvent(i)).status());
      }
      return Status::Ok();
    }));
  }
  return Status::Ok();
}

void BM_LedgerAppend(benchmark::State& state) {
  BenchClock clock;
  Ledger ledger = MakeLedger(clock);
  std::string path = TempPath("muster-ledger-append.db");
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    state.PauseTiming();
    auto store = FreshStore(path);
    if (!InsertEvents(*store, kAppendEvents).ok()) std::abort();
    state.ResumeTiming();
    // Catch-up: one transaction appends every pending event (as `muster ledger checkpoint` on
    // a database whose ledger is behind).
    Status st = store->Write([&](Tx& tx) { return ledger.AppendPending(tx).status(); });
    if (!st.ok()) state.SkipWithError(st.message().c_str());
  }
  state.counters["leaves_per_s"] = benchmark::Counter(kAppendEvents, benchmark::Counter::kIsIterationInvariantRate);
  RemoveDb(path);
}

// The same, one transaction per 10,000 events, as a campaign issue does: events and leaves
// interleaved, timing only the ledger's part.
void BM_LedgerAppendPerBatch(benchmark::State& state) {
  BenchClock clock;
  Ledger ledger = MakeLedger(clock);
  std::string path = TempPath("muster-ledger-append.db");
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    state.PauseTiming();
    auto store = FreshStore(path);
    state.ResumeTiming();
    for (int start = 0; start < kAppendEvents; start += kEventsPerTx) {
      Status st = store->Write([&](Tx& tx) -> Status {
        state.PauseTiming();
        for (int i = start; i < start + kEventsPerTx; ++i) {
          MUSTER_RETURN_IF_ERROR(tx.events().Append(DeliveryEvent(i)).status());
        }
        state.ResumeTiming();
        return ledger.AppendPending(tx).status();
      });
      if (!st.ok()) state.SkipWithError(st.message().c_str());
    }
  }
  state.counters["leaves_per_s"] = benchmark::Counter(kAppendEvents, benchmark::Counter::kIsIterationInvariantRate);
  RemoveDb(path);
}

void BM_EventInsertPeer(benchmark::State& state) {
  std::string path = TempPath("muster-ledger-append.db");
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    state.PauseTiming();
    auto store = FreshStore(path);
    state.ResumeTiming();
    if (!InsertEvents(*store, kAppendEvents).ok()) state.SkipWithError("insert failed");
  }
  state.counters["rows_per_s"] = benchmark::Counter(kAppendEvents, benchmark::Counter::kIsIterationInvariantRate);
  RemoveDb(path);
}

// A stored tree of `n` leaves (built once, reused across runs). The leaves are synthetic, but
// every tile hash is the real hash of its subtree.
Store& TreeOf(uint64_t n) {
  static std::map<uint64_t, std::unique_ptr<Store>> stores;
  auto& store = stores[n];
  if (store) return *store;
  std::string path = TempPath(fmt::format("muster-ledger-tiles-bench-{}.db", n));
  auto opened = OpenStore(path, StoreOptions{.create = true});
  if (!opened.ok()) std::abort();
  store = std::move(*opened);
  uint64_t size = 0;
  (void)store->Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
    size = head.size;
    return Status::Ok();
  });
  if (size == n) return *store;
  store.reset();
  store = FreshStore(path);
  // The tiles as the ledger writes them (TileAppender), a million leaves per transaction.
  CompactRange range;
  std::vector<SubtreeHash> completed;
  while (range.size() < n) {
    Status st = store->Write([&](Tx& tx) -> Status {
      TileAppender tiles(tx);
      for (uint64_t end = std::min<uint64_t>(n, range.size() + 1'000'000); range.size() < end;) {
        int64_t seq = static_cast<int64_t>(range.size() + 1);
        completed.clear();
        range.Append(HashLeaf(AsBytes(fmt::format("{{\"seq\":{}}}", seq))), &completed);
        for (const SubtreeHash& t : completed) MUSTER_RETURN_IF_ERROR(tiles.Add(t, seq));
      }
      return tiles.Flush();
    });
    if (!st.ok()) std::abort();
  }
  return *store;
}

void BM_InclusionProof(benchmark::State& state) {
  uint64_t n = static_cast<uint64_t>(state.range(0));
  Store& store = TreeOf(n);
  std::mt19937_64 random(1);
  uint64_t proofs = 0, reads = 0, queries = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    Status st = store.Read([&](Tx& tx) -> Status {
      TxHashReader reader(tx);
      MUSTER_ASSIGN_OR_RETURN(auto proof, InclusionProof(reader, random() % n, n));
      benchmark::DoNotOptimize(proof);
      reads += reader.tiles_read();
      queries += reader.queries();
      return Status::Ok();
    });
    if (!st.ok()) state.SkipWithError(st.message().c_str());
    ++proofs;
  }
  state.counters["tiles_read"] = static_cast<double>(reads) / static_cast<double>(proofs);
  state.counters["queries"] = static_cast<double>(queries) / static_cast<double>(proofs);
}

void BM_ConsistencyProof(benchmark::State& state) {
  uint64_t n = static_cast<uint64_t>(state.range(0));
  Store& store = TreeOf(n);
  std::mt19937_64 random(2);
  uint64_t proofs = 0, reads = 0, queries = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    Status st = store.Read([&](Tx& tx) -> Status {
      TxHashReader reader(tx);
      MUSTER_ASSIGN_OR_RETURN(auto proof, ConsistencyProof(reader, 1 + random() % n, n));
      benchmark::DoNotOptimize(proof);
      reads += reader.tiles_read();
      queries += reader.queries();
      return Status::Ok();
    });
    if (!st.ok()) state.SkipWithError(st.message().c_str());
    ++proofs;
  }
  state.counters["tiles_read"] = static_cast<double>(reads) / static_cast<double>(proofs);
  state.counters["queries"] = static_cast<double>(queries) / static_cast<double>(proofs);
}

void BM_EncodeLeaf(benchmark::State& state) {
  PseudonymKey key = *PseudonymKey::FromBytes(Bytes(32, 2));
  Event e = DeliveryEvent(12345);
  e.seq = 1;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    auto leaf = EncodeLeaf(e, key, kLatestLeafFormat);
    benchmark::DoNotOptimize(leaf);
  }
}

BENCHMARK(BM_EncodeLeaf);
BENCHMARK(BM_EventInsertPeer)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_LedgerAppend)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_LedgerAppendPerBatch)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_InclusionProof)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ConsistencyProof)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace muster::ledger

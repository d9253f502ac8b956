// The offline stop-list of 1,000,000 bans: encode (export), decode (load, with the signature
// checked), and lookups of national IDs (keyed hash and search), on one core, against the
// in-memory exit-ban index's lookups of the same IDs measured in the same run.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <random>
#include <string>
#include <vector>

#include "summons/exit_ban_index.hpp"
#include "summons/stoplist.hpp"

namespace muster {
namespace {

constexpr size_t kBans = 1'000'000;
constexpr size_t kAsked = 1 << 20;  // IDs asked about, half of them barred

struct Data {
  StopListHashKey hash_key = StopListHashKey::Generate();
  ledger::SignerKey signer = *ledger::SignerKey::Generate("muster.example/stoplist");
  std::vector<std::string> barred, asked;
  std::vector<StopListEntry> entries;
  std::string file;

  Data() {
    std::mt19937_64 rng(1);
    for (size_t i = 0; i < kBans; ++i) barred.push_back(fmt::format("{:011}", rng() % 100'000'000'000));
    for (size_t i = 0; i < kAsked; ++i) {
      asked.push_back(i % 2 ? barred[rng() % kBans] : fmt::format("{:011}", rng() % 100'000'000'000));
    }
    for (const std::string& id : barred) entries.push_back({hash_key.Hash(id), 1000});
    file = EncodeStopList({Timestamp(std::chrono::seconds(0)), Timestamp(std::chrono::hours(24)), 1}, entries, signer);
  }
};

const Data& Shared() {
  static const Data data;
  return data;
}

void BM_StopListExport(benchmark::State& state) {
  const Data& d = Shared();
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    benchmark::DoNotOptimize(EncodeStopList({}, d.entries, d.signer));
  }
  state.counters["bytes"] = static_cast<double>(d.file.size());
}
BENCHMARK(BM_StopListExport)->Unit(benchmark::kMillisecond);

void BM_StopListLoad(benchmark::State& state) {
  const Data& d = Shared();
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    auto list = StopList::Decode(d.file, d.signer.Verifier());
    if (!list.ok()) state.SkipWithError("the list does not decode");
    benchmark::DoNotOptimize(list);
  }
}
BENCHMARK(BM_StopListLoad)->Unit(benchmark::kMillisecond);

void BM_StopListLookup(benchmark::State& state) {
  const Data& d = Shared();
  static const StopList list = *StopList::Decode(d.file, d.signer.Verifier());
  const Timestamp now(std::chrono::seconds(2000));
  size_t i = 0, denied = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    denied += list.Barred(d.hash_key.Hash(d.asked[i++ & (kAsked - 1)]), now);
  }
  benchmark::DoNotOptimize(denied);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StopListLookup);

// A post's sync: a delta of 10,000 changes (half lifted bans, half new ones) decoded with its
// signature checked and applied to the list of 1,000,000 (target: under 1 s).
void BM_StopListApplyDelta(benchmark::State& state) {
  const Data& d = Shared();
  static const StopList list = *StopList::Decode(d.file, d.signer.Verifier());
  static const std::string delta = [&] {
    std::vector<StopListEntry> changes;
    for (size_t i = 0; i < 10'000; ++i) {
      changes.push_back(i % 2 ? StopListEntry{d.hash_key.Hash(d.barred[i * 97]), kStopListRemoved}
                              : StopListEntry{d.hash_key.Hash(fmt::format("{:011}", i)), 2000});
    }
    return EncodeStopListDelta({Timestamp{}, Timestamp(std::chrono::hours(48)), 1, 2}, changes, d.signer);
  }();
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    auto changes = StopListDelta::Decode(delta, d.signer.Verifier());
    if (!changes.ok()) state.SkipWithError("the delta does not decode");
    auto next = list.Apply(*changes);
    if (!next.ok()) state.SkipWithError("the delta does not apply");
    benchmark::DoNotOptimize(next);
  }
}
BENCHMARK(BM_StopListApplyDelta)->Unit(benchmark::kMillisecond);

// The peer: the server's in-memory exit-ban index holding the same bans.
void BM_StopListPeerExitBanIndex(benchmark::State& state) {
  const Data& d = Shared();
  static ExitBanIndex* index = [&] {
    auto* built = new ExitBanIndex;
    for (size_t i = 0; i < kBans; ++i) built->Add(d.barred[i], static_cast<int64_t>(i), Timestamp{});
    return built;
  }();
  const Timestamp now(std::chrono::seconds(2000));
  size_t i = 0, denied = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    denied += index->Barred(d.asked[i++ & (kAsked - 1)], now);
  }
  benchmark::DoNotOptimize(denied);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StopListPeerExitBanIndex);

}  // namespace
}  // namespace muster

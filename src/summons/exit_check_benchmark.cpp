// Exit checks per second in process (DESIGN §7 target: >= 5,000,000/s): the index lookup alone,
// and the whole service call (ID validation, lookup, reference number, audit record).
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <filesystem>
#include <random>

#include "core/policy.hpp"
#include "store/open.hpp"
#include "summons/exit_ban_index.hpp"
#include "summons/exit_check_service.hpp"

namespace muster {
namespace {

constexpr size_t kBarred = 300000;
constexpr size_t kIds = 1 << 20;

std::vector<std::string> Ids() {
  const NationalIdRule& rule = DefaultPolicy().national_id;
  std::vector<std::string> ids;
  ids.reserve(kIds);
  for (size_t i = 0; i < kIds; ++i) ids.push_back(rule.Generate(i * 7919));
  std::shuffle(ids.begin(), ids.end(), std::mt19937_64(1));
  return ids;
}

void BM_ExitBanIndexLookup(benchmark::State& state) {
  static const std::vector<std::string> ids = Ids();
  ExitBanIndex index;
  Timestamp t0 = SystemClock().Now();
  for (size_t i = 0; i < kBarred; ++i) index.Add(ids[i * 3], static_cast<int64_t>(i), t0);
  Timestamp now = t0 + std::chrono::hours(1);
  size_t i = 0, denied = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    denied += index.Barred(ids[i++ & (kIds - 1)], now);
  }
  benchmark::DoNotOptimize(denied);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ExitBanIndexLookup)->Threads(1)->Threads(2)->UseRealTime();

void BM_ExitCheckService(benchmark::State& state) {
  static const std::vector<std::string> ids = Ids();
  std::string path = (std::filesystem::temp_directory_path() / "muster_exit_check_bench.db").string();
  std::filesystem::remove(path);
  auto store = OpenStore(path, StoreOptions{.create = true});
  if (!store.ok()) {
    state.SkipWithError(store.status().message().c_str());
    return;
  }
  SystemClock clock;
  ExitCheckService service(**store, DefaultPolicy(), clock);
  size_t i = 0, denied = 0;
  for (auto _ : state) {  // NOLINT(clang-analyzer-deadcode.DeadStores): the benchmark loop
    auto answer = service.ExitCheck(ids[i++ & (kIds - 1)], "border:bench");
    denied += !answer->allow;
    if ((i & 0xffff) == 0) {
      state.PauseTiming();
      if (Status st = service.FlushExitChecks(); !st.ok()) {
        state.SkipWithError(st.message().c_str());
        break;
      }
      state.ResumeTiming();
    }
  }
  benchmark::DoNotOptimize(denied);
  state.SetItemsProcessed(state.iterations());
  std::filesystem::remove(path);
}
BENCHMARK(BM_ExitCheckService);

}  // namespace
}  // namespace muster

BENCHMARK_MAIN();

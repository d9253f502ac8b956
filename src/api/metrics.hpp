// Counters for /metrics (Prometheus text format 0.0.4): requests by route and status, latency
// histograms by route, exit checks by decision. Lock-free (relaxed atomics); thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace muster::api {

class Metrics {
 public:
  // Statuses counted one by one; any other is counted as "other".
  static constexpr std::array<int, 17> kStatuses = {200, 201, 202, 204, 400, 401, 403, 404, 405,
                                                    409, 413, 415, 429, 431, 500, 503, 0};
  // Latency bucket upper bounds, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                      0.01,   0.025,   0.05,   0.1,   0.5,    2.5};

  // `routes` names each route ("GET /api/v1/persons/{national_id}"), by route id.
  explicit Metrics(std::vector<std::string> routes);

  // `route` is a route id, or routes.size() for requests that matched none.
  void Record(size_t route, int status, std::chrono::nanoseconds latency);
  void ExitCheck(bool allow) { (allow ? exit_allow_ : exit_deny_).fetch_add(1, std::memory_order_relaxed); }

  // Appends the counters in Prometheus text format to `out`.
  void Render(std::string& out) const;

 private:
  struct PerRoute {
    std::array<std::atomic<uint64_t>, kStatuses.size()> by_status{};
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};  // last: +Inf
    std::atomic<uint64_t> sum_ns{0};
    std::atomic<uint64_t> count{0};
  };
  std::vector<std::string> names_;
  std::unique_ptr<PerRoute[]> routes_;
  std::atomic<uint64_t> exit_allow_{0};
  std::atomic<uint64_t> exit_deny_{0};
};

}  // namespace muster::api

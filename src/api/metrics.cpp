#include "api/metrics.hpp"

#include <fmt/format.h>

#include <iterator>

namespace muster::api {

Metrics::Metrics(std::vector<std::string> routes)
    : names_(std::move(routes)), routes_(std::make_unique<PerRoute[]>(names_.size() + 1)) {
  names_.emplace_back("unmatched");
}

void Metrics::Record(size_t route, int status, std::chrono::nanoseconds latency) {
  if (route >= names_.size()) route = names_.size() - 1;
  PerRoute& r = routes_[route];
  size_t s = 0;
  while (s + 1 < kStatuses.size() && kStatuses[s] != status) ++s;
  r.by_status[s].fetch_add(1, std::memory_order_relaxed);
  double seconds = std::chrono::duration<double>(latency).count();
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  r.buckets[b].fetch_add(1, std::memory_order_relaxed);
  r.sum_ns.fetch_add(static_cast<uint64_t>(latency.count()), std::memory_order_relaxed);
  r.count.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::Render(std::string& out) const {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "# HELP muster_http_requests_total HTTP requests by route and status.\n");
  fmt::format_to(it, "# TYPE muster_http_requests_total counter\n");
  for (size_t i = 0; i < names_.size(); ++i) {
    for (size_t s = 0; s + 1 < kStatuses.size(); ++s) {
      uint64_t n = routes_[i].by_status[s].load(std::memory_order_relaxed);
      if (n > 0) fmt::format_to(it, "muster_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", names_[i], kStatuses[s], n);
    }
    uint64_t other = routes_[i].by_status[kStatuses.size() - 1].load(std::memory_order_relaxed);
    if (other > 0) fmt::format_to(it, "muster_http_requests_total{{route=\"{}\",status=\"other\"}} {}\n", names_[i], other);
  }
  fmt::format_to(it, "# HELP muster_http_request_duration_seconds Time from a complete request to its answer.\n");
  fmt::format_to(it, "# TYPE muster_http_request_duration_seconds histogram\n");
  for (size_t i = 0; i < names_.size(); ++i) {
    const PerRoute& r = routes_[i];
    uint64_t count = r.count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += r.buckets[b].load(std::memory_order_relaxed);
      std::string le = b < kBuckets.size() ? fmt::format("{}", kBuckets[b]) : "+Inf";
      fmt::format_to(it, "muster_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", names_[i], le, cumulative);
    }
    fmt::format_to(it, "muster_http_request_duration_seconds_sum{{route=\"{}\"}} {:.6f}\n", names_[i],
           static_cast<double>(r.sum_ns.load(std::memory_order_relaxed)) / 1e9);
    fmt::format_to(it, "muster_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", names_[i], count);
  }
  fmt::format_to(it, "# HELP muster_exit_checks_total Exit checks answered, by decision.\n");
  fmt::format_to(it, "# TYPE muster_exit_checks_total counter\n");
  fmt::format_to(it, "muster_exit_checks_total{{decision=\"allow\"}} {}\n", exit_allow_.load(std::memory_order_relaxed));
  fmt::format_to(it, "muster_exit_checks_total{{decision=\"deny\"}} {}\n", exit_deny_.load(std::memory_order_relaxed));
}

}  // namespace muster::api

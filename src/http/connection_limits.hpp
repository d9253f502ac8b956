// How many connections the server holds: in total (`--max-connections`, by default what the
// descriptor limit leaves after a reserve for the database and files) and per client address
// (`--max-connections-per-address`). The server asks before it serves a connection it accepted
// and says when it is gone; past the total it first closes its oldest idle keep-alive
// connection and then admits the new one anyway (RoomMade), so that a flood of idle clients
// cannot lock out a new one or a health check.
//
// Thread-safe: the total is an atomic; the per-address counts are under a mutex, taken once
// when a connection opens and once when it closes, never per request. A trusted proxy's
// address (`--trusted-proxy`) carries many clients and has no per-address cap.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include "http/client_address.hpp"

namespace muster::http {

// What /metrics says about connections. Relaxed atomics, written by the server's threads.
struct ConnectionStats {
  std::atomic<int64_t> open{0};              // connections being served now
  std::atomic<int64_t> max{0};               // the total cap in force (0: none)
  std::atomic<uint64_t> accepted{0};         // connections accepted and served
  std::atomic<uint64_t> refused_total{0};    // closed at once: the total cap, no idle one to close
  std::atomic<uint64_t> refused_address{0};  // closed at once: the cap of their address
  std::atomic<uint64_t> idle_closed{0};      // idle keep-alive connections closed to make room
  std::atomic<uint64_t> accept_failures{0};  // accept failed (e.g. out of descriptors); backed off
};

class ConnectionLimits {
 public:
  enum class Verdict { kAdmit, kOverTotal, kOverAddress };

  // 0 for either means no cap. `stats` outlives this and counts `open` and the refusals.
  ConnectionLimits(size_t max_total, size_t max_per_address, ConnectionStats& stats);

  // Counts a connection from `address` and admits it, unless it would pass a cap. kOverAddress:
  // nothing is counted (a refusal). kOverTotal: not yet a refusal; the address is counted and
  // the caller says next either RoomMade or Refused.
  Verdict Open(const IpAddress& address, bool exempt);
  // After kOverTotal, when an idle connection is being closed to make room: admits the
  // connection past the total, for the moment until the closed one is gone.
  void RoomMade();
  // After kOverTotal with no room made: forgets the connection and counts the refusal.
  void Refused(const IpAddress& address, bool exempt);
  // Forgets an admitted connection.
  void Close(const IpAddress& address, bool exempt);

  size_t max_total() const { return max_total_; }
  size_t max_per_address() const { return max_per_address_; }

 private:
  struct Hash {
    size_t operator()(const IpAddress& a) const;
  };
  bool OpenAddress(const IpAddress& address, bool exempt);
  void CloseAddress(const IpAddress& address, bool exempt);

  const size_t max_total_;
  const size_t max_per_address_;
  ConnectionStats& stats_;
  absl::Mutex mu_;
  std::unordered_map<IpAddress, size_t, Hash> per_address_ ABSL_GUARDED_BY(mu_);
};

}  // namespace muster::http

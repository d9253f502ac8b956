// The HTTP/1.1 server: Boost.Beast and Asio with C++20 coroutines.
//
// One io_context per thread, each with its own SO_REUSEPORT acceptor on the same port, so a
// connection stays on the thread the kernel gave it and needs no locks. Keep-alive; a fresh
// parser per request and one buffer and one response per connection, reused.
//
// Limits: request headers above `max_header_bytes` are answered 431, a body above
// `max_body_bytes` 413 (checked against Content-Length before the body is read, and while a
// chunked body arrives); both close the connection. Timeouts: a connection that sends nothing
// for `idle_timeout` is closed; once a request has begun, its header must arrive within
// `header_timeout` and its body within `body_timeout` (slowloris).
//
// Shutdown (SIGTERM, SIGINT or Stop()): stop accepting, close idle connections, let requests in
// flight finish and answer them with "Connection: close"; Run returns when all are done (or
// after `drain_timeout`).
//
// The handler runs on the connection's thread, possibly on several threads at once; it must be
// thread-safe and must not block for long (hand long work to a job). An exception it throws is
// logged and answered 500. Requests for which `is_blocking` says true (password hashing) run
// the handler on a small pool of `blocking_threads` instead, while the connection's thread goes
// on serving others; at most `blocking_queue` of them run or wait at once, and one more is
// answered 503 with Retry-After without running the handler.
//
// Connections (see http/connection_limits.hpp): at most `max_connections` at once (by default
// what RLIMIT_NOFILE leaves after the descriptors open at start and a reserve for the database,
// files and threads; the soft limit is first raised towards the hard one) and at most
// `max_connections_per_address` from one address (trusted proxies excepted). Past the total
// the oldest idle keep-alive connection is closed to make room; with none to close, the new
// connection is closed at once. When accept fails (out of descriptors), the worker closes an
// idle connection and waits kAcceptBackoff before it accepts again, instead of spinning on a
// listener that stays readable. All of it is counted in `stats`.
//
// Client address: Request::remote_address is the peer's address, or, when the peer is inside
// `trusted_proxies`, the client the proxies name in X-Forwarded-For (http/client_address.hpp).
// Without trusted proxies no header is read for it.
//
// Every answer carries the hardening headers of kSecurityHeaders (CSP, frame, referrer and
// MIME-sniffing policies), the server's own refusals (400, 413, 431) included.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "core/status.hpp"
#include "http/client_address.hpp"
#include "http/connection_limits.hpp"
#include "http/message.hpp"

namespace muster::http {

// Added to every answer. The portal (web/dist) is same-origin scripts and styles only; its CSS
// uses data: images (USWDS icons) and its favicon is a data: URL.
inline constexpr std::pair<std::string_view, std::string_view> kSecurityHeaders[] = {
    {"Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
     "frame-ancestors 'none'"},
    {"X-Frame-Options", "DENY"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Content-Type-Options", "nosniff"},
};

// How long a worker waits before accepting again after accept failed.
inline constexpr std::chrono::milliseconds kAcceptBackoff{50};

// The default of --max-connections for a descriptor limit `nofile` with `open_now` descriptors
// open: what is left after those, a reserve of 16 and 4 per thread (database connections, the
// files they keep, static files being read, the threads' own descriptors); at least 1.
size_t DefaultMaxConnections(size_t nofile, size_t open_now, int threads);

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (see on_listening)
  int threads = 0;       // 0: one per core
  size_t max_header_bytes = 8 * 1024;
  size_t max_body_bytes = 1024 * 1024;
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds drain_timeout{30'000};
  int blocking_threads = 2;
  int blocking_queue = 32;
  std::string tls_cert_file;  // PEM; TLS when both are set
  std::string tls_key_file;
  size_t max_connections = 0;                // 0: DefaultMaxConnections
  size_t max_connections_per_address = 256;  // 0: no cap
  TrustedProxies trusted_proxies;
  ConnectionStats* stats = nullptr;  // counters for /metrics, outliving the server; null: its own
};

using Handler = std::function<void(const Request&, Response&)>;
// Called on the connection's thread for every request; must be cheap and thread-safe.
using BlockingPredicate = std::function<bool(const Request&)>;

class Server {
 public:
  Server(ServerOptions options, Handler handler, BlockingPredicate is_blocking = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, calls `on_listening(port)` once listening, serves until shutdown, then returns.
  // Installs handlers for SIGTERM and SIGINT while it runs.
  Status Run(const std::function<void(uint16_t port)>& on_listening);
  // Starts a graceful shutdown; thread-safe, idempotent.
  void Stop();

  struct Impl;  // internal to server.cpp

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace muster::http

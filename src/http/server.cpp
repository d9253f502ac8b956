// The only translation unit that includes Beast and Asio (each costs ~15 s and 0.5 GB to
// compile); everything else sees http/message.hpp.
#include "http/server.hpp"

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/clock.h>
#include <absl/time/time.h>
#include <fmt/format.h>
#include <sys/resource.h>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <exception>
#include <filesystem>
#include <thread>
#include <utility>  // before Asio: boost/asio/awaitable.hpp uses std::exchange (Boost 1.74)
#include <vector>

#include "http/problem.hpp"

namespace muster::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }
beast::string_view Beast(std::string_view s) { return {s.data(), s.size()}; }

Method FromVerb(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

// A live connection. While it idles (waits for a request) it is on its worker's idle list, so
// that shutdown, or a new client past the connection cap, can close it.
struct Connection {
  tcp::socket* socket = nullptr;
  Connection* older = nullptr;  // the idle list, when idle
  Connection* newer = nullptr;
  bool idle = false;
};

// Members in this order: the acceptor goes first, then the io_context, whose pending sessions
// still take themselves off the idle list as they are destroyed.
struct Worker {
  // Idle connections, the longest idle first; an intrusive list, so that a request costs two
  // pointer moves and no allocation. Touched only on this worker's thread.
  Connection* oldest_idle = nullptr;
  Connection* newest_idle = nullptr;
  // Its length, written only on this worker's thread, read by others deciding where to close one.
  std::atomic<int> idle_count{0};
  std::chrono::steady_clock::time_point accept_failure_logged{};
  asio::io_context ioc{1};
  std::unique_ptr<tcp::acceptor> acceptor;

  void SetIdle(Connection* c) {
    if (c->idle) return;
    c->idle = true;
    c->older = newest_idle;
    c->newer = nullptr;
    (newest_idle ? newest_idle->newer : oldest_idle) = c;
    newest_idle = c;
    idle_count.store(idle_count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  void SetBusy(Connection* c) {
    if (!c->idle) return;
    c->idle = false;
    (c->older ? c->older->newer : oldest_idle) = c->newer;
    (c->newer ? c->newer->older : newest_idle) = c->older;
    c->older = c->newer = nullptr;
    idle_count.store(idle_count.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  }
};

}  // namespace

struct Server::Impl {
  ServerOptions options;
  Handler handler;
  BlockingPredicate is_blocking;
  std::unique_ptr<asio::thread_pool> pool;  // for blocking handlers
  std::atomic<int> blocking{0};             // blocking requests running or waiting
  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<asio::ssl::context> ssl;
  std::unique_ptr<asio::signal_set> signals;
  std::atomic<bool> stopping{false};
  std::atomic<bool> ready{false};  // workers built; Stop may post to them
  ConnectionStats own_stats;       // when options.stats is null
  ConnectionStats* stats = &own_stats;
  std::unique_ptr<ConnectionLimits> limits;

  absl::Mutex mu;
  absl::CondVar cv;  // running changed, or stopping set
  int running ABSL_GUARDED_BY(mu) = 0;
};

namespace {

using Impl = Server::Impl;

// Answers a request the server refuses before the handler sees it, then closes gracefully:
// shuts down sending and discards what the client still sends for a moment, so that it reads
// the answer instead of a reset.
template <typename Stream>
asio::awaitable<void> Refuse(Stream& stream, beast::flat_buffer& buffer, int status, std::string_view detail) {
  Response out;
  WriteProblem(out, status, detail);
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
  for (const auto& [name, value] : kSecurityHeaders) res.insert(Beast(name), Beast(value));
  res.set(bhttp::field::content_type, out.content_type);
  res.set(bhttp::field::connection, "close");
  res.body() = std::move(out.body);
  res.prepare_payload();
  beast::error_code ec;
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_after(std::chrono::seconds(5));
  co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  lowest.socket().shutdown(tcp::socket::shutdown_send, ec);
  lowest.expires_after(std::chrono::seconds(1));
  size_t discarded = 0;
  while (!ec && discarded < (4u << 20)) {
    buffer.consume(buffer.size());
    discarded +=
        co_await stream.async_read_some(buffer.prepare(64 * 1024), asio::redirect_error(asio::use_awaitable, ec));
  }
}

void CallHandler(Impl* impl, const Request& in, Response& out) {
  try {
    impl->handler(in, out);
  } catch (const std::exception& e) {
    fmt::print(stderr, "muster serve: {} {}: unexpected error: {}\n", MethodName(in.method), in.path, e.what());
    WriteProblem(out, 500, "the server could not complete the request");
  } catch (...) {
    fmt::print(stderr, "muster serve: {} {}: unexpected error\n", MethodName(in.method), in.path);
    WriteProblem(out, 500, "the server could not complete the request");
  }
}

// Runs the handler on the blocking pool and completes on the worker's thread. The worker's
// io_context counts the pending call as work, so it keeps running (and draining) meanwhile.
template <typename Token>
auto OnPool(Impl* impl, Worker* worker, const Request* in, Response* out, Token&& token) {
  return asio::async_initiate<Token, void()>(
      [impl, worker, in, out](auto handler) {
        auto guard = asio::make_work_guard(worker->ioc);
        asio::post(*impl->pool, [impl, worker, in, out, handler = std::move(handler),
                                 guard = std::move(guard)]() mutable {
          CallHandler(impl, *in, *out);
          asio::post(worker->ioc, [handler = std::move(handler), guard = std::move(guard)]() mutable { handler(); });
        });
      },
      token);
}

asio::awaitable<void> HandleBlocking(Impl* impl, Worker* worker, const Request* in, Response* out) {
  if (impl->blocking.fetch_add(1) >= impl->options.blocking_queue) {
    impl->blocking.fetch_sub(1);
    WriteProblem(*out, 503, "the server is busy checking passwords; try again in a moment");
    out->SetHeader("Retry-After", "1");
    co_return;
  }
  co_await OnPool(impl, worker, in, out, asio::use_awaitable);
  impl->blocking.fetch_sub(1);
}

// Malformed HTTP (not a timeout, a closed connection or a limit): answered 400 before closing.
bool IsMalformed(const beast::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

// Replaces the answer's header fields after the first `kept` (the security headers, set once
// per connection) with Content-Type and `headers`. Fields the previous answer had in the same
// place with the same value stay, so that a connection answering alike (the exit check, the
// cabinet) allocates no field for them again.
void SetFields(bhttp::response<bhttp::string_body>& res, size_t kept, std::string_view content_type,
               const std::vector<std::pair<std::string, std::string>>& headers) {
  auto field = [&](size_t i) -> std::pair<std::string_view, std::string_view> {
    if (i == 0) return {"Content-Type", content_type};
    return {headers[i - 1].first, headers[i - 1].second};
  };
  const size_t wanted = headers.size() + 1;
  auto it = res.begin();
  for (size_t i = 0; i < kept && it != res.end(); ++i) ++it;
  size_t i = 0;
  for (; i < wanted && it != res.end(); ++i, ++it) {
    auto [name, value] = field(i);
    if (!beast::iequals(it->name_string(), Beast(name)) || View(it->value()) != value) break;
  }
  while (it != res.end()) it = res.erase(it);
  for (; i < wanted; ++i) {
    auto [name, value] = field(i);
    res.insert(Beast(name), Beast(value));
  }
}

// The peer of an accepted connection, and whether it is a trusted proxy.
struct Peer {
  std::string text;
  IpAddress address;
  bool trusted = false;
};

template <typename Stream>
asio::awaitable<void> Serve(Stream& stream, Impl* impl, Worker* worker, const Peer* peer, bool tls) {
  auto& lowest = beast::get_lowest_layer(stream);
  Connection conn{&lowest.socket()};
  struct Unregister {
    Worker* w;
    Connection* c;
    ~Unregister() { w->SetBusy(c); }
  } unregister{worker, &conn};

  const ServerOptions& o = impl->options;
  beast::error_code ec;
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  for (const auto& [name, value] : kSecurityHeaders) res.insert(Beast(name), Beast(value));
  constexpr size_t kKept = std::size(kSecurityHeaders);
  Response out;
  Request in;
  in.remote_address = peer->text;
  in.tls = tls;

  while (true) {
    worker->SetIdle(&conn);
    if (impl->stopping.load(std::memory_order_relaxed)) break;
    if (buffer.size() == 0) {
      lowest.expires_after(o.idle_timeout);
      size_t n = co_await stream.async_read_some(buffer.prepare(8192), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      buffer.commit(n);
    }
    worker->SetBusy(&conn);
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(o.max_header_bytes));
    parser.body_limit(o.max_body_bytes);
    lowest.expires_after(o.header_timeout);
    co_await bhttp::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == bhttp::error::header_limit) {
      co_await Refuse(stream, buffer, 431, fmt::format("request headers exceed {} bytes", o.max_header_bytes));
      break;
    }
    if (ec == bhttp::error::body_limit) {  // Beast checks Content-Length as the header ends
      co_await Refuse(stream, buffer, 413, fmt::format("request body exceeds {} bytes", o.max_body_bytes));
      break;
    }
    if (ec) {
      if (IsMalformed(ec))
        co_await Refuse(stream, buffer, 400, fmt::format("malformed HTTP request: {}", ec.message()));
      break;
    }
    if (auto length = parser.content_length(); length && *length > o.max_body_bytes) {
      co_await Refuse(stream, buffer, 413, fmt::format("request body exceeds {} bytes", o.max_body_bytes));
      break;
    }
    if (!parser.is_done()) {
      lowest.expires_after(o.body_timeout);
      co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == bhttp::error::body_limit) {
        co_await Refuse(stream, buffer, 413, fmt::format("request body exceeds {} bytes", o.max_body_bytes));
        break;
      }
      if (ec) {  // e.g. a malformed chunk size: say so before closing
        if (IsMalformed(ec)) {
          co_await Refuse(stream, buffer, 400, fmt::format("malformed HTTP request body: {}", ec.message()));
        }
        break;
      }
    }

    auto& req = parser.get();
    in.method = FromVerb(req.method());
    in.target = View(req.target());
    size_t q = in.target.find('?');
    in.path = in.target.substr(0, q);
    in.query = q == std::string_view::npos ? std::string_view{} : in.target.substr(q + 1);
    in.body = req.body();
    in.headers.clear();
    for (const auto& field : req) in.headers.emplace_back(View(field.name_string()), View(field.value()));
    if (peer->trusted) {
      in.remote_address = ResolveClientAddress(peer->text, peer->address, in.headers, o.trusted_proxies);
    }

    out.clear();
    if (impl->is_blocking && impl->is_blocking(in)) {
      co_await HandleBlocking(impl, worker, &in, &out);
    } else {
      CallHandler(impl, in, out);
    }
    bool keep = req.keep_alive() && !out.close && !impl->stopping.load(std::memory_order_relaxed);

    res.result(static_cast<bhttp::status>(out.status));
    res.version(11);
    SetFields(res, kKept, out.content_type, out.headers);
    res.body().swap(out.body);
    res.keep_alive(keep);
    res.prepare_payload();
    lowest.expires_after(o.body_timeout);
    co_await bhttp::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    res.body().swap(out.body);  // keep the capacity for the next answer
    if (ec || !keep) break;
  }
  lowest.socket().shutdown(tcp::socket::shutdown_both, ec);
}

// Forgets the connection in the limits when its session ends, however it ends.
struct Admitted {
  Impl* impl;
  Peer peer;
  Admitted(Impl* i, Peer p) : impl(i), peer(std::move(p)) {}
  Admitted(const Admitted&) = delete;
  Admitted& operator=(const Admitted&) = delete;
  ~Admitted() { impl->limits->Close(peer.address, peer.trusted); }
};

asio::awaitable<void> PlainSession(tcp::socket socket, Impl* impl, Worker* worker, std::unique_ptr<Admitted> admitted) {
  beast::tcp_stream stream(std::move(socket));
  co_await Serve(stream, impl, worker, &admitted->peer, false);
}

asio::awaitable<void> TlsSession(tcp::socket socket, Impl* impl, Worker* worker, std::unique_ptr<Admitted> admitted) {
  beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *impl->ssl);
  beast::get_lowest_layer(stream).expires_after(impl->options.header_timeout);
  beast::error_code ec;
  co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  co_await Serve(stream, impl, worker, &admitted->peer, true);
}

void LogFailure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    fmt::print(stderr, "muster serve: connection ended by an unexpected error: {}\n", ex.what());
  }
}

// Closes the worker's longest-idle connection (its session then ends and frees its place);
// false when it has none. On the worker's thread.
bool CloseOldestIdle(Impl* impl, Worker* worker) {
  Connection* c = worker->oldest_idle;
  if (!c) return false;
  worker->SetBusy(c);  // off the list, so that it is closed once
  beast::error_code ec;
  c->socket->close(ec);
  impl->stats->idle_closed.fetch_add(1, std::memory_order_relaxed);
  return true;
}

// Closes an idle connection on this worker, or asks another worker that has one to close it;
// false when no worker has an idle connection.
bool MakeRoom(Impl* impl, Worker* worker) {
  if (CloseOldestIdle(impl, worker)) return true;
  for (auto& w : impl->workers) {
    Worker* other = w.get();
    if (other == worker || other->idle_count.load(std::memory_order_relaxed) == 0) continue;
    asio::post(other->ioc, [impl, other] { CloseOldestIdle(impl, other); });
    return true;
  }
  return false;
}

// Errors of one connection that went away before it was accepted: accept the next at once.
bool IsTransientAcceptError(const beast::error_code& ec) {
  return ec == asio::error::connection_aborted || ec == asio::error::connection_reset ||
         (ec.category() == asio::error::get_system_category() && (ec.value() == EPROTO || ec.value() == EPERM));
}

asio::awaitable<void> Accept(Impl* impl, Worker* worker) {
  asio::steady_timer backoff(worker->ioc);
  while (true) {
    beast::error_code ec;
    tcp::socket socket = co_await worker->acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (impl->stopping.load() || ec == asio::error::operation_aborted || !worker->acceptor->is_open()) co_return;
      if (IsTransientAcceptError(ec)) continue;
      // Out of descriptors (EMFILE, ENFILE) or memory: the listener stays readable, so accepting
      // again at once would spin. Free a descriptor and wait.
      impl->stats->accept_failures.fetch_add(1, std::memory_order_relaxed);
      bool closed = MakeRoom(impl, worker);
      auto now = std::chrono::steady_clock::now();
      if (now - worker->accept_failure_logged >= std::chrono::seconds(10)) {
        worker->accept_failure_logged = now;
        fmt::print(stderr, "muster serve: accept: {}; {}waiting {} ms before accepting again\n", ec.message(),
                   closed ? "closing an idle connection, " : "", kAcceptBackoff.count());
      }
      backoff.expires_after(kAcceptBackoff);
      co_await backoff.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    Peer peer;
    tcp::endpoint remote = socket.remote_endpoint(ec);
    if (ec) continue;  // gone already
    if (remote.address().is_v4()) {
      auto bytes = remote.address().to_v4().to_bytes();
      peer.address = IpAddressFromBytes(bytes.data(), bytes.size());
    } else {
      auto bytes = remote.address().to_v6().to_bytes();
      peer.address = IpAddressFromBytes(bytes.data(), bytes.size());
    }
    peer.text = peer.address.ToString();
    peer.trusted = impl->options.trusted_proxies.Contains(peer.address);
    ConnectionLimits::Verdict verdict = impl->limits->Open(peer.address, peer.trusted);
    if (verdict == ConnectionLimits::Verdict::kOverTotal) {
      if (MakeRoom(impl, worker)) {
        impl->limits->RoomMade();
        verdict = ConnectionLimits::Verdict::kAdmit;
      } else {
        impl->limits->Refused(peer.address, peer.trusted);
      }
    }
    if (verdict != ConnectionLimits::Verdict::kAdmit) continue;  // the socket closes here
    impl->stats->accepted.fetch_add(1, std::memory_order_relaxed);
    auto admitted = std::make_unique<Admitted>(impl, std::move(peer));
    socket.set_option(tcp::no_delay(true), ec);
    if (impl->ssl) {
      asio::co_spawn(worker->ioc, TlsSession(std::move(socket), impl, worker, std::move(admitted)), LogFailure);
    } else {
      asio::co_spawn(worker->ioc, PlainSession(std::move(socket), impl, worker, std::move(admitted)), LogFailure);
    }
  }
}

}  // namespace

Server::Server(ServerOptions options, Handler handler, BlockingPredicate is_blocking)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->is_blocking = std::move(is_blocking);
  if (impl_->options.stats) impl_->stats = impl_->options.stats;
}

size_t DefaultMaxConnections(size_t nofile, size_t open_now, int threads) {
  size_t reserve = open_now + 16 + 4 * static_cast<size_t>(std::max(threads, 1));
  return nofile > reserve ? nofile - reserve : 1;
}

Server::~Server() = default;

namespace {

// The descriptor limit, after raising the soft limit to the hard one (at most kMaxNoFile), as
// a server that does not use select() should.
constexpr rlim_t kMaxNoFile = 65536;

size_t RaiseNoFileLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  rlim_t want = limit.rlim_max == RLIM_INFINITY ? kMaxNoFile : std::min(limit.rlim_max, kMaxNoFile);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < want) {
    rlimit raised = limit;
    raised.rlim_cur = want;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? static_cast<size_t>(kMaxNoFile) : static_cast<size_t>(limit.rlim_cur);
}

size_t OpenDescriptors() {
  std::error_code ec;
  size_t n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++n;
  return n;
}

// Closes the acceptors and the idle connections; requests in flight finish on their own.
void BeginShutdown(Impl* impl) {
  for (auto& w : impl->workers) {
    Worker* worker = w.get();
    asio::post(worker->ioc, [worker] {
      beast::error_code ec;
      if (worker->acceptor) worker->acceptor->close(ec);
      for (Connection* c = worker->oldest_idle; c; c = c->newer) c->socket->cancel(ec);
    });
  }
  asio::post(impl->workers.front()->ioc, [impl] {
    beast::error_code ec;
    if (impl->signals) impl->signals->cancel(ec);
  });
}

}  // namespace

void Server::Stop() {
  Impl* impl = impl_.get();
  if (impl->stopping.exchange(true)) return;
  if (impl->ready.load()) BeginShutdown(impl);
  absl::MutexLock lock(&impl->mu);
  impl->cv.SignalAll();
}

Status Server::Run(const std::function<void(uint16_t)>& on_listening) {
  Impl* impl = impl_.get();
  const ServerOptions& o = impl->options;
  int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
    if (o.tls_cert_file.empty() || o.tls_key_file.empty()) {
      return Status::InvalidArgument("TLS needs both --tls-cert and --tls-key");
    }
    impl->ssl = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    beast::error_code ec;
    impl->ssl->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                               asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                               asio::ssl::context::no_tlsv1_1,
                           ec);
    impl->ssl->use_certificate_chain_file(o.tls_cert_file, ec);
    if (ec) return Status::InvalidArgument(fmt::format("tls-cert: {}: {}", o.tls_cert_file, ec.message()));
    impl->ssl->use_private_key_file(o.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) return Status::InvalidArgument(fmt::format("tls-key: {}: {}", o.tls_key_file, ec.message()));
  }

  beast::error_code ec;
  auto address = asio::ip::make_address(o.host, ec);
  if (ec) return Status::InvalidArgument("listen", fmt::format("'{}' is not an IP address", o.host));
  tcp::endpoint endpoint(address, o.port);
  for (int i = 0; i < threads; ++i) {
    auto worker = std::make_unique<Worker>();
    auto acceptor = std::make_unique<tcp::acceptor>(worker->ioc);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->set_option(ReusePort(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Status::IoError(fmt::format("listen on {}:{}: {}", o.host, endpoint.port(), ec.message()));
    if (i == 0) endpoint.port(acceptor->local_endpoint().port());
    worker->acceptor = std::move(acceptor);
    impl->workers.push_back(std::move(worker));
  }
  size_t nofile = RaiseNoFileLimit();
  size_t max_connections = o.max_connections;
  if (max_connections == 0)
    max_connections = DefaultMaxConnections(nofile, OpenDescriptors(), threads + o.blocking_threads);
  impl->limits = std::make_unique<ConnectionLimits>(max_connections, o.max_connections_per_address, *impl->stats);
  fmt::print(
      stderr, "muster serve: at most {} connections, {} from one address (descriptor limit {})\n", max_connections,
      o.max_connections_per_address == 0 ? std::string("any") : std::to_string(o.max_connections_per_address), nofile);
  impl->signals = std::make_unique<asio::signal_set>(impl->workers.front()->ioc, SIGTERM, SIGINT);
  impl->signals->async_wait([this](const beast::error_code& error, int) {
    if (!error) Stop();
  });
  impl->pool = std::make_unique<asio::thread_pool>(static_cast<size_t>(std::max(1, o.blocking_threads)));
  for (auto& w : impl->workers) asio::co_spawn(w->ioc, Accept(impl, w.get()), LogFailure);
  impl->ready.store(true);
  if (impl->stopping.load()) BeginShutdown(impl);  // Stop() came before the workers existed
  if (on_listening) on_listening(endpoint.port());

  std::vector<std::thread> pool;
  {
    absl::MutexLock lock(&impl->mu);
    impl->running = threads;
  }
  for (auto& w : impl->workers) {
    Worker* worker = w.get();
    pool.emplace_back([impl, worker] {
      worker->ioc.run();
      absl::MutexLock lock(&impl->mu);
      --impl->running;
      impl->cv.SignalAll();
    });
  }
  {
    absl::MutexLock lock(&impl->mu);
    while (!impl->stopping.load() && impl->running != 0) impl->cv.Wait(&impl->mu);
    const absl::Time deadline = absl::Now() + absl::FromChrono(o.drain_timeout);
    bool timed_out = false;
    while (impl->running != 0 && !timed_out) timed_out = impl->cv.WaitWithDeadline(&impl->mu, deadline);
    if (impl->running != 0) {
      fmt::print(stderr, "muster serve: requests still running after {} s; stopping anyway\n",
                 std::chrono::duration_cast<std::chrono::seconds>(o.drain_timeout).count());
      for (auto& w : impl->workers) w->ioc.stop();
    }
  }
  for (auto& t : pool) t.join();
  impl->pool->join();
  impl->signals.reset();
  impl->workers.clear();
  return Status::Ok();
}

}  // namespace muster::http

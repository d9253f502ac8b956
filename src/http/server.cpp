// The only translation unit that includes Beast and Asio (each costs ~15 s and 0.5 GB to
// compile); everything else sees http/message.hpp.
#include <utility>  // before Asio: boost/asio/awaitable.hpp uses std::exchange (Boost 1.74)

#include "http/server.hpp"

#include <fmt/format.h>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <set>
#include <thread>
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

Method FromVerb(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get: return Method::kGet;
    case bhttp::verb::head: return Method::kHead;
    case bhttp::verb::post: return Method::kPost;
    case bhttp::verb::put: return Method::kPut;
    case bhttp::verb::patch: return Method::kPatch;
    case bhttp::verb::delete_: return Method::kDelete;
    case bhttp::verb::options: return Method::kOptions;
    default: return Method::kOther;
  }
}

// A live connection, known to its worker so that shutdown can close it while it idles.
struct Connection {
  tcp::socket* socket = nullptr;
  bool busy = false;  // a request is being read, handled or answered
};

struct Worker {
  asio::io_context ioc{1};
  std::unique_ptr<tcp::acceptor> acceptor;
  std::set<Connection*> connections;  // touched only on this worker's thread
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

  std::mutex mu;
  std::condition_variable cv;
  int running = 0;
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
    discarded += co_await stream.async_read_some(buffer.prepare(64 * 1024), asio::redirect_error(asio::use_awaitable, ec));
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

template <typename Stream>
asio::awaitable<void> Serve(Stream& stream, Impl* impl, Worker* worker, bool tls) {
  auto& lowest = beast::get_lowest_layer(stream);
  Connection conn{&lowest.socket(), false};
  worker->connections.insert(&conn);
  struct Unregister {
    Worker* w;
    Connection* c;
    ~Unregister() { w->connections.erase(c); }
  } unregister{worker, &conn};

  const ServerOptions& o = impl->options;
  beast::error_code ec;
  std::string remote = lowest.socket().remote_endpoint(ec).address().to_string(ec);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  Response out;
  Request in;
  in.remote_address = remote;
  in.tls = tls;

  while (true) {
    conn.busy = false;
    if (impl->stopping.load(std::memory_order_relaxed)) break;
    if (buffer.size() == 0) {
      lowest.expires_after(o.idle_timeout);
      size_t n = co_await stream.async_read_some(buffer.prepare(8192), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      buffer.commit(n);
    }
    conn.busy = true;
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
      if (ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
          ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
        co_await Refuse(stream, buffer, 400, fmt::format("malformed HTTP request: {}", ec.message()));
      }
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
      if (ec) break;
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

    out.clear();
    if (impl->is_blocking && impl->is_blocking(in)) {
      co_await HandleBlocking(impl, worker, &in, &out);
    } else {
      CallHandler(impl, in, out);
    }
    bool keep = req.keep_alive() && !out.close && !impl->stopping.load(std::memory_order_relaxed);

    res.clear();
    res.result(static_cast<bhttp::status>(out.status));
    res.version(11);
    res.set(bhttp::field::content_type, out.content_type);
    for (const auto& [name, value] : out.headers) res.insert(name, value);
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

asio::awaitable<void> PlainSession(tcp::socket socket, Impl* impl, Worker* worker) {
  beast::tcp_stream stream(std::move(socket));
  co_await Serve(stream, impl, worker, false);
}

asio::awaitable<void> TlsSession(tcp::socket socket, Impl* impl, Worker* worker) {
  beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *impl->ssl);
  beast::get_lowest_layer(stream).expires_after(impl->options.header_timeout);
  beast::error_code ec;
  co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  co_await Serve(stream, impl, worker, true);
}

void LogFailure(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    fmt::print(stderr, "muster serve: connection ended by an unexpected error: {}\n", ex.what());
  }
}

asio::awaitable<void> Accept(Impl* impl, Worker* worker) {
  while (true) {
    beast::error_code ec;
    tcp::socket socket =
        co_await worker->acceptor->async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      if (impl->stopping.load() || ec == asio::error::operation_aborted || !worker->acceptor->is_open()) co_return;
      continue;  // e.g. a connection reset before accept, or out of descriptors for a moment
    }
    socket.set_option(tcp::no_delay(true), ec);
    if (impl->ssl) {
      asio::co_spawn(worker->ioc, TlsSession(std::move(socket), impl, worker), LogFailure);
    } else {
      asio::co_spawn(worker->ioc, PlainSession(std::move(socket), impl, worker), LogFailure);
    }
  }
}

}  // namespace

Server::Server(ServerOptions options, Handler handler, BlockingPredicate is_blocking)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->handler = std::move(handler);
  impl_->is_blocking = std::move(is_blocking);
}

Server::~Server() = default;

namespace {

// Closes the acceptors and the idle connections; requests in flight finish on their own.
void BeginShutdown(Impl* impl) {
  for (auto& w : impl->workers) {
    Worker* worker = w.get();
    asio::post(worker->ioc, [worker] {
      beast::error_code ec;
      if (worker->acceptor) worker->acceptor->close(ec);
      for (Connection* c : worker->connections) {
        if (!c->busy) c->socket->cancel(ec);
      }
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
  std::lock_guard lock(impl->mu);
  impl->cv.notify_all();
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
  if (ec) return Status::InvalidArgument(fmt::format("listen: '{}' is not an IP address", o.host));
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
    std::lock_guard lock(impl->mu);
    impl->running = threads;
  }
  for (auto& w : impl->workers) {
    Worker* worker = w.get();
    pool.emplace_back([impl, worker] {
      worker->ioc.run();
      std::lock_guard lock(impl->mu);
      --impl->running;
      impl->cv.notify_all();
    });
  }
  {
    std::unique_lock lock(impl->mu);
    impl->cv.wait(lock, [impl] { return impl->stopping.load() || impl->running == 0; });
    if (!impl->cv.wait_for(lock, o.drain_timeout, [impl] { return impl->running == 0; })) {
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

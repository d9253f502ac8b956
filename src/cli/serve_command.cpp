// muster serve: the HTTP API (and the web front end, when built) on Boost.Beast.
#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/time.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <atomic>
#include <charconv>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

#include "api/api.hpp"
#include "api/jobs.hpp"
#include "api/metrics.hpp"
#include "app/app.hpp"
#include "app/subscribers.hpp"
#include "auth/auth_service.hpp"
#include "cli/cli.hpp"
#include "core/thread_priority.hpp"
#include "events/runner.hpp"
#include "http/server.hpp"
#include "notify/subscribers.hpp"
#include "summons/stoplist_service.hpp"

namespace muster::cli {
namespace {

struct ServeArgs {
  std::string listen = "127.0.0.1:8080";
  int threads = 0;
  std::string tls_cert, tls_key;
  size_t max_body = 1024 * 1024;
  size_t max_header = 8 * 1024;
  double header_timeout = 10;
  double idle_timeout = 60;
  double sweep_interval = 60;
  int bulk_nice = 10;
  int auth_workers = 2;
  int auth_queue = 32;
  size_t batch_size = 5000;
  int64_t session_ttl = 12 * 3600;
  int64_t auth_cache_ttl = 30;
  std::string web = "web/dist";
  std::string access_log;
  size_t max_connections = 0;
  size_t max_connections_per_address = 256;
  std::vector<std::string> trusted_proxies;
  size_t exit_check_backlog = ExitCheckBacklog::kDefaultCapacity;
};

Status ParseListen(const std::string& listen, http::ServerOptions& o) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return Status::InvalidArgument("listen", "expected HOST:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), port);
  if (ec != std::errc() || end != listen.data() + listen.size() || port > 65535) {
    return Status::InvalidArgument("listen", "the port must be 0 to 65535");
  }
  o.host = host.empty() ? "0.0.0.0" : host;
  o.port = static_cast<uint16_t>(port);
  return Status::Ok();
}

std::chrono::milliseconds Millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

// The outbox and, with a channel configured, the dispatcher (notify/subscribers.hpp).
void AddNotifications(app::App& app, const Policy& policy, const Deployment& deployment, const Clock& clock) {
  if (!notify::AddNotificationSubscribers(app.runner(), app.writes(), clock, policy, deployment)) {
    fmt::print(stderr, "muster serve: no [smtp] or [webhook] in --config: notifications stay queued\n");
  }
}

Status Serve(Context& ctx, const ServeArgs& args) {
  http::ServerOptions options;
  MUSTER_RETURN_IF_ERROR(ParseListen(args.listen, options));
  options.threads = args.threads;
  options.tls_cert_file = args.tls_cert;
  options.tls_key_file = args.tls_key;
  options.max_body_bytes = args.max_body;
  options.max_header_bytes = args.max_header;
  options.header_timeout = Millis(args.header_timeout);
  options.idle_timeout = Millis(args.idle_timeout);
  options.blocking_threads = args.auth_workers;
  options.blocking_queue = args.auth_queue;
  if (args.max_header < 512) return Status::InvalidArgument("max-header: must be at least 512 bytes");
  if (args.auth_workers < 1 || args.auth_queue < 1) {
    return Status::InvalidArgument("auth-workers, auth-queue: must be at least 1");
  }
  if (args.batch_size < 1) return Status::InvalidArgument("batch-size: must be at least 1");
  options.max_connections = args.max_connections;
  options.max_connections_per_address = args.max_connections_per_address;
  std::vector<http::Cidr> trusted;
  for (const std::string& text : args.trusted_proxies) {
    MUSTER_ASSIGN_OR_RETURN(http::Cidr cidr, http::ParseCidr(text));
    trusted.push_back(cidr);
  }
  options.trusted_proxies = http::TrustedProxies(std::move(trusted));
  http::ConnectionStats connection_stats;
  options.stats = &connection_stats;
  if (args.exit_check_backlog < 1) return Status::InvalidArgument("exit-check-backlog: must be at least 1");
  SetBulkNice(args.bulk_nice);

  MUSTER_ASSIGN_OR_RETURN(Policy policy, ctx.LoadPolicy());
  // Read at start, so that a mistake in it stops the server before it listens.
  MUSTER_ASSIGN_OR_RETURN(Deployment deployment, ctx.LoadDeployment());
  MUSTER_ASSIGN_OR_RETURN(auto store, ctx.Open());
  // As in the CLI (app::App): every write appends its events to the ledger in its own
  // transaction, except the batches of campaign jobs and of the sweep, whose events a follower
  // appends meanwhile.
  MUSTER_ASSIGN_OR_RETURN(
      auto app, app::App::Build(*store, policy, ctx.clock,
                                {.load_ledger = [&ctx] { return ctx.LoadLedger(); },
                                 .ledger_at_start = true,
                                 .bulk_follower = true,
                                 .on_subscriber_report =
                                     [](std::string_view name, const Status& st) {
                                       // Said once when a subscriber starts failing and once when it
                                       // recovers, not at every round.
                                       if (st.ok()) {
                                         fmt::print(stderr, "muster serve: {}: working again\n", name);
                                       } else {
                                         fmt::print(stderr, "muster serve: {}: {} (tried again)\n", name, st.message());
                                       }
                                     }}));
  const ledger::Ledger& ledger = *app->ledger();
  ExitCheckService& exit_checks = app->domain().exit_checks();
  exit_checks.SetExitCheckCapacity(args.exit_check_backlog);
  MUSTER_RETURN_IF_ERROR(exit_checks.LoadExitBans());
  auth::AuthOptions auth_options;
  auth_options.session_ttl = std::chrono::seconds(args.session_ttl);
  if (args.auth_cache_ttl < 0) return Status::InvalidArgument("auth-cache-ttl: must not be negative");
  auth_options.cache_ttl = std::chrono::seconds(args.auth_cache_ttl);
  auth::AuthService auth(*store, policy, ctx.clock, auth_options);
  MUSTER_RETURN_IF_ERROR(auth.CheckStaffLogins());
  api::JobRunner jobs;
  api::Metrics metrics(api::RouteNames());
  std::atomic<bool> ready{false};

  api::ApiOptions api_options;
  struct stat st {};
  if (!args.web.empty() && ::stat((args.web + "/index.html").c_str(), &st) == 0) api_options.web_root = args.web;
  std::FILE* log = nullptr;
  if (args.access_log == "-") {
    api_options.access_log = stderr;
  } else if (!args.access_log.empty()) {
    log = std::fopen(args.access_log.c_str(), "a");
    if (!log) return Status::IoError(fmt::format("access-log: cannot open '{}'", args.access_log));
    api_options.access_log = log;
  }
  api::Services services{*store, policy, ctx.clock, app->domain(), auth, jobs, metrics};
  services.ready = &ready;
  services.ledger = &ledger;
  services.campaign_batch = args.batch_size;
  services.connections = &connection_stats;
  if (deployment.webhook) services.webhook_secret = &deployment.webhook->secret;
  // The border posts' stop-list: signed by the ledger's key, national IDs hashed under a key of
  // its own that the posts hold (made on first start).
  MUSTER_ASSIGN_OR_RETURN(ledger::SignerKey stoplist_signer,
                          ledger::ReadSignerKeyFile(ctx.LedgerKeyPaths().signer_key));
  MUSTER_ASSIGN_OR_RETURN(StopListHashKey stoplist_hash_key, StopListHashKey::ReadOrCreate(ctx.StopListKeyPath()));
  StopListService stoplist(exit_checks, policy, ctx.clock, stoplist_signer, stoplist_hash_key);
  services.stoplist = &stoplist;
  api::Api api(services, api_options);

  http::Server server(
      options, [&api](const http::Request& request, http::Response& response) { api.Handle(request, response); },
      [&api](const http::Request& request) { return api.IsBlocking(request); });
  // The server's work besides requests, as subscribers on the App's runner (app/subscribers.hpp),
  // which stops them at Finish after their final rounds, in this order.
  events::Runner& runner = app->runner();
  runner.Add(std::make_unique<app::ExitCheckRecorder>(exit_checks,
                                                      [](uint64_t n, uint64_t total) {
                                                        fmt::print(stderr,
                                                                   "muster serve: {} exit-check records dropped: the "
                                                                   "backlog is full ({} in all)\n",
                                                                   n, total);
                                                      }),
             {.every = app::kExitCheckFlush});
  runner.Add(std::make_unique<app::ExitBanFollower>(exit_checks),
             {.every = app::kExitBanPoll, .waiter = store->WatchExitBanChanges()});
  if (args.sweep_interval > 0) {
    runner.Add(std::make_unique<app::Sweeper>(app->domain().sweep(), ctx.clock,
                                              [](const SweepSummary& done) {
                                                fmt::print(stderr,
                                                           "muster serve: sweep: {} delivered, {} no-show, {} "
                                                           "restrictions\n",
                                                           done.delivered, done.no_show, done.restrictions_imposed);
                                              }),
               {.every = Millis(args.sweep_interval), .bulk = true});
  }
  runner.Add(std::make_unique<app::LedgerCheckpoints>(ledger, *store), {.every = app::kLedgerTick});
  AddNotifications(*app, policy, deployment, ctx.clock);
  Status run = server.Run([&](uint16_t port) {
    ready = true;
    fmt::print("muster serve: listening on {}://{}:{} ({} exit bans loaded{})\n",
               options.tls_cert_file.empty() ? "http" : "https", options.host, port, exit_checks.exit_bans().size(),
               api_options.web_root.empty() ? "" : fmt::format(", serving {}", api_options.web_root));
    std::fflush(stdout);
  });
  ready = false;
  // Drained: no request is in flight, so no exit check is recorded after this. Write those
  // recorded so far at once (a job's batch may take a while), stop the running job after its
  // batch, then the subscribers: their final rounds append the events still pending, write the
  // exit checks recorded since, and sign a checkpoint of the whole tree unless the latest one
  // covers it.
  fmt::print(stderr, "muster serve: shutting down: stopping jobs after their current batch\n");
  (void)exit_checks.FlushExitChecks();  // a failure is tried again by the final round
  jobs.Drain();
  Status finished = app->Finish();
  if (log) std::fclose(log);
  MUSTER_RETURN_IF_ERROR(run);
  MUSTER_RETURN_IF_ERROR(finished);
  fmt::print(stderr, "muster serve: stopped\n");
  return Status::Ok();
}

}  // namespace

void AddServeCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto args = std::make_shared<ServeArgs>();
  auto* serve = app.add_subcommand("serve", "serve the HTTP API (and web/dist when built) until SIGTERM");
  serve->add_option("--listen", args->listen, "HOST:PORT (default 127.0.0.1:8080; port 0 picks a free one)");
  serve->add_option("--threads", args->threads, "I/O threads (default: one per core)");
  serve->add_option("--tls-cert", args->tls_cert, "PEM certificate chain: serve HTTPS")->check(CLI::ExistingFile);
  serve->add_option("--tls-key", args->tls_key, "PEM private key")->check(CLI::ExistingFile);
  serve->add_option("--max-body", args->max_body, "largest request body in bytes (default 1048576; 413 above)");
  serve->add_option("--max-header", args->max_header, "largest request header in bytes (default 8192; 431 above)");
  serve->add_option("--header-timeout", args->header_timeout, "seconds a request's header may take (default 10)");
  serve->add_option("--idle-timeout", args->idle_timeout, "seconds an idle connection is kept (default 60)");
  serve->add_option("--sweep-interval", args->sweep_interval, "seconds between sweeps (default 60; 0: never)");
  serve
      ->add_option("--bulk-nice", args->bulk_nice,
                   "how much lower bulk work (campaign jobs, the sweep, notifications, the ledger's bulk appends) "
                   "runs than the threads answering requests, as a nice value 0..19 (default 10; 0: the same)")
      ->check(CLI::Range(0, 19));
  serve->add_option("--session-ttl", args->session_ttl, "seconds a login lasts (default 43200)");
  serve->add_option("--auth-cache-ttl", args->auth_cache_ttl,
                    "seconds a server trusts a session or API key it has checked before asking the database again; "
                    "a session ended on another server (or by the CLI) ends here within this time (default 30)");
  serve->add_option("--auth-workers", args->auth_workers,
                    "threads that hash and check passwords and activation codes (default 2)");
  serve->add_option("--auth-queue", args->auth_queue,
                    "password checks running or waiting at once; more get 503 + Retry-After (default 32)");
  serve->add_option("--batch-size", args->batch_size,
                    "summonses per transaction in a campaign issue job (default 5000)");
  serve->add_option("--db-replica", ctx.db_replica,
                    "a PostgreSQL streaming replica (postgresql://...) for reads that may lag: lists, the cabinet, "
                    "the exit-ban events");
  serve->add_option("--web", args->web, "built front end to serve (default web/dist, when present)");
  serve->add_option("--exit-check-backlog", args->exit_check_backlog,
                    "exit-check records kept while the store cannot take them; more are dropped and counted "
                    "(default 500000)");
  serve->add_option("--access-log", args->access_log, "JSON access log file, or - for stderr (default: none)");
  serve->add_option("--max-connections", args->max_connections,
                    "connections served at once; past it the oldest idle one is closed (default: what the "
                    "descriptor limit leaves after a reserve)");
  serve->add_option("--max-connections-per-address", args->max_connections_per_address,
                    "connections from one client address (default 256; 0: no cap; trusted proxies have none)");
  serve->add_option("--trusted-proxy", args->trusted_proxies,
                    "CIDR of a reverse proxy whose X-Forwarded-For names the client (repeatable; default: none, "
                    "the header is never believed)");
  serve->callback([&ctx, &exit_code, args] {
    Status st = Serve(ctx, *args);
    if (!st.ok()) exit_code = Fail(ctx, st);
  });
}

}  // namespace muster::cli

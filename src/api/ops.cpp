// Operations: /healthz (the process answers), /readyz (the store answers and start-up is done),
// /metrics (Prometheus text, with the server's connection counters), /api/v1/openapi.json.
#include <fmt/format.h>

#include "api/handlers.hpp"
#include "api/jobs.hpp"
#include "api/metrics.hpp"

namespace muster::api {

void Healthz(Call& call) { call.response.body.assign(R"({"status":"ok"})"); }

void Readyz(Call& call) {
  if (call.services.ready && !call.services.ready->load()) {
    return http::WriteProblem(call.response, 503, "starting or shutting down");
  }
  Status st = call.services.store.Read([](Tx& tx) { return tx.persons().Count().status(); });
  if (!st.ok()) return http::WriteProblem(call.response, 503, "the database does not answer");
  call.response.body.assign(R"({"status":"ready"})");
}

void MetricsText(Call& call) {
  std::string& out = call.response.body;
  call.response.content_type.assign("text/plain; version=0.0.4; charset=utf-8");
  call.services.metrics.Render(out);
  // The exit-ban index's position first: read before the last event, it is never ahead of it.
  const ExitCheckService& checks = call.services.domain.exit_checks();
  const int64_t read = checks.exit_bans_seq();
  fmt::format_to(std::back_inserter(out),
                 "# HELP muster_exit_bans Exit bans in the exit-check index.\n# TYPE muster_exit_bans gauge\n"
                 "muster_exit_bans {}\n"
                 "# HELP muster_exit_ban_events_read The last event the exit-check index has read.\n"
                 "# TYPE muster_exit_ban_events_read gauge\nmuster_exit_ban_events_read {}\n",
                 checks.exit_bans().size(), read);
  // The audit records of answered exit checks (ExitCheckService::FlushExitChecks): every answered
  // check is written, dropped (the backlog was full) or pending.
  ExitCheckBacklog::Counts records = checks.exit_check_records();
  fmt::format_to(std::back_inserter(out),
                 "# HELP muster_exit_check_records_written_total Exit-check records written to the store.\n"
                 "# TYPE muster_exit_check_records_written_total counter\n"
                 "muster_exit_check_records_written_total {}\n"
                 "# HELP muster_exit_check_records_dropped_total Exit-check records dropped: the backlog was full.\n"
                 "# TYPE muster_exit_check_records_dropped_total counter\n"
                 "muster_exit_check_records_dropped_total {}\n"
                 "# HELP muster_exit_check_records_pending Exit-check records waiting to be written.\n"
                 "# TYPE muster_exit_check_records_pending gauge\n"
                 "muster_exit_check_records_pending {}\n",
                 records.written, records.dropped, records.pending);
  auto counts = call.services.store.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(auto by_state, tx.reports().CountSummonsByState(std::nullopt));
    MUSTER_ASSIGN_OR_RETURN(int64_t last, tx.events().LastSeq());
    out += "# HELP muster_summonses Summonses by state.\n# TYPE muster_summonses gauge\n";
    for (const auto& [state, n] : by_state) {
      fmt::format_to(std::back_inserter(out), "muster_summonses{{state=\"{}\"}} {}\n", state, n);
    }
    // muster_events_last - muster_exit_ban_events_read: events the index has yet to read (it
    // reads every second; a lag that grows means it is stuck, and the server says why).
    fmt::format_to(std::back_inserter(out),
                   "# HELP muster_events_last The last domain event committed.\n# TYPE muster_events_last gauge\n"
                   "muster_events_last {}\n",
                   last);
    return Status::Ok();
  });
  (void)counts;  // a busy database leaves the gauge out rather than failing the scrape
  out += "# HELP muster_job_done Items a job has done.\n# TYPE muster_job_done gauge\n";
  std::string totals = "# HELP muster_job_total Items a job has to do.\n# TYPE muster_job_total gauge\n";
  for (const auto& job : call.services.jobs.List()) {
    fmt::format_to(std::back_inserter(out), "muster_job_done{{job=\"{}\",kind=\"{}\",state=\"{}\"}} {}\n", job.id,
                   job.kind, JobStateName(job.state), job.done);
    fmt::format_to(std::back_inserter(totals), "muster_job_total{{job=\"{}\",kind=\"{}\"}} {}\n", job.id, job.kind,
                   job.total);
  }
  out += totals;
  if (const http::ConnectionStats* c = call.services.connections) {
    auto n = [](const auto& counter) { return counter.load(std::memory_order_relaxed); };
    fmt::format_to(std::back_inserter(out),
                   "# HELP muster_http_connections Connections being served.\n# TYPE muster_http_connections gauge\n"
                   "muster_http_connections {}\n"
                   "# HELP muster_http_connections_max The cap on connections served at once (--max-connections).\n"
                   "# TYPE muster_http_connections_max gauge\nmuster_http_connections_max {}\n"
                   "# HELP muster_http_connections_accepted_total Connections accepted and served.\n"
                   "# TYPE muster_http_connections_accepted_total counter\nmuster_http_connections_accepted_total {}\n"
                   "# HELP muster_http_connections_closed_total Connections the server closed to stay within its "
                   "caps, by reason.\n# TYPE muster_http_connections_closed_total counter\n"
                   "muster_http_connections_closed_total{{reason=\"idle_for_room\"}} {}\n"
                   "muster_http_connections_closed_total{{reason=\"refused_max_connections\"}} {}\n"
                   "muster_http_connections_closed_total{{reason=\"refused_per_address\"}} {}\n"
                   "# HELP muster_http_accept_failures_total Failed accepts (such as out of descriptors), each "
                   "followed by a pause.\n# TYPE muster_http_accept_failures_total counter\n"
                   "muster_http_accept_failures_total {}\n",
                   n(c->open), n(c->max), n(c->accepted), n(c->idle_closed), n(c->refused_total), n(c->refused_address),
                   n(c->accept_failures));
  }
}

void OpenApiJson(Call& call) {
  if (call.services.openapi) call.response.body.assign(*call.services.openapi);
}

}  // namespace muster::api

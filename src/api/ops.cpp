// Operations: /healthz (the process answers), /readyz (the store answers and start-up is done),
// /metrics (Prometheus text), /api/v1/openapi.json.
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
  Status st = call.services.store.Read([](Tx& tx) { return tx.CountPersons().status(); });
  if (!st.ok()) return http::WriteProblem(call.response, 503, "the database does not answer");
  call.response.body.assign(R"({"status":"ready"})");
}

void MetricsText(Call& call) {
  std::string& out = call.response.body;
  call.response.content_type.assign("text/plain; version=0.0.4; charset=utf-8");
  call.services.metrics.Render(out);
  auto counts = call.services.store.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(auto by_state, tx.CountSummonsByState(std::nullopt));
    out += "# HELP muster_summonses Summonses by state.\n# TYPE muster_summonses gauge\n";
    for (const auto& [state, n] : by_state) fmt::format_to(std::back_inserter(out), "muster_summonses{{state=\"{}\"}} {}\n", state, n);
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
}

void OpenApiJson(Call& call) {
  if (call.services.openapi) call.response.body.assign(*call.services.openapi);
}

}  // namespace muster::api

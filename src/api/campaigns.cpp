// /api/v1/campaigns and /api/v1/jobs: create, list, read, preview, and issue as a job.
// Supervisors act on campaigns whose districts are all theirs; auditors read every campaign.
#include <fmt/format.h>

#include "api/handlers.hpp"
#include "api/jobs.hpp"
#include "codec/json.hpp"

namespace muster::api {
namespace {

bool AllInScope(const auth::Principal& who, const std::vector<std::string>& districts) {
  for (const auto& d : districts) {
    if (!auth::InScope(who, d)) return false;
  }
  return !districts.empty();
}

bool Visible(const auth::Principal& who, const std::vector<std::string>& districts) {
  return who.role == Role::kAuditor || AllInScope(who, districts);
}

// The campaign of the {id} parameter, if the caller may see it; writes the problem otherwise.
std::optional<Campaign> ScopedCampaign(Call& call) {
  int64_t id;
  if (!IdParam(call, "id", id)) return std::nullopt;
  return VisibleCampaign(call, id, "id");
}

nlohmann::json JobJson(const JobView& job) {
  return {{"id", job.id},
          {"kind", job.kind},
          {"campaign_id", job.subject},
          {"state", JobStateName(job.state)},
          {"done", job.done},
          {"total", job.total},
          {"error", job.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(job.error)},
          {"started_by", job.started_by},
          {"created_at", FormatTimestamp(job.created_at)}};
}

}  // namespace

std::optional<Campaign> VisibleCampaign(Call& call, int64_t id, std::string_view field) {
  auto c = call.services.summons.GetCampaign(id);
  if (!c.ok() || !Visible(call.who, c->districts)) {
    if (c.ok() || c.status().IsNotFound()) {
      Fail(call, Status::NotFound(field, fmt::format("no campaign {} in your offices", id)));
    } else {
      Fail(call, c.status());
    }
    return std::nullopt;
  }
  return *c;
}

void CreateCampaign(Call& call) {
  auto body = Body::Parse(call);
  if (!body) return;
  Campaign c;
  int64_t age_min = 0, age_max = 0, quota = 0;
  if (!body->String("kind", c.kind, true, 64) || !body->String("name", c.name, true, 200) ||
      !body->String("basis", c.basis, true, 500) || !body->StringList("districts", c.districts) ||
      !body->Int("age_min", age_min, false) || !body->Int("age_max", age_max, false) ||
      !body->StringList("categories", c.categories, false) || !body->StringList("fitness", c.fitness, false) ||
      !body->Int("quota", quota, false) || !body->Date("appear_from", c.appear_from) ||
      !body->Date("appear_until", c.appear_until) || !body->String("place", c.place, false, 500) ||
      !body->String("purpose", c.purpose, false, 500)) {
    return;
  }
  if (!AllInScope(call.who, c.districts)) {
    return http::WriteProblem(call.response, 403, "districts: every district must be one of your offices", "districts");
  }
  if (age_min < 0 || age_min > 200 || age_max < 0 || age_max > 200) {
    return http::WriteProblem(call.response, 400, "age_min, age_max: must be from 0 to 200", "age_min");
  }
  // Both absent (zero) means the policy's ages for the kind, as in the service.
  c.age_min = static_cast<int>(age_min);
  c.age_max = static_cast<int>(age_max);
  c.quota = quota;
  auto created = call.services.summons.CreateCampaign(std::move(c), call.who.Actor());
  if (!created.ok()) return Fail(call, created.status());
  call.response.SetHeader("Location", fmt::format("/api/v1/campaigns/{}", created->id));
  Reply(call, 201, ToJson(*created));
}

void ListCampaigns(Call& call) {
  Page page;
  int64_t after_id = 0;
  if (!IdPageQuery(call, page, after_id)) return;
  std::vector<Campaign> list;
  Status st = call.services.store.ReadReplica([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(list, tx.campaigns().List());
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
  // Campaigns are few (a handful a year per district): the caller's are picked from all of them.
  std::erase_if(list, [&](const Campaign& c) { return c.id <= after_id || !Visible(call.who, c.districts); });
  nlohmann::json next = NextCursor(list, page.limit);
  nlohmann::json items = nlohmann::json::array();
  for (const auto& c : list) items.push_back(ToJson(c));
  Reply(call, 200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

void GetCampaign(Call& call) {
  auto c = ScopedCampaign(call);
  if (!c) return;
  Reply(call, 200, ToJson(*c));
}

void PreviewCampaign(Call& call) {
  auto c = ScopedCampaign(call);
  if (!c) return;
  auto plan = call.services.summons.PreviewCampaign(c->id);
  if (!plan.ok()) return Fail(call, plan.status());
  Reply(call, 200, ToJson(*plan));
}

void IssueCampaign(Call& call) {
  auto c = ScopedCampaign(call);
  if (!c) return;
  JobView job;
  job.kind = "campaign.issue";
  job.subject = c->id;
  job.districts = c->districts;
  job.started_by = call.who.Actor();
  job.created_at = call.services.clock.Now();
  SummonsService* summons = &call.services.summons;
  JobRunner* jobs = &call.services.jobs;
  int64_t campaign_id = c->id;
  size_t batch = call.services.campaign_batch;
  std::string actor = call.who.Actor();
  // At shutdown the job stops after its current batch; issuing again resumes it.
  auto id = jobs->Start(job, [summons, jobs, campaign_id, batch, actor](const auto& progress) {
    return summons->IssueCampaign(campaign_id, actor, progress, batch, [jobs] { return jobs->stopping(); }).status();
  });
  if (!id.ok()) return Fail(call, id.status());
  call.response.SetHeader("Location", fmt::format("/api/v1/jobs/{}", *id));
  job.id = *id;
  Reply(call, 202, JobJson(job));
}

void GetJob(Call& call) {
  int64_t id;
  if (!IdParam(call, "id", id)) return;
  auto job = call.services.jobs.Get(id);
  if (!job || !Visible(call.who, job->districts)) {
    return Fail(call, Status::NotFound("id", fmt::format("no job {} in your offices", id)));
  }
  Reply(call, 200, JobJson(*job));
}

}  // namespace muster::api

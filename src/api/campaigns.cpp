// /api/v1/campaigns and /api/v1/jobs: create, list, read, preview, and issue as a job.
// Supervisors act on campaigns whose districts are all theirs; auditors read every campaign
// (CampaignService checks it).
#include <fmt/format.h>

#include "api/handlers.hpp"
#include "api/jobs.hpp"
#include "codec/json.hpp"

namespace muster::api {
namespace {

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
  auto c = call.services.domain.campaigns().Get(CampaignId(id), call.who.Acting(), field);
  if (!c.ok()) {
    Fail(call, c.status());
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
  if (age_min < 0 || age_min > 200 || age_max < 0 || age_max > 200) {
    return http::WriteProblem(call.response, 400, "age_min, age_max: must be from 0 to 200", "age_min");
  }
  // Both absent (zero) means the policy's ages for the kind, as in the service.
  c.age_min = static_cast<int>(age_min);
  c.age_max = static_cast<int>(age_max);
  c.quota = quota;
  auto created = call.services.domain.campaigns().Create(std::move(c), call.who.Acting());
  if (!created.ok()) return Fail(call, created.status());
  call.response.SetHeader("Location", fmt::format("/api/v1/campaigns/{}", created->id));
  Reply(call, 201, ToJson(*created));
}

void ListCampaigns(Call& call) {
  Page page;
  int64_t after_id = 0;
  if (!IdPageQuery(call, page, after_id)) return;
  auto found = call.services.domain.campaigns().List(call.who.Acting());
  if (!found.ok()) return Fail(call, found.status());
  std::vector<Campaign>& list = *found;
  std::erase_if(list, [&](const Campaign& c) { return c.id.value <= after_id; });
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
  auto plan = call.services.domain.campaigns().Preview(c->id, call.who.Acting());
  if (!plan.ok()) return Fail(call, plan.status());
  Reply(call, 200, ToJson(*plan));
}

void IssueCampaign(Call& call) {
  auto c = ScopedCampaign(call);
  if (!c) return;
  JobView job;
  job.kind = "campaign.issue";
  job.subject = c->id.value;
  job.districts = c->districts;
  job.started_by = call.who.Actor();
  job.created_at = call.services.clock.Now();
  CampaignService* campaigns = &call.services.domain.campaigns();
  JobRunner* jobs = &call.services.jobs;
  CampaignId campaign_id = c->id;
  size_t batch = call.services.campaign_batch;
  Actor actor = call.who.Acting();
  // At shutdown the job stops after its current batch; issuing again resumes it.
  auto id = jobs->Start(job, [campaigns, jobs, campaign_id, batch, actor](const auto& progress) {
    return campaigns->Issue(campaign_id, actor, progress, batch, [jobs] { return jobs->stopping(); }).status();
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
  if (!job || !call.who.Acting().SeesAll(job->districts)) {
    return Fail(call, Status::NotFound("id", fmt::format("no job {} in your offices", id)));
  }
  Reply(call, 200, JobJson(*job));
}

}  // namespace muster::api

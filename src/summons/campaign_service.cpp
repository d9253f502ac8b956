#include "summons/campaign_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <unordered_map>

namespace muster {

using Writes = SummonsLifecycle::ExitBanWrites;

Result<Campaign> CampaignService::Scoped(Tx& tx, CampaignId id, const Actor& actor, bool act, std::string_view field) {
  auto c = tx.campaigns().Get(id);
  if (actor.is_system()) return c;
  if (!c.ok() && !c.status().IsNotFound()) return c.status();
  if (!c.ok() || !actor.SeesAll(c->districts)) return actor.Absent(field, fmt::format("campaign {}", id));
  if (act && !actor.ActsForAll(c->districts)) {
    return Status::PermissionDenied(fmt::format("campaign {}: you may read it, not act on it", id));
  }
  return c;
}

Result<Campaign> CampaignService::Create(Campaign c, const Actor& actor) {
  if (!actor.ActsForAll(c.districts)) {
    return Status::PermissionDenied("districts", "every district must be one of your offices");
  }
  c.created_by = actor.name();
  c.created_at = life_.clock().Now();
  MUSTER_RETURN_IF_ERROR(life_.Write([&](Tx& tx, Writes&) {
    MUSTER_ASSIGN_OR_RETURN(auto offices, tx.offices().List());
    MUSTER_RETURN_IF_ERROR(ValidateCampaign(c, life_.policy(), offices, UtcDate(c.created_at)));
    MUSTER_ASSIGN_OR_RETURN(c.id, tx.campaigns().Insert(c));
    return Status::Ok();
  }));
  return c;
}

Result<Campaign> CampaignService::Get(CampaignId id, const Actor& actor, std::string_view field) {
  Campaign c;
  MUSTER_RETURN_IF_ERROR(life_.store().Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(c, Scoped(tx, id, actor, /*act=*/false, field));
    return Status::Ok();
  }));
  return c;
}

Result<std::vector<Campaign>> CampaignService::List(const Actor& actor) {
  std::vector<Campaign> list;
  MUSTER_RETURN_IF_ERROR(life_.store().ReadReplica([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(list, tx.campaigns().List());
    return Status::Ok();
  }));
  // Campaigns are few (a handful a year per district): the actor's are picked from all of them.
  if (!actor.is_system()) std::erase_if(list, [&](const Campaign& c) { return !actor.SeesAll(c.districts); });
  return list;
}

Result<CampaignPlan> CampaignService::Plan(Tx& tx, const Campaign& c) {
  MUSTER_ASSIGN_OR_RETURN(auto offices, tx.offices().List());
  MUSTER_ASSIGN_OR_RETURN(auto deferments, tx.deferments().ListOpen());
  MUSTER_ASSIGN_OR_RETURN(auto already, tx.campaigns().PersonIds(c.id));
  CampaignPlanner planner(c, life_.policy(), offices, deferments, already);
  // Appointments already booked in the window (with a day of margin for time zones).
  MUSTER_RETURN_IF_ERROR(
      tx.reports().ForEachAppointment(StartOfDay(AddDays(c.appear_from, -1)), StartOfDay(AddDays(c.appear_until, 2)),
                                      [&](std::string_view office, Timestamp at) { planner.Booked(office, at); }));
  MUSTER_RETURN_IF_ERROR(tx.persons().ScanCandidates(c.districts, [&](const Candidate& cand) { planner.Add(cand); }));
  return planner.Finish();
}

Result<CampaignPlan> CampaignService::Preview(CampaignId id, const Actor& actor) {
  CampaignPlan plan;
  MUSTER_RETURN_IF_ERROR(life_.store().Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(Campaign c, Scoped(tx, id, actor, /*act=*/false, "id"));
    MUSTER_ASSIGN_OR_RETURN(plan, Plan(tx, c));
    return Status::Ok();
  }));
  return plan;
}

Result<CampaignPlan> CampaignService::Issue(CampaignId id, const Actor& actor,
                                            const std::function<void(size_t, size_t)>& progress, size_t batch,
                                            const std::function<bool()>& should_stop) {
  Campaign c;
  CampaignPlan plan;
  MUSTER_RETURN_IF_ERROR(life_.store().Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(c, Scoped(tx, id, actor, /*act=*/true, "id"));
    MUSTER_ASSIGN_OR_RETURN(plan, Plan(tx, c));
    return Status::Ok();
  }));
  std::unordered_map<std::string, std::string> office_names;
  MUSTER_RETURN_IF_ERROR(life_.store().Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(auto offices, tx.offices().List());
    for (auto& o : offices) office_names[o.code] = o.name;
    return Status::Ok();
  }));
  const size_t total = plan.assignments.size();
  for (size_t start = 0; start < total; start += batch) {
    if (start > 0 && should_stop && should_stop()) {
      plan.assignments.resize(start);
      break;
    }
    size_t end = std::min(total, start + batch);
    MUSTER_RETURN_IF_ERROR(life_.Write(
        [&](Tx& tx, Writes& changes) {
          MUSTER_ASSIGN_OR_RETURN(int64_t max_id, tx.summonses().MaxId());
          Timestamp now = life_.clock().Now();
          IssueRequest r;
          r.kind = c.kind;
          r.purpose = c.purpose;
          for (size_t i = start; i < end; ++i) {
            const CampaignAssignment& a = plan.assignments[i];
            r.person_id = a.person_id;
            r.national_id = a.national_id;
            r.office = a.office;
            r.appear_at = a.appear_at;
            r.place = c.place.empty() ? office_names[a.office] : c.place;
            MUSTER_RETURN_IF_ERROR(life_.Enter(tx, r, ++max_id, c.id, actor.name(), "", "", now, changes).status());
          }
          return Status::Ok();
        },
        SummonsLifecycle::WriteKind::kBulk));
    if (progress) progress(end, total);
  }
  return plan;
}

}  // namespace muster

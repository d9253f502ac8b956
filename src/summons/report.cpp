#include "summons/report.hpp"

#include <map>

namespace muster {
namespace {

void Add(Funnel& f, const SummonsTally& t) {
  f.issued += t.count;
  f.delivered += t.delivered;
  f.viewed += t.viewed;
  switch (t.state) {
    case SummonsState::kAppeared: f.appeared += t.count; break;
    case SummonsState::kExcused: f.excused += t.count; break;
    case SummonsState::kNoShow: f.no_show += t.count; break;
    case SummonsState::kCancelled: f.cancelled += t.count; break;
    default: break;
  }
}

}  // namespace

Funnel FunnelOf(const std::vector<SummonsTally>& tallies, const OfficeScope& in_scope) {
  Funnel f;
  for (const auto& t : tallies) {
    if (in_scope(t.office)) Add(f, t);
  }
  return f;
}

std::vector<TimelineDay> TimelineOf(const std::vector<DayTally>& tallies, const OfficeScope& in_scope) {
  std::map<int64_t, TimelineDay> days;
  for (const auto& t : tallies) {
    if (!in_scope(t.office)) continue;
    int64_t* slot = nullptr;
    TimelineDay& d = days[t.day];
    switch (t.moment) {
      case SummonsMoment::kIssued: slot = &d.issued; break;
      case SummonsMoment::kDelivered: slot = &d.delivered; break;
      case SummonsMoment::kAppeared: slot = &d.appeared; break;
      case SummonsMoment::kClosed:
        if (t.state == SummonsState::kNoShow) slot = &d.no_show;
        break;
      case SummonsMoment::kViewed: break;
    }
    if (slot) *slot += t.count;
  }
  std::vector<TimelineDay> out;
  for (auto& [day, d] : days) {
    if (!d.issued && !d.delivered && !d.appeared && !d.no_show) continue;
    d.day = CivilDate{std::chrono::sys_days{std::chrono::days{day}}};
    out.push_back(d);
  }
  return out;
}

std::vector<DistrictRow> DistrictsOf(const std::vector<SummonsTally>& tallies,
                                     const std::vector<std::pair<std::string, int64_t>>& restrictions,
                                     const OfficeScope& in_scope) {
  std::map<std::string, DistrictRow> rows;
  for (const auto& t : tallies) {
    if (in_scope(t.office)) Add(rows[t.office].counts, t);
  }
  for (const auto& [office, n] : restrictions) {
    if (in_scope(office)) rows[office].restrictions_active += n;
  }
  std::vector<DistrictRow> out;
  for (auto& [office, row] : rows) {
    row.district = office;
    out.push_back(std::move(row));
  }
  return out;
}

namespace {

// The offices whose counts `actor` may read.
OfficeScope SeenBy(const Actor& actor) {
  return [&actor](std::string_view office) { return actor.Sees(office); };
}

}  // namespace

Result<Funnel> ReportService::CampaignFunnel(CampaignId campaign_id, const Actor& actor) {
  const OfficeScope in_scope = SeenBy(actor);
  std::vector<SummonsTally> tallies;
  MUSTER_RETURN_IF_ERROR(store_.ReadReplica([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(tx.campaigns().Get(campaign_id).status());
    MUSTER_ASSIGN_OR_RETURN(tallies, tx.reports().TallySummons({campaign_id.value, std::nullopt, std::nullopt}));
    return Status::Ok();
  }));
  return FunnelOf(tallies, in_scope);
}

Result<std::vector<TimelineDay>> ReportService::Timeline(const TallyFilter& filter, const Actor& actor) {
  const OfficeScope in_scope = SeenBy(actor);
  std::vector<DayTally> tallies;
  MUSTER_RETURN_IF_ERROR(store_.ReadReplica([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(tallies, tx.reports().TallySummonsByDay(filter));
    return Status::Ok();
  }));
  return TimelineOf(tallies, in_scope);
}

Result<std::vector<DistrictRow>> ReportService::Districts(std::optional<int64_t> campaign, const Actor& actor) {
  const OfficeScope in_scope = SeenBy(actor);
  std::vector<SummonsTally> tallies;
  std::vector<std::pair<std::string, int64_t>> restrictions;
  Timestamp now = clock_.Now();
  MUSTER_RETURN_IF_ERROR(store_.ReadReplica([&](Tx& tx) -> Status {
    TallyFilter filter{campaign, std::nullopt, std::nullopt};
    MUSTER_ASSIGN_OR_RETURN(tallies, tx.reports().TallySummons(filter));
    MUSTER_ASSIGN_OR_RETURN(restrictions, tx.reports().CountRestrictionsInForce(filter, now));
    return Status::Ok();
  }));
  return DistrictsOf(tallies, restrictions, in_scope);
}

}  // namespace muster

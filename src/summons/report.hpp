// Reports for supervisors and auditors: what the funnel, the daily timeline and the district
// table of a campaign (or of every summons) mean, computed from the store's SQL aggregates
// (store.hpp: SummonsTally, DayTally). Pure functions; the scope (which offices a caller may
// see) is a predicate the caller passes.
//
//   funnel     issued     every summons entered (whatever its state now)
//              delivered  delivered_at set         viewed  viewed_at set
//              appeared, excused, no_show, cancelled   summonses in that state now
//   timeline   per UTC day: issued (issued_at), delivered (delivered_at), appeared
//              (appeared_at), no_show (closed_at of summonses that are no_show now)
//   districts  per office: issued, delivered, appeared, no_show, excused as in the funnel, and
//              restrictions in force now
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/actor.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace muster {

struct Funnel {
  int64_t issued = 0;
  int64_t delivered = 0;
  int64_t viewed = 0;
  int64_t appeared = 0;
  int64_t excused = 0;
  int64_t no_show = 0;
  int64_t cancelled = 0;
};

struct TimelineDay {
  CivilDate day;
  int64_t issued = 0;
  int64_t delivered = 0;
  int64_t appeared = 0;
  int64_t no_show = 0;
};

struct DistrictRow {
  std::string district;
  Funnel counts;
  int64_t restrictions_active = 0;
};

using OfficeScope = std::function<bool(std::string_view office)>;

Funnel FunnelOf(const std::vector<SummonsTally>& tallies, const OfficeScope& in_scope);
// Days in order, only those with something to count.
std::vector<TimelineDay> TimelineOf(const std::vector<DayTally>& tallies, const OfficeScope& in_scope);
// Districts in code order.
std::vector<DistrictRow> DistrictsOf(const std::vector<SummonsTally>& tallies,
                                     const std::vector<std::pair<std::string, int64_t>>& restrictions,
                                     const OfficeScope& in_scope);

// Reads and computes the reports in one snapshot of `store` (a replica when it has one: a report
// may lag behind the latest writes).
class ReportService {
 public:
  ReportService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Every count is of the offices the actor sees (Actor::Sees: a supervisor's own, an auditor's
  // all); the caller has checked that the campaign is one the actor may see.
  Result<Funnel> CampaignFunnel(CampaignId campaign_id, const Actor& actor);
  Result<std::vector<TimelineDay>> Timeline(const TallyFilter& filter, const Actor& actor);
  Result<std::vector<DistrictRow>> Districts(std::optional<int64_t> campaign, const Actor& actor);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace muster

// Campaign planning: who in a campaign's districts gets a summons, on which day and at what
// time, and why everyone else does not. Pure: the caller streams candidates in and gets a plan.
//
// Candidates are taken in registry order. For each, the planner finds the next day of the
// window on which the person's office still has capacity (skipping weekends when the policy
// says so), checks eligibility on that day, and books the next slot of that day; slots are
// spread evenly between the policy's first and last appointment times, office-local. A person
// already summoned in this campaign keeps their summons and their booked slot. Preview and
// issue share this planner, so a preview shows exactly what an issue would do.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/person.hpp"
#include "core/policy.hpp"
#include "core/summons.hpp"
#include "store/store.hpp"

namespace muster {

struct CampaignAssignment {
  int64_t person_id = 0;
  std::string national_id;
  std::string office;
  Timestamp appear_at;
};

struct DistrictTally {
  int64_t candidates = 0;
  int64_t planned = 0;
  int64_t already_issued = 0;
  int64_t excluded = 0;
  int64_t no_capacity = 0;
  int64_t over_quota = 0;
};

struct CampaignPlan {
  int64_t candidates = 0;                  // persons in the districts and categories
  int64_t already_issued = 0;              // summoned by an earlier run of this campaign
  int64_t excluded = 0;                    // persons not eligible (see reasons)
  int64_t no_capacity = 0;                 // eligible persons for whom no slot was left in the window
  int64_t over_quota = 0;                  // eligible persons beyond the quota
  std::map<std::string, int64_t> reasons;  // exclusion reason -> persons (a person may have several)
  std::map<std::string, DistrictTally> by_district;
  std::vector<CampaignAssignment> assignments;  // summonses to issue
};

// Checks a new campaign against the policy and the offices, filling defaults: ages from the
// policy for the kind, both categories, the policy's eligible fitness, purpose = name.
Status ValidateCampaign(Campaign& campaign, const Policy& policy, const std::vector<Office>& offices, CivilDate today);

class CampaignPlanner {
 public:
  // `booked` holds the appointments already made in the window (any campaign or single issue),
  // as (office, appear_at); `already` the persons this campaign has summoned.
  CampaignPlanner(const Campaign& campaign, const Policy& policy, const std::vector<Office>& offices,
                  const std::vector<Deferment>& deferments, const std::vector<int64_t>& already);

  void Booked(std::string_view office, Timestamp at);
  void Add(const Candidate& candidate);
  CampaignPlan Finish() { return std::move(plan_); }

 private:
  struct OfficeBook {
    const Office* office;
    std::vector<int> used;                            // per day of the window
    std::vector<std::optional<Timestamp>> day_start;  // UTC of the first slot, per day (cached)
    size_t cursor = 0;                                // first day that may still have room
  };
  bool Bookable(size_t day) const;
  Timestamp SlotTime(OfficeBook& book, size_t day, int slot);

  const Campaign& campaign_;
  const Policy& policy_;
  std::vector<Office> offices_;
  std::unordered_map<std::string, OfficeBook> books_;
  std::unordered_map<std::string, std::vector<Deferment>> deferments_;
  std::unordered_set<int64_t> already_;
  int days_ = 0;
  CampaignPlan plan_;
};

}  // namespace muster

// Campaigns: create (validated, defaults filled), preview (the plan, nothing written) and issue
// in batches. A supervisor acts on campaigns whose districts are all theirs; auditors read every
// campaign (core/actor.hpp); one out of reach answers as absent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "core/actor.hpp"
#include "summons/campaign.hpp"
#include "summons/lifecycle.hpp"

namespace muster {

class CampaignService {
 public:
  explicit CampaignService(SummonsLifecycle& lifecycle) : life_(lifecycle) {}

  // PermissionDenied (about "districts") unless the actor acts for every district.
  Result<Campaign> Create(Campaign campaign, const Actor& actor);
  // NotFound about `field` for a campaign the actor may not see.
  Result<Campaign> Get(CampaignId id, const Actor& actor, std::string_view field = "id");
  // The campaigns the actor may see, in id order.
  Result<std::vector<Campaign>> List(const Actor& actor);
  Result<CampaignPlan> Preview(CampaignId id, const Actor& actor);
  // Issues in batches of `batch` per transaction. Idempotent and resumable: a rerun never summons
  // a person twice for one campaign and completes what a crash left undone. Returns the plan that
  // was carried out; `progress(done, total)` runs after each batch. When `should_stop()` returns
  // true between two batches, stops there and returns the plan cut to the summonses issued so
  // far (a later call issues the rest).
  Result<CampaignPlan> Issue(CampaignId id, const Actor& actor, const std::function<void(size_t, size_t)>& progress = {},
                             size_t batch = 5000, const std::function<bool()>& should_stop = {});

 private:
  Result<Campaign> Scoped(Tx& tx, CampaignId id, const Actor& actor, bool act, std::string_view field);
  Result<CampaignPlan> Plan(Tx& tx, const Campaign& campaign);
  SummonsLifecycle& life_;
};

}  // namespace muster

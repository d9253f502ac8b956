// Campaigns of summonses (migration 0002_summons.sql). Reached from a transaction as
// tx.campaigns(); used by the thread that owns the transaction. Every method fails with IoError
// when the database does.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.hpp"
#include "core/summons.hpp"

namespace muster {

class CampaignPort {
 public:
  virtual ~CampaignPort() = default;

  // Stores every field but the id and returns the new id.
  virtual Result<CampaignId> Insert(const Campaign& campaign) = 0;
  // NotFound when there is no campaign with that id.
  virtual Result<Campaign> Get(CampaignId id) = 0;
  // Every campaign, oldest (lowest id) first.
  virtual Result<std::vector<Campaign>> List() = 0;
  // The person ids of the campaign's summonses, in no particular order.
  virtual Result<std::vector<int64_t>> PersonIds(CampaignId campaign_id) = 0;
};

}  // namespace muster

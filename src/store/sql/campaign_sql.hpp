// The one implementation of CampaignPort, over either backend's sql::Connection.
#pragma once

#include "store/campaign_port.hpp"
#include "store/sql.hpp"

namespace muster::sql {

class SqlCampaigns final : public CampaignPort {
 public:
  // `conn` must outlive this object.
  explicit SqlCampaigns(Connection& conn) : conn_(conn) {}

  Result<CampaignId> Insert(const Campaign& campaign) override;
  Result<Campaign> Get(CampaignId id) override;
  Result<std::vector<Campaign>> List() override;
  Result<std::vector<int64_t>> PersonIds(CampaignId campaign_id) override;

 private:
  Connection& conn_;
};

}  // namespace muster::sql

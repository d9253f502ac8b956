// The one implementation of OverridePort, over either backend's sql::Connection.
#pragma once

#include "store/override_port.hpp"
#include "store/sql.hpp"

namespace muster::sql {

class SqlOverrides final : public OverridePort {
 public:
  // `conn` must outlive this object.
  explicit SqlOverrides(Connection& conn) : conn_(conn) {}

  Result<OverrideId> Insert(const OverrideRequest& request) override;
  Status Update(const OverrideRequest& request) override;
  Result<OverrideRequest> Get(OverrideId id) override;
  Result<std::vector<OverrideRequest>> List(const OverrideFilter& filter) override;

 private:
  Connection& conn_;
};

}  // namespace muster::sql

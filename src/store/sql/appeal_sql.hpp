// The one implementation of AppealPort, over either backend's sql::Connection.
#pragma once

#include "store/appeal_port.hpp"
#include "store/sql.hpp"

namespace muster::sql {

class SqlAppeals final : public AppealPort {
 public:
  // `conn` must outlive this object.
  explicit SqlAppeals(Connection& conn) : conn_(conn) {}

  Result<AppealId> Insert(const Appeal& appeal) override;
  Status Update(const Appeal& appeal) override;
  Result<Appeal> Get(AppealId id) override;
  Result<std::vector<Appeal>> List(const AppealFilter& filter) override;

 private:
  Connection& conn_;
};

}  // namespace muster::sql

// The one implementation of DefermentPort, over either backend's sql::Connection.
#pragma once

#include "store/deferment_port.hpp"
#include "store/sql.hpp"

namespace muster::sql {

class SqlDeferments final : public DefermentPort {
 public:
  // `conn` must outlive this object.
  explicit SqlDeferments(Connection& conn) : conn_(conn) {}

  Result<DefermentId> Insert(const Deferment& deferment) override;
  Result<Deferment> Get(DefermentId id) override;
  Result<std::vector<Deferment>> List(std::string_view national_id) override;
  Status End(DefermentId id, Timestamp ended_at) override;
  Result<std::vector<Deferment>> ListOpen() override;

 private:
  Connection& conn_;
};

}  // namespace muster::sql

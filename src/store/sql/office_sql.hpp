// The one implementation of OfficePort, over either backend's sql::Connection.
#pragma once

#include "store/office_port.hpp"
#include "store/sql.hpp"

namespace muster::sql {

class SqlOffices final : public OfficePort {
 public:
  // `conn` must outlive this object.
  explicit SqlOffices(Connection& conn) : conn_(conn) {}

  Status Insert(const Office& office) override;
  Result<UpsertOutcome> Upsert(const Office& office) override;
  Result<std::vector<Office>> List() override;
  Result<Office> Get(std::string_view code) override;

 private:
  Connection& conn_;
};

}  // namespace muster::sql

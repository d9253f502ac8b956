// The one implementation of CorrectionPort, over either backend's sql::Connection.
#pragma once

#include "store/correction_port.hpp"
#include "store/sql.hpp"

namespace muster::sql {

class SqlCorrections final : public CorrectionPort {
 public:
  // `conn` must outlive this object.
  explicit SqlCorrections(Connection& conn) : conn_(conn) {}

  Result<int64_t> Insert(const CorrectionRequest& request) override;
  Status Update(const CorrectionRequest& request) override;
  Result<CorrectionRequest> Get(int64_t id) override;
  Result<std::vector<CorrectionRequest>> List(const CorrectionFilter& filter) override;

 private:
  Connection& conn_;
};

}  // namespace muster::sql

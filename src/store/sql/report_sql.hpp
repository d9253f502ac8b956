// The shared implementation of ReportPort, over either backend's sql::Connection. PostgreSQL
// streams ForEachAppointment in single-row mode: its subclass postgres::PgReports.
#pragma once

#include "store/report_port.hpp"
#include "store/sql.hpp"

namespace muster::sql {

class SqlReports : public ReportPort {
 public:
  // `conn` must outlive this object.
  explicit SqlReports(Connection& conn) : conn_(conn) {}

  Result<std::vector<SummonsTally>> TallySummons(const TallyFilter& filter) override;
  Result<std::vector<DayTally>> TallySummonsByDay(const TallyFilter& filter) override;
  Result<std::vector<std::pair<std::string, int64_t>>> CountRestrictionsInForce(const TallyFilter& filter,
                                                                                Timestamp at) override;
  Result<std::vector<std::pair<std::string, int64_t>>> CountSummonsByState(std::optional<int64_t> campaign) override;
  Status ForEachAppointment(Timestamp from, Timestamp to,
                            const std::function<void(std::string_view office, Timestamp at)>& fn) override;

 protected:
  // Parameters $1 `from`, $2 `to` in milliseconds; columns office, appear_at.
  static constexpr std::string_view kAppointmentsSql =
      "SELECT office, appear_at FROM summonses WHERE appear_at >= $1 AND appear_at < $2 AND state <> 'cancelled'";

  Connection& conn_;
};

}  // namespace muster::sql

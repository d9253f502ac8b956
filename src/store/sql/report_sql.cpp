// ReportPort in SQL that both backends run as written. Parameters: $1 the campaign id (NULL:
// every summons); $2 and $3 `from` and `to` in milliseconds (NULL: open), or for
// CountRestrictionsInForce $2 the moment `at`. CAST gives PostgreSQL the type of a parameter
// it cannot infer; SQLite reads it as written.
#include "store/sql/report_sql.hpp"

#include <fmt/format.h>

#include <array>
#include <iterator>

namespace muster::sql {
namespace {

constexpr std::string_view kCampaignIs = "(CAST($1 AS BIGINT) IS NULL OR {0} = CAST($1 AS BIGINT))";

std::string CampaignIs(std::string_view column) { return fmt::format(fmt::runtime(kCampaignIs), column); }

// The columns of SummonsMoment, in its order.
constexpr std::array<std::string_view, 5> kMomentColumns = {"issued_at", "delivered_at", "viewed_at", "appeared_at",
                                                            "closed_at"};

std::string TallySummonsByDaySql() {
  std::string sql;
  for (size_t m = 0; m < kMomentColumns.size(); ++m) {
    std::string_view column = kMomentColumns[m];
    if (!sql.empty()) sql += " UNION ALL ";
    fmt::format_to(std::back_inserter(sql),
                   "SELECT office, {1}, state, {0} / 86400000 AS day, count(*) FROM summonses "
                   "WHERE {0} IS NOT NULL AND {2} AND (CAST($2 AS BIGINT) IS NULL OR {0} >= CAST($2 AS BIGINT)) "
                   "AND (CAST($3 AS BIGINT) IS NULL OR {0} < CAST($3 AS BIGINT)) "
                   "GROUP BY office, state, {0} / 86400000",
                   column, m, CampaignIs("campaign_id"));
  }
  return sql;
}

SummonsState StateColumn(const Row& r, int column) {
  return ParseSummonsState(r.View(column)).value_or(SummonsState::kIssued);
}

std::pair<std::string, int64_t> TextAndCount(const Row& r) { return {r.Text(0), r.Int(1)}; }

}  // namespace

Result<std::vector<SummonsTally>> SqlReports::TallySummons(const TallyFilter& filter) {
  static const std::string kSql = fmt::format(
      "SELECT office, state, count(*), count(delivered_at), count(viewed_at) FROM summonses WHERE {} "
      "GROUP BY office, state ORDER BY office, state",
      CampaignIs("campaign_id"));
  return Collect<SummonsTally>(conn_, kSql, Args().Add(filter.campaign), [](const Row& r) {
    return SummonsTally{r.Text(0), StateColumn(r, 1), r.Int(2), r.Int(3), r.Int(4)};
  });
}

Result<std::vector<DayTally>> SqlReports::TallySummonsByDay(const TallyFilter& filter) {
  static const std::string kSql = TallySummonsByDaySql();
  Args args;
  args.Add(filter.campaign).Add(OptMillis(filter.from)).Add(OptMillis(filter.to));
  return Collect<DayTally>(conn_, kSql, args, [](const Row& r) {
    return DayTally{r.Text(0), static_cast<SummonsMoment>(r.Int(1)), StateColumn(r, 2), r.Int(3), r.Int(4)};
  });
}

Result<std::vector<std::pair<std::string, int64_t>>> SqlReports::CountRestrictionsInForce(const TallyFilter& filter,
                                                                                          Timestamp at) {
  static const std::string kSql = fmt::format(
      "SELECT s.office, count(*) FROM restrictions r JOIN summonses s ON s.id = r.summons_id "
      "WHERE r.lifted_at IS NULL AND r.effective_at <= CAST($2 AS BIGINT) AND {} GROUP BY s.office ORDER BY s.office",
      CampaignIs("s.campaign_id"));
  return Collect<std::pair<std::string, int64_t>>(conn_, kSql, Args().Add(filter.campaign).Add(Millis(at)),
                                                  TextAndCount);
}

Result<std::vector<std::pair<std::string, int64_t>>> SqlReports::CountSummonsByState(std::optional<int64_t> campaign) {
  static const std::string kSql = fmt::format(
      "SELECT state, count(*) FROM summonses WHERE {} GROUP BY state ORDER BY state", CampaignIs("campaign_id"));
  return Collect<std::pair<std::string, int64_t>>(conn_, kSql, Args().Add(campaign), TextAndCount);
}

Status SqlReports::ForEachAppointment(Timestamp from, Timestamp to,
                                      const std::function<void(std::string_view, Timestamp)>& fn) {
  return conn_
      .Run(kAppointmentsSql, Args().Add(Millis(from)).Add(Millis(to)),
           [&](const Row& r) {
             fn(r.View(0), FromMillis(r.Int(1)));
             return Status::Ok();
           })
      .status();
}

}  // namespace muster::sql

#include "store/report_sql.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace muster {
namespace {

std::string P(bool postgres, int n) { return postgres ? fmt::format("${}::bigint", n) : fmt::format("?{}", n); }

std::string CampaignIs(bool postgres, std::string_view column) {
  return fmt::format("({0} IS NULL OR {1} = {0})", P(postgres, 1), column);
}

// The columns of SummonsMoment, in its order.
constexpr std::array<std::string_view, 5> kMomentColumns = {"issued_at", "delivered_at", "viewed_at", "appeared_at",
                                                            "closed_at"};

}  // namespace

std::string TallySummonsSql(bool postgres) {
  return fmt::format(
      "SELECT office, state, count(*), count(delivered_at), count(viewed_at) FROM summonses WHERE {} "
      "GROUP BY office, state ORDER BY office, state",
      CampaignIs(postgres, "campaign_id"));
}

std::string TallySummonsByDaySql(bool postgres) {
  std::string sql;
  for (size_t m = 0; m < kMomentColumns.size(); ++m) {
    std::string_view column = kMomentColumns[m];
    if (!sql.empty()) sql += " UNION ALL ";
    fmt::format_to(std::back_inserter(sql),
                   "SELECT office, {1}, state, {0} / 86400000 AS day, count(*) FROM summonses "
                   "WHERE {0} IS NOT NULL AND {2} AND ({3} IS NULL OR {0} >= {3}) AND ({4} IS NULL OR {0} < {4}) "
                   "GROUP BY office, state, {0} / 86400000",
                   column, m, CampaignIs(postgres, "campaign_id"), P(postgres, 2), P(postgres, 3));
  }
  return sql;
}

std::string CountRestrictionsInForceSql(bool postgres) {
  return fmt::format(
      "SELECT s.office, count(*) FROM restrictions r JOIN summonses s ON s.id = r.summons_id "
      "WHERE r.lifted_at IS NULL AND r.effective_at <= {} AND {} GROUP BY s.office ORDER BY s.office",
      P(postgres, 2), CampaignIs(postgres, "s.campaign_id"));
}

}  // namespace muster

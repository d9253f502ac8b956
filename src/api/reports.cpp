// /api/v1/reports/...: the funnel of a campaign, the daily timeline and the district table for
// supervisors (their offices only: a campaign they may not see answers 404, and every count
// is limited to their offices) and auditors (everything). What the numbers mean is defined in
// summons/report.hpp; the store counts with SQL aggregates.
#include <fmt/format.h>

#include "api/handlers.hpp"
#include "codec/json.hpp"
#include "summons/report.hpp"

namespace muster::api {
namespace {

// ?campaign=: nullopt when absent; false after writing the problem (bad id, or not visible).
bool CampaignQuery(Call& call, std::optional<int64_t>& out) {
  uint64_t id = 0;
  bool present = false;
  if (!UintQuery(call, "campaign", id, false, &present)) return false;
  if (!present) return true;
  if (id == 0 || !VisibleCampaign(call, static_cast<int64_t>(id), "campaign")) {
    if (id == 0) http::WriteProblem(call.response, 400, "campaign: must be a positive integer", "campaign");
    return false;
  }
  out = static_cast<int64_t>(id);
  return true;
}

// ?name=YYYY-MM-DD: false after writing a 400 naming it.
bool DateQuery(Call& call, std::string_view name, std::optional<CivilDate>& out) {
  bool present = false;
  std::string text = call.request.QueryParam(name, &present);
  if (!present) return true;
  auto date = ParseCivilDate(text);
  if (!date.ok()) {
    http::WriteProblem(call.response, 400, fmt::format("{}: must be a date YYYY-MM-DD", name), name);
    return false;
  }
  out = *date;
  return true;
}

}  // namespace

void ReportFunnel(Call& call) {
  int64_t id;
  if (!IdParam(call, "id", id)) return;
  if (!VisibleCampaign(call, id, "id")) return;
  ReportService reports(call.services.store, call.services.clock);
  auto funnel = reports.CampaignFunnel(CampaignId(id), call.who.Acting());
  if (!funnel.ok()) return Fail(call, funnel.status());
  nlohmann::json j = ToJson(*funnel);
  j["campaign_id"] = id;
  Reply(call, 200, j);
}

void ReportTimeline(Call& call) {
  TallyFilter filter;
  std::optional<CivilDate> from, to;
  if (!CampaignQuery(call, filter.campaign) || !DateQuery(call, "from", from) || !DateQuery(call, "to", to)) return;
  if (from && to && *from > *to) return http::WriteProblem(call.response, 400, "from: must not be after to", "from");
  if (from) filter.from = StartOfDay(*from);
  if (to) filter.to = StartOfDay(AddDays(*to, 1));
  ReportService reports(call.services.store, call.services.clock);
  auto days = reports.Timeline(filter, call.who.Acting());
  if (!days.ok()) return Fail(call, days.status());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& d : *days) items.push_back(ToJson(d));
  Reply(call, 200,
        {{"campaign_id", filter.campaign ? nlohmann::json(*filter.campaign) : nlohmann::json(nullptr)},
         {"time_zone", "UTC"},
         {"items", std::move(items)}});
}

void ReportDistricts(Call& call) {
  std::optional<int64_t> campaign;
  if (!CampaignQuery(call, campaign)) return;
  ReportService reports(call.services.store, call.services.clock);
  auto rows = reports.Districts(campaign, call.who.Acting());
  if (!rows.ok()) return Fail(call, rows.status());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : *rows) items.push_back(ToJson(r));
  Reply(call, 200,
        {{"campaign_id", campaign ? nlohmann::json(*campaign) : nlohmann::json(nullptr)}, {"items", std::move(items)}});
}

}  // namespace muster::api

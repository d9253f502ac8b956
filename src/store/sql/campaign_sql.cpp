// CampaignPort in SQL that both backends run as written.
#include "store/sql/campaign_sql.hpp"

#include <fmt/format.h>

#include "store/sql/civil_date.hpp"

namespace muster::sql {
namespace {

constexpr std::string_view kCampaignSelect =
    "SELECT id, kind, name, basis, districts, age_min, age_max, categories, fitness, quota, appear_from, "
    "appear_until, place, purpose, created_by, created_at FROM campaigns";

Campaign ReadCampaign(const Row& r) {
  Campaign c;
  c.id = CampaignId(r.Int(0));
  c.kind = r.Text(1);
  c.name = r.Text(2);
  c.basis = r.Text(3);
  c.districts = Split(r.View(4));
  c.age_min = static_cast<int>(r.Int(5));
  c.age_max = static_cast<int>(r.Int(6));
  c.categories = Split(r.View(7));
  c.fitness = Split(r.View(8));
  c.quota = r.Int(9);
  c.appear_from = DateColumn(r, 10);
  c.appear_until = DateColumn(r, 11);
  c.place = r.Text(12);
  c.purpose = r.Text(13);
  c.created_by = r.Text(14);
  c.created_at = FromMillis(r.Int(15));
  return c;
}

int64_t FirstInt(const Row& r) { return r.Int(0); }

}  // namespace

Result<CampaignId> SqlCampaigns::Insert(const Campaign& c) {
  std::string districts = Join(c.districts), categories = Join(c.categories), fitness = Join(c.fitness);
  std::string from = FormatCivilDate(c.appear_from), until = FormatCivilDate(c.appear_until);
  Args args;
  args.Add(c.kind).Add(c.name).Add(c.basis).Add(districts).Add(int64_t{c.age_min}).Add(int64_t{c.age_max});
  args.Add(categories).Add(fitness).Add(c.quota).Add(from).Add(until).Add(c.place).Add(c.purpose);
  args.Add(c.created_by).Add(Millis(c.created_at));
  return One<CampaignId>(conn_,
                      "INSERT INTO campaigns (kind, name, basis, districts, age_min, age_max, categories, fitness, "
                      "quota, appear_from, appear_until, place, purpose, created_by, created_at) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                      args, [](const Row& r) { return CampaignId(r.Int(0)); }, "the insert returned no id");
}

Result<Campaign> SqlCampaigns::Get(CampaignId id) {
  static const std::string kSql = fmt::format("{} WHERE id = $1", kCampaignSelect);
  return One<Campaign>(conn_, kSql, Args().Add(id), ReadCampaign, fmt::format("no campaign with id {}", id));
}

Result<std::vector<Campaign>> SqlCampaigns::List() {
  static const std::string kSql = fmt::format("{} ORDER BY id", kCampaignSelect);
  return Collect<Campaign>(conn_, kSql, Args(), ReadCampaign);
}

Result<std::vector<int64_t>> SqlCampaigns::PersonIds(CampaignId campaign_id) {
  return Collect<int64_t>(conn_, "SELECT person_id FROM summonses WHERE campaign_id = $1", Args().Add(campaign_id),
                          FirstInt);
}

}  // namespace muster::sql

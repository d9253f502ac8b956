#include "codec/json.hpp"

namespace muster {

nlohmann::json ToJson(const Office& o) {
  return {{"code", o.code}, {"name", o.name}, {"region", o.region}, {"timezone", o.timezone},
          {"daily_capacity", o.daily_capacity}};
}

nlohmann::json ToJson(const Person& p) {
  return {{"national_id", p.national_id}, {"surname", p.surname}, {"given_name", p.given_name},
          {"patronymic", p.patronymic}, {"birth_date", FormatCivilDate(p.birth_date)},
          {"sex", std::string(1, p.sex)}, {"district", p.district}, {"category", p.category},
          {"fitness", p.fitness}, {"address", p.address}, {"email", p.email}, {"phone", p.phone},
          {"status", std::string(PersonStatusName(p.status))}};
}

nlohmann::json ToJson(const Deferment& d) {
  nlohmann::json j = {{"id", d.id.value}, {"national_id", d.national_id}, {"kind", d.kind},
                      {"until", FormatCivilDate(d.until)}, {"basis", d.basis}, {"created_by", d.created_by},
                      {"created_at", FormatTimestamp(d.created_at)}, {"ended_at", nullptr}};
  if (d.ended_at) j["ended_at"] = FormatTimestamp(*d.ended_at);
  return j;
}

nlohmann::json ToJson(const ImportSummary& s) {
  nlohmann::json rejections = nlohmann::json::array();
  for (const auto& r : s.rejections) rejections.push_back({{"line", r.line}, {"column", r.column}, {"reason", r.reason}});
  return {{"rows", s.rows}, {"inserted", s.inserted}, {"updated", s.updated}, {"unchanged", s.unchanged},
          {"rejected", s.rejected}, {"rejections", rejections}, {"ignored_columns", s.ignored_columns}};
}

}  // namespace muster

#include "codec/json.hpp"

#include "summons/deadline.hpp"

namespace muster {

nlohmann::json ToJson(const Office& o) {
  return {{"code", o.code},
          {"name", o.name},
          {"region", o.region},
          {"timezone", o.timezone},
          {"daily_capacity", o.daily_capacity}};
}

nlohmann::json ToJson(const Person& p) {
  return {{"national_id", p.national_id},
          {"surname", p.surname},
          {"given_name", p.given_name},
          {"patronymic", p.patronymic},
          {"birth_date", FormatCivilDate(p.birth_date)},
          {"sex", std::string(1, p.sex)},
          {"district", p.district},
          {"category", p.category},
          {"fitness", p.fitness},
          {"address", p.address},
          {"email", p.email},
          {"phone", p.phone},
          {"status", std::string(PersonStatusName(p.status))}};
}

nlohmann::json ToJson(const Deferment& d) {
  nlohmann::json j = {{"id", d.id.value},
                      {"national_id", d.national_id},
                      {"kind", d.kind},
                      {"until", FormatCivilDate(d.until)},
                      {"basis", d.basis},
                      {"created_by", d.created_by},
                      {"created_at", FormatTimestamp(d.created_at)},
                      {"ended_at", nullptr}};
  if (d.ended_at) j["ended_at"] = FormatTimestamp(*d.ended_at);
  return j;
}

nlohmann::json ToJson(const ImportSummary& s) {
  nlohmann::json rejections = nlohmann::json::array();
  for (const auto& r : s.rejections)
    rejections.push_back({{"line", r.line}, {"column", r.column}, {"reason", r.reason}});
  return {{"rows", s.rows},
          {"inserted", s.inserted},
          {"updated", s.updated},
          {"unchanged", s.unchanged},
          {"rejected", s.rejected},
          {"rejections", rejections},
          {"ignored_columns", s.ignored_columns}};
}

namespace {

nlohmann::json Opt(const std::optional<Timestamp>& t) {
  return t ? nlohmann::json(FormatTimestamp(*t)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json ToJson(const Summons& s) {
  nlohmann::json j = {{"number", s.number},
                      {"national_id", s.national_id},
                      {"office", s.office},
                      {"kind", s.kind},
                      {"campaign_id", s.campaign_id ? nlohmann::json(s.campaign_id->value) : nlohmann::json(nullptr)},
                      {"appear_at", FormatTimestamp(s.appear_at)},
                      {"place", s.place},
                      {"purpose", s.purpose},
                      {"state", std::string(SummonsStateName(s.state))},
                      {"issued_at", FormatTimestamp(s.issued_at)},
                      {"issued_by", s.issued_by},
                      {"delivered_at", Opt(s.delivered_at)},
                      {"viewed_at", Opt(s.viewed_at)},
                      {"appeared_at", Opt(s.appeared_at)},
                      {"closed_at", Opt(s.closed_at)},
                      {"close_reason", s.close_reason}};
  if (!s.override_reason.empty()) {
    j["override"] = {{"reason", s.override_reason}, {"approved_by", s.override_approved_by}};
  }
  return j;
}

nlohmann::json ToJson(const Summons& s, const Policy& policy, std::string_view office_timezone) {
  nlohmann::json j = ToJson(s);
  j["deadline"] = FormatTimestamp(Deadline(s, policy));
  j["office_timezone"] = office_timezone;
  return j;
}

namespace {

// Members in nlohmann's (sorted) order, so that the bytes equal ToJson's dump(); `deadline` and
// `office_timezone` are written when given.
void WriteSummons(JsonWriter& w, const Summons& s, const Timestamp* deadline, const std::string_view* office_timezone) {
  w.BeginObject();
  w.Key("appear_at").Time(s.appear_at);
  w.Key("appeared_at").OptionalTime(s.appeared_at);
  w.Key("campaign_id").OptionalInt(s.campaign_id ? std::optional<int64_t>(s.campaign_id->value) : std::nullopt);
  w.Key("close_reason").String(s.close_reason);
  w.Key("closed_at").OptionalTime(s.closed_at);
  if (deadline) w.Key("deadline").Time(*deadline);
  w.Key("delivered_at").OptionalTime(s.delivered_at);
  w.Key("issued_at").Time(s.issued_at);
  w.Key("issued_by").String(s.issued_by);
  w.Key("kind").String(s.kind);
  w.Key("national_id").String(s.national_id);
  w.Key("number").String(s.number);
  w.Key("office").String(s.office);
  if (office_timezone) w.Key("office_timezone").String(*office_timezone);
  if (!s.override_reason.empty()) {
    w.Key("override").BeginObject();
    w.Key("approved_by").String(s.override_approved_by);
    w.Key("reason").String(s.override_reason);
    w.EndObject();
  }
  w.Key("place").String(s.place);
  w.Key("purpose").String(s.purpose);
  w.Key("state").String(SummonsStateName(s.state));
  w.Key("viewed_at").OptionalTime(s.viewed_at);
  w.EndObject();
}

}  // namespace

void WriteJson(JsonWriter& w, const Summons& s) { WriteSummons(w, s, nullptr, nullptr); }

void WriteJson(JsonWriter& w, const Summons& s, const Policy& policy, std::string_view office_timezone) {
  Timestamp deadline = Deadline(s, policy);
  WriteSummons(w, s, &deadline, &office_timezone);
}

nlohmann::json ToJson(const Appeal& a) {
  return {{"id", a.id},
          {"summons", a.summons_number},
          {"reason", std::string(AppealReasonName(a.reason))},
          {"text", a.text},
          {"state", std::string(AppealStateName(a.state))},
          {"filed_by", a.filed_by},
          {"filed_at", FormatTimestamp(a.filed_at)},
          {"decided_by", a.decided_by},
          {"decided_at", Opt(a.decided_at)},
          {"decision_reason", a.decision_reason}};
}

nlohmann::json ToJson(const Restriction& r) {
  return {{"id", r.id},
          {"national_id", r.national_id},
          {"summons", r.summons_number},
          {"kind", r.kind},
          {"imposed_at", FormatTimestamp(r.imposed_at)},
          {"effective_at", FormatTimestamp(r.effective_at)},
          {"lifted_at", Opt(r.lifted_at)},
          {"lift_reason", r.lift_reason}};
}

nlohmann::json ToJson(const Campaign& c) {
  return {{"id", c.id},
          {"kind", c.kind},
          {"name", c.name},
          {"basis", c.basis},
          {"districts", c.districts},
          {"age", {c.age_min, c.age_max}},
          {"categories", c.categories},
          {"fitness", c.fitness},
          {"quota", c.quota},
          {"appear_from", FormatCivilDate(c.appear_from)},
          {"appear_until", FormatCivilDate(c.appear_until)},
          {"place", c.place},
          {"purpose", c.purpose},
          {"created_by", c.created_by},
          {"created_at", FormatTimestamp(c.created_at)}};
}

nlohmann::json ToJson(const CampaignPlan& p) {
  nlohmann::json districts = nlohmann::json::object();
  for (const auto& [code, t] : p.by_district) {
    districts[code] = {{"candidates", t.candidates},         {"planned", t.planned},
                       {"already_issued", t.already_issued}, {"excluded", t.excluded},
                       {"no_capacity", t.no_capacity},       {"over_quota", t.over_quota}};
  }
  return {{"candidates", p.candidates},      {"planned", p.assignments.size()}, {"already_issued", p.already_issued},
          {"excluded", p.excluded},          {"no_capacity", p.no_capacity},    {"over_quota", p.over_quota},
          {"excluded_by_reason", p.reasons}, {"by_district", districts}};
}

nlohmann::json ToJson(const OverrideRequest& o) {
  return {{"id", o.id},
          {"national_id", o.national_id},
          {"office", o.office},
          {"kind", o.kind},
          {"appear_at", FormatTimestamp(o.appear_at)},
          {"reasons", o.reasons},
          {"justification", o.justification},
          {"requested_by", o.requested_by},
          {"place", o.place},
          {"purpose", o.purpose},
          {"requested_at", FormatTimestamp(o.requested_at)},
          {"state", std::string(OverrideStateName(o.state))},
          {"decided_by", o.decided_by},
          {"decided_at", Opt(o.decided_at)},
          {"summons_id", o.summons_id ? nlohmann::json(*o.summons_id) : nlohmann::json(nullptr)}};
}

nlohmann::json ToJson(const Eligibility& e) { return {{"eligible", e.eligible()}, {"reasons", e.reasons}}; }

nlohmann::json ToJson(const Event& e) {
  nlohmann::json payload = nlohmann::json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded()) payload = e.payload;
  return {{"seq", e.seq},
          {"type", e.type},
          {"at", FormatTimestamp(e.at)},
          {"actor", e.actor},
          {"subject", e.subject},
          {"payload", std::move(payload)}};
}

nlohmann::json ToJson(const CorrectionRequest& c) {
  return {{"id", c.id},
          {"national_id", c.national_id},
          {"district", c.district},
          {"field", c.field},
          {"value", c.proposed_value},
          {"explanation", c.explanation},
          {"state", std::string(CorrectionStateName(c.state))},
          {"requested_by", c.requested_by},
          {"requested_at", FormatTimestamp(c.requested_at)},
          {"decided_by", c.decided_by},
          {"decided_at", c.decided_at ? nlohmann::json(FormatTimestamp(*c.decided_at)) : nlohmann::json(nullptr)},
          {"decision_reason", c.decision_reason},
          {"previous_value", c.previous_value}};
}

nlohmann::json ToJson(const Funnel& f) {
  return {{"issued", f.issued},     {"delivered", f.delivered}, {"viewed", f.viewed},      {"appeared", f.appeared},
          {"excused", f.excused}, {"no_show", f.no_show},     {"cancelled", f.cancelled}};
}

nlohmann::json ToJson(const TimelineDay& d) {
  return {{"day", FormatCivilDate(d.day)},
          {"issued", d.issued},
          {"delivered", d.delivered},
          {"appeared", d.appeared},
          {"no_show", d.no_show}};
}

nlohmann::json ToJson(const DistrictRow& r) {
  return {{"district", r.district},
          {"issued", r.counts.issued},
          {"delivered", r.counts.delivered},
          {"appeared", r.counts.appeared},
          {"no_show", r.counts.no_show},
          {"excused", r.counts.excused},
          {"restrictions_active", r.restrictions_active}};
}

nlohmann::json ToJson(const Notification& n) {
  return {{"id", n.id},
          {"summons_number", n.summons_number},
          {"channel", NotificationChannelName(n.channel)},
          {"template", n.templ},
          {"lang", n.lang},
          {"status", NotificationStatusName(n.status)},
          {"attempts", n.attempts},
          {"reason", n.reason},
          {"created_at", FormatTimestamp(n.created_at)},
          {"updated_at", FormatTimestamp(n.updated_at)}};
}

nlohmann::json ToJson(const Escalation& e) {
  return {{"summons_number", e.summons_number},
          {"office", e.office},
          {"last_step", e.step},
          {"unreachable_at", FormatTimestamp(e.unreachable_at.value_or(e.stepped_at))}};
}

}  // namespace muster

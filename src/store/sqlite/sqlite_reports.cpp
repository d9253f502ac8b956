// SqliteTx: the report aggregates (SQL shared with PostgreSQL in store/report_sql.cpp) and the
// correction requests.
#include "store/report_sql.hpp"
#include "store/sqlite/sqlite_tx.hpp"

namespace muster::sqlite {
namespace {

void BindFilter(Statement& s, const TallyFilter& f) {
  s.Bind(1, f.campaign);
  s.Bind(2, f.from ? std::optional<int64_t>(Millis(*f.from)) : std::nullopt);
  s.Bind(3, f.to ? std::optional<int64_t>(Millis(*f.to)) : std::nullopt);
}

SummonsState StateColumn(const Statement& s, int column) {
  return ParseSummonsState(s.Text(column)).value_or(SummonsState::kIssued);
}

constexpr std::string_view kCorrectionSelect =
    "SELECT c.id, p.national_id, c.field, c.proposed_value, c.explanation, c.state, c.requested_by, c.requested_at, "
    "c.decided_by, c.decided_at, c.decision_reason, c.previous_value, p.district FROM corrections c "
    "JOIN persons p ON p.id = c.person_id";

CorrectionRequest ReadCorrection(const Statement& s) {
  CorrectionRequest c;
  c.id = s.Int(0);
  c.national_id = s.Text(1);
  c.field = s.Text(2);
  c.proposed_value = s.Text(3);
  c.explanation = s.Text(4);
  c.state = ParseCorrectionState(s.Text(5)).value_or(CorrectionState::kPending);
  c.requested_by = s.Text(6);
  c.requested_at = FromMillis(s.Int(7));
  c.decided_by = s.Text(8);
  c.decided_at = OptColumn(s, 9);
  c.decision_reason = s.Text(10);
  c.previous_value = s.Text(11);
  c.district = s.Text(12);
  return c;
}

}  // namespace

Result<std::vector<SummonsTally>> SqliteTx::TallySummons(const TallyFilter& filter) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(TallySummonsSql(false)));
  BindFilter(*s, {filter.campaign, std::nullopt, std::nullopt});
  return Collect<SummonsTally>(*s, [](const Statement& st) {
    return SummonsTally{st.Text(0), StateColumn(st, 1), st.Int(2), st.Int(3), st.Int(4)};
  });
}

Result<std::vector<DayTally>> SqliteTx::TallySummonsByDay(const TallyFilter& filter) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(TallySummonsByDaySql(false)));
  BindFilter(*s, filter);
  return Collect<DayTally>(*s, [](const Statement& st) {
    return DayTally{st.Text(0), static_cast<SummonsMoment>(st.Int(1)), StateColumn(st, 2), st.Int(3), st.Int(4)};
  });
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteTx::CountRestrictionsInForce(const TallyFilter& filter,
                                                                                        Timestamp at) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(CountRestrictionsInForceSql(false)));
  s->Bind(1, filter.campaign).Bind(2, Millis(at));
  return Collect<std::pair<std::string, int64_t>>(
      *s, [](const Statement& st) { return std::pair<std::string, int64_t>(st.Text(0), st.Int(1)); });
}

Result<int64_t> SqliteTx::InsertCorrection(const CorrectionRequest& c) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare("INSERT INTO corrections (person_id, field, proposed_value, explanation, state, requested_by, "
                  "requested_at) VALUES ((SELECT id FROM persons WHERE national_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7)"));
  s->Bind(1, c.national_id).Bind(2, c.field).Bind(3, c.proposed_value).Bind(4, c.explanation);
  s->Bind(5, CorrectionStateName(c.state)).Bind(6, c.requested_by).Bind(7, Millis(c.requested_at));
  MUSTER_RETURN_IF_ERROR(s->Run());
  return db_.LastInsertRowId();
}

Status SqliteTx::UpdateCorrection(const CorrectionRequest& c) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare("UPDATE corrections SET state = ?2, decided_by = ?3, decided_at = ?4, "
                                      "decision_reason = ?5, previous_value = ?6 WHERE id = ?1"));
  s->Bind(1, c.id).Bind(2, CorrectionStateName(c.state)).Bind(3, c.decided_by).Bind(4, OptMillis(c.decided_at));
  s->Bind(5, c.decision_reason).Bind(6, c.previous_value);
  return s->Run();
}

Result<CorrectionRequest> SqliteTx::GetCorrection(int64_t id) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} WHERE c.id = ?1", kCorrectionSelect)));
  s->Bind(1, id);
  return One<CorrectionRequest>(*s, ReadCorrection, fmt::format("no correction request with id {}", id));
}

Result<std::vector<CorrectionRequest>> SqliteTx::ListCorrections(const CorrectionFilter& f) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(fmt::format("{} WHERE (?1 IS NULL OR c.state = ?1) AND (?2 IS NULL OR p.national_id = ?2) AND "
                              "(?3 IS NULL OR p.district IN (SELECT value FROM json_each(?3))) AND c.id > ?4 "
                              "ORDER BY c.id LIMIT ?5",
                              kCorrectionSelect)));
  if (f.state) {
    s->Bind(1, CorrectionStateName(*f.state));
  } else {
    s->BindNull(1);
  }
  if (f.national_id) {
    s->Bind(2, *f.national_id);
  } else {
    s->BindNull(2);
  }
  if (f.districts.empty()) {
    s->BindNull(3);
  } else {
    s->Bind(3, JsonList(f.districts));
  }
  s->Bind(4, f.after_id).Bind(5, static_cast<int64_t>(f.limit));
  return Collect<CorrectionRequest>(*s, ReadCorrection);
}

}  // namespace muster::sqlite

// PgTx: the report aggregates (SQL shared with SQLite in store/report_sql.cpp) and the
// correction requests.
#include "store/postgres/pg_tx.hpp"
#include "store/report_sql.hpp"

namespace muster::postgres {
namespace {

Params FilterParams(const TallyFilter& f) {
  Params params;
  params.Add(f.campaign);
  params.Add(f.from ? std::optional<int64_t>(Millis(*f.from)) : std::nullopt);
  params.Add(f.to ? std::optional<int64_t>(Millis(*f.to)) : std::nullopt);
  return params;
}

SummonsState StateColumn(const Rows& r, int row, int column) {
  return ParseSummonsState(r.View(row, column)).value_or(SummonsState::kIssued);
}

constexpr std::string_view kCorrectionSelect =
    "SELECT c.id, p.national_id, c.field, c.proposed_value, c.explanation, c.state, c.requested_by, c.requested_at, "
    "c.decided_by, c.decided_at, c.decision_reason, c.previous_value, p.district FROM corrections c "
    "JOIN persons p ON p.id = c.person_id";

CorrectionRequest ReadCorrection(const Rows& r, int i) {
  CorrectionRequest c;
  c.id = r.Int(i, 0);
  c.national_id = r.Text(i, 1);
  c.field = r.Text(i, 2);
  c.proposed_value = r.Text(i, 3);
  c.explanation = r.Text(i, 4);
  c.state = ParseCorrectionState(r.View(i, 5)).value_or(CorrectionState::kPending);
  c.requested_by = r.Text(i, 6);
  c.requested_at = FromMillis(r.Int(i, 7));
  c.decided_by = r.Text(i, 8);
  c.decided_at = OptColumn(r, i, 9);
  c.decision_reason = r.Text(i, 10);
  c.previous_value = r.Text(i, 11);
  c.district = r.Text(i, 12);
  return c;
}

}  // namespace

Result<std::vector<SummonsTally>> PgTx::TallySummons(const TallyFilter& filter) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query(TallySummonsSql(true), Params().Add(filter.campaign)));
  return Collect<SummonsTally>(rows, [](const Rows& r, int i) {
    return SummonsTally{r.Text(i, 0), StateColumn(r, i, 1), r.Int(i, 2), r.Int(i, 3), r.Int(i, 4)};
  });
}

Result<std::vector<DayTally>> PgTx::TallySummonsByDay(const TallyFilter& filter) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query(TallySummonsByDaySql(true), FilterParams(filter)));
  return Collect<DayTally>(rows, [](const Rows& r, int i) {
    return DayTally{r.Text(i, 0), static_cast<SummonsMoment>(r.Int(i, 1)), StateColumn(r, i, 2), r.Int(i, 3),
                    r.Int(i, 4)};
  });
}

Result<std::vector<std::pair<std::string, int64_t>>> PgTx::CountRestrictionsInForce(const TallyFilter& filter,
                                                                                    Timestamp at) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query(CountRestrictionsInForceSql(true), Params().Add(filter.campaign).Add(Millis(at))));
  return Collect<std::pair<std::string, int64_t>>(
      rows, [](const Rows& r, int i) { return std::pair<std::string, int64_t>(r.Text(i, 0), r.Int(i, 1)); });
}

Result<int64_t> PgTx::InsertCorrection(const CorrectionRequest& c) {
  Params params;
  params.Add(c.national_id).Add(c.field).Add(c.proposed_value).Add(c.explanation).Add(CorrectionStateName(c.state));
  params.Add(c.requested_by).Add(Millis(c.requested_at));
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query("INSERT INTO corrections (person_id, field, proposed_value, explanation, state, requested_by, "
                  "requested_at) VALUES ((SELECT id FROM persons WHERE national_id = $1), $2, $3, $4, $5, $6, $7) "
                  "RETURNING id",
                  params));
  return rows.Int(0, 0);
}

Status PgTx::UpdateCorrection(const CorrectionRequest& c) {
  Params params;
  params.Add(c.id).Add(CorrectionStateName(c.state)).Add(c.decided_by).Add(OptMillis(c.decided_at));
  params.Add(c.decision_reason).Add(c.previous_value);
  return conn_
      .Query("UPDATE corrections SET state = $2, decided_by = $3, decided_at = $4, decision_reason = $5, "
             "previous_value = $6 WHERE id = $1",
             params)
      .status();
}

Result<CorrectionRequest> PgTx::GetCorrection(int64_t id) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query(fmt::format("{} WHERE c.id = $1", kCorrectionSelect), Params().Add(id)));
  return One<CorrectionRequest>(rows, ReadCorrection, fmt::format("no correction request with id {}", id));
}

Result<std::vector<CorrectionRequest>> PgTx::ListCorrections(const CorrectionFilter& f) {
  std::string districts = TextArray(f.districts);
  Params params;  // holds views: `districts` outlives it
  if (f.state) {
    params.Add(CorrectionStateName(*f.state));
  } else {
    params.Null();
  }
  params.Add(f.national_id);
  if (f.districts.empty()) {
    params.Null();
  } else {
    params.Add(districts);
  }
  params.Add(f.after_id).Add(static_cast<int64_t>(f.limit));
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query(fmt::format("{} WHERE ($1::text IS NULL OR c.state = $1::text) AND ($2::text IS NULL OR "
                                         "p.national_id = $2::text) AND ($3::text IS NULL OR p.district = {}) AND "
                                         "c.id > $4 ORDER BY c.id LIMIT $5",
                                         kCorrectionSelect, AnyOfArray(3, "text")),
                             params));
  return Collect<CorrectionRequest>(rows, ReadCorrection);
}

}  // namespace muster::postgres

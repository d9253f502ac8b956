// CorrectionPort in SQL that both backends run as written.
#include "store/sql/correction_sql.hpp"

#include <fmt/format.h>

namespace muster::sql {
namespace {

constexpr std::string_view kCorrectionSelect =
    "SELECT c.id, p.national_id, c.field, c.proposed_value, c.explanation, c.state, c.requested_by, c.requested_at, "
    "c.decided_by, c.decided_at, c.decision_reason, c.previous_value, p.district FROM corrections c "
    "JOIN persons p ON p.id = c.person_id";

CorrectionRequest ReadCorrection(const Row& r) {
  CorrectionRequest c;
  c.id = r.Int(0);
  c.national_id = r.Text(1);
  c.field = r.Text(2);
  c.proposed_value = r.Text(3);
  c.explanation = r.Text(4);
  c.state = ParseCorrectionState(r.View(5)).value_or(CorrectionState::kPending);
  c.requested_by = r.Text(6);
  c.requested_at = FromMillis(r.Int(7));
  c.decided_by = r.Text(8);
  c.decided_at = OptTime(r, 9);
  c.decision_reason = r.Text(10);
  c.previous_value = r.Text(11);
  c.district = r.Text(12);
  return c;
}

}  // namespace

Result<int64_t> SqlCorrections::Insert(const CorrectionRequest& c) {
  Args args;
  args.Add(c.national_id).Add(c.field).Add(c.proposed_value).Add(c.explanation).Add(CorrectionStateName(c.state));
  args.Add(c.requested_by).Add(Millis(c.requested_at));
  return One<int64_t>(
      conn_,
      "INSERT INTO corrections (person_id, field, proposed_value, explanation, state, requested_by, requested_at) "
      "VALUES ((SELECT id FROM persons WHERE national_id = $1), $2, $3, $4, $5, $6, $7) RETURNING id",
      args, [](const Row& r) { return r.Int(0); }, "the insert returned no id");
}

Status SqlCorrections::Update(const CorrectionRequest& c) {
  Args args;
  args.Add(c.id).Add(CorrectionStateName(c.state)).Add(c.decided_by).Add(OptMillis(c.decided_at));
  args.Add(c.decision_reason).Add(c.previous_value);
  return conn_
      .Run(
          "UPDATE corrections SET state = $2, decided_by = $3, decided_at = $4, decision_reason = $5, "
          "previous_value = $6 WHERE id = $1",
          args)
      .status();
}

Result<CorrectionRequest> SqlCorrections::Get(int64_t id) {
  static const std::string kSql = fmt::format("{} WHERE c.id = $1", kCorrectionSelect);
  return One<CorrectionRequest>(conn_, kSql, Args().Add(id), ReadCorrection,
                                fmt::format("no correction request with id {}", id));
}

Result<std::vector<CorrectionRequest>> SqlCorrections::List(const CorrectionFilter& f) {
  std::string sql = fmt::format(
      "{} WHERE (CAST($1 AS TEXT) IS NULL OR c.state = CAST($1 AS TEXT)) AND (CAST($2 AS TEXT) IS NULL OR "
      "p.national_id = CAST($2 AS TEXT)) AND (CAST($3 AS TEXT) IS NULL OR p.district {}) AND c.id > $4 "
      "ORDER BY c.id LIMIT $5",
      kCorrectionSelect, conn_.InList(3, ListOf::kText));
  std::string districts = conn_.EncodeList(std::span<const std::string>(f.districts));
  Args args;  // holds views: `districts` outlives it
  if (f.state) {
    args.Add(CorrectionStateName(*f.state));
  } else {
    args.Null();
  }
  if (f.national_id) {
    args.Add(*f.national_id);
  } else {
    args.Null();
  }
  if (f.districts.empty()) {
    args.Null();
  } else {
    args.Add(districts);
  }
  args.Add(f.after_id).Add(static_cast<int64_t>(f.limit));
  return Collect<CorrectionRequest>(conn_, sql, args, ReadCorrection);
}

}  // namespace muster::sql

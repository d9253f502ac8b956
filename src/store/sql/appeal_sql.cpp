// AppealPort in SQL that both backends run as written.
#include "store/sql/appeal_sql.hpp"

#include <fmt/format.h>

#include <limits>
#include <mutex>

namespace muster::sql {
namespace {

constexpr std::string_view kAppealSelect =
    "SELECT a.id, a.summons_id, s.number, a.reason, a.text, a.state, a.filed_by, a.filed_at, a.decided_by, "
    "a.decided_at, a.decision_reason FROM appeals a JOIN summonses s ON s.id = a.summons_id";

Appeal ReadAppeal(const Row& r) {
  Appeal a;
  a.id = AppealId(r.Int(0));
  a.summons_id = r.Int(1);
  a.summons_number = r.Text(2);
  a.reason = ParseAppealReason(r.View(3)).value_or(AppealReason::kOther);
  a.text = r.Text(4);
  a.state = ParseAppealState(r.View(5)).value_or(AppealState::kPending);
  a.filed_by = r.Text(6);
  a.filed_at = FromMillis(r.Int(7));
  a.decided_by = r.Text(8);
  a.decided_at = OptTime(r, 9);
  a.decision_reason = r.Text(10);
  return a;
}

}  // namespace

Result<AppealId> SqlAppeals::Insert(const Appeal& a) {
  Args args;
  args.Add(a.summons_id).Add(AppealReasonName(a.reason)).Add(a.text).Add(AppealStateName(a.state));
  args.Add(a.filed_by).Add(Millis(a.filed_at));
  return One<AppealId>(
      conn_,
      "INSERT INTO appeals (summons_id, reason, text, state, filed_by, filed_at) VALUES ($1, $2, $3, $4, $5, $6) "
      "RETURNING id",
      args, [](const Row& r) { return AppealId(r.Int(0)); }, "no id returned");
}

Status SqlAppeals::Update(const Appeal& a) {
  Args args;
  args.Add(a.id).Add(AppealStateName(a.state)).Add(a.decided_by).Add(OptMillis(a.decided_at)).Add(a.decision_reason);
  return conn_
      .Run("UPDATE appeals SET state = $2, decided_by = $3, decided_at = $4, decision_reason = $5 WHERE id = $1", args)
      .status();
}

Result<Appeal> SqlAppeals::Get(AppealId id) {
  static const std::string kSql = fmt::format("{} WHERE a.id = $1", kAppealSelect);
  return One<Appeal>(conn_, kSql, Args().Add(id), ReadAppeal, fmt::format("no appeal with id {}", id));
}

Result<std::vector<Appeal>> SqlAppeals::List(const AppealFilter& f) {
  // Once per engine: the list of offices is written as each engine reads a list.
  static std::string made[2];
  static std::once_flag once[2];
  const int index = conn_.dialect() == Dialect::kSqlite ? 0 : 1;
  std::call_once(once[index], [&] {
    made[index] = fmt::format(
        "{} WHERE (CAST($1 AS TEXT) IS NULL OR a.state = CAST($1 AS TEXT)) AND (CAST($2 AS BIGINT) IS NULL OR "
        "a.summons_id = CAST($2 AS BIGINT)) AND (CAST($3 AS TEXT) IS NULL OR s.office {}) AND a.id > $4 "
        "ORDER BY a.id LIMIT $5",
        kAppealSelect, conn_.InList(3, ListOf::kText));
  });
  const std::string offices = f.offices ? conn_.EncodeList(*f.offices) : std::string();
  Args args;
  if (f.state) {
    args.Add(AppealStateName(*f.state));
  } else {
    args.Null();
  }
  args.Add(f.summons_id);
  if (f.offices) {
    args.Add(offices);
  } else {
    args.Null();
  }
  args.Add(f.after_id);
  args.Add(f.limit ? static_cast<int64_t>(f.limit) : std::numeric_limits<int64_t>::max());
  return Collect<Appeal>(conn_, made[index], args, ReadAppeal);
}

}  // namespace muster::sql

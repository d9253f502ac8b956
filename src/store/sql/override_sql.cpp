// OverridePort in SQL that both backends run as written.
#include "store/sql/override_sql.hpp"

#include <fmt/format.h>

#include <mutex>

namespace muster::sql {
namespace {

constexpr std::string_view kOverrideSelect =
    "SELECT o.id, p.national_id, o.office, o.kind, o.appear_at, o.place, o.purpose, o.reasons, o.justification, "
    "o.requested_by, o.requested_at, o.state, o.decided_by, o.decided_at, o.summons_id FROM overrides o "
    "JOIN persons p ON p.id = o.person_id";

OverrideRequest ReadOverride(const Row& r) {
  OverrideRequest o;
  o.id = OverrideId(r.Int(0));
  o.national_id = r.Text(1);
  o.office = r.Text(2);
  o.kind = r.Text(3);
  o.appear_at = FromMillis(r.Int(4));
  o.place = r.Text(5);
  o.purpose = r.Text(6);
  o.reasons = Split(r.View(7));
  o.justification = r.Text(8);
  o.requested_by = r.Text(9);
  o.requested_at = FromMillis(r.Int(10));
  o.state = ParseOverrideState(r.View(11)).value_or(OverrideState::kPending);
  o.decided_by = r.Text(12);
  o.decided_at = OptTime(r, 13);
  if (!r.IsNull(14)) o.summons_id = r.Int(14);
  return o;
}

}  // namespace

Result<OverrideId> SqlOverrides::Insert(const OverrideRequest& o) {
  const std::string reasons = Join(o.reasons);
  Args args;
  args.Add(o.national_id).Add(o.office).Add(o.kind).Add(Millis(o.appear_at)).Add(o.place).Add(o.purpose);
  args.Add(reasons).Add(o.justification).Add(o.requested_by).Add(Millis(o.requested_at));
  args.Add(OverrideStateName(o.state));
  return One<OverrideId>(
      conn_,
      "INSERT INTO overrides (person_id, office, kind, appear_at, place, purpose, reasons, justification, "
      "requested_by, requested_at, state) VALUES ((SELECT id FROM persons WHERE national_id = $1), $2, $3, $4, $5, "
      "$6, $7, $8, $9, $10, $11) RETURNING id",
      args, [](const Row& r) { return OverrideId(r.Int(0)); }, "no id returned");
}

Status SqlOverrides::Update(const OverrideRequest& o) {
  Args args;
  args.Add(o.id).Add(OverrideStateName(o.state)).Add(o.decided_by).Add(OptMillis(o.decided_at)).Add(o.summons_id);
  return conn_
      .Run("UPDATE overrides SET state = $2, decided_by = $3, decided_at = $4, summons_id = $5 WHERE id = $1", args)
      .status();
}

Result<OverrideRequest> SqlOverrides::Get(OverrideId id) {
  static const std::string kSql = fmt::format("{} WHERE o.id = $1", kOverrideSelect);
  return One<OverrideRequest>(conn_, kSql, Args().Add(id), ReadOverride,
                              fmt::format("no override request with id {}", id));
}

Result<std::vector<OverrideRequest>> SqlOverrides::List(const OverrideFilter& f) {
  // Once per engine: the list of offices is written as each engine reads a list.
  static std::string made[2];
  static std::once_flag once[2];
  const int index = conn_.dialect() == Dialect::kSqlite ? 0 : 1;
  std::call_once(once[index], [&] {
    made[index] = fmt::format(
        "{} WHERE o.office {} AND (CAST($2 AS TEXT) IS NULL OR o.state = CAST($2 AS TEXT)) AND o.id > $4 "
        "ORDER BY o.id LIMIT $3",
        kOverrideSelect, conn_.InList(1, ListOf::kText));
  });
  const std::string offices = conn_.EncodeList(f.offices);
  Args args;
  args.Add(offices);
  if (f.state) {
    args.Add(OverrideStateName(*f.state));
  } else {
    args.Null();
  }
  args.Add(static_cast<int64_t>(f.limit)).Add(f.after_id);
  return Collect<OverrideRequest>(conn_, made[index], args, ReadOverride);
}

}  // namespace muster::sql

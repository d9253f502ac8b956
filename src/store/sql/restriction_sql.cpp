// RestrictionPort in SQL that both backends run as written.
#include "store/sql/restriction_sql.hpp"

#include <fmt/format.h>

namespace muster::sql {
namespace {

constexpr std::string_view kRestrictionSelect =
    "SELECT r.id, p.national_id, r.summons_id, s.number, r.kind, r.imposed_at, r.effective_at, r.lifted_at, "
    "r.lift_reason, s.person_id FROM restrictions r JOIN summonses s ON s.id = r.summons_id JOIN persons p ON p.id = "
    "s.person_id";

}  // namespace

Restriction SqlRestrictions::ReadRestriction(const Row& r) {
  Restriction x;
  x.id = r.Int(0);
  x.national_id = r.Text(1);
  x.summons_id = r.Int(2);
  x.summons_number = r.Text(3);
  x.kind = r.Text(4);
  x.imposed_at = FromMillis(r.Int(5));
  x.effective_at = FromMillis(r.Int(6));
  x.lifted_at = OptTime(r, 7);
  x.lift_reason = r.Text(8);
  x.person_id = r.Int(9);
  return x;
}

std::string_view SqlRestrictions::ActiveSql() {
  static const std::string kSql = fmt::format("{} WHERE r.kind = $1 AND r.lifted_at IS NULL", kRestrictionSelect);
  return kSql;
}

Result<int64_t> SqlRestrictions::NextId() {
  if (!last_id_) {
    MUSTER_ASSIGN_OR_RETURN(last_id_, One<int64_t>(
                                          conn_, "SELECT coalesce(max(id), 0) FROM restrictions", Args(),
                                          [](const Row& row) { return row.Int(0); }, ""));
  }
  return *last_id_ + 1;
}

Result<int64_t> SqlRestrictions::Insert(const Restriction& r) {
  MUSTER_ASSIGN_OR_RETURN(int64_t id, NextId());
  Args args;
  args.Add(id).Add(r.summons_id).Add(r.kind).Add(Millis(r.imposed_at)).Add(Millis(r.effective_at));
  args.Add(OptMillis(r.lifted_at)).Add(r.lift_reason);
  MUSTER_RETURN_IF_ERROR(
      conn_
          .Run("INSERT INTO restrictions (id, summons_id, kind, imposed_at, effective_at, lifted_at, lift_reason) "
               "VALUES ($1, $2, $3, $4, $5, $6, $7)",
               args)
          .status());
  Took(id);
  return id;
}

Status SqlRestrictions::Update(const Restriction& r) {
  return conn_
      .Run("UPDATE restrictions SET lifted_at = $2, lift_reason = $3 WHERE id = $1",
           Args().Add(r.id).Add(OptMillis(r.lifted_at)).Add(r.lift_reason))
      .status();
}

Result<std::vector<Restriction>> SqlRestrictions::ListOfSummons(int64_t summons_id) {
  static const std::string kSql = fmt::format("{} WHERE r.summons_id = $1 ORDER BY r.id", kRestrictionSelect);
  return Collect<Restriction>(conn_, kSql, Args().Add(summons_id), ReadRestriction);
}

Result<std::vector<Restriction>> SqlRestrictions::ListOfPerson(std::string_view national_id) {
  static const std::string kSql = fmt::format(
      "{} WHERE r.summons_id IN (SELECT id FROM summonses WHERE person_id = (SELECT id FROM persons "
      "WHERE national_id = $1)) ORDER BY r.id",
      kRestrictionSelect);
  return Collect<Restriction>(conn_, kSql, Args().Add(national_id), ReadRestriction);
}

Status SqlRestrictions::ForEachActive(std::string_view kind, const std::function<void(const Restriction&)>& fn) {
  return conn_
      .Run(ActiveSql(), Args().Add(kind),
           [&](const Row& r) {
             fn(ReadRestriction(r));
             return Status::Ok();
           })
      .status();
}

Status SqlRestrictions::InsertExitCheck(std::string_view reference, std::string_view kind, std::string_view national_id,
                                        std::string_view decision, std::string_view asked_by, Timestamp asked_at) {
  // A batch written again (ExitCheckService::FlushExitChecks) is not an error.
  Args args;
  args.Add(reference).Add(national_id).Add(decision).Add(asked_by).Add(Millis(asked_at)).Add(kind);
  return conn_
      .Run(
          "INSERT INTO exit_checks (reference, national_id, decision, asked_by, asked_at, kind) "
          "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (reference) DO NOTHING",
          args)
      .status();
}

Status SqlRestrictions::NotifyExitBanChange() { return Status::Ok(); }

}  // namespace muster::sql

// DefermentPort in SQL that both backends run as written.
#include "store/sql/deferment_sql.hpp"

#include <fmt/format.h>

#include "store/sql/civil_date.hpp"

namespace muster::sql {
namespace {

constexpr std::string_view kDefermentSelect =
    "SELECT d.id, p.national_id, d.kind, d.until_date, d.basis, d.ended_at, d.created_by, d.created_at "
    "FROM deferments d JOIN persons p ON p.id = d.person_id";

Deferment ReadDeferment(const Row& r) {
  Deferment d;
  d.id = DefermentId{r.Int(0)};
  d.national_id = r.Text(1);
  d.kind = r.Text(2);
  d.until = DateColumn(r, 3);
  d.basis = r.Text(4);
  d.ended_at = OptTime(r, 5);
  d.created_by = r.Text(6);
  d.created_at = FromMillis(r.Int(7));
  return d;
}

int64_t FirstInt(const Row& r) { return r.Int(0); }

}  // namespace

Result<DefermentId> SqlDeferments::Insert(const Deferment& d) {
  MUSTER_ASSIGN_OR_RETURN(
      int64_t person_id, One<int64_t>(conn_, "SELECT id FROM persons WHERE national_id = $1", Args().Add(d.national_id),
                                      FirstInt, fmt::format("no person with national ID {}", d.national_id)));
  std::string until = FormatCivilDate(d.until);
  Args args;
  args.Add(person_id).Add(d.kind).Add(until).Add(d.basis).Add(d.created_by).Add(Millis(d.created_at));
  MUSTER_ASSIGN_OR_RETURN(
      int64_t id, One<int64_t>(conn_,
                               "INSERT INTO deferments (person_id, kind, until_date, basis, ended_at, created_by, "
                               "created_at) VALUES ($1, $2, $3, $4, NULL, $5, $6) RETURNING id",
                               args, FirstInt, "the insert returned no id"));
  return DefermentId{id};
}

Result<Deferment> SqlDeferments::Get(DefermentId id) {
  static const std::string kSql = fmt::format("{} WHERE d.id = $1", kDefermentSelect);
  return One<Deferment>(conn_, kSql, Args().Add(id.value), ReadDeferment,
                        fmt::format("no deferment with id {}", id.value));
}

Result<std::vector<Deferment>> SqlDeferments::List(std::string_view national_id) {
  static const std::string kSql = fmt::format("{} WHERE p.national_id = $1 ORDER BY d.id", kDefermentSelect);
  return Collect<Deferment>(conn_, kSql, Args().Add(national_id), ReadDeferment);
}

Status SqlDeferments::End(DefermentId id, Timestamp ended_at) {
  MUSTER_ASSIGN_OR_RETURN(int64_t changed, conn_.Run("UPDATE deferments SET ended_at = $2 WHERE id = $1 AND "
                                                     "ended_at IS NULL",
                                                     Args().Add(id.value).Add(Millis(ended_at))));
  if (changed == 0) return Status::FailedPrecondition(fmt::format("deferment {} has already ended", id.value));
  return Status::Ok();
}

Result<std::vector<Deferment>> SqlDeferments::ListOpen() {
  static const std::string kSql = fmt::format("{} WHERE d.ended_at IS NULL ORDER BY d.id", kDefermentSelect);
  return Collect<Deferment>(conn_, kSql, Args(), ReadDeferment);
}

}  // namespace muster::sql

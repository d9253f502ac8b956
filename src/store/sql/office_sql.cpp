// OfficePort in SQL that both backends run as written.
#include "store/sql/office_sql.hpp"

#include <fmt/format.h>

namespace muster::sql {
namespace {

Office ReadOffice(const Row& r) {
  return Office{r.Text(0), r.Text(1), r.Text(2), r.Text(3), static_cast<int>(r.Int(4))};
}

Args OfficeArgs(const Office& o) {
  Args args;
  args.Add(o.code).Add(o.name).Add(o.region).Add(o.timezone).Add(int64_t{o.daily_capacity});
  return args;
}

}  // namespace

Status SqlOffices::Insert(const Office& o) {
  Status st = conn_
                  .Run("INSERT INTO offices (code, name, region, timezone, daily_capacity) VALUES ($1, $2, $3, $4, $5)",
                       OfficeArgs(o))
                  .status();
  if (st.IsAlreadyExists()) return Status::AlreadyExists(fmt::format("office {} already exists", o.code));
  return st;
}

Result<UpsertOutcome> SqlOffices::Upsert(const Office& o) {
  auto existing = Get(o.code);
  if (existing.ok()) {
    if (*existing == o) return UpsertOutcome::kUnchanged;
    MUSTER_RETURN_IF_ERROR(
        conn_
            .Run("UPDATE offices SET name = $2, region = $3, timezone = $4, daily_capacity = $5 WHERE code = $1",
                 OfficeArgs(o))
            .status());
    return UpsertOutcome::kUpdated;
  }
  if (!existing.status().IsNotFound()) return existing.status();
  MUSTER_RETURN_IF_ERROR(Insert(o));
  return UpsertOutcome::kInserted;
}

Result<std::vector<Office>> SqlOffices::List() {
  return Collect<Office>(conn_, "SELECT code, name, region, timezone, daily_capacity FROM offices ORDER BY code",
                         Args(), ReadOffice);
}

Result<Office> SqlOffices::Get(std::string_view code) {
  return One<Office>(conn_, "SELECT code, name, region, timezone, daily_capacity FROM offices WHERE code = $1",
                     Args().Add(code), ReadOffice, fmt::format("no office with code '{}'", code));
}

}  // namespace muster::sql

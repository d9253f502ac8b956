// Internal to store/postgres: what PostgreSQL does its own way in the registry's ports, over
// the SQL they share (store/sql/person_sql.hpp, store/sql/report_sql.hpp).
#pragma once

#include "store/postgres/pg_conn.hpp"
#include "store/postgres/pg_sql.hpp"
#include "store/sql/person_sql.hpp"
#include "store/sql/report_sql.hpp"

namespace muster::postgres {

class PgPersons final : public sql::SqlPersons {
 public:
  // `sql` runs on `conn`; both must outlive this object.
  PgPersons(PgConnection& sql, Connection& conn) : SqlPersons(sql), pg_(conn) {}

  // One round trip: INSERT ... ON CONFLICT DO UPDATE only when something differs, xmax telling
  // an insert from an update.
  Result<UpsertOutcome> Upsert(const Person& person) override;
  // The whole batch through COPY (pg_registry.cpp).
  Result<std::vector<UpsertOutcome>> UpsertBatch(std::span<const Person> persons) override;
  // Every district in one query; ILIKE folds the case of every letter.
  Result<std::vector<Person>> Search(const PersonSearch& search) override;
  // In single-row mode, so that the registry is never held whole.
  Status ScanCandidates(const std::vector<std::string>& districts,
                        const std::function<void(const Candidate&)>& fn) override;

 private:
  Connection& pg_;
};

class PgReports final : public sql::SqlReports {
 public:
  // `sql` runs on `conn`; both must outlive this object.
  PgReports(PgConnection& sql, Connection& conn) : SqlReports(sql), pg_(conn) {}

  // In single-row mode.
  Status ForEachAppointment(Timestamp from, Timestamp to,
                            const std::function<void(std::string_view office, Timestamp at)>& fn) override;

 private:
  Connection& pg_;
};

}  // namespace muster::postgres

// The shared implementation of PersonPort, over either backend's sql::Connection. What only
// PostgreSQL does (COPY, one-statement upserts, ILIKE, scans in single-row mode) is its
// subclass postgres::PgPersons.
#pragma once

#include <string_view>

#include "store/person_port.hpp"
#include "store/sql.hpp"

namespace muster::sql {

class SqlPersons : public PersonPort {
 public:
  // `conn` must outlive this object.
  explicit SqlPersons(Connection& conn) : conn_(conn) {}

  // Two statements: an insert that does nothing when the national ID is registered, then an
  // update only when something differs; the rows each changed tell the outcomes apart.
  Result<UpsertOutcome> Upsert(const Person& person) override;
  // Upsert for each, one by one.
  Result<std::vector<UpsertOutcome>> UpsertBatch(std::span<const Person> persons) override;
  Result<Person> Get(std::string_view national_id) override;
  Result<std::vector<Person>> List(const PersonFilter& filter) override;
  Result<int64_t> Count() override;
  // One district at a time (through persons_by_district), LIKE matching the name row by row,
  // the districts' rows merged and cut here. LIKE folds case as the engine's does (SQLite:
  // ASCII letters only).
  Result<std::vector<Person>> Search(const PersonSearch& search) override;
  // On SQLite a scan of the whole table (NOT INDEXED), in id order.
  Status ScanCandidates(const std::vector<std::string>& districts,
                        const std::function<void(const Candidate&)>& fn) override;

 protected:
  // The columns a person is read from, of persons AS p, in ReadPerson's order.
  static constexpr std::string_view kPersonColumns =
      "p.id, p.national_id, p.surname, p.given_name, p.patronymic, p.birth_date, p.sex, p.district, "
      "p.category, p.fitness, p.address, p.email, p.phone, p.status";
  static Person ReadPerson(const Row& r);

  Connection& conn_;
};

}  // namespace muster::sql

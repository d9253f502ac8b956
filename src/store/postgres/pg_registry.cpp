// Tx on PostgreSQL: offices, persons, deferments.
#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include "store/postgres/pg_tx.hpp"

namespace muster::postgres {
namespace {

constexpr std::string_view kPersonColumns =
    "p.id, p.national_id, p.surname, p.given_name, p.patronymic, p.birth_date, p.sex, p.district, "
    "p.category, p.fitness, p.address, p.email, p.phone, p.status";

Person ReadPerson(const Rows& r, int i) {
  Person p;
  p.id = PersonId{r.Int(i, 0)};
  p.national_id = r.Text(i, 1);
  p.surname = r.Text(i, 2);
  p.given_name = r.Text(i, 3);
  p.patronymic = r.Text(i, 4);
  p.birth_date = DateColumn(r, i, 5);
  std::string_view sex = r.View(i, 6);
  p.sex = sex.empty() ? 'M' : sex[0];
  p.district = r.Text(i, 7);
  p.category = r.Text(i, 8);
  p.fitness = r.Text(i, 9);
  p.address = r.Text(i, 10);
  p.email = r.Text(i, 11);
  p.phone = r.Text(i, 12);
  p.status = ParsePersonStatus(r.View(i, 13)).value_or(PersonStatus::kActive);
  return p;
}

Office ReadOffice(const Rows& r, int i) {
  return Office{r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), r.Text(i, 3), static_cast<int>(r.Int(i, 4))};
}

Params OfficeParams(const Office& o) {
  Params p;
  p.Add(o.code).Add(o.name).Add(o.region).Add(o.timezone).Add(int64_t{o.daily_capacity});
  return p;
}

}  // namespace

std::string AnyOfArray(int n, std::string_view type) {
  return fmt::format("ANY (ARRAY(SELECT unnest(${}::text::{}[])))", n, type);
}

std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

Status PgTx::InsertOffice(const Office& o) {
  auto rows =
      conn_.Query("INSERT INTO offices (code, name, region, timezone, daily_capacity) VALUES ($1, $2, $3, $4, $5)",
                  OfficeParams(o));
  if (rows.status().IsAlreadyExists()) return Status::AlreadyExists(fmt::format("office {} already exists", o.code));
  return rows.status();
}

Result<UpsertOutcome> PgTx::UpsertOffice(const Office& o) {
  auto existing = GetOffice(o.code);
  if (existing.ok()) {
    if (*existing == o) return UpsertOutcome::kUnchanged;
    MUSTER_RETURN_IF_ERROR(
        conn_
            .Query("UPDATE offices SET name = $2, region = $3, timezone = $4, daily_capacity = $5 WHERE code = $1",
                   OfficeParams(o))
            .status());
    return UpsertOutcome::kUpdated;
  }
  if (!existing.status().IsNotFound()) return existing.status();
  MUSTER_RETURN_IF_ERROR(InsertOffice(o));
  return UpsertOutcome::kInserted;
}

Result<std::vector<Office>> PgTx::ListOffices() {
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query("SELECT code, name, region, timezone, daily_capacity FROM offices ORDER BY code"));
  return Collect<Office>(rows, ReadOffice);
}

Result<Office> PgTx::GetOffice(std::string_view code) {
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query("SELECT code, name, region, timezone, daily_capacity FROM offices WHERE code = $1",
                             Params().Add(code)));
  return One<Office>(rows, ReadOffice, fmt::format("no office with code '{}'", code));
}

Result<UpsertOutcome> PgTx::UpsertPerson(const Person& p) {
  // One round trip: insert when new, otherwise update only when something differs. The row
  // comes back when written; xmax = 0 tells an insert from an update; no row means unchanged.
  std::string birth_date = FormatCivilDate(p.birth_date);
  Params params;
  params.Add(p.national_id).Add(p.surname).Add(p.given_name).Add(p.patronymic).Add(birth_date);
  params.Add(std::string_view(&p.sex, 1)).Add(p.district).Add(p.category).Add(p.fitness).Add(p.address);
  params.Add(p.email).Add(p.phone).Add(PersonStatusName(p.status));
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query(
          "INSERT INTO persons AS p (national_id, surname, given_name, patronymic, birth_date, sex, district, "
          "category, fitness, address, email, phone, status) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
          "ON CONFLICT (national_id) DO UPDATE SET surname = EXCLUDED.surname, given_name = EXCLUDED.given_name, "
          "patronymic = EXCLUDED.patronymic, birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex, "
          "district = EXCLUDED.district, category = EXCLUDED.category, fitness = EXCLUDED.fitness, "
          "address = EXCLUDED.address, email = EXCLUDED.email, phone = EXCLUDED.phone, status = EXCLUDED.status, "
          "version = p.version + 1 "
          "WHERE (p.surname, p.given_name, p.patronymic, p.birth_date, p.sex, p.district, p.category, p.fitness, "
          "p.address, p.email, p.phone, p.status) IS DISTINCT FROM (EXCLUDED.surname, EXCLUDED.given_name, "
          "EXCLUDED.patronymic, EXCLUDED.birth_date, EXCLUDED.sex, EXCLUDED.district, EXCLUDED.category, "
          "EXCLUDED.fitness, EXCLUDED.address, EXCLUDED.email, EXCLUDED.phone, EXCLUDED.status) "
          "RETURNING (xmax = 0)",
          params));
  if (rows.empty()) return UpsertOutcome::kUnchanged;
  return rows.View(0, 0) == "t" ? UpsertOutcome::kInserted : UpsertOutcome::kUpdated;
}

// The columns of a COPY batch, in the order UpsertPersons writes them.
constexpr std::string_view kCopiedPersonColumns =
    "national_id, surname, given_name, patronymic, birth_date, sex, district, category, fitness, address, email, "
    "phone, status";

Result<std::vector<UpsertOutcome>> PgTx::UpsertPersons(std::span<const Person> persons) {
  // The whole batch through COPY: into persons when none of it is registered yet, otherwise into
  // a temporary table of this connection and one upsert from it, whose rows written come back
  // with their national ID, as in UpsertPerson. The same national ID twice in a batch would make
  // ON CONFLICT touch a row twice: those go one by one.
  absl::flat_hash_map<std::string_view, size_t> position;
  position.reserve(persons.size());
  for (size_t i = 0; i < persons.size(); ++i) {
    if (!position.emplace(persons[i].national_id, i).second) return Tx::UpsertPersons(persons);
  }
  std::string data;
  data.reserve(persons.size() * 160);
  for (const Person& p : persons) {
    for (std::string_view field :
         {std::string_view(p.national_id), std::string_view(p.surname), std::string_view(p.given_name),
          std::string_view(p.patronymic)}) {
      AppendCopyField(data, field);
      data += '\t';
    }
    data += FormatCivilDate(p.birth_date);
    data += '\t';
    data += p.sex;
    data += '\t';
    for (std::string_view field : {std::string_view(p.district), std::string_view(p.category),
                                   std::string_view(p.fitness), std::string_view(p.address),
                                   std::string_view(p.email), std::string_view(p.phone)}) {
      AppendCopyField(data, field);
      data += '\t';
    }
    data += PersonStatusName(p.status);
    data += '\n';
  }
  // None of them registered yet (a first import): straight into persons, as psql's \copy
  // would. Sound because no other write runs meanwhile (every write holds the write lock).
  std::vector<std::string> ids;
  ids.reserve(persons.size());
  for (const Person& p : persons) ids.push_back(p.national_id);
  std::string id_array = TextArray(ids);
  // A join, not "= ANY (array)": that compares each row with every element.
  MUSTER_ASSIGN_OR_RETURN(Rows known, conn_.Query("SELECT EXISTS (SELECT 1 FROM unnest($1::text::text[]) AS b (id) "
                                                  "JOIN persons p ON p.national_id = b.id)",
                                                  Params().Add(id_array)));
  if (known.View(0, 0) == "f") {
    MUSTER_RETURN_IF_ERROR(conn_.CopyIn(fmt::format("COPY persons ({}) FROM STDIN", kCopiedPersonColumns), data));
    return std::vector<UpsertOutcome>(persons.size(), UpsertOutcome::kInserted);
  }
  MUSTER_RETURN_IF_ERROR(
      conn_.Exec("CREATE TEMP TABLE IF NOT EXISTS persons_in (national_id TEXT, surname TEXT, given_name TEXT, "
                 "patronymic TEXT, birth_date TEXT, sex TEXT, district TEXT, category TEXT, fitness TEXT, address TEXT, "
                 "email TEXT, phone TEXT, status TEXT) ON COMMIT DELETE ROWS"));
  MUSTER_RETURN_IF_ERROR(conn_.CopyIn(fmt::format("COPY persons_in ({}) FROM STDIN", kCopiedPersonColumns), data));
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query(
          fmt::format("INSERT INTO persons AS p ({}) SELECT * FROM persons_in ", kCopiedPersonColumns) +
          "ON CONFLICT (national_id) DO UPDATE SET surname = EXCLUDED.surname, given_name = EXCLUDED.given_name, "
          "patronymic = EXCLUDED.patronymic, birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex, "
          "district = EXCLUDED.district, category = EXCLUDED.category, fitness = EXCLUDED.fitness, "
          "address = EXCLUDED.address, email = EXCLUDED.email, phone = EXCLUDED.phone, status = EXCLUDED.status, "
          "version = p.version + 1 "
          "WHERE (p.surname, p.given_name, p.patronymic, p.birth_date, p.sex, p.district, p.category, p.fitness, "
          "p.address, p.email, p.phone, p.status) IS DISTINCT FROM (EXCLUDED.surname, EXCLUDED.given_name, "
          "EXCLUDED.patronymic, EXCLUDED.birth_date, EXCLUDED.sex, EXCLUDED.district, EXCLUDED.category, "
          "EXCLUDED.fitness, EXCLUDED.address, EXCLUDED.email, EXCLUDED.phone, EXCLUDED.status) "
          "RETURNING p.national_id, (xmax = 0)"));
  // Emptied now, not only at commit: a second batch in the same write starts from nothing.
  MUSTER_RETURN_IF_ERROR(conn_.Exec("TRUNCATE persons_in"));
  std::vector<UpsertOutcome> outcomes(persons.size(), UpsertOutcome::kUnchanged);
  for (int r = 0; r < rows.size(); ++r) {
    auto it = position.find(rows.View(r, 0));
    if (it == position.end()) return Status::Internal("upsert returned a national ID it was not given");
    outcomes[it->second] = rows.View(r, 1) == "t" ? UpsertOutcome::kInserted : UpsertOutcome::kUpdated;
  }
  return outcomes;
}

Result<Person> PgTx::GetPerson(std::string_view national_id) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query(fmt::format("SELECT {} FROM persons p WHERE p.national_id = $1", kPersonColumns),
                                      Params().Add(national_id)));
  return One<Person>(rows, ReadPerson, fmt::format("no person with national ID {}", national_id));
}

Result<std::vector<Person>> PgTx::ListPersons(const PersonFilter& f) {
  Params params;
  params.Add(f.district).Add(f.after_national_id).Add(static_cast<int64_t>(f.limit));
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query(fmt::format("SELECT {} FROM persons p WHERE ($1::text IS NULL OR p.district = $1::text) "
                                         "AND p.national_id > $2 ORDER BY p.national_id LIMIT $3",
                                         kPersonColumns),
                             params));
  return Collect<Person>(rows, ReadPerson);
}

Result<int64_t> PgTx::CountPersons() {
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT count(*) FROM persons"));
  return rows.Int(0, 0);
}

Result<std::vector<Person>> PgTx::SearchPersons(const PersonSearch& search) {
  // All districts in one query; ILIKE folds the case of every letter. Ordered by bytes, as the
  // SQLite store sorts, whatever the database's collation.
  const auto patterns = PersonSearchPatterns(search.text);
  std::string districts = TextArray(search.districts);
  Params params;
  params.Add(districts);
  for (const std::string& pattern : patterns) params.Add(pattern);
  params.Add(static_cast<int64_t>(search.limit));
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query(fmt::format("SELECT {0} FROM persons p WHERE p.district = {1} AND "
                                         "p.surname || ' ' || p.given_name || ' ' || p.patronymic ILIKE $2::text AND "
                                         "p.surname || ' ' || p.given_name || ' ' || p.patronymic ILIKE $3::text AND "
                                         "p.surname || ' ' || p.given_name || ' ' || p.patronymic ILIKE $4::text AND "
                                         "p.surname || ' ' || p.given_name || ' ' || p.patronymic ILIKE $5::text "
                                         "ORDER BY p.surname COLLATE \"C\", p.given_name COLLATE \"C\", "
                                         "p.national_id COLLATE \"C\" LIMIT $6",
                                         kPersonColumns, AnyOfArray(1, "text")),
                             params));
  return Collect<Person>(rows, ReadPerson);
}

Result<DefermentId> PgTx::InsertDeferment(const Deferment& d) {
  MUSTER_ASSIGN_OR_RETURN(Person person, GetPerson(d.national_id));
  std::string until = FormatCivilDate(d.until);
  Params params;
  params.Add(person.id.value).Add(d.kind).Add(until).Add(d.basis).Add(d.created_by).Add(Millis(d.created_at));
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query("INSERT INTO deferments (person_id, kind, until_date, basis, ended_at, created_by, created_at) "
                  "VALUES ($1, $2, $3, $4, NULL, $5, $6) RETURNING id",
                  params));
  return DefermentId{rows.Int(0, 0)};
}

Result<Deferment> PgTx::GetDeferment(DefermentId id) {
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query(fmt::format("SELECT {} FROM deferments d JOIN persons p ON p.id = d.person_id WHERE d.id = $1",
                              kDefermentColumns),
                  Params().Add(id.value)));
  return One<Deferment>(rows, ReadDeferment, fmt::format("no deferment with id {}", id.value));
}

Result<std::vector<Deferment>> PgTx::ListDeferments(std::string_view national_id) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query(fmt::format("SELECT {} FROM deferments d JOIN persons p ON p.id = d.person_id "
                                                  "WHERE p.national_id = $1 ORDER BY d.id",
                                                  kDefermentColumns),
                                      Params().Add(national_id)));
  return Collect<Deferment>(rows, ReadDeferment);
}

Status PgTx::EndDeferment(DefermentId id, Timestamp ended_at) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query("UPDATE deferments SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL",
                                      Params().Add(id.value).Add(Millis(ended_at))));
  if (rows.affected() == 0) return Status::FailedPrecondition(fmt::format("deferment {} has already ended", id.value));
  return Status::Ok();
}

}  // namespace muster::postgres

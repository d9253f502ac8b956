// Tx on SQLite: offices, persons, deferments.
#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "store/sqlite/sqlite_tx.hpp"

namespace muster::sqlite {
namespace {

constexpr std::string_view kPersonColumns =
    "p.id, p.national_id, p.surname, p.given_name, p.patronymic, p.birth_date, p.sex, p.district, "
    "p.category, p.fitness, p.address, p.email, p.phone, p.status";

Person ReadPerson(const Statement& s) {
  Person p;
  p.id = PersonId{s.Int(0)};
  p.national_id = s.Text(1);
  p.surname = s.Text(2);
  p.given_name = s.Text(3);
  p.patronymic = s.Text(4);
  p.birth_date = DateColumn(s, 5);
  std::string sex = s.Text(6);
  p.sex = sex.empty() ? 'M' : sex[0];
  p.district = s.Text(7);
  p.category = s.Text(8);
  p.fitness = s.Text(9);
  p.address = s.Text(10);
  p.email = s.Text(11);
  p.phone = s.Text(12);
  p.status = ParsePersonStatus(s.Text(13)).value_or(PersonStatus::kActive);
  return p;
}

Office ReadOffice(const Statement& s) {
  return Office{s.Text(0), s.Text(1), s.Text(2), s.Text(3), static_cast<int>(s.Int(4))};
}

// Binds without copying: `p` and `birth_date` outlive the statement's step.
void BindPerson(Statement& s, const Person& p, const std::string& birth_date) {
  s.BindStatic(1, p.national_id).BindStatic(2, p.surname).BindStatic(3, p.given_name).BindStatic(4, p.patronymic);
  s.BindStatic(5, birth_date).BindStatic(6, std::string_view(&p.sex, 1)).BindStatic(7, p.district);
  s.BindStatic(8, p.category).BindStatic(9, p.fitness).BindStatic(10, p.address).BindStatic(11, p.email);
  s.BindStatic(12, p.phone).BindStatic(13, PersonStatusName(p.status));
}

}  // namespace

Status SqliteTx::InsertOffice(const Office& o) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare("INSERT INTO offices (code, name, region, timezone, daily_capacity) VALUES (?1, ?2, ?3, ?4, ?5)"));
  s->Bind(1, o.code).Bind(2, o.name).Bind(3, o.region).Bind(4, o.timezone).Bind(5, int64_t{o.daily_capacity});
  Status st = s->Run();
  if (st.IsAlreadyExists()) return Status::AlreadyExists(fmt::format("office {} already exists", o.code));
  return st;
}

Result<UpsertOutcome> SqliteTx::UpsertOffice(const Office& o) {
  auto existing = GetOffice(o.code);
  if (existing.ok()) {
    if (*existing == o) return UpsertOutcome::kUnchanged;
    MUSTER_ASSIGN_OR_RETURN(
        Statement * s,
        db_.Prepare("UPDATE offices SET name = ?2, region = ?3, timezone = ?4, daily_capacity = ?5 WHERE code = ?1"));
    s->Bind(1, o.code).Bind(2, o.name).Bind(3, o.region).Bind(4, o.timezone).Bind(5, int64_t{o.daily_capacity});
    MUSTER_RETURN_IF_ERROR(s->Run());
    return UpsertOutcome::kUpdated;
  }
  if (!existing.status().IsNotFound()) return existing.status();
  MUSTER_RETURN_IF_ERROR(InsertOffice(o));
  return UpsertOutcome::kInserted;
}

Result<std::vector<Office>> SqliteTx::ListOffices() {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s, db_.Prepare("SELECT code, name, region, timezone, daily_capacity FROM offices ORDER BY code"));
  std::vector<Office> out;
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadOffice(*s));
  }
  return out;
}

Result<Office> SqliteTx::GetOffice(std::string_view code) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s, db_.Prepare("SELECT code, name, region, timezone, daily_capacity FROM offices WHERE code = ?1"));
  s->Bind(1, code);
  MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return Status::NotFound(fmt::format("no office with code '{}'", code));
  Office office = ReadOffice(*s);
  s->Reset();
  return office;
}

Result<UpsertOutcome> SqliteTx::UpsertPerson(const Person& p) {
  // Insert when new; otherwise update only when something differs. sqlite3_changes() tells
  // the three outcomes apart without a RETURNING clause (which costs a temporary table per row).
  MUSTER_ASSIGN_OR_RETURN(
      Statement * insert,
      db_.Prepare("INSERT INTO persons (national_id, surname, given_name, patronymic, birth_date, sex, district, "
                  "category, fitness, address, email, phone, status) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
                  "ON CONFLICT (national_id) DO NOTHING"));
  std::string birth_date = FormatCivilDate(p.birth_date);
  BindPerson(*insert, p, birth_date);
  MUSTER_RETURN_IF_ERROR(insert->Run());
  if (db_.Changes() == 1) return UpsertOutcome::kInserted;
  MUSTER_ASSIGN_OR_RETURN(
      Statement * update,
      db_.Prepare("UPDATE persons SET surname = ?2, given_name = ?3, patronymic = ?4, birth_date = ?5, sex = ?6, "
                  "district = ?7, category = ?8, fitness = ?9, address = ?10, email = ?11, phone = ?12, "
                  "status = ?13, version = version + 1 "
                  "WHERE national_id = ?1 AND (surname, given_name, patronymic, birth_date, sex, district, category, "
                  "fitness, address, email, phone, status) IS NOT (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
  BindPerson(*update, p, birth_date);
  MUSTER_RETURN_IF_ERROR(update->Run());
  return db_.Changes() == 1 ? UpsertOutcome::kUpdated : UpsertOutcome::kUnchanged;
}

Result<Person> SqliteTx::GetPerson(std::string_view national_id) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s, db_.Prepare(fmt::format("SELECT {} FROM persons p WHERE p.national_id = ?1", kPersonColumns)));
  s->Bind(1, national_id);
  MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return Status::NotFound(fmt::format("no person with national ID {}", national_id));
  Person person = ReadPerson(*s);
  s->Reset();
  return person;
}

Result<std::vector<Person>> SqliteTx::ListPersons(const PersonFilter& f) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(fmt::format("SELECT {} FROM persons p WHERE (?1 IS NULL OR p.district = ?1) AND p.national_id > ?2 "
                              "ORDER BY p.national_id LIMIT ?3",
                              kPersonColumns)));
  if (f.district) {
    s->Bind(1, *f.district);
  } else {
    s->BindNull(1);
  }
  s->Bind(2, f.after_national_id).Bind(3, static_cast<int64_t>(f.limit));
  std::vector<Person> out;
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadPerson(*s));
  }
  return out;
}

Result<std::vector<Person>> SqliteTx::SearchPersons(const PersonSearch& search) {
  // One district at a time through persons_by_district; the name is matched row by row.
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(fmt::format("SELECT {} FROM persons p WHERE p.district = ?1 AND "
                              "p.surname || ' ' || p.given_name || ' ' || p.patronymic LIKE ?2 ESCAPE '\\' AND "
                              "p.surname || ' ' || p.given_name || ' ' || p.patronymic LIKE ?3 ESCAPE '\\' AND "
                              "p.surname || ' ' || p.given_name || ' ' || p.patronymic LIKE ?4 ESCAPE '\\' AND "
                              "p.surname || ' ' || p.given_name || ' ' || p.patronymic LIKE ?5 ESCAPE '\\' "
                              "ORDER BY p.surname, p.given_name, p.national_id LIMIT ?6",
                              kPersonColumns)));
  const auto patterns = PersonSearchPatterns(search.text);
  std::vector<Person> out;
  for (const auto& district : search.districts) {
    s->Reset();
    s->Bind(1, district).Bind(6, static_cast<int64_t>(search.limit));
    for (int i = 0; i < 4; ++i) s->BindStatic(2 + i, patterns[i]);
    while (true) {
      MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(ReadPerson(*s));
    }
  }
  std::sort(out.begin(), out.end(), [](const Person& a, const Person& b) {
    return std::tie(a.surname, a.given_name, a.national_id) < std::tie(b.surname, b.given_name, b.national_id);
  });
  if (out.size() > search.limit) out.resize(search.limit);
  return out;
}

Result<int64_t> SqliteTx::CountPersons() { return db_.QueryInt("SELECT count(*) FROM persons"); }

Result<DefermentId> SqliteTx::InsertDeferment(const Deferment& d) {
  MUSTER_ASSIGN_OR_RETURN(Person person, GetPerson(d.national_id));
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare("INSERT INTO deferments (person_id, kind, until_date, basis, ended_at, created_by, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6)"));
  s->Bind(1, person.id.value).Bind(2, d.kind).Bind(3, FormatCivilDate(d.until)).Bind(4, d.basis);
  s->Bind(5, d.created_by).Bind(6, Millis(d.created_at));
  MUSTER_RETURN_IF_ERROR(s->Run());
  return DefermentId{db_.LastInsertRowId()};
}

Result<Deferment> SqliteTx::GetDeferment(DefermentId id) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(fmt::format("SELECT {} FROM deferments d JOIN persons p ON p.id = d.person_id WHERE d.id = ?1",
                              kDefermentColumns)));
  s->Bind(1, id.value);
  MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return Status::NotFound(fmt::format("no deferment with id {}", id.value));
  Deferment d = ReadDeferment(*s);
  s->Reset();
  return d;
}

Result<std::vector<Deferment>> SqliteTx::ListDeferments(std::string_view national_id) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s, db_.Prepare(fmt::format(
                         "SELECT {} FROM deferments d JOIN persons p ON p.id = d.person_id WHERE p.national_id = ?1 "
                         "ORDER BY d.id",
                         kDefermentColumns)));
  s->Bind(1, national_id);
  std::vector<Deferment> out;
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadDeferment(*s));
  }
  return out;
}

Status SqliteTx::EndDeferment(DefermentId id, Timestamp ended_at) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare("UPDATE deferments SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL"));
  s->Bind(1, id.value).Bind(2, Millis(ended_at));
  MUSTER_RETURN_IF_ERROR(s->Run());
  if (db_.Changes() == 0) return Status::FailedPrecondition(fmt::format("deferment {} has already ended", id.value));
  return Status::Ok();
}

}  // namespace muster::sqlite

// PostgreSQL's own ways with persons and reports (pg_registry.hpp).
#include <absl/container/flat_hash_map.h>
#include <fmt/format.h>

#include "store/postgres/pg_tx.hpp"

namespace muster::postgres {
namespace {

// An upsert's conflict clause: update a registered person only when something differs (and
// count the change in version), so that an unchanged row is not written and returns no row.
constexpr std::string_view kUpdateWhenChanged =
    "ON CONFLICT (national_id) DO UPDATE SET surname = EXCLUDED.surname, given_name = EXCLUDED.given_name, "
    "patronymic = EXCLUDED.patronymic, birth_date = EXCLUDED.birth_date, sex = EXCLUDED.sex, "
    "district = EXCLUDED.district, category = EXCLUDED.category, fitness = EXCLUDED.fitness, "
    "address = EXCLUDED.address, email = EXCLUDED.email, phone = EXCLUDED.phone, status = EXCLUDED.status, "
    "version = p.version + 1 "
    "WHERE (p.surname, p.given_name, p.patronymic, p.birth_date, p.sex, p.district, p.category, p.fitness, "
    "p.address, p.email, p.phone, p.status) IS DISTINCT FROM (EXCLUDED.surname, EXCLUDED.given_name, "
    "EXCLUDED.patronymic, EXCLUDED.birth_date, EXCLUDED.sex, EXCLUDED.district, EXCLUDED.category, "
    "EXCLUDED.fitness, EXCLUDED.address, EXCLUDED.email, EXCLUDED.phone, EXCLUDED.status) ";

const std::string kUpsertOne = fmt::format(
    "INSERT INTO persons AS p (national_id, surname, given_name, patronymic, birth_date, sex, district, category, "
    "fitness, address, email, phone, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
    "{}RETURNING (xmax = 0)",
    kUpdateWhenChanged);

}  // namespace

Result<UpsertOutcome> PgPersons::Upsert(const Person& p) {
  // One round trip: insert when new, otherwise update only when something differs. The row
  // comes back when written; xmax = 0 tells an insert from an update; no row means unchanged.
  std::string birth_date = FormatCivilDate(p.birth_date);
  Params params;
  params.Add(p.national_id).Add(p.surname).Add(p.given_name).Add(p.patronymic).Add(birth_date);
  params.Add(std::string_view(&p.sex, 1)).Add(p.district).Add(p.category).Add(p.fitness).Add(p.address);
  params.Add(p.email).Add(p.phone).Add(PersonStatusName(p.status));
  MUSTER_ASSIGN_OR_RETURN(Rows rows, pg_.Query(kUpsertOne, params));
  if (rows.empty()) return UpsertOutcome::kUnchanged;
  return rows.View(0, 0) == "t" ? UpsertOutcome::kInserted : UpsertOutcome::kUpdated;
}

// The columns of a COPY batch, in the order UpsertBatch writes them.
constexpr std::string_view kCopiedPersonColumns =
    "national_id, surname, given_name, patronymic, birth_date, sex, district, category, fitness, address, email, "
    "phone, status";

Result<std::vector<UpsertOutcome>> PgPersons::UpsertBatch(std::span<const Person> persons) {
  // The whole batch through COPY: into persons when none of it is registered yet, otherwise into
  // a temporary table of this connection and one upsert from it, whose rows written come back
  // with their national ID, as in Upsert. The same national ID twice in a batch would make
  // ON CONFLICT touch a row twice: those go one by one.
  absl::flat_hash_map<std::string_view, size_t> position;
  position.reserve(persons.size());
  for (size_t i = 0; i < persons.size(); ++i) {
    if (!position.emplace(persons[i].national_id, i).second) return SqlPersons::UpsertBatch(persons);
  }
  std::string data;
  data.reserve(persons.size() * 160);
  for (const Person& p : persons) {
    for (std::string_view field : {std::string_view(p.national_id), std::string_view(p.surname),
                                   std::string_view(p.given_name), std::string_view(p.patronymic)}) {
      AppendCopyField(data, field);
      data += '\t';
    }
    data += FormatCivilDate(p.birth_date);
    data += '\t';
    data += p.sex;
    data += '\t';
    for (std::string_view field :
         {std::string_view(p.district), std::string_view(p.category), std::string_view(p.fitness),
          std::string_view(p.address), std::string_view(p.email), std::string_view(p.phone)}) {
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
  MUSTER_ASSIGN_OR_RETURN(Rows known, pg_.Query("SELECT EXISTS (SELECT 1 FROM unnest($1::text::text[]) AS b (id) "
                                                "JOIN persons p ON p.national_id = b.id)",
                                                Params().Add(id_array)));
  if (known.View(0, 0) == "f") {
    MUSTER_RETURN_IF_ERROR(pg_.CopyIn(fmt::format("COPY persons ({}) FROM STDIN", kCopiedPersonColumns), data));
    return std::vector<UpsertOutcome>(persons.size(), UpsertOutcome::kInserted);
  }
  MUSTER_RETURN_IF_ERROR(
      pg_.Exec("CREATE TEMP TABLE IF NOT EXISTS persons_in (national_id TEXT, surname TEXT, given_name TEXT, "
               "patronymic TEXT, birth_date TEXT, sex TEXT, district TEXT, category TEXT, fitness TEXT, address TEXT, "
               "email TEXT, phone TEXT, status TEXT) ON COMMIT DELETE ROWS"));
  MUSTER_RETURN_IF_ERROR(pg_.CopyIn(fmt::format("COPY persons_in ({}) FROM STDIN", kCopiedPersonColumns), data));
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows, pg_.Query(fmt::format(
                     "INSERT INTO persons AS p ({}) SELECT * FROM persons_in {}RETURNING p.national_id, (xmax = 0)",
                     kCopiedPersonColumns, kUpdateWhenChanged)));
  // Emptied now, not only at commit: a second batch in the same write starts from nothing.
  MUSTER_RETURN_IF_ERROR(pg_.Exec("TRUNCATE persons_in"));
  std::vector<UpsertOutcome> outcomes(persons.size(), UpsertOutcome::kUnchanged);
  for (int r = 0; r < rows.size(); ++r) {
    auto it = position.find(rows.View(r, 0));
    if (it == position.end()) return Status::Internal("upsert returned a national ID it was not given");
    outcomes[it->second] = rows.View(r, 1) == "t" ? UpsertOutcome::kInserted : UpsertOutcome::kUpdated;
  }
  return outcomes;
}

Result<std::vector<Person>> PgPersons::Search(const PersonSearch& search) {
  // All districts in one query; ILIKE folds the case of every letter. Ordered by bytes, as the
  // shared SQL sorts, whatever the database's collation.
  static const std::string kSql = fmt::format(
      "SELECT {0} FROM persons p WHERE p.district {1} AND "
      "p.surname || ' ' || p.given_name || ' ' || p.patronymic ILIKE $2::text AND "
      "p.surname || ' ' || p.given_name || ' ' || p.patronymic ILIKE $3::text AND "
      "p.surname || ' ' || p.given_name || ' ' || p.patronymic ILIKE $4::text AND "
      "p.surname || ' ' || p.given_name || ' ' || p.patronymic ILIKE $5::text "
      "ORDER BY p.surname COLLATE \"C\", p.given_name COLLATE \"C\", "
      "p.national_id COLLATE \"C\" LIMIT $6",
      kPersonColumns, conn_.InList(1, sql::ListOf::kText));
  const auto patterns = PersonSearchPatterns(search.text);
  std::string districts = conn_.EncodeList(std::span<const std::string>(search.districts));
  sql::Args args;
  args.Add(districts);
  for (const std::string& pattern : patterns) args.Add(pattern);
  args.Add(static_cast<int64_t>(search.limit));
  return sql::Collect<Person>(conn_, kSql, args, ReadPerson);
}

Status PgPersons::ScanCandidates(const std::vector<std::string>& districts,
                                 const std::function<void(const Candidate&)>& fn) {
  std::string list = TextArray(districts);
  Candidate c;
  return pg_.ForEach(fmt::format("SELECT id, national_id, birth_date, district, category, fitness, status FROM persons "
                                 "WHERE district = {} ORDER BY id",
                                 AnyOfArray(1, "text")),
                     Params().Add(list), [&](const Rows& r) {
                       c.person_id = r.Int(0, 0);
                       c.national_id = r.Text(0, 1);
                       c.birth_date = DateColumn(r, 0, 2);
                       c.district = r.Text(0, 3);
                       c.category = r.Text(0, 4);
                       c.fitness = r.Text(0, 5);
                       c.status = ParsePersonStatus(r.View(0, 6)).value_or(PersonStatus::kActive);
                       fn(c);
                       return Status::Ok();
                     });
}

}  // namespace muster::postgres

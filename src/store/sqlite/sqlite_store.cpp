#include "store/sqlite/sqlite_store.hpp"

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <mutex>

#include "store/migrations.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace muster::sqlite {
namespace {

int64_t Millis(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp FromMillis(int64_t ms) { return Timestamp{std::chrono::milliseconds(ms)}; }

CivilDate DateColumn(const Statement& s, int column) {
  auto date = ParseCivilDate(s.Text(column));
  return date.ok() ? *date : CivilDate{};
}

std::optional<Timestamp> OptColumn(const Statement& s, int column) {
  if (s.IsNull(column)) return std::nullopt;
  return FromMillis(s.Int(column));
}

std::optional<int64_t> OptMillis(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return Millis(*t);
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// Every row of `s`, read by `read`.
template <typename T, typename Read>
Result<std::vector<T>> Collect(Statement& s, Read read) {
  std::vector<T> out;
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(read(s));
  }
  return out;
}

// The one row of `s`, or NotFound with `missing`.
template <typename T, typename Read>
Result<T> One(Statement& s, Read read, std::string missing) {
  MUSTER_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Status::NotFound(std::move(missing));
  T value = read(s);
  s.Reset();
  return value;
}

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

constexpr std::string_view kDefermentColumns =
    "d.id, p.national_id, d.kind, d.until_date, d.basis, d.ended_at, d.created_by, d.created_at";

Deferment ReadDeferment(const Statement& s) {
  Deferment d;
  d.id = DefermentId{s.Int(0)};
  d.national_id = s.Text(1);
  d.kind = s.Text(2);
  d.until = DateColumn(s, 3);
  d.basis = s.Text(4);
  if (!s.IsNull(5)) d.ended_at = FromMillis(s.Int(5));
  d.created_by = s.Text(6);
  d.created_at = FromMillis(s.Int(7));
  return d;
}

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Database& db) : db_(db) {}

  Status InsertOffice(const Office& o) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "INSERT INTO offices (code, name, region, timezone, daily_capacity) VALUES (?1, ?2, ?3, ?4, ?5)"));
    s->Bind(1, o.code).Bind(2, o.name).Bind(3, o.region).Bind(4, o.timezone).Bind(5, int64_t{o.daily_capacity});
    Status st = s->Run();
    if (st.IsAlreadyExists()) return Status::AlreadyExists(fmt::format("office {} already exists", o.code));
    return st;
  }

  Result<UpsertOutcome> UpsertOffice(const Office& o) override {
    auto existing = GetOffice(o.code);
    if (existing.ok()) {
      if (*existing == o) return UpsertOutcome::kUnchanged;
      MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
          "UPDATE offices SET name = ?2, region = ?3, timezone = ?4, daily_capacity = ?5 WHERE code = ?1"));
      s->Bind(1, o.code).Bind(2, o.name).Bind(3, o.region).Bind(4, o.timezone).Bind(5, int64_t{o.daily_capacity});
      MUSTER_RETURN_IF_ERROR(s->Run());
      return UpsertOutcome::kUpdated;
    }
    if (!existing.status().IsNotFound()) return existing.status();
    MUSTER_RETURN_IF_ERROR(InsertOffice(o));
    return UpsertOutcome::kInserted;
  }

  Result<std::vector<Office>> ListOffices() override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "SELECT code, name, region, timezone, daily_capacity FROM offices ORDER BY code"));
    std::vector<Office> out;
    while (true) {
      MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(ReadOffice(*s));
    }
    return out;
  }

  Result<Office> GetOffice(std::string_view code) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "SELECT code, name, region, timezone, daily_capacity FROM offices WHERE code = ?1"));
    s->Bind(1, code);
    MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound(fmt::format("no office with code '{}'", code));
    Office office = ReadOffice(*s);
    s->Reset();
    return office;
  }

  Result<UpsertOutcome> UpsertPerson(const Person& p) override {
    // version counts changes: 1 after an insert, more after an update; no row when unchanged.
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "INSERT INTO persons (national_id, surname, given_name, patronymic, birth_date, sex, district, "
        "category, fitness, address, email, phone, status) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
        "ON CONFLICT (national_id) DO UPDATE SET surname = excluded.surname, given_name = excluded.given_name, "
        "patronymic = excluded.patronymic, birth_date = excluded.birth_date, sex = excluded.sex, "
        "district = excluded.district, category = excluded.category, fitness = excluded.fitness, "
        "address = excluded.address, email = excluded.email, phone = excluded.phone, status = excluded.status, "
        "version = persons.version + 1 "
        "WHERE (persons.surname, persons.given_name, persons.patronymic, persons.birth_date, persons.sex, "
        "persons.district, persons.category, persons.fitness, persons.address, persons.email, persons.phone, "
        "persons.status) IS NOT (excluded.surname, excluded.given_name, excluded.patronymic, "
        "excluded.birth_date, excluded.sex, excluded.district, excluded.category, excluded.fitness, "
        "excluded.address, excluded.email, excluded.phone, excluded.status) "
        "RETURNING version"));
    BindPerson(*s, p);
    MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return UpsertOutcome::kUnchanged;
    int64_t version = s->Int(0);
    s->Reset();
    return version == 1 ? UpsertOutcome::kInserted : UpsertOutcome::kUpdated;
  }

  Result<Person> GetPerson(std::string_view national_id) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        fmt::format("SELECT {} FROM persons p WHERE p.national_id = ?1", kPersonColumns)));
    s->Bind(1, national_id);
    MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound(fmt::format("no person with national ID {}", national_id));
    Person person = ReadPerson(*s);
    s->Reset();
    return person;
  }

  Result<std::vector<Person>> ListPersons(const PersonFilter& f) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format(
        "SELECT {} FROM persons p WHERE (?1 IS NULL OR p.district = ?1) AND p.national_id > ?2 "
        "ORDER BY p.national_id LIMIT ?3", kPersonColumns)));
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

  Result<int64_t> CountPersons() override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare("SELECT count(*) FROM persons"));
    MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
    int64_t n = row ? s->Int(0) : 0;
    s->Reset();
    return n;
  }

  Result<DefermentId> InsertDeferment(const Deferment& d) override {
    MUSTER_ASSIGN_OR_RETURN(Person person, GetPerson(d.national_id));
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "INSERT INTO deferments (person_id, kind, until_date, basis, ended_at, created_by, created_at) "
        "VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6)"));
    s->Bind(1, person.id.value).Bind(2, d.kind).Bind(3, FormatCivilDate(d.until)).Bind(4, d.basis);
    s->Bind(5, d.created_by).Bind(6, Millis(d.created_at));
    MUSTER_RETURN_IF_ERROR(s->Run());
    return DefermentId{db_.LastInsertRowId()};
  }

  Result<Deferment> GetDeferment(DefermentId id) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format(
        "SELECT {} FROM deferments d JOIN persons p ON p.id = d.person_id WHERE d.id = ?1", kDefermentColumns)));
    s->Bind(1, id.value);
    MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Status::NotFound(fmt::format("no deferment with id {}", id.value));
    Deferment d = ReadDeferment(*s);
    s->Reset();
    return d;
  }

  Result<std::vector<Deferment>> ListDeferments(std::string_view national_id) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format(
        "SELECT {} FROM deferments d JOIN persons p ON p.id = d.person_id WHERE p.national_id = ?1 "
        "ORDER BY d.id", kDefermentColumns)));
    s->Bind(1, national_id);
    std::vector<Deferment> out;
    while (true) {
      MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(ReadDeferment(*s));
    }
    return out;
  }

  Status EndDeferment(DefermentId id, Timestamp ended_at) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "UPDATE deferments SET ended_at = ?2 WHERE id = ?1 AND ended_at IS NULL"));
    s->Bind(1, id.value).Bind(2, Millis(ended_at));
    MUSTER_RETURN_IF_ERROR(s->Run());
    if (db_.Changes() == 0) return Status::FailedPrecondition(fmt::format("deferment {} has already ended", id.value));
    return Status::Ok();
  }

  Result<std::vector<Deferment>> ListOpenDeferments() override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format(
        "SELECT {} FROM deferments d JOIN persons p ON p.id = d.person_id WHERE d.ended_at IS NULL ORDER BY d.id",
        kDefermentColumns)));
    return Collect<Deferment>(*s, ReadDeferment);
  }

  Result<int64_t> InsertCampaign(const Campaign& c) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "INSERT INTO campaigns (kind, name, basis, districts, age_min, age_max, categories, fitness, quota, "
        "appear_from, appear_until, place, purpose, created_by, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"));
    s->Bind(1, c.kind).Bind(2, c.name).Bind(3, c.basis).Bind(4, Join(c.districts)).Bind(5, int64_t{c.age_min});
    s->Bind(6, int64_t{c.age_max}).Bind(7, Join(c.categories)).Bind(8, Join(c.fitness)).Bind(9, c.quota);
    s->Bind(10, FormatCivilDate(c.appear_from)).Bind(11, FormatCivilDate(c.appear_until)).Bind(12, c.place);
    s->Bind(13, c.purpose).Bind(14, c.created_by).Bind(15, Millis(c.created_at));
    MUSTER_RETURN_IF_ERROR(s->Run());
    return db_.LastInsertRowId();
  }

  static constexpr std::string_view kCampaignSelect =
      "SELECT id, kind, name, basis, districts, age_min, age_max, categories, fitness, quota, appear_from, "
      "appear_until, place, purpose, created_by, created_at FROM campaigns";

  static Campaign ReadCampaign(const Statement& s) {
    Campaign c;
    c.id = s.Int(0);
    c.kind = s.Text(1);
    c.name = s.Text(2);
    c.basis = s.Text(3);
    c.districts = Split(s.Text(4));
    c.age_min = static_cast<int>(s.Int(5));
    c.age_max = static_cast<int>(s.Int(6));
    c.categories = Split(s.Text(7));
    c.fitness = Split(s.Text(8));
    c.quota = s.Int(9);
    c.appear_from = DateColumn(s, 10);
    c.appear_until = DateColumn(s, 11);
    c.place = s.Text(12);
    c.purpose = s.Text(13);
    c.created_by = s.Text(14);
    c.created_at = FromMillis(s.Int(15));
    return c;
  }

  Result<Campaign> GetCampaign(int64_t id) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} WHERE id = ?1", kCampaignSelect)));
    s->Bind(1, id);
    return One<Campaign>(*s, ReadCampaign, fmt::format("no campaign with id {}", id));
  }

  Result<std::vector<Campaign>> ListCampaigns() override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} ORDER BY id", kCampaignSelect)));
    return Collect<Campaign>(*s, ReadCampaign);
  }

  Status ScanCandidates(const std::vector<std::string>& districts,
                        const std::function<void(const Candidate&)>& fn) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "SELECT id, national_id, birth_date, district, category, fitness, status FROM persons "
        "WHERE district IN (SELECT value FROM json_each(?1)) ORDER BY id"));
    std::string list = "[";
    for (size_t i = 0; i < districts.size(); ++i) {
      if (i) list += ',';
      list += '"' + districts[i] + '"';  // office codes are [A-Za-z0-9_-]
    }
    list += ']';
    s->Bind(1, list);
    Candidate c;
    while (true) {
      MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      c.person_id = s->Int(0);
      c.national_id = s->Text(1);
      c.birth_date = DateColumn(*s, 2);
      c.district = s->Text(3);
      c.category = s->Text(4);
      c.fitness = s->Text(5);
      c.status = ParsePersonStatus(s->Text(6)).value_or(PersonStatus::kActive);
      fn(c);
    }
    return Status::Ok();
  }

  Result<std::vector<int64_t>> CampaignPersonIds(int64_t campaign_id) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare("SELECT person_id FROM summonses WHERE campaign_id = ?1"));
    s->Bind(1, campaign_id);
    return Collect<int64_t>(*s, [](const Statement& st) { return st.Int(0); });
  }

  Status ForEachAppointment(Timestamp from, Timestamp to,
                            const std::function<void(std::string_view, Timestamp)>& fn) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "SELECT office, appear_at FROM summonses WHERE appear_at >= ?1 AND appear_at < ?2 AND state <> 'cancelled'"));
    s->Bind(1, Millis(from)).Bind(2, Millis(to));
    while (true) {
      MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      fn(s->Text(0), FromMillis(s->Int(1)));
    }
    return Status::Ok();
  }

  Result<std::vector<std::pair<std::string, int64_t>>> CountSummonsByState(std::optional<int64_t> campaign) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "SELECT state, count(*) FROM summonses WHERE ?1 IS NULL OR campaign_id = ?1 GROUP BY state ORDER BY state"));
    s->Bind(1, campaign);
    return Collect<std::pair<std::string, int64_t>>(*s, [](const Statement& st) {
      return std::pair<std::string, int64_t>(st.Text(0), st.Int(1));
    });
  }

  Result<int64_t> MaxSummonsId() override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare("SELECT coalesce(max(id), 0) FROM summonses"));
    return One<int64_t>(*s, [](const Statement& st) { return st.Int(0); }, "");
  }

  Status InsertSummons(const Summons& m) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "INSERT INTO summonses (id, number, person_id, office, kind, campaign_id, appear_at, place, purpose, state, "
        "issued_at, issued_by, delivered_at, viewed_at, appeared_at, closed_at, close_reason, override_reason, "
        "override_approved_by) VALUES (?1, ?2, coalesce(?20, (SELECT id FROM persons WHERE national_id = ?3)), ?4, ?5, "
        "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"));
    s->Bind(1, m.id).Bind(2, m.number).Bind(3, m.national_id).Bind(4, m.office).Bind(5, m.kind);
    s->Bind(6, m.campaign_id).Bind(7, Millis(m.appear_at)).Bind(8, m.place).Bind(9, m.purpose);
    s->Bind(10, SummonsStateName(m.state)).Bind(11, Millis(m.issued_at)).Bind(12, m.issued_by);
    s->Bind(13, OptMillis(m.delivered_at)).Bind(14, OptMillis(m.viewed_at)).Bind(15, OptMillis(m.appeared_at));
    s->Bind(16, OptMillis(m.closed_at)).Bind(17, m.close_reason).Bind(18, m.override_reason);
    s->Bind(19, m.override_approved_by);
    s->Bind(20, m.person_id ? std::optional<int64_t>(m.person_id) : std::nullopt);
    Status st = s->Run();
    if (st.IsAlreadyExists() && m.campaign_id) {
      return Status::AlreadyExists(
          fmt::format("{} already has a summons in campaign {}", m.national_id, *m.campaign_id));
    }
    return st;
  }

  Status UpdateSummons(const Summons& m) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "UPDATE summonses SET state = ?2, delivered_at = ?3, viewed_at = ?4, appeared_at = ?5, closed_at = ?6, "
        "close_reason = ?7 WHERE id = ?1"));
    s->Bind(1, m.id).Bind(2, SummonsStateName(m.state)).Bind(3, OptMillis(m.delivered_at));
    s->Bind(4, OptMillis(m.viewed_at)).Bind(5, OptMillis(m.appeared_at)).Bind(6, OptMillis(m.closed_at));
    s->Bind(7, m.close_reason);
    return s->Run();
  }

  static constexpr std::string_view kSummonsSelect =
      "SELECT s.id, s.number, p.national_id, s.office, s.kind, s.campaign_id, s.appear_at, s.place, s.purpose, "
      "s.state, s.issued_at, s.issued_by, s.delivered_at, s.viewed_at, s.appeared_at, s.closed_at, s.close_reason, "
      "s.override_reason, s.override_approved_by, s.person_id FROM summonses s JOIN persons p ON p.id = s.person_id";

  static Summons ReadSummons(const Statement& s) {
    Summons m;
    m.id = s.Int(0);
    m.number = s.Text(1);
    m.national_id = s.Text(2);
    m.office = s.Text(3);
    m.kind = s.Text(4);
    if (!s.IsNull(5)) m.campaign_id = s.Int(5);
    m.appear_at = FromMillis(s.Int(6));
    m.place = s.Text(7);
    m.purpose = s.Text(8);
    m.state = ParseSummonsState(s.Text(9)).value_or(SummonsState::kIssued);
    m.issued_at = FromMillis(s.Int(10));
    m.issued_by = s.Text(11);
    m.delivered_at = OptColumn(s, 12);
    m.viewed_at = OptColumn(s, 13);
    m.appeared_at = OptColumn(s, 14);
    m.closed_at = OptColumn(s, 15);
    m.close_reason = s.Text(16);
    m.override_reason = s.Text(17);
    m.override_approved_by = s.Text(18);
    m.person_id = s.Int(19);
    return m;
  }

  Result<Summons> GetSummons(std::string_view number) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} WHERE s.number = ?1", kSummonsSelect)));
    s->Bind(1, number);
    return One<Summons>(*s, ReadSummons, fmt::format("no summons with number {}", number));
  }

  Result<Summons> GetSummonsById(int64_t id) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} WHERE s.id = ?1", kSummonsSelect)));
    s->Bind(1, id);
    return One<Summons>(*s, ReadSummons, fmt::format("no summons with id {}", id));
  }

  Result<std::vector<Summons>> ListSummonsOfPerson(std::string_view national_id) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format(
        "{} WHERE p.national_id = ?1 ORDER BY s.issued_at DESC, s.id DESC", kSummonsSelect)));
    s->Bind(1, national_id);
    return Collect<Summons>(*s, ReadSummons);
  }

  Result<std::vector<Summons>> ListUndelivered(Timestamp issued_before, size_t limit) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format(
        "{} WHERE s.state = 'issued' AND s.issued_at <= ?1 LIMIT ?2", kSummonsSelect)));
    s->Bind(1, Millis(issued_before)).Bind(2, static_cast<int64_t>(limit));
    return Collect<Summons>(*s, ReadSummons);
  }

  Result<std::vector<Summons>> ListOverdue(Timestamp appear_before, size_t limit) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format(
        "{} WHERE s.state IN ('delivered', 'viewed') AND s.appear_at < ?1 AND NOT EXISTS "
        "(SELECT 1 FROM appeals a WHERE a.summons_id = s.id AND a.state = 'pending') LIMIT ?2", kSummonsSelect)));
    s->Bind(1, Millis(appear_before)).Bind(2, static_cast<int64_t>(limit));
    return Collect<Summons>(*s, ReadSummons);
  }

  Result<int64_t> InsertAppeal(const Appeal& a) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "INSERT INTO appeals (summons_id, reason, text, state, filed_by, filed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    s->Bind(1, a.summons_id).Bind(2, AppealReasonName(a.reason)).Bind(3, a.text).Bind(4, AppealStateName(a.state));
    s->Bind(5, a.filed_by).Bind(6, Millis(a.filed_at));
    MUSTER_RETURN_IF_ERROR(s->Run());
    return db_.LastInsertRowId();
  }

  Status UpdateAppeal(const Appeal& a) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "UPDATE appeals SET state = ?2, decided_by = ?3, decided_at = ?4, decision_reason = ?5 WHERE id = ?1"));
    s->Bind(1, a.id).Bind(2, AppealStateName(a.state)).Bind(3, a.decided_by).Bind(4, OptMillis(a.decided_at));
    s->Bind(5, a.decision_reason);
    return s->Run();
  }

  static constexpr std::string_view kAppealSelect =
      "SELECT a.id, a.summons_id, s.number, a.reason, a.text, a.state, a.filed_by, a.filed_at, a.decided_by, "
      "a.decided_at, a.decision_reason FROM appeals a JOIN summonses s ON s.id = a.summons_id";

  static Appeal ReadAppeal(const Statement& s) {
    Appeal a;
    a.id = s.Int(0);
    a.summons_id = s.Int(1);
    a.summons_number = s.Text(2);
    a.reason = ParseAppealReason(s.Text(3)).value_or(AppealReason::kOther);
    a.text = s.Text(4);
    a.state = ParseAppealState(s.Text(5)).value_or(AppealState::kPending);
    a.filed_by = s.Text(6);
    a.filed_at = FromMillis(s.Int(7));
    a.decided_by = s.Text(8);
    a.decided_at = OptColumn(s, 9);
    a.decision_reason = s.Text(10);
    return a;
  }

  Result<Appeal> GetAppeal(int64_t id) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} WHERE a.id = ?1", kAppealSelect)));
    s->Bind(1, id);
    return One<Appeal>(*s, ReadAppeal, fmt::format("no appeal with id {}", id));
  }

  Result<std::vector<Appeal>> ListAppeals(std::optional<AppealState> state, std::optional<int64_t> summons_id) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format(
        "{} WHERE (?1 IS NULL OR a.state = ?1) AND (?2 IS NULL OR a.summons_id = ?2) ORDER BY a.id", kAppealSelect)));
    if (state) {
      s->Bind(1, AppealStateName(*state));
    } else {
      s->BindNull(1);
    }
    s->Bind(2, summons_id);
    return Collect<Appeal>(*s, ReadAppeal);
  }

  Result<int64_t> InsertRestriction(const Restriction& r) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "INSERT INTO restrictions (person_id, summons_id, kind, imposed_at, effective_at, lifted_at, lift_reason) "
        "VALUES (coalesce(?8, (SELECT id FROM persons WHERE national_id = ?1)), ?2, ?3, ?4, ?5, ?6, ?7)"));
    s->Bind(8, r.person_id ? std::optional<int64_t>(r.person_id) : std::nullopt);
    s->Bind(1, r.national_id).Bind(2, r.summons_id).Bind(3, r.kind).Bind(4, Millis(r.imposed_at));
    s->Bind(5, Millis(r.effective_at)).Bind(6, OptMillis(r.lifted_at)).Bind(7, r.lift_reason);
    MUSTER_RETURN_IF_ERROR(s->Run());
    return db_.LastInsertRowId();
  }

  Status UpdateRestriction(const Restriction& r) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "UPDATE restrictions SET lifted_at = ?2, lift_reason = ?3 WHERE id = ?1"));
    s->Bind(1, r.id).Bind(2, OptMillis(r.lifted_at)).Bind(3, r.lift_reason);
    return s->Run();
  }

  static constexpr std::string_view kRestrictionSelect =
      "SELECT r.id, p.national_id, r.summons_id, s.number, r.kind, r.imposed_at, r.effective_at, r.lifted_at, "
      "r.lift_reason, r.person_id FROM restrictions r JOIN persons p ON p.id = r.person_id JOIN summonses s ON s.id = r.summons_id";

  static Restriction ReadRestriction(const Statement& s) {
    Restriction r;
    r.id = s.Int(0);
    r.national_id = s.Text(1);
    r.summons_id = s.Int(2);
    r.summons_number = s.Text(3);
    r.kind = s.Text(4);
    r.imposed_at = FromMillis(s.Int(5));
    r.effective_at = FromMillis(s.Int(6));
    r.lifted_at = OptColumn(s, 7);
    r.lift_reason = s.Text(8);
    r.person_id = s.Int(9);
    return r;
  }

  Result<std::vector<Restriction>> ListRestrictionsOfSummons(int64_t summons_id) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} WHERE r.summons_id = ?1 ORDER BY r.id",
                                                                   kRestrictionSelect)));
    s->Bind(1, summons_id);
    return Collect<Restriction>(*s, ReadRestriction);
  }

  Result<std::vector<Restriction>> ListRestrictionsOfPerson(std::string_view national_id) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} WHERE p.national_id = ?1 ORDER BY r.id",
                                                                   kRestrictionSelect)));
    s->Bind(1, national_id);
    return Collect<Restriction>(*s, ReadRestriction);
  }

  Status ForEachActiveRestriction(std::string_view kind, const std::function<void(const Restriction&)>& fn) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format(
        "{} WHERE r.kind = ?1 AND r.lifted_at IS NULL", kRestrictionSelect)));
    s->Bind(1, kind);
    while (true) {
      MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      fn(ReadRestriction(*s));
    }
    return Status::Ok();
  }

  Result<int64_t> InsertOverride(const OverrideRequest& o) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "INSERT INTO overrides (person_id, office, kind, appear_at, place, purpose, reasons, justification, "
        "requested_by, requested_at, state) VALUES ((SELECT id FROM persons WHERE national_id = ?1), ?2, ?3, ?4, ?5, "
        "?6, ?7, ?8, ?9, ?10, ?11)"));
    s->Bind(1, o.national_id).Bind(2, o.office).Bind(3, o.kind).Bind(4, Millis(o.appear_at)).Bind(5, o.place);
    s->Bind(6, o.purpose).Bind(7, Join(o.reasons)).Bind(8, o.justification).Bind(9, o.requested_by);
    s->Bind(10, Millis(o.requested_at)).Bind(11, OverrideStateName(o.state));
    MUSTER_RETURN_IF_ERROR(s->Run());
    return db_.LastInsertRowId();
  }

  Status UpdateOverride(const OverrideRequest& o) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "UPDATE overrides SET state = ?2, decided_by = ?3, decided_at = ?4, summons_id = ?5 WHERE id = ?1"));
    s->Bind(1, o.id).Bind(2, OverrideStateName(o.state)).Bind(3, o.decided_by).Bind(4, OptMillis(o.decided_at));
    s->Bind(5, o.summons_id);
    return s->Run();
  }

  Result<OverrideRequest> GetOverride(int64_t id) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "SELECT o.id, p.national_id, o.office, o.kind, o.appear_at, o.place, o.purpose, o.reasons, o.justification, "
        "o.requested_by, o.requested_at, o.state, o.decided_by, o.decided_at, o.summons_id FROM overrides o "
        "JOIN persons p ON p.id = o.person_id WHERE o.id = ?1"));
    s->Bind(1, id);
    return One<OverrideRequest>(*s, [](const Statement& st) {
      OverrideRequest o;
      o.id = st.Int(0);
      o.national_id = st.Text(1);
      o.office = st.Text(2);
      o.kind = st.Text(3);
      o.appear_at = FromMillis(st.Int(4));
      o.place = st.Text(5);
      o.purpose = st.Text(6);
      o.reasons = Split(st.Text(7));
      o.justification = st.Text(8);
      o.requested_by = st.Text(9);
      o.requested_at = FromMillis(st.Int(10));
      o.state = ParseOverrideState(st.Text(11)).value_or(OverrideState::kPending);
      o.decided_by = st.Text(12);
      o.decided_at = OptColumn(st, 13);
      if (!st.IsNull(14)) o.summons_id = st.Int(14);
      return o;
    }, fmt::format("no override request with id {}", id));
  }

  Status InsertExitCheck(std::string_view reference, std::string_view national_id, std::string_view decision,
                         std::string_view asked_by, Timestamp asked_at) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "INSERT INTO exit_checks (reference, national_id, decision, asked_by, asked_at) VALUES (?1, ?2, ?3, ?4, ?5)"));
    s->Bind(1, reference).Bind(2, national_id).Bind(3, decision).Bind(4, asked_by).Bind(5, Millis(asked_at));
    return s->Run();
  }

  Result<int64_t> AppendEvent(const Event& e) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "INSERT INTO events (type, at, actor, subject, payload) VALUES (?1, ?2, ?3, ?4, ?5)"));
    s->Bind(1, e.type).Bind(2, Millis(e.at)).Bind(3, e.actor).Bind(4, e.subject).Bind(5, e.payload);
    MUSTER_RETURN_IF_ERROR(s->Run());
    return db_.LastInsertRowId();
  }

  Result<std::vector<Event>> ListEvents(int64_t after_seq, size_t limit) override {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(
        "SELECT seq, type, at, actor, subject, payload FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2"));
    s->Bind(1, after_seq).Bind(2, static_cast<int64_t>(limit));
    return Collect<Event>(*s, [](const Statement& st) {
      return Event{st.Int(0), st.Text(1), FromMillis(st.Int(2)), st.Text(3), st.Text(4), st.Text(5)};
    });
  }

 private:
  static void BindPerson(Statement& s, const Person& p) {
    s.Bind(1, p.national_id).Bind(2, p.surname).Bind(3, p.given_name).Bind(4, p.patronymic);
    s.Bind(5, FormatCivilDate(p.birth_date)).Bind(6, std::string_view(&p.sex, 1)).Bind(7, p.district);
    s.Bind(8, p.category).Bind(9, p.fitness).Bind(10, p.address).Bind(11, p.email).Bind(12, p.phone);
    s.Bind(13, PersonStatusName(p.status));
  }

  Database& db_;
};

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}

  Status Write(const std::function<Status(Tx&)>& work) override { return Transact("BEGIN IMMEDIATE", work); }
  Status Read(const std::function<Status(Tx&)>& work) override { return Transact("BEGIN", work); }

  int SchemaVersion() override {
    std::lock_guard lock(mu_);
    return CurrentVersion();
  }

  Status Migrate() {
    std::lock_guard lock(mu_);
    MUSTER_RETURN_IF_ERROR(db_->Exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at INTEGER NOT NULL)"));
    int current = CurrentVersion();
    auto migrations = Migrations();
    int known = migrations.empty() ? 0 : migrations.back().version;
    if (current > known) {
      return Status::FailedPrecondition(fmt::format(
          "the database schema is at version {}, newer than this muster knows ({}); use a newer muster",
          current, known));
    }
    for (const Migration& m : migrations) {
      if (m.version <= current) continue;
      MUSTER_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
      Status st = db_->Exec(m.sql);
      if (st.ok()) {
        auto s = db_->Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)");
        if (!s.ok()) {
          st = s.status();
        } else {
          (*s)->Bind(1, int64_t{m.version}).Bind(2, m.name).Bind(3, Millis(SystemClock().Now()));
          st = (*s)->Run();
        }
      }
      if (!st.ok()) {
        (void)db_->Exec("ROLLBACK");
        return st.WithContext(fmt::format("migration {:04}_{}", m.version, m.name));
      }
      MUSTER_RETURN_IF_ERROR(db_->Exec("COMMIT"));
    }
    return Status::Ok();
  }

 private:
  int CurrentVersion() {
    auto s = db_->Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!s.ok()) return 0;
    auto row = (*s)->Step();
    int v = (row.ok() && *row) ? static_cast<int>((*s)->Int(0)) : 0;
    (*s)->Reset();
    return v;
  }

  Status Transact(std::string_view begin, const std::function<Status(Tx&)>& work) {
    std::lock_guard lock(mu_);
    MUSTER_RETURN_IF_ERROR(db_->Exec(begin));
    SqliteTx tx(*db_);
    Status st;
    try {
      st = work(tx);
    } catch (...) {
      (void)db_->Exec("ROLLBACK");
      throw;
    }
    if (!st.ok()) {
      (void)db_->Exec("ROLLBACK");
      return st;
    }
    st = db_->Exec("COMMIT");
    if (!st.ok()) (void)db_->Exec("ROLLBACK");
    return st;
  }

  std::mutex mu_;
  std::unique_ptr<Database> db_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const StoreOptions& options) {
  struct stat st {};
  if (!options.create && ::stat(path.c_str(), &st) != 0) {
    return Status::NotFound(fmt::format("no database at '{}'; run `muster init` first (or pass --db)", path));
  }
  MUSTER_ASSIGN_OR_RETURN(auto db, Database::Open(path, options.create));
  MUSTER_RETURN_IF_ERROR(db->Exec(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
      "PRAGMA busy_timeout = 10000; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;").WithContext(path));
  auto store = std::make_unique<SqliteStore>(std::move(db));
  MUSTER_RETURN_IF_ERROR(store->Migrate());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace muster::sqlite

namespace muster {

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return Status::InvalidArgument("PostgreSQL databases are not supported by this build yet");
  }
  return sqlite::OpenSqliteStore(url, options);
}

}  // namespace muster

// Tx on SQLite: campaigns, events.
#include <fmt/format.h>

#include <algorithm>

#include "store/sqlite/sqlite_tx.hpp"

namespace muster::sqlite {
namespace {

constexpr std::string_view kCampaignSelect =
    "SELECT id, kind, name, basis, districts, age_min, age_max, categories, fitness, quota, appear_from, "
    "appear_until, place, purpose, created_by, created_at FROM campaigns";

Campaign ReadCampaign(const Statement& s) {
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

Event ReadEvent(const Statement& s) {
  return Event{s.Int(0), s.Text(1), FromMillis(s.Int(2)), s.Text(3), s.Text(4), s.Text(5)};
}

}  // namespace

Result<std::vector<Deferment>> SqliteTx::ListOpenDeferments() {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(fmt::format(
          "SELECT {} FROM deferments d JOIN persons p ON p.id = d.person_id WHERE d.ended_at IS NULL ORDER BY d.id",
          kDefermentColumns)));
  return Collect<Deferment>(*s, ReadDeferment);
}

Result<int64_t> SqliteTx::InsertCampaign(const Campaign& c) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare("INSERT INTO campaigns (kind, name, basis, districts, age_min, age_max, categories, fitness, quota, "
                  "appear_from, appear_until, place, purpose, created_by, created_at) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"));
  s->Bind(1, c.kind).Bind(2, c.name).Bind(3, c.basis).Bind(4, Join(c.districts)).Bind(5, int64_t{c.age_min});
  s->Bind(6, int64_t{c.age_max}).Bind(7, Join(c.categories)).Bind(8, Join(c.fitness)).Bind(9, c.quota);
  s->Bind(10, FormatCivilDate(c.appear_from)).Bind(11, FormatCivilDate(c.appear_until)).Bind(12, c.place);
  s->Bind(13, c.purpose).Bind(14, c.created_by).Bind(15, Millis(c.created_at));
  MUSTER_RETURN_IF_ERROR(s->Run());
  return db_.LastInsertRowId();
}

Result<Campaign> SqliteTx::GetCampaign(int64_t id) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} WHERE id = ?1", kCampaignSelect)));
  s->Bind(1, id);
  return One<Campaign>(*s, ReadCampaign, fmt::format("no campaign with id {}", id));
}

Result<std::vector<Campaign>> SqliteTx::ListCampaigns() {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} ORDER BY id", kCampaignSelect)));
  return Collect<Campaign>(*s, ReadCampaign);
}

Status SqliteTx::ScanCandidates(const std::vector<std::string>& districts,
                                const std::function<void(const Candidate&)>& fn) {
  MUSTER_ASSIGN_OR_RETURN(
      // A scan of the whole table in id order: no sort, and linear in the registry whatever the
      // districts. Through persons_by_district a campaign over every district took 4.7 times as
      // long (a lookup per person, then sorting them by id); over one district of fifty, the
      // scan costs 0.07 s more per million persons.
      Statement * s, db_.Prepare("SELECT id, national_id, birth_date, district, category, fitness, status "
                                 "FROM persons NOT INDEXED WHERE district IN (SELECT value FROM json_each(?1)) "
                                 "ORDER BY id"));
  s->Bind(1, JsonList(districts));
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

Result<std::vector<int64_t>> SqliteTx::CampaignPersonIds(int64_t campaign_id) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare("SELECT person_id FROM summonses WHERE campaign_id = ?1"));
  s->Bind(1, campaign_id);
  return Collect<int64_t>(*s, [](const Statement& st) { return st.Int(0); });
}

Status SqliteTx::ForEachAppointment(Timestamp from, Timestamp to,
                                    const std::function<void(std::string_view, Timestamp)>& fn) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(
          "SELECT office, appear_at FROM summonses WHERE appear_at >= ?1 AND appear_at < ?2 AND state <> 'cancelled'"));
  s->Bind(1, Millis(from)).Bind(2, Millis(to));
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    fn(s->Text(0), FromMillis(s->Int(1)));
  }
  return Status::Ok();
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteTx::CountSummonsByState(std::optional<int64_t> campaign) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(
          "SELECT state, count(*) FROM summonses WHERE ?1 IS NULL OR campaign_id = ?1 GROUP BY state ORDER BY state"));
  s->Bind(1, campaign);
  return Collect<std::pair<std::string, int64_t>>(
      *s, [](const Statement& st) { return std::pair<std::string, int64_t>(st.Text(0), st.Int(1)); });
}

Result<int64_t> SqliteTx::AppendEvent(const Event& e) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s, db_.Prepare("INSERT INTO events (type, at, actor, subject, payload) VALUES (?1, ?2, ?3, ?4, ?5)"));
  s->BindStatic(1, e.type).Bind(2, Millis(e.at)).BindStatic(3, e.actor).BindStatic(4, e.subject);
  s->BindStatic(5, e.payload);
  MUSTER_RETURN_IF_ERROR(s->Run());
  return db_.LastInsertRowId();
}

Result<std::vector<Event>> SqliteTx::ListEvents(int64_t after_seq, size_t limit) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare("SELECT seq, type, at, actor, subject, payload FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2"));
  s->Bind(1, after_seq).Bind(2, static_cast<int64_t>(limit));
  return Collect<Event>(*s, ReadEvent);
}

Result<std::vector<Event>> SqliteTx::ListEventsOfTypes(int64_t after_seq, std::span<const std::string_view> types,
                                                       size_t limit) {
  // The events after a seq are a range of the table's rowids: no index on type needed.
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare("SELECT seq, type, at, actor, subject, payload FROM events "
                                                     "WHERE seq > ?1 AND type IN (SELECT value FROM json_each(?2)) "
                                                     "ORDER BY seq LIMIT ?3"));
  s->Bind(1, after_seq).Bind(2, JsonList(types)).Bind(3, static_cast<int64_t>(limit));
  return Collect<Event>(*s, ReadEvent);
}

Result<int64_t> SqliteTx::LastEventSeq() { return db_.QueryInt("SELECT coalesce(max(seq), 0) FROM events"); }

Result<std::optional<Event>> SqliteTx::FindFirstEvent(std::string_view subject, std::string_view type) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare("SELECT seq, type, at, actor, subject, payload FROM events "
                                                     "WHERE subject = ?1 AND type = ?2 ORDER BY seq LIMIT 1"));
  s->Bind(1, subject).Bind(2, type);
  MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
  std::optional<Event> event;
  if (row) event = ReadEvent(*s);
  s->Reset();
  return event;
}

Result<std::vector<Event>> SqliteTx::ListEventsAbout(const std::vector<std::string>& subjects, size_t limit) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare("SELECT seq, type, at, actor, subject, payload FROM events "
                                                     "WHERE subject = ?1 ORDER BY seq DESC LIMIT ?2"));
  std::vector<Event> out;
  for (const auto& subject : subjects) {
    s->Reset();
    s->Bind(1, subject).Bind(2, static_cast<int64_t>(limit));
    MUSTER_ASSIGN_OR_RETURN(auto part, Collect<Event>(*s, ReadEvent));
    for (auto& e : part) out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const Event& a, const Event& b) { return a.seq > b.seq; });
  if (out.size() > limit) out.resize(limit);
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace muster::sqlite

// Tx on PostgreSQL: campaigns, events.
#include <fmt/format.h>

#include <algorithm>

#include "store/postgres/pg_tx.hpp"

namespace muster::postgres {
namespace {

constexpr std::string_view kCampaignSelect =
    "SELECT id, kind, name, basis, districts, age_min, age_max, categories, fitness, quota, appear_from, "
    "appear_until, place, purpose, created_by, created_at FROM campaigns";

Campaign ReadCampaign(const Rows& r, int i) {
  Campaign c;
  c.id = r.Int(i, 0);
  c.kind = r.Text(i, 1);
  c.name = r.Text(i, 2);
  c.basis = r.Text(i, 3);
  c.districts = Split(r.Text(i, 4));
  c.age_min = static_cast<int>(r.Int(i, 5));
  c.age_max = static_cast<int>(r.Int(i, 6));
  c.categories = Split(r.Text(i, 7));
  c.fitness = Split(r.Text(i, 8));
  c.quota = r.Int(i, 9);
  c.appear_from = DateColumn(r, i, 10);
  c.appear_until = DateColumn(r, i, 11);
  c.place = r.Text(i, 12);
  c.purpose = r.Text(i, 13);
  c.created_by = r.Text(i, 14);
  c.created_at = FromMillis(r.Int(i, 15));
  return c;
}

Event ReadEvent(const Rows& r, int i) {
  return Event{r.Int(i, 0), r.Text(i, 1), FromMillis(r.Int(i, 2)), r.Text(i, 3), r.Text(i, 4), r.Text(i, 5)};
}

}  // namespace

Result<std::vector<Deferment>> PgTx::ListOpenDeferments() {
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query(fmt::format("SELECT {} FROM deferments d JOIN persons p ON p.id = d.person_id "
                                                  "WHERE d.ended_at IS NULL ORDER BY d.id",
                                                  kDefermentColumns)));
  return Collect<Deferment>(rows, ReadDeferment);
}

Result<int64_t> PgTx::InsertCampaign(const Campaign& c) {
  std::string districts = Join(c.districts), categories = Join(c.categories), fitness = Join(c.fitness);
  std::string from = FormatCivilDate(c.appear_from), until = FormatCivilDate(c.appear_until);
  Params params;
  params.Add(c.kind).Add(c.name).Add(c.basis).Add(districts).Add(int64_t{c.age_min}).Add(int64_t{c.age_max});
  params.Add(categories).Add(fitness).Add(c.quota).Add(from).Add(until).Add(c.place).Add(c.purpose);
  params.Add(c.created_by).Add(Millis(c.created_at));
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query("INSERT INTO campaigns (kind, name, basis, districts, age_min, age_max, categories, fitness, quota, "
                  "appear_from, appear_until, place, purpose, created_by, created_at) "
                  "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                  params));
  return rows.Int(0, 0);
}

Result<Campaign> PgTx::GetCampaign(int64_t id) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query(fmt::format("{} WHERE id = $1", kCampaignSelect), Params().Add(id)));
  return One<Campaign>(rows, ReadCampaign, fmt::format("no campaign with id {}", id));
}

Result<std::vector<Campaign>> PgTx::ListCampaigns() {
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query(fmt::format("{} ORDER BY id", kCampaignSelect)));
  return Collect<Campaign>(rows, ReadCampaign);
}

Status PgTx::ScanCandidates(const std::vector<std::string>& districts,
                            const std::function<void(const Candidate&)>& fn) {
  std::string list = TextArray(districts);
  Candidate c;
  return conn_.ForEach(
      fmt::format("SELECT id, national_id, birth_date, district, category, fitness, status FROM persons "
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

Result<std::vector<int64_t>> PgTx::CampaignPersonIds(int64_t campaign_id) {
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query("SELECT person_id FROM summonses WHERE campaign_id = $1", Params().Add(campaign_id)));
  return Collect<int64_t>(rows, [](const Rows& r, int i) { return r.Int(i, 0); });
}

Status PgTx::ForEachAppointment(Timestamp from, Timestamp to,
                                const std::function<void(std::string_view, Timestamp)>& fn) {
  return conn_.ForEach(
      "SELECT office, appear_at FROM summonses WHERE appear_at >= $1 AND appear_at < $2 AND state <> 'cancelled'",
      Params().Add(Millis(from)).Add(Millis(to)), [&](const Rows& r) {
        fn(r.View(0, 0), FromMillis(r.Int(0, 1)));
        return Status::Ok();
      });
}

Result<std::vector<std::pair<std::string, int64_t>>> PgTx::CountSummonsByState(std::optional<int64_t> campaign) {
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query("SELECT state, count(*) FROM summonses WHERE $1::bigint IS NULL OR campaign_id = $1::bigint "
                  "GROUP BY state ORDER BY state",
                  Params().Add(campaign)));
  return Collect<std::pair<std::string, int64_t>>(
      rows, [](const Rows& r, int i) { return std::pair<std::string, int64_t>(r.Text(i, 0), r.Int(i, 1)); });
}

Result<int64_t> PgTx::AppendEvent(const Event& e) {
  if (!last_seq_) {
    MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT coalesce(max(seq), 0) FROM events"));
    last_seq_ = rows.Int(0, 0);
  }
  int64_t seq = *last_seq_ + 1;
  Params params;
  params.Add(seq).Add(e.type).Add(Millis(e.at)).Add(e.actor).Add(e.subject).Add(e.payload);
  // Events come by the thousand in bulk work: a multi-row INSERT, sent before anything else.
  MUSTER_RETURN_IF_ERROR(conn_.AddRow(
      kEventRows,
      "INSERT INTO events (seq, type, at, actor, subject, payload) SELECT * FROM unnest($1::text::bigint[], "
      "$2::text::text[], $3::text::bigint[], $4::text::text[], $5::text::text[], $6::text::text[])",
      params));
  last_seq_ = seq;
  return seq;
}

Result<std::vector<Event>> PgTx::ListEvents(int64_t after_seq, size_t limit) {
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query("SELECT seq, type, at, actor, subject, payload FROM events WHERE seq > $1 ORDER BY seq LIMIT $2",
                  Params().Add(after_seq).Add(static_cast<int64_t>(limit))));
  return Collect<Event>(rows, ReadEvent);
}

Result<std::vector<Event>> PgTx::ListEventsOfTypes(int64_t after_seq, std::span<const std::string_view> types,
                                                   size_t limit) {
  std::string list = TextArray(std::vector<std::string>(types.begin(), types.end()));
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query(fmt::format("SELECT seq, type, at, actor, subject, payload FROM events "
                                                  "WHERE seq > $1 AND type = {} ORDER BY seq LIMIT $3",
                                                  AnyOfArray(2, "text")),
                                      Params().Add(after_seq).Add(list).Add(static_cast<int64_t>(limit))));
  return Collect<Event>(rows, ReadEvent);
}

Result<int64_t> PgTx::LastEventSeq() {
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT coalesce(max(seq), 0) FROM events"));
  return rows.Int(0, 0);
}

Result<std::optional<Event>> PgTx::FindFirstEvent(std::string_view subject, std::string_view type) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT seq, type, at, actor, subject, payload FROM events "
                                                 "WHERE subject = $1 AND type = $2 ORDER BY seq LIMIT 1",
                                                 Params().Add(subject).Add(type)));
  if (rows.empty()) return std::optional<Event>();
  return std::optional<Event>(ReadEvent(rows, 0));
}

Result<std::vector<Event>> PgTx::ListEventsAbout(const std::vector<std::string>& subjects, size_t limit) {
  std::string list = TextArray(subjects);
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query(fmt::format("SELECT * FROM (SELECT seq, type, at, actor, subject, payload FROM events "
                                         "WHERE subject = {} ORDER BY seq DESC LIMIT $2) e ORDER BY seq",
                                         AnyOfArray(1, "text")),
                             Params().Add(list).Add(static_cast<int64_t>(limit))));
  return Collect<Event>(rows, ReadEvent);
}

}  // namespace muster::postgres

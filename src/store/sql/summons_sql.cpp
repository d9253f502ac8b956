// SummonsPort in SQL that both backends run; the statements differ only in SQLite's index hints.
#include "store/sql/summons_sql.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

namespace muster::sql {
namespace {

// `{from}` is where the statement names the table (`summonses s`, with any index hint).
constexpr std::string_view kSummonsSelect =
    "SELECT s.id, s.number, p.national_id, s.office, s.kind, s.campaign_id, s.appear_at, s.place, s.purpose, "
    "s.state, s.issued_at, s.issued_by, s.delivered_at, s.viewed_at, s.appeared_at, s.closed_at, s.close_reason, "
    "s.override_reason, s.override_approved_by, s.person_id FROM {} JOIN persons p ON p.id = s.person_id";

std::string SummonsSelect(std::string_view from = "summonses s") {
  return fmt::format(fmt::runtime(kSummonsSelect), from);
}

Summons ReadSummons(const Row& r) {
  Summons m;
  m.id = r.Int(0);
  m.number = r.Text(1);
  m.national_id = r.Text(2);
  m.office = r.Text(3);
  m.kind = r.Text(4);
  if (!r.IsNull(5)) m.campaign_id = CampaignId(r.Int(5));
  m.appear_at = FromMillis(r.Int(6));
  m.place = r.Text(7);
  m.purpose = r.Text(8);
  m.state = ParseSummonsState(r.View(9)).value_or(SummonsState::kIssued);
  m.issued_at = FromMillis(r.Int(10));
  m.issued_by = r.Text(11);
  m.delivered_at = OptTime(r, 12);
  m.viewed_at = OptTime(r, 13);
  m.appeared_at = OptTime(r, 14);
  m.closed_at = OptTime(r, 15);
  m.close_reason = r.Text(16);
  m.override_reason = r.Text(17);
  m.override_approved_by = r.Text(18);
  m.person_id = r.Int(19);
  return m;
}

int64_t ReadId(const Row& r) { return r.Int(0); }

// What makes a summons `s` overdue at $1: delivered or viewed, due before then, no appeal
// pending. Its first term is the WHERE clause of the index summonses_due (migration 0014) word
// for word, so that a query with it may use that index. On SQLite the appeal is looked up by
// summons: "+" keeps the planner off appeals_by_state, which would scan every pending appeal
// for each summons (PostgreSQL has no unary + on text, nor needs it).
std::string Overdue(Dialect dialect) {
  return fmt::format(
      "s.state IN ('delivered', 'viewed') AND s.appear_at < $1 AND NOT EXISTS "
      "(SELECT 1 FROM appeals a WHERE a.summons_id = s.id AND {}a.state = 'pending')",
      dialect == Dialect::kSqlite ? "+" : "");
}

// The statements of one engine, written once per process.
struct OverdueSql {
  std::string ids, of_ids, close, close_returning;
};

OverdueSql MakeOverdueSql(const Connection& conn) {
  const bool sqlite = conn.dialect() == Dialect::kSqlite;
  const std::string overdue = Overdue(conn.dialect());
  const std::string in_ids = conn.InList(2, ListOf::kInt);
  OverdueSql out;
  // On SQLite through the index of the summonses due to appear, which is in id order and holds
  // each one's appearance and state: no table row is read, and nothing is sorted.
  out.ids = fmt::format("SELECT s.id FROM summonses s{} WHERE {} ORDER BY s.id",
                        sqlite ? " INDEXED BY summonses_due" : "", overdue);
  // By id (on SQLite NOT INDEXED leaves the rowid lookups), not by scanning the overdue through
  // the index of summonses due for the ids of each batch.
  out.of_ids = fmt::format("{} WHERE s.id {} AND {} ORDER BY s.id",
                           SummonsSelect(sqlite ? "summonses s NOT INDEXED" : "summonses s"), in_ids, overdue);
  out.close = fmt::format("UPDATE summonses AS s{} SET state = $3, closed_at = $4 WHERE s.id {} AND {}",
                          sqlite ? " NOT INDEXED" : "", in_ids, overdue);
  out.close_returning = out.close + " RETURNING id";
  return out;
}

// Built at first use for each engine, then the same text for every call (statement caches).
const OverdueSql& OverdueStatements(const Connection& conn) {
  static OverdueSql made[2];
  static std::once_flag once[2];
  const int index = conn.dialect() == Dialect::kSqlite ? 0 : 1;
  std::call_once(once[index], [&] { made[index] = MakeOverdueSql(conn); });
  return made[index];
}

}  // namespace

const std::string& SqlSummons::CloseOverdueSql(const Connection& conn) { return OverdueStatements(conn).close; }

Result<int64_t> SqlSummons::MaxId() {
  return One<int64_t>(conn_, "SELECT coalesce(max(id), 0) FROM summonses", Args(), ReadId, "");
}

Status SqlSummons::Insert(const Summons& m) {
  // The person by id, or (a summons entered without one) looked up by national ID.
  constexpr std::string_view kInsert =
      "INSERT INTO summonses (id, number, office, kind, campaign_id, appear_at, place, purpose, state, issued_at, "
      "issued_by, delivered_at, viewed_at, appeared_at, closed_at, close_reason, override_reason, "
      "override_approved_by, person_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
      "$16, $17, $18, coalesce(CAST($19 AS BIGINT), (SELECT id FROM persons WHERE national_id = $20)))";
  Args args;
  args.Add(m.id).Add(m.number).Add(m.office).Add(m.kind).Add(m.campaign_id).Add(Millis(m.appear_at));
  args.Add(m.place).Add(m.purpose).Add(SummonsStateName(m.state)).Add(Millis(m.issued_at)).Add(m.issued_by);
  args.Add(OptMillis(m.delivered_at)).Add(OptMillis(m.viewed_at)).Add(OptMillis(m.appeared_at));
  args.Add(OptMillis(m.closed_at)).Add(m.close_reason).Add(m.override_reason).Add(m.override_approved_by);
  args.Add(m.person_id ? std::optional<int64_t>(m.person_id) : std::nullopt).Add(m.national_id);
  Status st = conn_.Run(kInsert, args).status();
  if (st.IsAlreadyExists() && m.campaign_id) {
    return Status::AlreadyExists(fmt::format("{} already has a summons in campaign {}", m.national_id, *m.campaign_id));
  }
  return st;
}

Status SqlSummons::Update(const Summons& m) {
  Args args;
  args.Add(m.id).Add(SummonsStateName(m.state)).Add(OptMillis(m.delivered_at)).Add(OptMillis(m.viewed_at));
  args.Add(OptMillis(m.appeared_at)).Add(OptMillis(m.closed_at)).Add(m.close_reason);
  return conn_
      .Run(
          "UPDATE summonses SET state = $2, delivered_at = $3, viewed_at = $4, appeared_at = $5, closed_at = $6, "
          "close_reason = $7 WHERE id = $1",
          args)
      .status();
}

Result<Summons> SqlSummons::Get(const SummonsNumber& number) {
  static const std::string kSql = SummonsSelect() + " WHERE s.number = $1";
  return One<Summons>(conn_, kSql, Args().Add(number.str()), ReadSummons,
                      fmt::format("no summons with number {}", number.str()));
}

Result<Summons> SqlSummons::GetById(int64_t id) {
  static const std::string kSql = SummonsSelect() + " WHERE s.id = $1";
  return One<Summons>(conn_, kSql, Args().Add(id), ReadSummons, fmt::format("no summons with id {}", id));
}

Result<std::vector<Summons>> SqlSummons::ListOfPerson(std::string_view national_id) {
  static const std::string kSql = SummonsSelect() + " WHERE p.national_id = $1 ORDER BY s.issued_at DESC, s.id DESC";
  return Collect<Summons>(conn_, kSql, Args().Add(national_id), ReadSummons);
}

Result<std::vector<Summons>> SqlSummons::ListUndelivered(Timestamp issued_before, size_t limit) {
  // Through the index summonses_undelivered (migration 0014), which is in id order.
  static const std::string kSql =
      SummonsSelect() + " WHERE s.state = 'issued' AND s.issued_at <= $1 ORDER BY s.id LIMIT $2";
  return Collect<Summons>(conn_, kSql, Args().Add(Millis(issued_before)).Add(static_cast<int64_t>(limit)), ReadSummons);
}

Result<std::vector<int64_t>> SqlSummons::ListOverdueIds(Timestamp appear_before) {
  return Collect<int64_t>(conn_, OverdueStatements(conn_).ids, Args().Add(Millis(appear_before)), ReadId);
}

Result<std::vector<Summons>> SqlSummons::ListOverdue(Timestamp appear_before, std::span<const int64_t> ids) {
  const std::string list = conn_.EncodeList(ids);
  return Collect<Summons>(conn_, OverdueStatements(conn_).of_ids, Args().Add(Millis(appear_before)).Add(list),
                          ReadSummons);
}

Result<std::vector<int64_t>> SqlSummons::CloseOverdue(Timestamp appear_before, std::span<const int64_t> ids,
                                                      Timestamp closed_at) {
  const std::string list = conn_.EncodeList(ids);
  Args args;
  args.Add(Millis(appear_before)).Add(list).Add(SummonsStateName(SummonsState::kNoShow)).Add(Millis(closed_at));
  MUSTER_ASSIGN_OR_RETURN(std::vector<int64_t> closed,
                          Collect<int64_t>(conn_, OverdueStatements(conn_).close_returning, args, ReadId));
  std::sort(closed.begin(), closed.end());  // RETURNING promises no order
  return closed;
}

}  // namespace muster::sql

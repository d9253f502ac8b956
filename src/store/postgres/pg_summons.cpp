// Tx on PostgreSQL: campaigns, summonses, appeals, restrictions, overrides, exit checks; appending
// events (PgEvents::Append, pg_events.hpp), whose rows are ordered with theirs.
#include <fmt/format.h>

#include <algorithm>

#include "store/postgres/pg_tx.hpp"

namespace muster::postgres {
namespace {

// The order in which a write's multi-row statements send their rows (Connection::AddRow): each
// refers only to rows of those before it (a restriction to its summons).
enum RowRank : int { kSummonsRows, kSummonsUpdates, kRestrictionRows, kEventRows, kExitCheckRows };

constexpr std::string_view kSummonsSelect =
    "SELECT s.id, s.number, p.national_id, s.office, s.kind, s.campaign_id, s.appear_at, s.place, s.purpose, "
    "s.state, s.issued_at, s.issued_by, s.delivered_at, s.viewed_at, s.appeared_at, s.closed_at, s.close_reason, "
    "s.override_reason, s.override_approved_by, s.person_id FROM summonses s JOIN persons p ON p.id = s.person_id";

Summons ReadSummons(const Rows& r, int i) {
  Summons m;
  m.id = r.Int(i, 0);
  m.number = r.Text(i, 1);
  m.national_id = r.Text(i, 2);
  m.office = r.Text(i, 3);
  m.kind = r.Text(i, 4);
  if (!r.IsNull(i, 5)) m.campaign_id = r.Int(i, 5);
  m.appear_at = FromMillis(r.Int(i, 6));
  m.place = r.Text(i, 7);
  m.purpose = r.Text(i, 8);
  m.state = ParseSummonsState(r.View(i, 9)).value_or(SummonsState::kIssued);
  m.issued_at = FromMillis(r.Int(i, 10));
  m.issued_by = r.Text(i, 11);
  m.delivered_at = OptColumn(r, i, 12);
  m.viewed_at = OptColumn(r, i, 13);
  m.appeared_at = OptColumn(r, i, 14);
  m.closed_at = OptColumn(r, i, 15);
  m.close_reason = r.Text(i, 16);
  m.override_reason = r.Text(i, 17);
  m.override_approved_by = r.Text(i, 18);
  m.person_id = r.Int(i, 19);
  return m;
}

constexpr std::string_view kAppealSelect =
    "SELECT a.id, a.summons_id, s.number, a.reason, a.text, a.state, a.filed_by, a.filed_at, a.decided_by, "
    "a.decided_at, a.decision_reason FROM appeals a JOIN summonses s ON s.id = a.summons_id";

Appeal ReadAppeal(const Rows& r, int i) {
  Appeal a;
  a.id = r.Int(i, 0);
  a.summons_id = r.Int(i, 1);
  a.summons_number = r.Text(i, 2);
  a.reason = ParseAppealReason(r.View(i, 3)).value_or(AppealReason::kOther);
  a.text = r.Text(i, 4);
  a.state = ParseAppealState(r.View(i, 5)).value_or(AppealState::kPending);
  a.filed_by = r.Text(i, 6);
  a.filed_at = FromMillis(r.Int(i, 7));
  a.decided_by = r.Text(i, 8);
  a.decided_at = OptColumn(r, i, 9);
  a.decision_reason = r.Text(i, 10);
  return a;
}

constexpr std::string_view kRestrictionSelect =
    "SELECT r.id, p.national_id, r.summons_id, s.number, r.kind, r.imposed_at, r.effective_at, r.lifted_at, "
    "r.lift_reason, s.person_id FROM restrictions r JOIN summonses s ON s.id = r.summons_id JOIN persons p ON p.id = "
    "s.person_id";

Restriction ReadRestriction(const Rows& r, int i) {
  Restriction x;
  x.id = r.Int(i, 0);
  x.national_id = r.Text(i, 1);
  x.summons_id = r.Int(i, 2);
  x.summons_number = r.Text(i, 3);
  x.kind = r.Text(i, 4);
  x.imposed_at = FromMillis(r.Int(i, 5));
  x.effective_at = FromMillis(r.Int(i, 6));
  x.lifted_at = OptColumn(r, i, 7);
  x.lift_reason = r.Text(i, 8);
  x.person_id = r.Int(i, 9);
  return x;
}

constexpr std::string_view kOverrideColumns =
    "o.id, p.national_id, o.office, o.kind, o.appear_at, o.place, o.purpose, o.reasons, o.justification, "
    "o.requested_by, o.requested_at, o.state, o.decided_by, o.decided_at, o.summons_id";

OverrideRequest ReadOverride(const Rows& r, int i) {
  OverrideRequest o;
  o.id = r.Int(i, 0);
  o.national_id = r.Text(i, 1);
  o.office = r.Text(i, 2);
  o.kind = r.Text(i, 3);
  o.appear_at = FromMillis(r.Int(i, 4));
  o.place = r.Text(i, 5);
  o.purpose = r.Text(i, 6);
  o.reasons = Split(r.Text(i, 7));
  o.justification = r.Text(i, 8);
  o.requested_by = r.Text(i, 9);
  o.requested_at = FromMillis(r.Int(i, 10));
  o.state = ParseOverrideState(r.View(i, 11)).value_or(OverrideState::kPending);
  o.decided_by = r.Text(i, 12);
  o.decided_at = OptColumn(r, i, 13);
  if (!r.IsNull(i, 14)) o.summons_id = r.Int(i, 14);
  return o;
}

}  // namespace

Result<int64_t> PgTx::MaxSummonsId() {
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT coalesce(max(id), 0) FROM summonses"));
  return rows.Int(0, 0);
}

Status PgTx::InsertSummons(const Summons& m) {
  // The person last: by id, or (a summons entered without one) looked up by national ID.
  Params params;
  params.Add(m.id).Add(m.number).Add(m.office).Add(m.kind).Add(m.campaign_id).Add(Millis(m.appear_at));
  params.Add(m.place).Add(m.purpose).Add(SummonsStateName(m.state)).Add(Millis(m.issued_at)).Add(m.issued_by);
  params.Add(OptMillis(m.delivered_at)).Add(OptMillis(m.viewed_at)).Add(OptMillis(m.appeared_at));
  params.Add(OptMillis(m.closed_at)).Add(m.close_reason).Add(m.override_reason).Add(m.override_approved_by);
  constexpr std::string_view kColumns =
      "INSERT INTO summonses (id, number, office, kind, campaign_id, appear_at, place, purpose, state, issued_at, "
      "issued_by, delivered_at, viewed_at, appeared_at, closed_at, close_reason, override_reason, "
      "override_approved_by, person_id) ";
  // A campaign's summonses are entered by the thousand: a multi-row INSERT per batch, like their
  // events. The planner never summons a person twice for a campaign; should a concurrent rerun
  // still collide, the write fails at its next statement or commit with PostgreSQL's message
  // naming (campaign_id, person_id).
  if (m.campaign_id && m.person_id) {
    params.Add(m.person_id);
    static const std::string kRows = fmt::format(
        "{}SELECT * FROM unnest($1::text::bigint[], $2::text::text[], $3::text::text[], $4::text::text[], "
        "$5::text::bigint[], $6::text::bigint[], $7::text::text[], $8::text::text[], $9::text::text[], "
        "$10::text::bigint[], $11::text::text[], $12::text::bigint[], $13::text::bigint[], $14::text::bigint[], "
        "$15::text::bigint[], $16::text::text[], $17::text::text[], $18::text::text[], $19::text::bigint[])",
        kColumns);
    return conn_.AddRow(kSummonsRows, kRows, params);
  }
  params.Add(m.person_id ? std::optional<int64_t>(m.person_id) : std::nullopt).Add(m.national_id);
  static const std::string kOne = fmt::format(
      "{}VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
      "coalesce($19::bigint, (SELECT id FROM persons WHERE national_id = $20)))",
      kColumns);
  return conn_.Query(kOne, params).status();
}

Status PgTx::UpdateSummons(const Summons& m) {
  // A sweep updates thousands, and an update has no answer: a multi-row UPDATE, keyed by id.
  Params params;
  params.Add(m.id).Add(SummonsStateName(m.state)).Add(OptMillis(m.delivered_at)).Add(OptMillis(m.viewed_at));
  params.Add(OptMillis(m.appeared_at)).Add(OptMillis(m.closed_at)).Add(m.close_reason);
  return conn_.AddRow(
      kSummonsUpdates,
      "UPDATE summonses AS s SET state = u.state, delivered_at = u.delivered_at, viewed_at = u.viewed_at, "
      "appeared_at = u.appeared_at, closed_at = u.closed_at, close_reason = u.close_reason "
      "FROM unnest($1::text::bigint[], $2::text::text[], $3::text::bigint[], $4::text::bigint[], $5::text::bigint[], "
      "$6::text::bigint[], $7::text::text[]) AS u (id, state, delivered_at, viewed_at, appeared_at, closed_at, "
      "close_reason) WHERE s.id = u.id",
      params, m.id);
}

Result<Summons> PgTx::GetSummons(std::string_view number) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query(fmt::format("{} WHERE s.number = $1", kSummonsSelect), Params().Add(number)));
  return One<Summons>(rows, ReadSummons, fmt::format("no summons with number {}", number));
}

Result<Summons> PgTx::GetSummonsById(int64_t id) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query(fmt::format("{} WHERE s.id = $1", kSummonsSelect), Params().Add(id)));
  return One<Summons>(rows, ReadSummons, fmt::format("no summons with id {}", id));
}

Result<std::vector<Summons>> PgTx::ListSummonsOfPerson(std::string_view national_id) {
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query(fmt::format("{} WHERE p.national_id = $1 ORDER BY s.issued_at DESC, s.id DESC", kSummonsSelect),
                  Params().Add(national_id)));
  return Collect<Summons>(rows, ReadSummons);
}

Result<std::vector<Summons>> PgTx::ListUndelivered(Timestamp issued_before, size_t limit) {
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query(fmt::format("{} WHERE s.state = 'issued' AND s.issued_at <= $1 ORDER BY s.id LIMIT $2",
                                         kSummonsSelect),
                             Params().Add(Millis(issued_before)).Add(static_cast<int64_t>(limit))));
  return Collect<Summons>(rows, ReadSummons);
}

namespace {

// A summons `s` that is overdue at $1: delivered or viewed, due before then, no appeal pending.
constexpr std::string_view kOverdue =
    "s.state IN ('delivered', 'viewed') AND s.appear_at < $1 AND NOT EXISTS "
    "(SELECT 1 FROM appeals a WHERE a.summons_id = s.id AND a.state = 'pending')";

}  // namespace

Result<std::vector<int64_t>> PgTx::ListOverdueIds(Timestamp appear_before) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query(fmt::format("SELECT s.id FROM summonses s WHERE {} ORDER BY s.id", kOverdue),
                                      Params().Add(Millis(appear_before))));
  return Collect<int64_t>(rows, [](const Rows& r, int i) { return r.Int(i, 0); });
}

Result<std::vector<Summons>> PgTx::ListOverdue(Timestamp appear_before, std::span<const int64_t> ids) {
  std::string list = IntArray(ids.size(), [&](size_t i) { return ids[i]; });
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query(fmt::format("{} WHERE s.id = {} AND {} ORDER BY s.id", kSummonsSelect,
                                                             AnyOfArray(2, "bigint"), kOverdue),
                                                 Params().Add(Millis(appear_before)).Add(list)));
  return Collect<Summons>(rows, ReadSummons);
}

Result<std::vector<int64_t>> PgTx::CloseOverdue(Timestamp appear_before, std::span<const int64_t> ids,
                                                Timestamp closed_at) {
  std::string list = IntArray(ids.size(), [&](size_t i) { return ids[i]; });
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query(fmt::format("UPDATE summonses AS s SET state = $3, closed_at = $4 WHERE s.id = {} AND {} "
                                         "RETURNING s.id",
                                         AnyOfArray(2, "bigint"), kOverdue),
                             Params()
                                 .Add(Millis(appear_before))
                                 .Add(list)
                                 .Add(SummonsStateName(SummonsState::kNoShow))
                                 .Add(Millis(closed_at))));
  std::vector<int64_t> closed = Collect<int64_t>(rows, [](const Rows& r, int i) { return r.Int(i, 0); });
  std::sort(closed.begin(), closed.end());  // RETURNING promises no order
  return closed;
}

Result<int64_t> PgTx::InsertAppeal(const Appeal& a) {
  Params params;
  params.Add(a.summons_id).Add(AppealReasonName(a.reason)).Add(a.text).Add(AppealStateName(a.state));
  params.Add(a.filed_by).Add(Millis(a.filed_at));
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query("INSERT INTO appeals (summons_id, reason, text, state, filed_by, filed_at) "
                                      "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                                      params));
  return rows.Int(0, 0);
}

Status PgTx::UpdateAppeal(const Appeal& a) {
  Params params;
  params.Add(a.id).Add(AppealStateName(a.state)).Add(a.decided_by).Add(OptMillis(a.decided_at)).Add(a.decision_reason);
  return conn_
      .Query("UPDATE appeals SET state = $2, decided_by = $3, decided_at = $4, decision_reason = $5 WHERE id = $1",
             params)
      .status();
}

Result<Appeal> PgTx::GetAppeal(int64_t id) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query(fmt::format("{} WHERE a.id = $1", kAppealSelect), Params().Add(id)));
  return One<Appeal>(rows, ReadAppeal, fmt::format("no appeal with id {}", id));
}

Result<std::vector<Appeal>> PgTx::ListAppeals(const AppealFilter& f) {
  std::string offices = f.offices ? TextArray(*f.offices) : std::string();
  Params params;  // holds views: `offices` outlives it
  if (f.state) {
    params.Add(AppealStateName(*f.state));
  } else {
    params.Null();
  }
  params.Add(f.summons_id);
  if (f.offices) {
    params.Add(offices);
  } else {
    params.Null();
  }
  params.Add(f.after_id);
  params.Add(f.limit ? std::optional<int64_t>(static_cast<int64_t>(f.limit)) : std::nullopt);
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows, conn_.Query(fmt::format("{} WHERE ($1::text IS NULL OR a.state = $1::text) AND ($2::bigint IS NULL OR "
                                         "a.summons_id = $2::bigint) AND ($3::text IS NULL OR s.office = {}) AND "
                                         "a.id > $4 ORDER BY a.id LIMIT $5",
                                         kAppealSelect, AnyOfArray(3, "text")),
                             params));
  return Collect<Appeal>(rows, ReadAppeal);
}

Result<int64_t> PgTx::InsertRestriction(const Restriction& r) {
  if (!last_restriction_id_) {
    MUSTER_ASSIGN_OR_RETURN(Rows rows, conn_.Query("SELECT coalesce(max(id), 0) FROM restrictions"));
    last_restriction_id_ = rows.Int(0, 0);
  }
  int64_t id = *last_restriction_id_ + 1;
  Params params;
  params.Add(id).Add(r.summons_id).Add(r.kind).Add(Millis(r.imposed_at)).Add(Millis(r.effective_at));
  params.Add(OptMillis(r.lifted_at)).Add(r.lift_reason);
  // A sweep imposes thousands: a multi-row INSERT, as the events'.
  MUSTER_RETURN_IF_ERROR(
      conn_.AddRow(kRestrictionRows,
                   "INSERT INTO restrictions (id, summons_id, kind, imposed_at, effective_at, lifted_at, lift_reason) "
                   "SELECT * FROM unnest($1::text::bigint[], $2::text::bigint[], $3::text::text[], $4::text::bigint[], "
                   "$5::text::bigint[], $6::text::bigint[], $7::text::text[])",
                   params));
  last_restriction_id_ = id;
  return id;
}

Status PgTx::UpdateRestriction(const Restriction& r) {
  return conn_
      .Query("UPDATE restrictions SET lifted_at = $2, lift_reason = $3 WHERE id = $1",
             Params().Add(r.id).Add(OptMillis(r.lifted_at)).Add(r.lift_reason))
      .status();
}

Result<std::vector<Restriction>> PgTx::ListRestrictionsOfSummons(int64_t summons_id) {
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query(fmt::format("{} WHERE r.summons_id = $1 ORDER BY r.id", kRestrictionSelect),
                                      Params().Add(summons_id)));
  return Collect<Restriction>(rows, ReadRestriction);
}

Result<std::vector<Restriction>> PgTx::ListRestrictionsOfPerson(std::string_view national_id) {
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query(
          fmt::format("{} WHERE r.summons_id IN (SELECT id FROM summonses WHERE person_id = (SELECT id FROM persons "
                      "WHERE national_id = $1)) ORDER BY r.id",
                      kRestrictionSelect),
          Params().Add(national_id)));
  return Collect<Restriction>(rows, ReadRestriction);
}

Status PgTx::ForEachActiveRestriction(std::string_view kind, const std::function<void(const Restriction&)>& fn) {
  return conn_.ForEach(fmt::format("{} WHERE r.kind = $1 AND r.lifted_at IS NULL", kRestrictionSelect),
                       Params().Add(kind), [&](const Rows& r) {
                         fn(ReadRestriction(r, 0));
                         return Status::Ok();
                       });
}

Result<int64_t> PgTx::InsertOverride(const OverrideRequest& o) {
  std::string reasons = Join(o.reasons);
  Params params;
  params.Add(o.national_id).Add(o.office).Add(o.kind).Add(Millis(o.appear_at)).Add(o.place).Add(o.purpose);
  params.Add(reasons).Add(o.justification).Add(o.requested_by).Add(Millis(o.requested_at));
  params.Add(OverrideStateName(o.state));
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query("INSERT INTO overrides (person_id, office, kind, appear_at, place, purpose, reasons, justification, "
                  "requested_by, requested_at, state) VALUES ((SELECT id FROM persons WHERE national_id = $1), $2, "
                  "$3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                  params));
  return rows.Int(0, 0);
}

Status PgTx::UpdateOverride(const OverrideRequest& o) {
  Params params;
  params.Add(o.id).Add(OverrideStateName(o.state)).Add(o.decided_by).Add(OptMillis(o.decided_at)).Add(o.summons_id);
  return conn_
      .Query("UPDATE overrides SET state = $2, decided_by = $3, decided_at = $4, summons_id = $5 WHERE id = $1", params)
      .status();
}

Result<OverrideRequest> PgTx::GetOverride(int64_t id) {
  MUSTER_ASSIGN_OR_RETURN(
      Rows rows,
      conn_.Query(fmt::format("SELECT {} FROM overrides o JOIN persons p ON p.id = o.person_id WHERE o.id = $1",
                              kOverrideColumns),
                  Params().Add(id)));
  return One<OverrideRequest>(rows, ReadOverride, fmt::format("no override request with id {}", id));
}

Result<std::vector<OverrideRequest>> PgTx::ListOverrides(const OverrideFilter& f) {
  std::string offices = TextArray(f.offices);
  Params params;
  params.Add(offices);
  if (f.state) {
    params.Add(OverrideStateName(*f.state));
  } else {
    params.Null();
  }
  params.Add(static_cast<int64_t>(f.limit)).Add(f.after_id);
  MUSTER_ASSIGN_OR_RETURN(Rows rows,
                          conn_.Query(fmt::format("SELECT {} FROM overrides o JOIN persons p ON p.id = o.person_id "
                                                  "WHERE o.office = {} AND ($2::text IS NULL OR "
                                                  "o.state = $2::text) AND o.id > $4 ORDER BY o.id LIMIT $3",
                                                  kOverrideColumns, AnyOfArray(1, "text")),
                                      params));
  return Collect<OverrideRequest>(rows, ReadOverride);
}

Status PgTx::InsertExitCheck(std::string_view reference, std::string_view national_id, std::string_view decision,
                             std::string_view asked_by, Timestamp asked_at) {
  Params params;
  params.Add(reference).Add(national_id).Add(decision).Add(asked_by).Add(Millis(asked_at));
  // Exit checks are written by the thousand (SummonsService::FlushExitChecks): a multi-row INSERT.
  // A batch written again after a COMMIT whose answer was lost is not an error.
  return conn_.AddRow(kExitCheckRows,
                      "INSERT INTO exit_checks (reference, national_id, decision, asked_by, asked_at) SELECT * FROM "
                      "unnest($1::text::text[], $2::text::text[], $3::text::text[], $4::text::text[], "
                      "$5::text::bigint[]) ON CONFLICT (reference) DO NOTHING",
                      params);
}

Status PgTx::NotifyExitBanChange() {
  // Delivered when this write commits; once per write however many bans it imposes or lifts.
  if (exit_bans_notified_) return Status::Ok();
  exit_bans_notified_ = true;
  return conn_.Send(fmt::format("SELECT pg_notify('{}', '')", kExitBanChannel), Params());
}

Result<int64_t> PgEvents::Append(const Event& e) {
  if (!last_seq_) {
    MUSTER_ASSIGN_OR_RETURN(last_seq_, LastSeq());
  }
  int64_t seq = *last_seq_ + 1;
  Params params;
  params.Add(seq).Add(e.type).Add(Millis(e.at)).Add(e.actor).Add(e.subject).Add(e.payload);
  // Events come by the thousand in bulk work: a multi-row INSERT, sent before anything else.
  MUSTER_RETURN_IF_ERROR(
      pg_.AddRow(kEventRows,
                 "INSERT INTO events (seq, type, at, actor, subject, payload) SELECT * FROM unnest($1::text::bigint[], "
                 "$2::text::text[], $3::text::bigint[], $4::text::text[], $5::text::text[], $6::text::text[])",
                 params));
  last_seq_ = seq;
  return seq;
}

}  // namespace muster::postgres

// The summonses and restrictions ports on PostgreSQL: the multi-row writes, streaming and NOTIFY.
#include "store/postgres/pg_summonses.hpp"

#include <fmt/format.h>

#include "store/postgres/pg_tx.hpp"

namespace muster::postgres {

Status PgSummons::Insert(const Summons& m) {
  // A campaign's summonses are entered by the thousand: a multi-row INSERT per batch, like their
  // events. The planner never summons a person twice for a campaign; should a concurrent rerun
  // still collide, the write fails at its next statement or commit with PostgreSQL's message
  // naming (campaign_id, person_id). Any other summons is one statement, as written once.
  if (!m.campaign_id || !m.person_id) return SqlSummons::Insert(m);
  Params params;
  params.Add(m.id).Add(m.number).Add(m.office).Add(m.kind).Add(m.campaign_id->value).Add(Millis(m.appear_at));
  params.Add(m.place).Add(m.purpose).Add(SummonsStateName(m.state)).Add(Millis(m.issued_at)).Add(m.issued_by);
  params.Add(OptMillis(m.delivered_at)).Add(OptMillis(m.viewed_at)).Add(OptMillis(m.appeared_at));
  params.Add(OptMillis(m.closed_at)).Add(m.close_reason).Add(m.override_reason).Add(m.override_approved_by);
  params.Add(m.person_id);
  return pg_.AddRow(
      kSummonsRows,
      "INSERT INTO summonses (id, number, office, kind, campaign_id, appear_at, place, purpose, state, issued_at, "
      "issued_by, delivered_at, viewed_at, appeared_at, closed_at, close_reason, override_reason, "
      "override_approved_by, person_id) "
      "SELECT * FROM unnest($1::text::bigint[], $2::text::text[], $3::text::text[], $4::text::text[], "
      "$5::text::bigint[], $6::text::bigint[], $7::text::text[], $8::text::text[], $9::text::text[], "
      "$10::text::bigint[], $11::text::text[], $12::text::bigint[], $13::text::bigint[], $14::text::bigint[], "
      "$15::text::bigint[], $16::text::text[], $17::text::text[], $18::text::text[], $19::text::bigint[])",
      params);
}

Status PgSummons::Update(const Summons& m) {
  // A sweep updates thousands, and an update has no answer: a multi-row UPDATE, keyed by id.
  Params params;
  params.Add(m.id).Add(SummonsStateName(m.state)).Add(OptMillis(m.delivered_at)).Add(OptMillis(m.viewed_at));
  params.Add(OptMillis(m.appeared_at)).Add(OptMillis(m.closed_at)).Add(m.close_reason);
  return pg_.AddRow(
      kSummonsUpdates,
      "UPDATE summonses AS s SET state = u.state, delivered_at = u.delivered_at, viewed_at = u.viewed_at, "
      "appeared_at = u.appeared_at, closed_at = u.closed_at, close_reason = u.close_reason "
      "FROM unnest($1::text::bigint[], $2::text::text[], $3::text::bigint[], $4::text::bigint[], $5::text::bigint[], "
      "$6::text::bigint[], $7::text::text[]) AS u (id, state, delivered_at, viewed_at, appeared_at, closed_at, "
      "close_reason) WHERE s.id = u.id",
      params, m.id);
}

Result<int64_t> PgRestrictions::Insert(const Restriction& r) {
  MUSTER_ASSIGN_OR_RETURN(int64_t id, NextId());
  Params params;
  params.Add(id).Add(r.summons_id).Add(r.kind).Add(Millis(r.imposed_at)).Add(Millis(r.effective_at));
  params.Add(OptMillis(r.lifted_at)).Add(r.lift_reason);
  // A sweep imposes thousands: a multi-row INSERT, as the events'.
  MUSTER_RETURN_IF_ERROR(
      pg_.AddRow(kRestrictionRows,
                 "INSERT INTO restrictions (id, summons_id, kind, imposed_at, effective_at, lifted_at, lift_reason) "
                 "SELECT * FROM unnest($1::text::bigint[], $2::text::bigint[], $3::text::text[], $4::text::bigint[], "
                 "$5::text::bigint[], $6::text::bigint[], $7::text::text[])",
                 params));
  Took(id);
  return id;
}

Status PgRestrictions::ForEachActive(std::string_view kind, const std::function<void(const Restriction&)>& fn) {
  // Row by row (single-row mode): every exit ban is never held at once.
  return pg_.ForEach(ActiveSql(), Params().Add(kind), [&](const Rows& rows) {
    fn(ReadRestriction(ResultRow(rows, 0)));
    return Status::Ok();
  });
}

Status PgRestrictions::InsertExitCheck(std::string_view reference, std::string_view kind, std::string_view national_id,
                                       std::string_view decision, std::string_view asked_by, Timestamp asked_at) {
  Params params;
  params.Add(reference).Add(national_id).Add(decision).Add(asked_by).Add(Millis(asked_at)).Add(kind);
  // Exit checks are written by the thousand (ExitCheckService::FlushExitChecks): a multi-row INSERT.
  // A batch written again after a COMMIT whose answer was lost is not an error.
  return pg_.AddRow(
      kExitCheckRows,
      "INSERT INTO exit_checks (reference, national_id, decision, asked_by, asked_at, kind) SELECT * FROM "
      "unnest($1::text::text[], $2::text::text[], $3::text::text[], $4::text::text[], "
      "$5::text::bigint[], $6::text::text[]) ON CONFLICT (reference) DO NOTHING",
      params);
}

Status PgRestrictions::NotifyExitBanChange() {
  // Delivered when this write commits; once per write however many bans it imposes or lifts.
  if (exit_bans_notified_) return Status::Ok();
  exit_bans_notified_ = true;
  return pg_.Send(fmt::format("SELECT pg_notify('{}', '')", kExitBanChannel), Params());
}

}  // namespace muster::postgres

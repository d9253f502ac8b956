// Tx on SQLite: campaigns, summonses, appeals, restrictions, overrides, exit checks.
#include <fmt/format.h>

#include <algorithm>

#include "store/sqlite/sqlite_tx.hpp"

namespace muster::sqlite {
namespace {

constexpr std::string_view kSummonsSelect =
    "SELECT s.id, s.number, p.national_id, s.office, s.kind, s.campaign_id, s.appear_at, s.place, s.purpose, "
    "s.state, s.issued_at, s.issued_by, s.delivered_at, s.viewed_at, s.appeared_at, s.closed_at, s.close_reason, "
    "s.override_reason, s.override_approved_by, s.person_id FROM summonses s JOIN persons p ON p.id = s.person_id";

// A summons `s` that is overdue at ?1: delivered or viewed, due before then, no appeal pending.
// Its first term is the WHERE clause of the index summonses_due (migration 0014) word for word,
// so that a query with it may use that index.
// The appeal is looked up by summons ("+" keeps the planner off appeals_by_state, which would
// scan every pending appeal for each summons).
constexpr std::string_view kOverdue =
    "s.state IN ('delivered', 'viewed') AND s.appear_at < ?1 AND NOT EXISTS "
    "(SELECT 1 FROM appeals a WHERE a.summons_id = s.id AND +a.state = 'pending')";

Summons ReadSummons(const Statement& s) {
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

constexpr std::string_view kAppealSelect =
    "SELECT a.id, a.summons_id, s.number, a.reason, a.text, a.state, a.filed_by, a.filed_at, a.decided_by, "
    "a.decided_at, a.decision_reason FROM appeals a JOIN summonses s ON s.id = a.summons_id";

Appeal ReadAppeal(const Statement& s) {
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

constexpr std::string_view kRestrictionSelect =
    "SELECT r.id, p.national_id, r.summons_id, s.number, r.kind, r.imposed_at, r.effective_at, r.lifted_at, "
    "r.lift_reason, s.person_id FROM restrictions r JOIN summonses s ON s.id = r.summons_id JOIN persons p ON p.id = "
    "s.person_id";

Restriction ReadRestriction(const Statement& s) {
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

}  // namespace

Result<int64_t> SqliteTx::MaxSummonsId() {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare("SELECT coalesce(max(id), 0) FROM summonses"));
  return One<int64_t>(
      *s, [](const Statement& st) { return st.Int(0); }, "");
}

Status SqliteTx::InsertSummons(const Summons& m) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(
          "INSERT INTO summonses (id, number, person_id, office, kind, campaign_id, appear_at, place, purpose, state, "
          "issued_at, issued_by, delivered_at, viewed_at, appeared_at, closed_at, close_reason, override_reason, "
          "override_approved_by) VALUES (?1, ?2, coalesce(?20, (SELECT id FROM persons WHERE national_id = ?3)), ?4, "
          "?5, "
          "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"));
  // `m` outlives the step: strings are bound without copying.
  s->Bind(1, m.id).BindStatic(2, m.number).BindStatic(3, m.national_id).BindStatic(4, m.office).BindStatic(5, m.kind);
  s->Bind(6, m.campaign_id).Bind(7, Millis(m.appear_at)).BindStatic(8, m.place).BindStatic(9, m.purpose);
  s->BindStatic(10, SummonsStateName(m.state)).Bind(11, Millis(m.issued_at)).BindStatic(12, m.issued_by);
  s->Bind(13, OptMillis(m.delivered_at)).Bind(14, OptMillis(m.viewed_at)).Bind(15, OptMillis(m.appeared_at));
  s->Bind(16, OptMillis(m.closed_at)).BindStatic(17, m.close_reason).BindStatic(18, m.override_reason);
  s->BindStatic(19, m.override_approved_by);
  s->Bind(20, m.person_id ? std::optional<int64_t>(m.person_id) : std::nullopt);
  Status st = s->Run();
  if (st.IsAlreadyExists() && m.campaign_id) {
    return Status::AlreadyExists(fmt::format("{} already has a summons in campaign {}", m.national_id, *m.campaign_id));
  }
  return st;
}

Status SqliteTx::UpdateSummons(const Summons& m) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(
          "UPDATE summonses SET state = ?2, delivered_at = ?3, viewed_at = ?4, appeared_at = ?5, closed_at = ?6, "
          "close_reason = ?7 WHERE id = ?1"));
  s->Bind(1, m.id).Bind(2, SummonsStateName(m.state)).Bind(3, OptMillis(m.delivered_at));
  s->Bind(4, OptMillis(m.viewed_at)).Bind(5, OptMillis(m.appeared_at)).Bind(6, OptMillis(m.closed_at));
  s->Bind(7, m.close_reason);
  return s->Run();
}

Result<Summons> SqliteTx::GetSummons(std::string_view number) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} WHERE s.number = ?1", kSummonsSelect)));
  s->Bind(1, number);
  return One<Summons>(*s, ReadSummons, fmt::format("no summons with number {}", number));
}

Result<Summons> SqliteTx::GetSummonsById(int64_t id) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} WHERE s.id = ?1", kSummonsSelect)));
  s->Bind(1, id);
  return One<Summons>(*s, ReadSummons, fmt::format("no summons with id {}", id));
}

Result<std::vector<Summons>> SqliteTx::ListSummonsOfPerson(std::string_view national_id) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(fmt::format("{} WHERE p.national_id = ?1 ORDER BY s.issued_at DESC, s.id DESC", kSummonsSelect)));
  s->Bind(1, national_id);
  return Collect<Summons>(*s, ReadSummons);
}

Result<std::vector<Summons>> SqliteTx::ListUndelivered(Timestamp issued_before, size_t limit) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(fmt::format("{} WHERE s.state = 'issued' AND s.issued_at <= ?1 LIMIT ?2", kSummonsSelect)));
  s->Bind(1, Millis(issued_before)).Bind(2, static_cast<int64_t>(limit));
  return Collect<Summons>(*s, ReadSummons);
}

Result<std::vector<int64_t>> SqliteTx::ListOverdueIds(Timestamp appear_before) {
  // Through the index of the summonses due to appear, which is in id order and holds each one's
  // appearance and state: no table row is read, and nothing is sorted.
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s, db_.Prepare(fmt::format(
                         "SELECT s.id FROM summonses s INDEXED BY summonses_due WHERE {} ORDER BY s.id", kOverdue)));
  s->Bind(1, Millis(appear_before));
  return Collect<int64_t>(*s, [](const Statement& st) { return st.Int(0); });
}

Result<std::vector<Summons>> SqliteTx::ListOverdue(Timestamp appear_before, std::span<const int64_t> ids) {
  // By id (NOT INDEXED leaves the rowid lookups), not by scanning the overdue through the
  // index of summonses due for the ids of each batch.
  static const std::string by_id = [] {
    std::string select(kSummonsSelect);
    return select.replace(select.find("FROM summonses s"), 16, "FROM summonses s NOT INDEXED");
  }();
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s, db_.Prepare(fmt::format("{} WHERE s.id IN (SELECT value FROM json_each(?2)) AND {} ORDER BY s.id",
                                             by_id, kOverdue)));
  s->Bind(1, Millis(appear_before)).Bind(2, JsonList(ids));
  return Collect<Summons>(*s, ReadSummons);
}

Result<std::vector<int64_t>> SqliteTx::CloseOverdue(Timestamp appear_before, std::span<const int64_t> ids,
                                                    Timestamp closed_at) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare(fmt::format("UPDATE summonses AS s NOT INDEXED SET state = ?3, closed_at = ?4 "
                                                  "WHERE s.id IN (SELECT value FROM json_each(?2)) AND {}",
                                                  kOverdue)));
  s->Bind(1, Millis(appear_before)).Bind(2, JsonList(ids)).Bind(3, SummonsStateName(SummonsState::kNoShow));
  s->Bind(4, Millis(closed_at));
  MUSTER_ASSIGN_OR_RETURN(std::vector<int64_t> closed, s->RunReturningUpdated("summonses"));
  std::sort(closed.begin(), closed.end());  // in the order SQLite visited them
  return closed;
}

Result<int64_t> SqliteTx::InsertAppeal(const Appeal& a) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(
          "INSERT INTO appeals (summons_id, reason, text, state, filed_by, filed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  s->Bind(1, a.summons_id).Bind(2, AppealReasonName(a.reason)).Bind(3, a.text).Bind(4, AppealStateName(a.state));
  s->Bind(5, a.filed_by).Bind(6, Millis(a.filed_at));
  MUSTER_RETURN_IF_ERROR(s->Run());
  return db_.LastInsertRowId();
}

Status SqliteTx::UpdateAppeal(const Appeal& a) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(
          "UPDATE appeals SET state = ?2, decided_by = ?3, decided_at = ?4, decision_reason = ?5 WHERE id = ?1"));
  s->Bind(1, a.id).Bind(2, AppealStateName(a.state)).Bind(3, a.decided_by).Bind(4, OptMillis(a.decided_at));
  s->Bind(5, a.decision_reason);
  return s->Run();
}

Result<Appeal> SqliteTx::GetAppeal(int64_t id) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s, db_.Prepare(fmt::format("{} WHERE a.id = ?1", kAppealSelect)));
  s->Bind(1, id);
  return One<Appeal>(*s, ReadAppeal, fmt::format("no appeal with id {}", id));
}

Result<std::vector<Appeal>> SqliteTx::ListAppeals(const AppealFilter& f) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(fmt::format("{} WHERE (?1 IS NULL OR a.state = ?1) AND (?2 IS NULL OR a.summons_id = ?2) AND "
                              "(?3 IS NULL OR s.office IN (SELECT value FROM json_each(?3))) AND a.id > ?4 "
                              "ORDER BY a.id LIMIT ?5",
                              kAppealSelect)));
  if (f.state) {
    s->Bind(1, AppealStateName(*f.state));
  } else {
    s->BindNull(1);
  }
  s->Bind(2, f.summons_id);
  if (f.offices) {
    s->Bind(3, JsonList(*f.offices));
  } else {
    s->BindNull(3);
  }
  s->Bind(4, f.after_id).Bind(5, f.limit ? static_cast<int64_t>(f.limit) : int64_t{-1});
  return Collect<Appeal>(*s, ReadAppeal);
}

Result<int64_t> SqliteTx::InsertRestriction(const Restriction& r) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare("INSERT INTO restrictions (summons_id, kind, imposed_at, effective_at, lifted_at, lift_reason) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  s->Bind(1, r.summons_id).Bind(2, r.kind).Bind(3, Millis(r.imposed_at)).Bind(4, Millis(r.effective_at));
  s->Bind(5, OptMillis(r.lifted_at)).Bind(6, r.lift_reason);
  MUSTER_RETURN_IF_ERROR(s->Run());
  return db_.LastInsertRowId();
}

Status SqliteTx::UpdateRestriction(const Restriction& r) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare("UPDATE restrictions SET lifted_at = ?2, lift_reason = ?3 WHERE id = ?1"));
  s->Bind(1, r.id).Bind(2, OptMillis(r.lifted_at)).Bind(3, r.lift_reason);
  return s->Run();
}

Result<std::vector<Restriction>> SqliteTx::ListRestrictionsOfSummons(int64_t summons_id) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare(fmt::format("{} WHERE r.summons_id = ?1 ORDER BY r.id", kRestrictionSelect)));
  s->Bind(1, summons_id);
  return Collect<Restriction>(*s, ReadRestriction);
}

Result<std::vector<Restriction>> SqliteTx::ListRestrictionsOfPerson(std::string_view national_id) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s, db_.Prepare(fmt::format(
                         "{} WHERE r.summons_id IN (SELECT id FROM summonses WHERE person_id = (SELECT id FROM persons "
                         "WHERE national_id = ?1)) ORDER BY r.id",
                         kRestrictionSelect)));
  s->Bind(1, national_id);
  return Collect<Restriction>(*s, ReadRestriction);
}

Status SqliteTx::ForEachActiveRestriction(std::string_view kind, const std::function<void(const Restriction&)>& fn) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare(fmt::format("{} WHERE r.kind = ?1 AND r.lifted_at IS NULL", kRestrictionSelect)));
  s->Bind(1, kind);
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    fn(ReadRestriction(*s));
  }
  return Status::Ok();
}

Result<int64_t> SqliteTx::InsertOverride(const OverrideRequest& o) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare(
          "INSERT INTO overrides (person_id, office, kind, appear_at, place, purpose, reasons, justification, "
          "requested_by, requested_at, state) VALUES ((SELECT id FROM persons WHERE national_id = ?1), ?2, ?3, ?4, ?5, "
          "?6, ?7, ?8, ?9, ?10, ?11)"));
  s->Bind(1, o.national_id).Bind(2, o.office).Bind(3, o.kind).Bind(4, Millis(o.appear_at)).Bind(5, o.place);
  s->Bind(6, o.purpose).Bind(7, Join(o.reasons)).Bind(8, o.justification).Bind(9, o.requested_by);
  s->Bind(10, Millis(o.requested_at)).Bind(11, OverrideStateName(o.state));
  MUSTER_RETURN_IF_ERROR(s->Run());
  return db_.LastInsertRowId();
}

Status SqliteTx::UpdateOverride(const OverrideRequest& o) {
  MUSTER_ASSIGN_OR_RETURN(
      Statement * s,
      db_.Prepare("UPDATE overrides SET state = ?2, decided_by = ?3, decided_at = ?4, summons_id = ?5 WHERE id = ?1"));
  s->Bind(1, o.id).Bind(2, OverrideStateName(o.state)).Bind(3, o.decided_by).Bind(4, OptMillis(o.decided_at));
  s->Bind(5, o.summons_id);
  return s->Run();
}

namespace {

constexpr std::string_view kOverrideColumns =
    "o.id, p.national_id, o.office, o.kind, o.appear_at, o.place, o.purpose, o.reasons, o.justification, "
    "o.requested_by, o.requested_at, o.state, o.decided_by, o.decided_at, o.summons_id";

OverrideRequest ReadOverride(const Statement& st) {
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
}

}  // namespace

Result<OverrideRequest> SqliteTx::GetOverride(int64_t id) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare(fmt::format("SELECT {} FROM overrides o JOIN persons p ON p.id = o.person_id "
                                                  "WHERE o.id = ?1",
                                                  kOverrideColumns)));
  s->Bind(1, id);
  return One<OverrideRequest>(*s, ReadOverride, fmt::format("no override request with id {}", id));
}

Result<std::vector<OverrideRequest>> SqliteTx::ListOverrides(const OverrideFilter& f) {
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare(fmt::format("SELECT {} FROM overrides o JOIN persons p ON p.id = o.person_id "
                                                  "WHERE o.office = ?1 AND (?2 IS NULL OR o.state = ?2) "
                                                  "AND o.id > ?4 ORDER BY o.id LIMIT ?3",
                                                  kOverrideColumns)));
  std::vector<OverrideRequest> out;
  for (const auto& office : f.offices) {
    s->Reset();
    s->Bind(1, office).Bind(3, static_cast<int64_t>(f.limit)).Bind(4, f.after_id);
    if (f.state) {
      s->Bind(2, OverrideStateName(*f.state));
    } else {
      s->BindNull(2);
    }
    MUSTER_ASSIGN_OR_RETURN(auto part, Collect<OverrideRequest>(*s, ReadOverride));
    for (auto& o : part) out.push_back(std::move(o));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  if (out.size() > f.limit) out.resize(f.limit);
  return out;
}

Status SqliteTx::InsertExitCheck(std::string_view reference, std::string_view national_id, std::string_view decision,
                                 std::string_view asked_by, Timestamp asked_at) {
  // A batch written again (SummonsService::FlushExitChecks) is not an error.
  MUSTER_ASSIGN_OR_RETURN(Statement * s,
                          db_.Prepare("INSERT INTO exit_checks (reference, national_id, decision, asked_by, asked_at) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (reference) DO NOTHING"));
  s->Bind(1, reference).Bind(2, national_id).Bind(3, decision).Bind(4, asked_by).Bind(5, Millis(asked_at));
  return s->Run();
}

Status SqliteTx::NotifyExitBanChange() { return Status::Ok(); }

}  // namespace muster::sqlite

#include "summons/lifecycle.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/json_writer.hpp"
#include "core/text.hpp"
#include "store/emit_event.hpp"
#include "summons/deadline.hpp"
#include "summons/document.hpp"
#include "core/summons_number.hpp"

namespace muster {
namespace {

// The payload of summons.issued, keys in byte order.
std::string IssuedPayload(const Summons& s, std::string_view document_sha256) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("appear_at").Time(s.appear_at);
  if (s.campaign_id) w.Key("campaign_id").Int(s.campaign_id->value);
  w.Key("kind").String(s.kind).Key("national_id").String(s.national_id);
  w.Key("office").String(s.office);
  if (!s.override_reason.empty()) {
    w.Key("override").BeginObject().Key("approved_by").String(s.override_approved_by);
    w.Key("reason").String(s.override_reason).EndObject();
  }
  w.Key("state").String("issued").Key("summons_sha256").String(document_sha256).EndObject();
  return out;
}

}  // namespace

bool DeliveredOnEntry(const Policy& policy) { return policy.delivery_mode == DeliveryMode::kOnEntry; }

SummonsLifecycle::SummonsLifecycle(WritePath& writes, const Policy& policy, const Clock& clock,
                                   ExitCheckService& exit_checks)
    : writes_(writes), store_(writes.store()), policy_(policy), clock_(clock), exit_checks_(exit_checks) {}

Result<Summons> SummonsLifecycle::Scoped(Tx& tx, std::string_view number, const Actor& actor, bool act) const {
  auto canonical = SummonsNumber::Parse(number);
  if (actor.is_system()) {
    if (!canonical.ok()) return canonical.status();
    return tx.summonses().Get(*canonical);
  }
  if (!canonical.ok()) return Status::InvalidArgument("number", canonical.status().message());
  auto s = tx.summonses().Get(*canonical);
  if (!s.ok() && !s.status().IsNotFound()) return s.status();
  if (!s.ok() || !(act ? actor.ActsOn(s->national_id, s->office) : actor.SeesPerson(s->national_id, s->office))) {
    return actor.Absent("number", "such summons");
  }
  return s;
}

Status SummonsLifecycle::Write(const std::function<Status(Tx&, ExitBanWrites&)>& work, WriteKind kind) {
  ExitBanWrites changes;
  WritePath::Effects effects;
  MUSTER_RETURN_IF_ERROR(writes_.Write(
      [&](Tx& tx, WritePath::Effects& e) {
        changes = {};
        MUSTER_RETURN_IF_ERROR(work(tx, changes));
        e.exit_bans_changed = changes.changed;
        return Status::Ok();
      },
      kind == WriteKind::kBulk ? WritePath::Kind::kBulk : WritePath::Kind::kSingle, effects));
  // Committed: a failed catch-up is repaired by the next FollowExitBans, and must not report
  // this write as failed.
  if (changes.changed && exit_checks_.exit_bans_loaded()) (void)exit_checks_.FollowExitBans(/*from_replica=*/false);
  return Status::Ok();
}

Result<Eligibility> SummonsLifecycle::Assess(Tx& tx, const IssueRequest& r, const Actor& actor) {
  // An officer issues for their own offices only; the answer says so (the office is theirs to
  // know), where a person out of reach answers as absent below.
  if (!actor.ActsFor(r.office)) return Status::PermissionDenied("office", "not one of your offices");
  MUSTER_RETURN_IF_ERROR(policy_.national_id.Validate(r.national_id).WithField("national_id"));
  if (!policy_.IsCampaignKind(r.kind)) {
    return Status::InvalidArgument("kind", fmt::format("'{}' is not one of {}", r.kind, policy_.CampaignKinds()));
  }
  MUSTER_RETURN_IF_ERROR(CheckText("place", r.place, {.max_bytes = 500}));
  MUSTER_RETURN_IF_ERROR(CheckText("purpose", r.purpose, {.max_bytes = 500}));
  if (r.appear_at <= clock_.Now()) {
    return Status::InvalidArgument("appear_at", fmt::format("{} is not in the future", FormatTimestamp(r.appear_at)));
  }
  // The request's fields name what is missing: "national_id: no person with national ID ...".
  auto found_office = tx.offices().Get(r.office);
  if (!found_office.ok()) return found_office.status().WithField("office");
  const Office& office = *found_office;
  // An office summons only the persons registered in its district. A person of another district
  // gets the same answer as an unknown one, so that the answer does not tell who is registered
  // elsewhere; their own office issues their summonses.
  auto found_person = tx.persons().Get(r.national_id);
  if (!found_person.ok() && !found_person.status().IsNotFound()) return found_person.status();
  if (!found_person.ok() || found_person->district != office.code) {
    return Status::NotFound("national_id", fmt::format("no person with national ID {} is registered with office {}",
                                                       r.national_id, office.code));
  }
  const Person& person = *found_person;
  MUSTER_ASSIGN_OR_RETURN(auto deferments, tx.deferments().List(r.national_id));
  return CheckEligibility(person, deferments, r.kind, LocalDate(r.appear_at, office.timezone), policy_);
}

Result<Summons> SummonsLifecycle::Enter(Tx& tx, const IssueRequest& r, int64_t id, std::optional<CampaignId> campaign_id,
                                        std::string_view actor, const std::string& override_reason,
                                        const std::string& approved_by, Timestamp now, ExitBanWrites& changes) {
  Summons s;
  s.id = id;
  s.number = FormatSummonsNumber(static_cast<int>(UtcDate(now).year()), id);
  s.person_id = r.person_id;
  s.national_id = r.national_id;
  s.office = r.office;
  s.kind = r.kind;
  s.campaign_id = campaign_id;
  s.appear_at = r.appear_at;
  s.place = r.place;
  s.purpose = r.purpose;
  s.issued_at = now;
  s.issued_by = std::string(actor);
  s.override_reason = override_reason;
  s.override_approved_by = approved_by;
  if (DeliveredOnEntry(policy_)) {
    // Entered into the cabinet and deemed delivered in the same moment: one row write.
    s.state = SummonsState::kDelivered;
    s.delivered_at = now;
  }
  MUSTER_RETURN_IF_ERROR(tx.summonses().Insert(s));
  MUSTER_ASSIGN_OR_RETURN(std::string document_sha256, SummonsDocumentSha256(s));
  MUSTER_RETURN_IF_ERROR(EmitEvent(tx, "summons.issued", now, actor, s.number, IssuedPayload(s, document_sha256)));
  if (s.delivered_at) MUSTER_RETURN_IF_ERROR(Delivered(tx, s, document_sha256, actor, changes));
  return s;
}

Result<Summons> SummonsLifecycle::EnterNext(Tx& tx, const IssueRequest& r, std::string_view actor,
                                            const std::string& override_reason, const std::string& approved_by,
                                            ExitBanWrites& changes) {
  MUSTER_ASSIGN_OR_RETURN(int64_t max_id, tx.summonses().MaxId());
  return Enter(tx, r, max_id + 1, std::nullopt, actor, override_reason, approved_by, clock_.Now(), changes);
}

Status SummonsLifecycle::Deliver(Tx& tx, Summons& s, Timestamp at, std::string_view actor, ExitBanWrites& changes) {
  MUSTER_RETURN_IF_ERROR(CheckTransition(s.number, s.state, SummonsAction::kDeliver));
  s.state = SummonsState::kDelivered;
  s.delivered_at = at;
  MUSTER_RETURN_IF_ERROR(tx.summonses().Update(s));
  MUSTER_ASSIGN_OR_RETURN(std::string document_sha256, SummonsDocumentSha256(s));
  return Delivered(tx, s, document_sha256, actor, changes);
}

Status SummonsLifecycle::Delivered(Tx& tx, const Summons& s, const std::string& document_sha256, std::string_view actor,
                                   ExitBanWrites& changes) {
  std::string payload;
  JsonWriter(payload)
      .BeginObject()
      .Key("delivered_at")
      .Time(*s.delivered_at)
      .Key("national_id")
      .String(s.national_id)
      .Key("summons_sha256")
      .String(document_sha256)
      .EndObject();
  MUSTER_RETURN_IF_ERROR(EmitEvent(tx, "summons.delivered", *s.delivered_at, actor, s.number, std::move(payload)));
  if (policy_.exit_ban_from == ExitBanFrom::kDelivery) {
    MUSTER_RETURN_IF_ERROR(
        Impose(tx, s, RestrictionRule{std::string(kExitBan), 0}, *s.delivered_at, *s.delivered_at, actor, changes));
  }
  return Status::Ok();
}

Status SummonsLifecycle::Impose(Tx& tx, const Summons& s, const RestrictionRule& rule, Timestamp at, Timestamp from,
                                std::string_view actor, ExitBanWrites& changes) {
  Restriction r;  // its person and national ID are its summons' (RestrictionPort::Insert)
  r.summons_id = s.id;
  r.kind = rule.kind;
  r.imposed_at = at;
  r.effective_at = from + std::chrono::days(rule.after_days);
  MUSTER_ASSIGN_OR_RETURN(r.id, tx.restrictions().Insert(r));
  std::string payload;
  JsonWriter(payload)
      .BeginObject()
      .Key("effective_at")
      .Time(r.effective_at)
      .Key("kind")
      .String(r.kind)
      .Key("national_id")
      .String(s.national_id)
      .Key("restriction_id")
      .Int(r.id)
      .EndObject();
  MUSTER_RETURN_IF_ERROR(EmitEvent(tx, "restriction.imposed", at, actor, s.number, std::move(payload)));
  changes.changed = true;  // every kind is indexed (ExitCheckService)
  return Status::Ok();
}

Status SummonsLifecycle::LiftAll(Tx& tx, const Summons& s, Timestamp at, std::string_view reason,
                                 std::string_view actor, ExitBanWrites& changes) {
  MUSTER_ASSIGN_OR_RETURN(auto restrictions, tx.restrictions().ListOfSummons(s.id));
  std::string document_sha256;  // named in each lifting, so that it has a receipt (Ledger::LiftedReceipt)
  for (Restriction& r : restrictions) {
    if (r.lifted_at) continue;
    if (document_sha256.empty()) {
      MUSTER_ASSIGN_OR_RETURN(document_sha256, SummonsDocumentSha256(s));
    }
    r.lifted_at = at;
    r.lift_reason = std::string(reason);
    MUSTER_RETURN_IF_ERROR(tx.restrictions().Update(r));
    MUSTER_RETURN_IF_ERROR(EmitEvent(tx, "restriction.lifted", at, actor, s.number,
                                     {{"restriction_id", r.id},
                                      {"kind", r.kind},
                                      {"national_id", s.national_id},
                                      {"reason", r.lift_reason},
                                      {"summons_sha256", document_sha256}}));
    changes.changed = true;  // every kind is indexed (ExitCheckService)
  }
  return Status::Ok();
}

Result<size_t> SummonsLifecycle::MarkNoShow(Tx& tx, const Summons& s, Timestamp now, std::string_view actor,
                                            ExitBanWrites& changes) {
  MUSTER_RETURN_IF_ERROR(CheckTransition(s.number, s.state, SummonsAction::kMarkNoShow));
  // The person failed to appear at the deadline; restriction delays count from then.
  Timestamp deadline = Deadline(s, policy_);
  std::string payload;
  JsonWriter(payload).BeginObject().Key("deadline").Time(deadline).Key("national_id").String(s.national_id).EndObject();
  MUSTER_RETURN_IF_ERROR(EmitEvent(tx, "summons.no_show", now, actor, s.number, std::move(payload)));
  size_t imposed = 0;
  for (const RestrictionRule& rule : policy_.restrictions) {
    // Under exit_ban_from = "delivery" the exit ban has been in force since delivery.
    if (rule.kind == kExitBan && policy_.exit_ban_from == ExitBanFrom::kDelivery) continue;
    MUSTER_RETURN_IF_ERROR(Impose(tx, s, rule, now, deadline, actor, changes));
    ++imposed;
  }
  return imposed;
}

}  // namespace muster

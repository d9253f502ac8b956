#include "summons/service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <future>
#include <nlohmann/json.hpp>
#include <random>

#include "core/json_writer.hpp"
#include "core/text.hpp"
#include "summons/deadline.hpp"
#include "summons/document.hpp"
#include "summons/number.hpp"

namespace muster {
namespace {

using nlohmann::json;

constexpr std::string_view kExitBan = "exit_ban";

// Who performs a change: "officer:olga", "cli:root", "system:sweep"; from --as on the command line.
Status CheckActor(std::string_view actor) { return CheckText("actor", actor, {.max_bytes = 200}); }

// The payload of summons.issued, keys in byte order.
std::string IssuedPayload(const Summons& s, std::string_view document_sha256) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject().Key("appear_at").Time(s.appear_at);
  if (s.campaign_id) w.Key("campaign_id").Int(*s.campaign_id);
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

Status EmitEvent(Tx& tx, std::string_view type, Timestamp at, std::string_view actor, std::string_view subject,
                 const json& payload) {
  // Every string has passed CheckText at the service's entry; should one not have, it is
  // replaced (U+FFFD) rather than ending the process.
  return EmitEvent(tx, type, at, actor, subject, payload.dump(-1, ' ', false, json::error_handler_t::replace));
}

Status EmitEvent(Tx& tx, std::string_view type, Timestamp at, std::string_view actor, std::string_view subject,
                 std::string payload) {
  // Every change records its actor through here: the one check of it (a CLI's --as NAME).
  MUSTER_RETURN_IF_ERROR(CheckActor(actor));
  Event e{0, std::string(type), at, std::string(actor), std::string(subject), std::move(payload)};
  return tx.events().Append(e).status();
}

bool SameActor(std::string_view a, std::string_view b) {
  auto person = [](std::string_view actor) {
    size_t colon = actor.find(':');
    return colon == std::string_view::npos ? actor : actor.substr(colon + 1);
  };
  return person(a) == person(b);
}

bool DeliveredOnEntry(const Policy& policy) { return policy.delivery_mode == DeliveryMode::kOnEntry; }

SummonsService::SummonsService(WritePath& writes, const Policy& policy, const Clock& clock)
    : writes_(writes),
      store_(writes.store()),
      policy_(policy),
      clock_(clock),
      check_nonce_(std::random_device{}() & 0xffff),
      check_counter_(0) {}

Status SummonsService::Write(const std::function<Status(Tx&, ExitBanWrites&)>& work, WriteKind kind) {
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
  if (changes.changed && exit_bans_loaded()) (void)FollowExitBans(/*from_replica=*/false);
  return Status::Ok();
}

Status SummonsService::LoadExitBans() {
  absl::MutexLock lock(&feed_mu_);
  exit_bans_loaded_ = false;
  MUSTER_RETURN_IF_ERROR(ReloadExitBans(/*from_replica=*/true));
  exit_bans_loaded_ = true;
  return Status::Ok();
}

Status SummonsService::ReloadExitBans(bool from_replica) {
  // One snapshot: the bans in force and the last event they include, built aside and swapped
  // in whole, so that exit checks meanwhile answer from the previous index.
  ExitBanIndex fresh;
  int64_t seq = 0;
  auto read = [&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(seq, tx.events().LastSeq());
    return tx.restrictions().ForEachActive(kExitBan,
                                       [&](const Restriction& r) { fresh.Add(r.national_id, r.id, r.effective_at); });
  };
  MUSTER_RETURN_IF_ERROR(from_replica ? store_.ReadReplica(read) : store_.Read(read));
  exit_bans_.Swap(fresh);
  exit_bans_seq_ = seq;
  return Status::Ok();
}

int64_t SummonsService::exit_bans_seq() const {
  absl::MutexLock lock(&feed_mu_);
  return exit_bans_seq_;
}

bool SummonsService::exit_bans_loaded() const {
  absl::MutexLock lock(&feed_mu_);
  return exit_bans_loaded_;
}

Result<std::optional<SummonsService::IndexChange>> SummonsService::ExitBanChangeOf(const Event& event) {
  // The payloads Impose and LiftAll write; a lift needs no effective_at.
  const bool banned = event.type == "restriction.imposed";
  auto bad = [&](std::string_view what) {
    return Status::Internal(fmt::format("event {} ({}): {}", event.seq, event.type, what));
  };
  json payload = json::parse(event.payload, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object()) return bad("the payload is not a JSON object");
  auto text = [&](const char* key) -> const std::string* {
    auto it = payload.find(key);
    return it != payload.end() && it->is_string() ? it->get_ptr<const std::string*>() : nullptr;
  };
  const std::string* kind = text("kind");
  if (kind == nullptr) return bad("no kind");
  if (*kind != kExitBan) return std::optional<IndexChange>();
  const std::string* national_id = text("national_id");
  auto id = payload.find("restriction_id");
  if (national_id == nullptr || id == payload.end() || !id->is_number_integer()) {
    return bad("no national_id or restriction_id");
  }
  IndexChange change{*national_id, id->get<int64_t>(), banned, Timestamp{}};
  if (banned) {
    const std::string* effective_at = text("effective_at");
    if (effective_at == nullptr) return bad("no effective_at");
    auto at = ParseTimestamp(*effective_at);
    if (!at.ok()) return bad("effective_at: " + std::string(at.status().message()));
    change.effective_at = *at;
  }
  return std::optional<IndexChange>(std::move(change));
}

Status SummonsService::FollowExitBans(bool from_replica) {
  constexpr size_t kPage = 10000;
  static constexpr std::string_view kTypes[] = {"restriction.imposed", "restriction.lifted"};
  if (!exit_bans_loaded()) return Status::FailedPrecondition("the exit-ban index is not loaded (LoadExitBans)");
  while (true) {
    int64_t after = exit_bans_seq();
    int64_t last = 0;  // the last event of the snapshot read
    std::vector<Event> events;
    auto read = [&](Tx& tx) {
      MUSTER_ASSIGN_OR_RETURN(last, tx.events().LastSeq());
      MUSTER_ASSIGN_OR_RETURN(events, tx.events().ListOfTypes(after, kTypes, kPage));
      return Status::Ok();
    };
    MUSTER_RETURN_IF_ERROR(from_replica ? store_.ReadReplica(read) : store_.Read(read));
    // Every event of the snapshot up to `through` has been looked at: all of them, unless a page
    // was full.
    const int64_t through = events.size() < kPage ? last : events.back().seq;
    std::vector<std::pair<int64_t, IndexChange>> changes;
    for (const Event& e : events) {
      MUSTER_ASSIGN_OR_RETURN(std::optional<IndexChange> change, ExitBanChangeOf(e));
      if (change) changes.emplace_back(e.seq, std::move(*change));
    }
    {
      // Another caller may have applied some of these meanwhile: skip what it did.
      absl::MutexLock lock(&feed_mu_);
      for (const auto& [seq, c] : changes) {
        if (seq <= exit_bans_seq_) continue;
        if (c.banned) {
          exit_bans_.Add(c.national_id, c.restriction_id, c.effective_at);
        } else {
          exit_bans_.Remove(c.national_id, c.restriction_id);
        }
      }
      exit_bans_seq_ = std::max(exit_bans_seq_, through);
    }
    if (events.size() < kPage) return Status::Ok();
  }
}

Result<Deferment> SummonsService::AddDeferment(std::string_view national_id, std::string_view kind, CivilDate until,
                                               std::string_view basis, std::string_view actor) {
  if (!policy_.IsDefermentKind(kind)) {
    return Status::InvalidArgument("kind", fmt::format("'{}' is not a deferment kind of the policy ({})", kind,
                                                       fmt::join(policy_.deferment_kinds, ", ")));
  }
  MUSTER_RETURN_IF_ERROR(CheckText("basis", basis, {.max_bytes = 1000}));
  Deferment d;
  d.national_id = std::string(national_id);
  d.kind = std::string(kind);
  d.until = until;
  d.basis = std::string(basis);
  d.created_by = std::string(actor);
  d.created_at = clock_.Now();
  MUSTER_RETURN_IF_ERROR(Write([&](Tx& tx, ExitBanWrites&) {
    MUSTER_ASSIGN_OR_RETURN(d.id, tx.deferments().Insert(d));
    return EmitEvent(tx, "deferment.added", d.created_at, actor, national_id,
                     {{"deferment_id", d.id.value},
                      {"national_id", d.national_id},
                      {"kind", d.kind},
                      {"until", FormatCivilDate(d.until)}});
  }));
  return d;
}

Result<Deferment> SummonsService::EndDeferment(DefermentId id, std::string_view actor) {
  Deferment d;
  Timestamp now = clock_.Now();
  MUSTER_RETURN_IF_ERROR(Write([&](Tx& tx, ExitBanWrites&) {
    MUSTER_ASSIGN_OR_RETURN(d, tx.deferments().Get(id));
    MUSTER_RETURN_IF_ERROR(tx.deferments().End(id, now));
    d.ended_at = now;
    return EmitEvent(tx, "deferment.ended", now, actor, d.national_id,
                     {{"deferment_id", id.value}, {"national_id", d.national_id}, {"kind", d.kind}});
  }));
  return d;
}

Result<Eligibility> SummonsService::CheckPerson(std::string_view national_id, std::string_view office,
                                                std::string_view kind, Timestamp appear_at) {
  if (!policy_.IsCampaignKind(kind)) {
    return Status::InvalidArgument("kind", fmt::format("'{}' is not one of {}", kind, policy_.CampaignKinds()));
  }
  Eligibility result;
  MUSTER_RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(Person person, tx.persons().Get(national_id));
    MUSTER_ASSIGN_OR_RETURN(Office o, tx.offices().Get(office.empty() ? person.district : office));
    MUSTER_ASSIGN_OR_RETURN(auto deferments, tx.deferments().List(national_id));
    result = CheckEligibility(person, deferments, kind, LocalDate(appear_at, o.timezone), policy_);
    return Status::Ok();
  }));
  return result;
}

Result<Eligibility> SummonsService::Assess(Tx& tx, const IssueRequest& r) {
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

Result<Summons> SummonsService::Enter(Tx& tx, const IssueRequest& r, int64_t id, std::optional<int64_t> campaign_id,
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

Result<Summons> SummonsService::EnterNext(Tx& tx, const IssueRequest& r, std::string_view actor,
                                          const std::string& override_reason, const std::string& approved_by,
                                          ExitBanWrites& changes) {
  MUSTER_ASSIGN_OR_RETURN(int64_t max_id, tx.summonses().MaxId());
  return Enter(tx, r, max_id + 1, std::nullopt, actor, override_reason, approved_by, clock_.Now(), changes);
}

Result<Summons> SummonsService::Issue(const IssueRequest& r, std::string_view actor) {
  Summons issued;
  MUSTER_RETURN_IF_ERROR(Write([&](Tx& tx, ExitBanWrites& changes) {
    MUSTER_ASSIGN_OR_RETURN(Eligibility e, Assess(tx, r));
    if (!e.eligible()) {
      return Status::FailedPrecondition(
                 fmt::format(
                     "{} is not eligible for {}: {}; an override needs a justification and a second person's approval",
                     r.national_id, r.kind, fmt::join(e.reasons, ", ")))
          .WithReasons(e.reasons);
    }
    MUSTER_ASSIGN_OR_RETURN(issued, EnterNext(tx, r, actor, "", "", changes));
    return Status::Ok();
  }));
  return issued;
}

Result<OverrideRequest> SummonsService::RequestOverride(const IssueRequest& r, std::string_view justification,
                                                        std::string_view actor) {
  MUSTER_RETURN_IF_ERROR(CheckText("justification", justification, {.max_bytes = 2000, .multiline = true}));
  OverrideRequest o;
  MUSTER_RETURN_IF_ERROR(Write([&](Tx& tx, ExitBanWrites&) {
    MUSTER_ASSIGN_OR_RETURN(Eligibility e, Assess(tx, r));
    if (e.eligible()) {
      return Status::FailedPrecondition(
          fmt::format("{} is eligible for {}: issue the summons without an override", r.national_id, r.kind));
    }
    o = OverrideRequest{0,
                        r.national_id,
                        r.office,
                        r.kind,
                        r.appear_at,
                        r.place,
                        r.purpose,
                        e.reasons,
                        std::string(justification),
                        std::string(actor),
                        clock_.Now()};
    MUSTER_ASSIGN_OR_RETURN(o.id, tx.overrides().Insert(o));
    return EmitEvent(tx, "override.requested", o.requested_at, actor, o.national_id,
                     {{"override_id", o.id},
                      {"national_id", o.national_id},
                      {"office", o.office},
                      {"kind", o.kind},
                      {"reasons", o.reasons},
                      {"justification", o.justification}});
  }));
  return o;
}

Result<Summons> SummonsService::ApproveOverride(int64_t override_id, std::string_view actor) {
  Summons issued;
  MUSTER_RETURN_IF_ERROR(Write([&](Tx& tx, ExitBanWrites& changes) {
    MUSTER_ASSIGN_OR_RETURN(OverrideRequest o, tx.overrides().Get(override_id));
    if (o.state != OverrideState::kPending) {
      return Status::FailedPrecondition(fmt::format("override {} is already {}", o.id, OverrideStateName(o.state)));
    }
    if (SameActor(o.requested_by, actor)) {
      return Status::PermissionDenied(
          fmt::format("override {} was requested by {}; a second person must approve it (four eyes)", o.id, actor));
    }
    IssueRequest r{o.national_id, o.office, o.kind, o.appear_at, o.place, o.purpose};
    std::string reason = fmt::format("{} (overrides {})", o.justification, fmt::join(o.reasons, ", "));
    MUSTER_ASSIGN_OR_RETURN(issued, EnterNext(tx, r, o.requested_by, reason, std::string(actor), changes));
    o.state = OverrideState::kApproved;
    o.decided_by = std::string(actor);
    o.decided_at = clock_.Now();
    o.summons_id = issued.id;
    MUSTER_RETURN_IF_ERROR(tx.overrides().Update(o));
    return EmitEvent(tx, "override.approved", *o.decided_at, actor, o.national_id,
                     {{"override_id", o.id}, {"national_id", o.national_id}, {"summons", issued.number}});
  }));
  return issued;
}

Result<OverrideRequest> SummonsService::RejectOverride(int64_t override_id, std::string_view actor) {
  OverrideRequest o;
  MUSTER_RETURN_IF_ERROR(Write([&](Tx& tx, ExitBanWrites&) {
    MUSTER_ASSIGN_OR_RETURN(o, tx.overrides().Get(override_id));
    if (o.state != OverrideState::kPending) {
      return Status::FailedPrecondition(fmt::format("override {} is already {}", o.id, OverrideStateName(o.state)));
    }
    o.state = OverrideState::kRejected;
    o.decided_by = std::string(actor);
    o.decided_at = clock_.Now();
    MUSTER_RETURN_IF_ERROR(tx.overrides().Update(o));
    return EmitEvent(tx, "override.rejected", *o.decided_at, actor, o.national_id,
                     {{"override_id", o.id}, {"national_id", o.national_id}});
  }));
  return o;
}

Status SummonsService::Deliver(Tx& tx, Summons& s, Timestamp at, std::string_view actor, ExitBanWrites& changes) {
  MUSTER_RETURN_IF_ERROR(CheckTransition(s.number, s.state, SummonsAction::kDeliver));
  s.state = SummonsState::kDelivered;
  s.delivered_at = at;
  MUSTER_RETURN_IF_ERROR(tx.summonses().Update(s));
  MUSTER_ASSIGN_OR_RETURN(std::string document_sha256, SummonsDocumentSha256(s));
  return Delivered(tx, s, document_sha256, actor, changes);
}

Status SummonsService::Delivered(Tx& tx, const Summons& s, const std::string& document_sha256, std::string_view actor,
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

Status SummonsService::Impose(Tx& tx, const Summons& s, const RestrictionRule& rule, Timestamp at, Timestamp from,
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
  if (r.kind == kExitBan) changes.changed = true;
  return Status::Ok();
}

Status SummonsService::LiftAll(Tx& tx, const Summons& s, Timestamp at, std::string_view reason, std::string_view actor,
                               ExitBanWrites& changes) {
  MUSTER_ASSIGN_OR_RETURN(auto restrictions, tx.restrictions().ListOfSummons(s.id));
  for (Restriction& r : restrictions) {
    if (r.lifted_at) continue;
    r.lifted_at = at;
    r.lift_reason = std::string(reason);
    MUSTER_RETURN_IF_ERROR(tx.restrictions().Update(r));
    MUSTER_RETURN_IF_ERROR(EmitEvent(
        tx, "restriction.lifted", at, actor, s.number,
        {{"restriction_id", r.id}, {"kind", r.kind}, {"national_id", s.national_id}, {"reason", r.lift_reason}}));
    if (r.kind == kExitBan) changes.changed = true;
  }
  return Status::Ok();
}

Result<Campaign> SummonsService::CreateCampaign(Campaign c, std::string_view actor) {
  c.created_by = std::string(actor);
  c.created_at = clock_.Now();
  MUSTER_RETURN_IF_ERROR(Write([&](Tx& tx, ExitBanWrites&) {
    MUSTER_ASSIGN_OR_RETURN(auto offices, tx.offices().List());
    MUSTER_RETURN_IF_ERROR(ValidateCampaign(c, policy_, offices, UtcDate(c.created_at)));
    MUSTER_ASSIGN_OR_RETURN(c.id, tx.campaigns().Insert(c));
    return Status::Ok();
  }));
  return c;
}

Result<Campaign> SummonsService::GetCampaign(int64_t id) {
  Campaign c;
  MUSTER_RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(c, tx.campaigns().Get(id));
    return Status::Ok();
  }));
  return c;
}

Result<CampaignPlan> SummonsService::Plan(Tx& tx, const Campaign& c) {
  MUSTER_ASSIGN_OR_RETURN(auto offices, tx.offices().List());
  MUSTER_ASSIGN_OR_RETURN(auto deferments, tx.deferments().ListOpen());
  MUSTER_ASSIGN_OR_RETURN(auto already, tx.campaigns().PersonIds(c.id));
  CampaignPlanner planner(c, policy_, offices, deferments, already);
  // Appointments already booked in the window (with a day of margin for time zones).
  MUSTER_RETURN_IF_ERROR(
      tx.reports().ForEachAppointment(StartOfDay(AddDays(c.appear_from, -1)), StartOfDay(AddDays(c.appear_until, 2)),
                                      [&](std::string_view office, Timestamp at) { planner.Booked(office, at); }));
  MUSTER_RETURN_IF_ERROR(tx.persons().ScanCandidates(c.districts, [&](const Candidate& cand) { planner.Add(cand); }));
  return planner.Finish();
}

Result<CampaignPlan> SummonsService::PreviewCampaign(int64_t id) {
  CampaignPlan plan;
  MUSTER_RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(Campaign c, tx.campaigns().Get(id));
    MUSTER_ASSIGN_OR_RETURN(plan, Plan(tx, c));
    return Status::Ok();
  }));
  return plan;
}

Result<CampaignPlan> SummonsService::IssueCampaign(int64_t id, std::string_view actor,
                                                   const std::function<void(size_t, size_t)>& progress, size_t batch,
                                                   const std::function<bool()>& should_stop) {
  Campaign c;
  CampaignPlan plan;
  MUSTER_RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(c, tx.campaigns().Get(id));
    MUSTER_ASSIGN_OR_RETURN(plan, Plan(tx, c));
    return Status::Ok();
  }));
  std::unordered_map<std::string, std::string> office_names;
  MUSTER_RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(auto offices, tx.offices().List());
    for (auto& o : offices) office_names[o.code] = o.name;
    return Status::Ok();
  }));
  const size_t total = plan.assignments.size();
  for (size_t start = 0; start < total; start += batch) {
    if (start > 0 && should_stop && should_stop()) {
      plan.assignments.resize(start);
      break;
    }
    size_t end = std::min(total, start + batch);
    MUSTER_RETURN_IF_ERROR(Write(
        [&](Tx& tx, ExitBanWrites& changes) {
          MUSTER_ASSIGN_OR_RETURN(int64_t max_id, tx.summonses().MaxId());
          Timestamp now = clock_.Now();
          IssueRequest r;
          r.kind = c.kind;
          r.purpose = c.purpose;
          for (size_t i = start; i < end; ++i) {
            const CampaignAssignment& a = plan.assignments[i];
            r.person_id = a.person_id;
            r.national_id = a.national_id;
            r.office = a.office;
            r.appear_at = a.appear_at;
            r.place = c.place.empty() ? office_names[a.office] : c.place;
            MUSTER_RETURN_IF_ERROR(Enter(tx, r, ++max_id, c.id, actor, "", "", now, changes).status());
          }
          return Status::Ok();
        },
        WriteKind::kBulk));
    if (progress) progress(end, total);
  }
  return plan;
}

Result<Summons> SummonsService::Get(std::string_view number) {
  MUSTER_ASSIGN_OR_RETURN(std::string canonical, ParseSummonsNumber(number));
  Summons s;
  MUSTER_RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(s, tx.summonses().Get(canonical));
    return Status::Ok();
  }));
  return s;
}

Result<Summons> SummonsService::View(std::string_view number, std::string_view actor) {
  MUSTER_ASSIGN_OR_RETURN(std::string canonical, ParseSummonsNumber(number));
  Summons s;
  MUSTER_RETURN_IF_ERROR(Write([&](Tx& tx, ExitBanWrites& changes) {
    MUSTER_ASSIGN_OR_RETURN(s, tx.summonses().Get(canonical));
    if (s.viewed_at) return Status::Ok();  // only the first opening counts
    Timestamp now = clock_.Now();
    if (s.state == SummonsState::kIssued) MUSTER_RETURN_IF_ERROR(Deliver(tx, s, now, actor, changes));
    s.viewed_at = now;
    if (s.state == SummonsState::kDelivered) s.state = SummonsState::kViewed;
    MUSTER_RETURN_IF_ERROR(tx.summonses().Update(s));
    return EmitEvent(tx, "summons.viewed", now, actor, s.number, {{"viewed_at", FormatTimestamp(now)}});
  }));
  return s;
}

Result<Summons> SummonsService::Appear(std::string_view number, std::optional<Timestamp> at, std::string_view actor) {
  MUSTER_ASSIGN_OR_RETURN(std::string canonical, ParseSummonsNumber(number));
  Timestamp now = clock_.Now();
  Timestamp when = at.value_or(now);
  if (when > now) return Status::InvalidArgument("at", fmt::format("{} is in the future", FormatTimestamp(when)));
  Summons s;
  MUSTER_RETURN_IF_ERROR(Write([&](Tx& tx, ExitBanWrites& changes) {
    MUSTER_ASSIGN_OR_RETURN(s, tx.summonses().Get(canonical));
    MUSTER_RETURN_IF_ERROR(CheckTransition(s.number, s.state, SummonsAction::kAppear));
    if (when < s.issued_at) {
      return Status::InvalidArgument("at", fmt::format("{} is before the summons was issued", FormatTimestamp(when)));
    }
    s.state = SummonsState::kAppeared;
    s.appeared_at = when;
    MUSTER_RETURN_IF_ERROR(tx.summonses().Update(s));
    MUSTER_RETURN_IF_ERROR(
        EmitEvent(tx, "summons.appeared", now, actor, s.number, {{"appeared_at", FormatTimestamp(when)}}));
    return LiftAll(tx, s, now, "appeared", actor, changes);
  }));
  return s;
}

Result<Summons> SummonsService::Cancel(std::string_view number, std::string_view reason, std::string_view actor) {
  MUSTER_ASSIGN_OR_RETURN(std::string canonical, ParseSummonsNumber(number));
  MUSTER_RETURN_IF_ERROR(CheckText("reason", reason, {.max_bytes = 1000, .multiline = true}));
  Summons s;
  MUSTER_RETURN_IF_ERROR(Write([&](Tx& tx, ExitBanWrites& changes) {
    MUSTER_ASSIGN_OR_RETURN(s, tx.summonses().Get(canonical));
    MUSTER_RETURN_IF_ERROR(CheckTransition(s.number, s.state, SummonsAction::kCancel));
    Timestamp now = clock_.Now();
    s.state = SummonsState::kCancelled;
    s.closed_at = now;
    s.close_reason = std::string(reason);
    MUSTER_RETURN_IF_ERROR(tx.summonses().Update(s));
    MUSTER_RETURN_IF_ERROR(EmitEvent(tx, "summons.cancelled", now, actor, s.number, {{"reason", s.close_reason}}));
    return LiftAll(tx, s, now, "summons cancelled", actor, changes);
  }));
  return s;
}

Result<Appeal> SummonsService::FileAppeal(std::string_view number, AppealReason reason, std::string_view text,
                                          std::string_view actor) {
  MUSTER_ASSIGN_OR_RETURN(std::string canonical, ParseSummonsNumber(number));
  MUSTER_RETURN_IF_ERROR(CheckText("text", text, {.max_bytes = 5000, .multiline = true}));
  Appeal a;
  MUSTER_RETURN_IF_ERROR(Write([&](Tx& tx, ExitBanWrites&) {
    MUSTER_ASSIGN_OR_RETURN(Summons s, tx.summonses().Get(canonical));
    MUSTER_RETURN_IF_ERROR(CheckTransition(s.number, s.state, SummonsAction::kFileAppeal));
    MUSTER_ASSIGN_OR_RETURN(auto pending,
                            tx.appeals().List({.state = AppealState::kPending, .summons_id = s.id, .limit = 1}));
    if (!pending.empty()) {
      return Status::FailedPrecondition(
          fmt::format("summons {} already has appeal {} pending", s.number, pending.front().id));
    }
    a.summons_id = s.id;
    a.summons_number = s.number;
    a.reason = reason;
    a.text = std::string(text);
    a.filed_by = std::string(actor);
    a.filed_at = clock_.Now();
    MUSTER_ASSIGN_OR_RETURN(a.id, tx.appeals().Insert(a));
    return EmitEvent(tx, "appeal.filed", a.filed_at, actor, s.number,
                     {{"appeal_id", a.id}, {"reason", std::string(AppealReasonName(reason))}});
  }));
  return a;
}

Result<Appeal> SummonsService::DecideAppeal(int64_t appeal_id, bool grant, std::string_view reason,
                                            std::string_view actor) {
  MUSTER_RETURN_IF_ERROR(CheckText("reason", reason, {.max_bytes = 2000, .multiline = true}));
  Appeal a;
  MUSTER_RETURN_IF_ERROR(Write([&](Tx& tx, ExitBanWrites& changes) {
    MUSTER_ASSIGN_OR_RETURN(a, tx.appeals().Get(appeal_id));
    if (a.state != AppealState::kPending) {
      return Status::FailedPrecondition(fmt::format("appeal {} is already {}", a.id, AppealStateName(a.state)));
    }
    MUSTER_ASSIGN_OR_RETURN(Summons s, tx.summonses().GetById(a.summons_id));
    if (SameActor(s.issued_by, actor)) {
      return Status::PermissionDenied(
          fmt::format("{} issued summons {} and may not decide its appeal", actor, s.number));
    }
    Timestamp now = clock_.Now();
    a.state = grant ? AppealState::kGranted : AppealState::kDenied;
    a.decided_by = std::string(actor);
    a.decided_at = now;
    a.decision_reason = std::string(reason);
    MUSTER_RETURN_IF_ERROR(tx.appeals().Update(a));
    MUSTER_RETURN_IF_ERROR(EmitEvent(tx, "appeal.decided", now, actor, s.number,
                                     {{"appeal_id", a.id}, {"decision", std::string(AppealStateName(a.state))}}));
    if (!grant) return Status::Ok();
    MUSTER_RETURN_IF_ERROR(CheckTransition(s.number, s.state, SummonsAction::kExcuse));
    s.state = SummonsState::kExcused;
    s.closed_at = now;
    s.close_reason = std::string(reason);
    MUSTER_RETURN_IF_ERROR(tx.summonses().Update(s));
    MUSTER_RETURN_IF_ERROR(EmitEvent(tx, "summons.excused", now, actor, s.number, {{"appeal_id", a.id}}));
    return LiftAll(tx, s, now, "appeal granted", actor, changes);
  }));
  return a;
}

Result<size_t> SummonsService::MarkNoShow(Tx& tx, const Summons& s, Timestamp now, std::string_view actor,
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

Result<SweepSummary> SummonsService::Sweep(Timestamp now, std::string_view actor,
                                           const std::function<void(size_t, size_t)>& progress, size_t batch) {
  SweepSummary summary;
  // 1. after_days delivery that fell due.
  if (policy_.delivery_mode == DeliveryMode::kAfterDays) {
    Timestamp issued_before = now - std::chrono::days(policy_.delivery_days);
    while (true) {
      size_t done = 0;
      MUSTER_RETURN_IF_ERROR(Write(
          [&](Tx& tx, ExitBanWrites& changes) {
            MUSTER_ASSIGN_OR_RETURN(auto due, tx.summonses().ListUndelivered(issued_before, batch));
            for (Summons& s : due) {
              MUSTER_RETURN_IF_ERROR(
                  Deliver(tx, s, s.issued_at + std::chrono::days(policy_.delivery_days), actor, changes));
            }
            done = due.size();
            return Status::Ok();
          },
          WriteKind::kBulk));
      summary.delivered += done;
      if (done < batch) break;
    }
  }
  // 2. no-shows: past appear_at + grace, not appeared, no appeal pending or granted. Taken in id
  // order, a batch per transaction: neighbouring ids share pages (of the summonses, their
  // restrictions and their events), so a large sweep writes each page about once instead of once
  // per batch. The rows of the next batch are read on another thread, outside the write lock,
  // while this one writes; a write closes only those of its batch still overdue then
  // (SummonsPort::CloseOverdue), and what the events and restrictions take from the rows read (number,
  // person, deadline) never changes.
  Timestamp appear_before = OverdueIfAppearBefore(now, policy_);
  auto read_batch = [this, appear_before](std::span<const int64_t> chunk) -> Result<std::vector<Summons>> {
    std::vector<Summons> rows;
    MUSTER_RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
      MUSTER_ASSIGN_OR_RETURN(rows, tx.summonses().ListOverdue(appear_before, chunk));
      return Status::Ok();
    }));
    return rows;
  };
  std::vector<int64_t> ids;
  MUSTER_RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(ids, tx.summonses().ListOverdueIds(appear_before));
    return Status::Ok();
  }));
  auto chunk_at = [&](size_t start) {
    return std::span<const int64_t>(ids.data() + start, std::min(batch, ids.size() - start));
  };
  std::future<Result<std::vector<Summons>>> next;
  if (!ids.empty()) next = std::async(std::launch::async, read_batch, chunk_at(0));
  for (size_t start = 0; start < ids.size(); start += batch) {
    MUSTER_ASSIGN_OR_RETURN(std::vector<Summons> rows, next.get());
    if (start + batch < ids.size()) next = std::async(std::launch::async, read_batch, chunk_at(start + batch));
    std::vector<int64_t> row_ids;
    row_ids.reserve(rows.size());
    for (const Summons& s : rows) row_ids.push_back(s.id);
    size_t done = 0, imposed = 0;
    MUSTER_RETURN_IF_ERROR(Write(
        [&](Tx& tx, ExitBanWrites& changes) {
          done = imposed = 0;
          MUSTER_ASSIGN_OR_RETURN(std::vector<int64_t> closed, tx.summonses().CloseOverdue(appear_before, row_ids, now));
          auto still = closed.begin();  // both in id order
          for (const Summons& s : rows) {
            if (still == closed.end() || *still != s.id) continue;
            ++still;
            MUSTER_ASSIGN_OR_RETURN(size_t n, MarkNoShow(tx, s, now, actor, changes));
            imposed += n;
          }
          done = closed.size();
          return Status::Ok();
        },
        WriteKind::kBulk));
    summary.no_show += done;
    summary.restrictions_imposed += imposed;
    // Of those listed; a summons appealed or closed since it was listed is not counted. Reported
    // once this batch is written and the next one read (the next write waits for that anyway),
    // so that whatever happens in the callback happens between the read and the write.
    if (next.valid()) next.wait();
    if (progress) progress(start + chunk_at(start).size(), ids.size());
  }
  return summary;
}

Result<ExitCheckAnswer> SummonsService::ExitCheck(std::string_view national_id, std::string_view asked_by) {
  MUSTER_RETURN_IF_ERROR(policy_.national_id.Validate(national_id).WithField("national_id"));
  Timestamp now = clock_.Now();
  ExitCheckAnswer answer;
  answer.allow = !exit_bans_.Barred(national_id, now);
  uint64_t n = check_counter_.fetch_add(1, std::memory_order_relaxed);
  FormatReference(answer, now, n);
  check_records_.Append({std::string(national_id), answer.allow, std::string(asked_by), now, n});
  return answer;
}

namespace {

// `value` in upper-case hex, zero-padded to `width` digits (more when it needs more).
char* PutHex(char* out, char* end, uint64_t value, int width) {
  char digits[16];
  auto [last, ec] = std::to_chars(digits, digits + sizeof digits, value, 16);
  for (int pad = width - static_cast<int>(last - digits); pad > 0 && out < end; --pad) *out++ = '0';
  // NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): to_chars wrote [digits, last)
  for (const char* d = digits; d < last && out < end; ++d) *out++ = (*d >= 'a') ? static_cast<char>(*d - 32) : *d;
  return out;
}

}  // namespace

void SummonsService::FormatReference(ExitCheckAnswer& answer, Timestamp at, uint64_t counter) const {
  // "X", the time in milliseconds (11 hex digits until 2527), this process's random 16-bit nonce
  // and its check counter: unique within the process, and across processes unless two draw the
  // same nonce and reach the same count in the same millisecond. At most 1 + 11 + 4 + 16 = 32.
  char* out = answer.reference_text.data();
  char* end = out + answer.reference_text.size();
  *out++ = 'X';
  out = PutHex(out, end, static_cast<uint64_t>(at.time_since_epoch().count()), 11);
  out = PutHex(out, end, check_nonce_, 4);
  out = PutHex(out, end, counter, 1);
  answer.reference_size = static_cast<uint8_t>(out - answer.reference_text.data());
}

Status SummonsService::FlushExitChecks() {
  return check_records_.Flush([this](std::span<const ExitCheckRecord> batch) {
    return store_.Write([&](Tx& tx) {
      ExitCheckAnswer reference;
      for (const ExitCheckRecord& r : batch) {
        FormatReference(reference, r.at, r.counter);
        MUSTER_RETURN_IF_ERROR(
            tx.restrictions().InsertExitCheck(reference.reference(), r.national_id, r.allow ? "allow" : "deny", r.asked_by, r.at));
      }
      return Status::Ok();
    });
  });
}

}  // namespace muster

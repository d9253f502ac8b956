// The summons lifecycle as services: deferments, eligibility, single summonses and their
// four-eyes overrides, delivery, viewing, appearance, cancellation, appeals, the sweep,
// restrictions and the exit check. The CLI and the HTTP API call exactly these; every rule lives
// here once.
//
// Every state change runs in one Store::Write transaction together with the domain events it
// emits, so a failure leaves nothing half-written. `actor` names who acts ("cli:alice",
// "officer:bob", "system:sweep"). Thread-safe as far as the Store is; the exit-ban index is
// updated only after a transaction commits.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <array>
#include <atomic>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy.hpp"
#include "core/summons.hpp"
#include "core/time.hpp"
#include "store/store.hpp"
#include "store/write_path.hpp"
#include "summons/campaign.hpp"
#include "summons/eligibility.hpp"
#include "summons/exit_ban_index.hpp"
#include "summons/exit_check_backlog.hpp"

namespace muster {

struct IssueRequest {
  std::string national_id;
  std::string office;
  std::string kind;  // a campaign kind of the policy
  Timestamp appear_at;
  std::string place;
  std::string purpose;
  int64_t person_id = 0;  // when the caller already knows the registry row
};

struct SweepSummary {
  size_t delivered = 0;  // after_days deliveries that fell due
  size_t no_show = 0;    // summonses marked no_show
  size_t restrictions_imposed = 0;
};

struct ExitCheckAnswer {
  bool allow = true;
  // Quote this to the office; it never reveals the reason. [0-9A-Z], at most 32 characters, kept
  // inline: the exit check is the hottest path and allocates nothing per answer.
  std::string_view reference() const { return {reference_text.data(), reference_size}; }
  std::array<char, 32> reference_text{};
  uint8_t reference_size = 0;
};

// Appends one domain event to `tx`; `payload` is written as canonical JSON. The subject names
// what the event is about (a summons number, a national ID, a deferment id), and a payload does
// not repeat a summons number that is its subject: the event and its ledger leaf carry it once.
// A national ID stays in the payload even when it is the subject: the ledger tells personal data
// by its key there, and replaces it (and the subject) with a pseudonym (ledger/leaf.hpp).
Status EmitEvent(Tx& tx, std::string_view type, Timestamp at, std::string_view actor, std::string_view subject,
                 const nlohmann::json& payload);
// The same with the payload already written as canonical JSON (keys in byte order, no white
// space), for the events a campaign or a sweep writes by the hundred thousand.
Status EmitEvent(Tx& tx, std::string_view type, Timestamp at, std::string_view actor, std::string_view subject,
                 std::string payload);

class SummonsService {
 public:
  // Writes go through `writes` (store/write_path.hpp: the ledger append before commit, bulk
  // batches to the follower), which app::App builds; reads go to its store.
  SummonsService(WritePath& writes, const Policy& policy, const Clock& clock);

  // Builds the exit-ban index from the store (a replica when it has one). Call once before
  // ExitCheck.
  Status LoadExitBans();
  // Applies the exit bans imposed and lifted since the last event read, by any process: the
  // index follows the `restriction.imposed` and `restriction.lifted` events (EventPort::ListOfTypes),
  // which commit in seq order. A write of this service that changes exit bans catches up from
  // the primary once it commits, so its own changes are in the index when it returns (unless
  // that read fails: then at the next call of this). `from_replica`: read from the replica (it
  // may lag: the rest comes at a later call). Thread-safe; changes are applied once each, in
  // order. FailedPrecondition before LoadExitBans; a service that never loads the index (a
  // one-shot command) never follows.
  Status FollowExitBans(bool from_replica = true);
  const ExitBanIndex& exit_bans() const { return exit_bans_; }
  // The seq of the last event the index has read.
  int64_t exit_bans_seq() const;
  bool exit_bans_loaded() const;

  Result<Deferment> AddDeferment(std::string_view national_id, std::string_view kind, CivilDate until,
                                 std::string_view basis, std::string_view actor);
  Result<Deferment> EndDeferment(DefermentId id, std::string_view actor);

  // Eligibility of a person for `kind` on the office-local day of `appear_at`.
  Result<Eligibility> CheckPerson(std::string_view national_id, std::string_view office, std::string_view kind,
                                  Timestamp appear_at);

  // Issues one summons. FailedPrecondition listing every reason when the person is not
  // eligible; an override then goes through RequestOverride and ApproveOverride.
  Result<Summons> Issue(const IssueRequest& request, std::string_view actor);
  Result<OverrideRequest> RequestOverride(const IssueRequest& request, std::string_view justification,
                                          std::string_view actor);
  // Issues the summons of a pending override; the approver must not be the requester.
  Result<Summons> ApproveOverride(int64_t override_id, std::string_view actor);
  Result<OverrideRequest> RejectOverride(int64_t override_id, std::string_view actor);

  // Campaigns: create (validated, defaults filled), preview (the plan, nothing written) and
  // issue in batches of `batch` per transaction. Issue is idempotent and resumable: a rerun
  // never summons a person twice for one campaign and completes what a crash left undone.
  Result<Campaign> CreateCampaign(Campaign campaign, std::string_view actor);
  Result<Campaign> GetCampaign(int64_t id);
  Result<CampaignPlan> PreviewCampaign(int64_t id);
  // Returns the plan that was carried out; `progress(done, total)` runs after each batch. When
  // `should_stop()` returns true between two batches, stops there and returns the plan cut to
  // the summonses issued so far (a later call issues the rest).
  Result<CampaignPlan> IssueCampaign(int64_t id, std::string_view actor,
                                     const std::function<void(size_t, size_t)>& progress = {}, size_t batch = 5000,
                                     const std::function<bool()>& should_stop = {});

  Result<Summons> Get(std::string_view number);
  // The citizen opens the summons: sets viewed_at once (later calls change nothing), and under
  // after_days delivery counts as delivery if that had not happened yet.
  Result<Summons> View(std::string_view number, std::string_view actor);
  Result<Summons> Appear(std::string_view number, std::optional<Timestamp> at, std::string_view actor);
  Result<Summons> Cancel(std::string_view number, std::string_view reason, std::string_view actor);

  Result<Appeal> FileAppeal(std::string_view number, AppealReason reason, std::string_view text,
                            std::string_view actor);
  // The decider must not be the one who issued the summons. Granting excuses the summons and
  // lifts its restrictions.
  Result<Appeal> DecideAppeal(int64_t appeal_id, bool grant, std::string_view reason, std::string_view actor);

  // Corrections of registry data (registry/correction.hpp): the person asks, with the value
  // checked by the import's rules (and a district by the offices); one pending request per field.
  // An officer approves it, which changes the person, or rejects it with a reason. Events:
  // person.correction_requested, person.corrected, person.correction_rejected (subject: the
  // national ID; the values stay in the corrections table, out of the ledger).
  Result<CorrectionRequest> RequestCorrection(std::string_view national_id, std::string_view field,
                                              std::string_view value, std::string_view explanation,
                                              std::string_view actor);
  Result<CorrectionRequest> DecideCorrection(int64_t id, bool approve, std::string_view reason, std::string_view actor);

  // Delivers after_days summonses that fell due and marks overdue ones no_show, imposing the
  // policy's restrictions. Idempotent; works in batches of `batch` summonses per transaction.
  // `progress(done, total)` follows the no-shows, after each batch is written and the next one
  // read (a summons changed in the callback is read as it was, and must be left as it is now).
  Result<SweepSummary> Sweep(Timestamp now, std::string_view actor = "system:sweep",
                             const std::function<void(size_t, size_t)>& progress = {}, size_t batch = 20000);

  // Answers from the in-memory index (no SQL) and records the question for the audit trail in
  // a bounded backlog (summons/exit_check_backlog.hpp; a record beyond its capacity is dropped
  // and counted). InvalidArgument for an ID the policy rejects.
  Result<ExitCheckAnswer> ExitCheck(std::string_view national_id, std::string_view asked_by);
  // Writes the recorded exit checks to the store, a transaction per batch of at most
  // ExitCheckBacklog::batch() records; on failure the unwritten stay for the next call. The
  // server calls this every second and once more at shutdown; one-shot commands before exit.
  Status FlushExitChecks();
  ExitCheckBacklog::Counts exit_check_records() const { return check_records_.counts(); }
  void SetExitCheckCapacity(size_t capacity) { check_records_.SetCapacity(capacity); }

 private:
  // An exit ban imposed (banned) or lifted, as the index applies it: FollowExitBans reads them
  // from the restriction events (ExitBanChangeOf).
  struct IndexChange {
    std::string national_id;
    int64_t restriction_id = 0;
    bool banned = true;
    Timestamp effective_at;  // when the ban takes effect
  };
  // The exit-ban change a `restriction.imposed` or `restriction.lifted` event records; nullopt
  // for another kind of restriction. Internal for a payload Impose or LiftAll did not write.
  static Result<std::optional<IndexChange>> ExitBanChangeOf(const Event& event);
  // Set by Impose and LiftAll when a write imposes or lifts an exit ban.
  struct ExitBanWrites {
    bool changed = false;
  };
  // Runs `work` on the write path and, when it imposed or lifted an exit ban, tells the other
  // servers (WritePath) and brings the index up to date once committed. A batch of bulk work
  // passes kBulk (WritePath::Kind::kBulk).
  enum class WriteKind { kSingle, kBulk };
  Status Write(const std::function<Status(Tx&, ExitBanWrites&)>& work, WriteKind kind = WriteKind::kSingle);

  Status Deliver(Tx& tx, Summons& s, Timestamp at, std::string_view actor, ExitBanWrites& changes);
  // Records a delivery that has happened (events, and the exit ban under exit_ban_from = "delivery").
  // `document_sha256`: SummonsDocumentSha256(s).
  Status Delivered(Tx& tx, const Summons& s, const std::string& document_sha256, std::string_view actor,
                   ExitBanWrites& changes);
  // Records that overdue `s`, which SummonsPort::CloseOverdue has just marked no_show at `now`, failed to
  // appear, and imposes the policy's restrictions; returns how many.
  Result<size_t> MarkNoShow(Tx& tx, const Summons& s, Timestamp now, std::string_view actor, ExitBanWrites& changes);
  // Imposes `rule` at `at`, taking effect `rule.after_days` after `from` (the missed deadline).
  Status Impose(Tx& tx, const Summons& s, const RestrictionRule& rule, Timestamp at, Timestamp from,
                std::string_view actor, ExitBanWrites& changes);
  Status LiftAll(Tx& tx, const Summons& s, Timestamp at, std::string_view reason, std::string_view actor,
                 ExitBanWrites& changes);
  // Enters a new summons with id `id` (numbers derive from ids) and delivers it on entry when
  // the policy says so. The one place a summons comes into being.
  Result<Summons> Enter(Tx& tx, const IssueRequest& request, int64_t id, std::optional<int64_t> campaign_id,
                        std::string_view actor, const std::string& override_reason, const std::string& approved_by,
                        Timestamp now, ExitBanWrites& changes);
  Result<Summons> EnterNext(Tx& tx, const IssueRequest& request, std::string_view actor,
                            const std::string& override_reason, const std::string& approved_by, ExitBanWrites& changes);
  Result<CampaignPlan> Plan(Tx& tx, const Campaign& campaign);
  // Checks a request (ID, kind, texts, a future time, the person's own office) and returns the
  // person's eligibility for it.
  Result<Eligibility> Assess(Tx& tx, const IssueRequest& request);

  WritePath& writes_;
  Store& store_;
  const Policy& policy_;
  const Clock& clock_;
  // Replaces the index with the bans in force and reads on from the last event.
  Status ReloadExitBans(bool from_replica) ABSL_EXCLUSIVE_LOCKS_REQUIRED(feed_mu_);
  ExitBanIndex exit_bans_;
  // Guards applying changes to exit_bans_ and the seq of the last event read (an in-process
  // order only: the events' seq order comes from the store).
  mutable absl::Mutex feed_mu_;
  int64_t exit_bans_seq_ ABSL_GUARDED_BY(feed_mu_) = 0;
  bool exit_bans_loaded_ ABSL_GUARDED_BY(feed_mu_) = false;

  void FormatReference(ExitCheckAnswer& answer, Timestamp at, uint64_t counter) const;
  ExitCheckBacklog check_records_;
  const uint32_t check_nonce_;
  std::atomic<uint64_t> check_counter_;
};

// True when the policy deems a summons delivered the moment it is entered in the cabinet.
bool DeliveredOnEntry(const Policy& policy);

// True when two actors are the same person: "officer:alice", "cli:alice" and "alice" are one
// person acting through different channels (the part after the first ':' names the person).
// The four-eyes rules compare actors with this.
bool SameActor(std::string_view a, std::string_view b);

}  // namespace muster

// The steps of a summons' life that several services share: entering one (the one place a
// summons comes into being), delivering it, marking a no-show, imposing and lifting
// restrictions, and assessing a request; and the write every summons service runs its changes
// through. The services (summons/service.hpp, override_service.hpp, campaign_service.hpp,
// appeal_service.hpp, sweep_service.hpp) call these and own no rule of their own twice.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/actor.hpp"
#include "core/policy.hpp"
#include "core/summons.hpp"
#include "core/time.hpp"
#include "store/store.hpp"
#include "store/write_path.hpp"
#include "summons/eligibility.hpp"
#include "summons/exit_check_service.hpp"

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

// True when the policy deems a summons delivered the moment it is entered in the cabinet.
bool DeliveredOnEntry(const Policy& policy);

class SummonsLifecycle {
 public:
  // Writes go through `writes` (store/write_path.hpp: the ledger append before commit, bulk
  // batches to the follower), which app::App builds; reads go to its store. A write that imposes
  // or lifts an exit ban brings `exit_checks`' index up to date once it commits.
  SummonsLifecycle(WritePath& writes, const Policy& policy, const Clock& clock, ExitCheckService& exit_checks);

  Store& store() const { return store_; }
  const Policy& policy() const { return policy_; }
  const Clock& clock() const { return clock_; }

  // Set by Impose and LiftAll when a write imposes or lifts a restriction (of any kind: the
  // restriction checks index them all).
  struct ExitBanWrites {
    bool changed = false;
  };
  // Runs `work` on the write path and, when it imposed or lifted an exit ban, tells the other
  // servers (WritePath) and brings the index up to date once committed. A batch of bulk work
  // passes kBulk (WritePath::Kind::kBulk).
  enum class WriteKind { kSingle, kBulk };
  Status Write(const std::function<Status(Tx&, ExitBanWrites&)>& work, WriteKind kind = WriteKind::kSingle);

  // The summons `number` (any spelling ParseSummonsNumber takes) if `actor` may read it
  // (Actor::SeesPerson), or act on it (`act`: Actor::ActsOn); else Actor::Absent, about "number".
  Result<Summons> Scoped(Tx& tx, std::string_view number, const Actor& actor, bool act) const;

  // Checks a request (scope, ID, kind, texts, a future time, the person's own office) and returns
  // the person's eligibility for it.
  Result<Eligibility> Assess(Tx& tx, const IssueRequest& request, const Actor& actor);
  // Enters a new summons with id `id` (numbers derive from ids) and delivers it on entry when
  // the policy says so. The one place a summons comes into being.
  Result<Summons> Enter(Tx& tx, const IssueRequest& request, int64_t id, std::optional<CampaignId> campaign_id,
                        std::string_view actor, const std::string& override_reason, const std::string& approved_by,
                        Timestamp now, ExitBanWrites& changes);
  // Enter with the next free id, now.
  Result<Summons> EnterNext(Tx& tx, const IssueRequest& request, std::string_view actor,
                            const std::string& override_reason, const std::string& approved_by, ExitBanWrites& changes);

  Status Deliver(Tx& tx, Summons& s, Timestamp at, std::string_view actor, ExitBanWrites& changes);
  // Records that overdue `s`, which SummonsPort::CloseOverdue has just marked no_show at `now`,
  // failed to appear, and imposes the policy's restrictions; returns how many.
  Result<size_t> MarkNoShow(Tx& tx, const Summons& s, Timestamp now, std::string_view actor, ExitBanWrites& changes);
  // Lifts every restriction of `s` still in force.
  Status LiftAll(Tx& tx, const Summons& s, Timestamp at, std::string_view reason, std::string_view actor,
                 ExitBanWrites& changes);

 private:
  // Records a delivery that has happened (events, and the exit ban under exit_ban_from = "delivery").
  // `document_sha256`: SummonsDocumentSha256(s).
  Status Delivered(Tx& tx, const Summons& s, const std::string& document_sha256, std::string_view actor,
                   ExitBanWrites& changes);
  // Imposes `rule` at `at`, taking effect `rule.after_days` after `from` (the missed deadline).
  Status Impose(Tx& tx, const Summons& s, const RestrictionRule& rule, Timestamp at, Timestamp from,
                std::string_view actor, ExitBanWrites& changes);

  WritePath& writes_;
  Store& store_;
  const Policy& policy_;
  const Clock& clock_;
  ExitCheckService& exit_checks_;
};

}  // namespace muster

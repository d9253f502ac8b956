// Restriction checks: an agency's question "does a restriction of this kind bar this person
// now?", answered from an in-memory index per kind of the restrictions in force, which follows
// the restriction events of every process. The border's exit check ("may this person leave?")
// is the kind exit_ban of the same mechanism. A restriction bars from its effective_at on (the
// policy's after_days after the no-show); the answer is allow or deny with a reference, never
// the reason.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy.hpp"
#include "core/status.hpp"
#include "core/time.hpp"
#include "store/store.hpp"
#include "summons/exit_ban_index.hpp"
#include "summons/exit_check_backlog.hpp"

namespace muster {

// The kind of restriction the border enforces: the exit check's.
inline constexpr std::string_view kExitBan = "exit_ban";

struct ExitCheckAnswer {
  bool allow = true;
  // Quote this to the office; it never reveals the reason. [0-9A-Z], at most 32 characters, kept
  // inline: the exit check is the hottest path and allocates nothing per answer.
  std::string_view reference() const { return {reference_text.data(), reference_size}; }
  std::array<char, 32> reference_text{};
  uint8_t reference_size = 0;
};

class ExitCheckService {
 public:
  ExitCheckService(Store& store, const Policy& policy, const Clock& clock);

  // Builds the index of every restriction kind from the store (a replica when it has one). Call
  // once before ExitCheck or RestrictionCheck.
  Status LoadExitBans();
  // Applies the exit bans imposed and lifted since the last event read, by any process: the
  // index follows the `restriction.imposed` and `restriction.lifted` events (EventPort::ListOfTypes),
  // which commit in seq order. A write that changes exit bans catches up from the primary once it
  // commits (SummonsLifecycle::Write), so its own changes are in the index when it returns
  // (unless that read fails: then at the next call of this). `from_replica`: read from the
  // replica (it may lag: the rest comes at a later call). Thread-safe; changes are applied once
  // each, in order. FailedPrecondition before LoadExitBans; a process that never loads the index
  // (a one-shot command) never follows.
  Status FollowExitBans(bool from_replica = true);
  const ExitBanIndex& exit_bans() const { return *indexes_.front(); }
  // The restriction kinds indexed: exit_ban first, then the policy's others in its order.
  const std::vector<std::string>& kinds() const { return kinds_; }
  // The seq of the last event the index has read.
  int64_t exit_bans_seq() const;
  bool exit_bans_loaded() const;

  // For the offline stop-list (summons/stoplist_service.hpp). Calls `fn` for every person the
  // index bars (now or later), with their earliest exit ban, under one view of the index, and
  // returns the seq of the last event that view includes.
  int64_t ForEachExitBan(const std::function<void(std::string_view national_id, Timestamp earliest)>& fn) const;
  // The national IDs whose exit bans events in (after, through] imposed or lifted, read from the
  // primary, each once. FailedPrecondition naming "since" when there are more than `limit`.
  Result<std::vector<std::string>> ExitBansChanged(int64_t after, int64_t through, size_t limit) const;

  // Answers from the in-memory index (no SQL) and records the question for the audit trail in
  // a bounded backlog (summons/exit_check_backlog.hpp; a record beyond its capacity is dropped
  // and counted). InvalidArgument for an ID the policy rejects. `asked_by`: the border key's actor.
  Result<ExitCheckAnswer> ExitCheck(std::string_view national_id, std::string_view asked_by);
  // The same question about a restriction of `kind` (one of kinds(); NotFound naming "kind" for
  // another), recorded in the same audit trail with its kind. Whether the asker may ask about
  // `kind` is the caller's to decide (api/restriction_check.cpp: the agency key's kinds).
  Result<ExitCheckAnswer> RestrictionCheck(std::string_view kind, std::string_view national_id,
                                           std::string_view asked_by);
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
    size_t slot = 0;  // the kind's index in kinds_
    std::string national_id;
    int64_t restriction_id = 0;
    bool banned = true;
    Timestamp effective_at;  // when the ban takes effect
  };
  // The change a `restriction.imposed` or `restriction.lifted` event records; nullopt for a kind
  // not indexed. Internal for a payload the lifecycle did not write.
  Result<std::optional<IndexChange>> ExitBanChangeOf(const Event& event) const;
  // The slot of `kind` in kinds_, or kinds_.size().
  size_t SlotOf(std::string_view kind) const;
  // The one code path of ExitCheck and RestrictionCheck, for an indexed kind.
  Result<ExitCheckAnswer> Check(size_t slot, std::string_view national_id, std::string_view asked_by);
  // Replaces the index with the bans in force and reads on from the last event.
  Status ReloadExitBans(bool from_replica) ABSL_EXCLUSIVE_LOCKS_REQUIRED(feed_mu_);
  void FormatReference(ExitCheckAnswer& answer, Timestamp at, uint64_t counter) const;

  Store& store_;
  const Policy& policy_;
  const Clock& clock_;
  // By slot; the indexes' own locks make them safe to read while feed_mu_ is held by a writer.
  std::vector<std::string> kinds_;
  std::vector<std::unique_ptr<ExitBanIndex>> indexes_;
  // Guards applying changes to indexes_ and the seq of the last event read (an in-process
  // order only: the events' seq order comes from the store).
  mutable absl::Mutex feed_mu_;
  int64_t exit_bans_seq_ ABSL_GUARDED_BY(feed_mu_) = 0;
  bool exit_bans_loaded_ ABSL_GUARDED_BY(feed_mu_) = false;

  ExitCheckBacklog check_records_;
  const uint32_t check_nonce_;
  std::atomic<uint64_t> check_counter_;
};

}  // namespace muster

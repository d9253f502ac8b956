// The exit check: the border's question "may this person leave?", answered from an in-memory
// index of the exit bans in force, which follows the restriction events of every process.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/policy.hpp"
#include "core/status.hpp"
#include "core/time.hpp"
#include "store/store.hpp"
#include "summons/exit_ban_index.hpp"
#include "summons/exit_check_backlog.hpp"

namespace muster {

// The kind of restriction the border enforces.
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

  // Builds the exit-ban index from the store (a replica when it has one). Call once before
  // ExitCheck.
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
  const ExitBanIndex& exit_bans() const { return exit_bans_; }
  // The seq of the last event the index has read.
  int64_t exit_bans_seq() const;
  bool exit_bans_loaded() const;

  // Answers from the in-memory index (no SQL) and records the question for the audit trail in
  // a bounded backlog (summons/exit_check_backlog.hpp; a record beyond its capacity is dropped
  // and counted). InvalidArgument for an ID the policy rejects. `asked_by`: the border key's actor.
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
  // for another kind of restriction. Internal for a payload the lifecycle did not write.
  static Result<std::optional<IndexChange>> ExitBanChangeOf(const Event& event);
  // Replaces the index with the bans in force and reads on from the last event.
  Status ReloadExitBans(bool from_replica) ABSL_EXCLUSIVE_LOCKS_REQUIRED(feed_mu_);
  void FormatReference(ExitCheckAnswer& answer, Timestamp at, uint64_t counter) const;

  Store& store_;
  const Policy& policy_;
  const Clock& clock_;
  ExitBanIndex exit_bans_;
  // Guards applying changes to exit_bans_ and the seq of the last event read (an in-process
  // order only: the events' seq order comes from the store).
  mutable absl::Mutex feed_mu_;
  int64_t exit_bans_seq_ ABSL_GUARDED_BY(feed_mu_) = 0;
  bool exit_bans_loaded_ ABSL_GUARDED_BY(feed_mu_) = false;

  ExitCheckBacklog check_records_;
  const uint32_t check_nonce_;
  std::atomic<uint64_t> check_counter_;
};

}  // namespace muster

// The outbox of notifications (core/notification.hpp, migration 0018_notifications.sql): queued
// by the outbox subscriber (notify/outbox.hpp), claimed and finished by dispatchers
// (notify/dispatcher.hpp), listed for officers and citizens. Reached from a transaction as
// tx.notifications(); used by the thread that owns the transaction. Every method fails with
// IoError when the database does.
//
// At most one dispatcher holds a message at a time: Claim runs in a write transaction (writes are
// serialised, across servers too) and gives each message a lease; a message whose lease ran out
// (its dispatcher died) is claimed again, so a message is lost by no crash, and sent twice only
// when a dispatcher died between sending it and finishing it (the receiver then sees the same
// Message-ID twice).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/notification.hpp"
#include "core/status.hpp"
#include "core/time.hpp"

namespace muster {

struct NotificationFilter {
  std::optional<std::string> summons_number;  // about one summons
  std::optional<NotificationStatus> status;   // all statuses when nullopt
  std::optional<int64_t> person_id;           // to one person
  int64_t after_id = 0;                       // cursor: only ids greater than this
  size_t limit = 0;                           // 0: no limit
};

struct NotificationClaim {
  std::string owner;  // who holds the lease (a dispatcher's name, unique among the running ones)
  Timestamp now;
  std::chrono::milliseconds lease{std::chrono::minutes(5)};
  size_t limit = 100;
  std::vector<NotificationChannel> channels;  // only messages of these channels
};

// How an attempt ended.
struct NotificationOutcome {
  NotificationStatus status = NotificationStatus::kDelivered;  // delivered, temporary- or permanent-failure
  std::string reason;                                          // for a failure: why, for people
  std::string answer;                                          // what the other side said
  Timestamp at;
  std::optional<Timestamp> next_attempt_at;  // a temporary failure: when to try again
};

class NotificationPort {
 public:
  virtual ~NotificationPort() = default;

  // Stores `n` as queued with no attempts, due at n.next_attempt_at; returns the new id.
  // AlreadyExists when its event has queued one on its channel already, or its message_id is
  // taken.
  virtual Result<int64_t> Queue(const Notification& n) = 0;
  // Takes up to claim.limit messages of claim.channels that are due at claim.now (queued or
  // temporary-failure with next_attempt_at <= now, or sending with an expired lease), soonest
  // first in each channel, the channels in the order given, and marks them sending, held by
  // claim.owner until now + lease (next_attempt_at too). Returns them by id. Only in a write
  // transaction.
  virtual Result<std::vector<Notification>> Claim(const NotificationClaim& claim) = 0;
  // Records an attempt at message `id` held by `owner` and sets its status, reason and (for a
  // temporary failure) when it is due again; releases the lease and counts the attempt.
  // FailedPrecondition when `owner` does not hold it (its lease ran out and another took it up).
  virtual Status Finish(int64_t id, std::string_view owner, const NotificationOutcome& outcome) = 0;
  // Records what the receiver reported later about message `id` (the webhook's status callback):
  // an attempt with outcome.status and outcome.answer, and sets the status and reason (for a
  // temporary failure, due again at outcome.next_attempt_at, or outcome.at), whatever the status
  // was, releasing a lease; the count of attempts (sends) stays. A final message (delivered or
  // permanent-failure) told its own status again is left as it is; told another,
  // FailedPrecondition. NotFound when there is no such message. Only in a write transaction.
  virtual Status Report(int64_t id, const NotificationOutcome& outcome) = 0;
  // NotFound when there is no such message.
  virtual Result<Notification> Get(int64_t id) = 0;
  // The messages matching `filter`, lowest id first, at most filter.limit (all when 0).
  virtual Result<std::vector<Notification>> List(const NotificationFilter& filter) = 0;
  // The attempts at message `id`, oldest first.
  virtual Result<std::vector<NotificationAttempt>> Attempts(int64_t id) = 0;
  // How many messages are in each status, for the statuses that have any, by status name.
  virtual Result<std::vector<std::pair<NotificationStatus, int64_t>>> CountByStatus() = 0;

  // The escalation of unopened summonses (notify/escalation.hpp).
  //
  // The summonses delivered and not opened, not unreachable, whose last escalation step (their
  // delivery, before any) was taken at or before `stepped_before`: by summons id, those above
  // `after_summons_id`, at most `limit`. One with no step yet has step "" and stepped_at its
  // delivery.
  virtual Result<std::vector<Escalation>> ListUnopened(Timestamp stepped_before, int64_t after_summons_id,
                                                       size_t limit) = 0;
  // Records the step `e` took for its summons (made the first time, replaced after).
  virtual Status SetEscalation(const Escalation& e) = 0;
  // The unreachable summonses of `office` (of every office when nullopt), by summons id, those
  // above `after_summons_id`, at most `limit` (all when 0).
  virtual Result<std::vector<Escalation>> ListUnreachable(const std::optional<std::string>& office,
                                                          int64_t after_summons_id, size_t limit) = 0;
};

}  // namespace muster

// Notifications: the messages that tell a person, through each channel they have, that something
// happened to them (a summons waiting in the personal account, a restriction imposed or lifted, a
// decision). The outbox (notify/outbox.hpp) queues them; the dispatcher (notify/dispatcher.hpp)
// sends them. Statuses as GOV.UK Notify has them:
//
//   queued ──(claimed with a lease)──► sending ──► delivered
//     ▲                                   │   └──► permanent-failure (not retried, with the reason)
//     │                                   ▼
//     └──────(next_attempt_at)──── temporary-failure
//
// A `sending` message whose lease ran out (its dispatcher died) is taken up again.
//
// A message of channel `paper` is the print queue's entry for a paper summons (the escalation's
// last step, notify/escalation.hpp): no dispatcher sends it; the print queue renders it and
// records its fate with the same statuses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace muster {

enum class NotificationChannel { kEmail, kWebhook, kPaper };
std::string_view NotificationChannelName(NotificationChannel channel);  // "email", "webhook", "paper"
std::optional<NotificationChannel> ParseNotificationChannel(std::string_view name);

enum class NotificationStatus { kQueued, kSending, kDelivered, kTemporaryFailure, kPermanentFailure };
// "queued", "sending", "delivered", "temporary-failure", "permanent-failure"
std::string_view NotificationStatusName(NotificationStatus status);
std::optional<NotificationStatus> ParseNotificationStatus(std::string_view name);

struct Notification {
  int64_t id = 0;
  int64_t event_seq = 0;       // the event that queued it: one message per event and channel
  std::string summons_number;  // empty when it is about no summons (a correction)
  int64_t person_id = 0;
  NotificationChannel channel = NotificationChannel::kEmail;
  std::string templ;  // the template's kind, e.g. "summons_delivered" (notify/templates.hpp)
  int template_version = 1;
  std::string lang;     // "en", "ru"
  std::string address;  // an e-mail address, the phone number a webhook is told, or a postal address
  std::string params;   // the template's placeholder values, a JSON object of strings
  NotificationStatus status = NotificationStatus::kQueued;
  int attempts = 0;  // attempts finished (NotificationPort::Finish)
  Timestamp next_attempt_at;
  std::optional<Timestamp> lease_until;  // while sending: until when its dispatcher holds it
  std::string lease_owner;
  std::string message_id;  // "<…@…>", made when queued: the same on every attempt
  std::string reason;      // why it failed, for the failures
  Timestamp created_at;
  Timestamp updated_at;
};

// One try at sending a notification, and what the other side answered.
struct NotificationAttempt {
  int64_t notification_id = 0;
  Timestamp at;
  NotificationStatus outcome = NotificationStatus::kDelivered;  // delivered or a failure
  std::string answer;  // the server's answer ("250 2.0.0 OK", "connection refused", "HTTP 503")
};

// Where the escalation of an unopened summons has got to (notify/escalation.hpp): the last step
// of the policy's [escalation] ladder taken, and when; `unreachable_at` once no step was left.
struct Escalation {
  int64_t summons_id = 0;
  std::string summons_number;
  std::string office;
  int64_t person_id = 0;
  std::string step;      // a ladder step ("email", "sms", "paper"); "" before any (the delivery)
  Timestamp stepped_at;  // when that step was taken (the delivery's time before any)
  std::optional<Timestamp> unreachable_at;
};

}  // namespace muster

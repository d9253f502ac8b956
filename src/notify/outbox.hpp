// The outbox: the subscriber (events/subscriber.hpp) that turns the events a person should hear
// of into notifications, one per channel the person has (e-mail when the registry has an address,
// the webhook for a phone number), queued in the transaction that moves its cursor. What it
// queued and the cursor commit together or not at all, so a crash between the change and the
// queue loses no message, and none is queued twice. Whether a channel is configured does not
// matter here: without one, messages stay queued until it is (notify/dispatcher.hpp).
//
//   event                          template
//   summons.delivered              summons_delivered
//   summons.escalated              summons_reminder, on the escalation step's one channel
//                                  (notify/escalation.hpp; `paper`: the print queue's entry)
//   restriction.imposed / lifted   restriction_imposed / restriction_lifted
//   appeal.decided                 appeal_granted / appeal_denied
//   person.corrected               correction_approved
//   person.correction_rejected     correction_rejected
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/notification.hpp"
#include "core/person.hpp"
#include "core/policy.hpp"
#include "core/summons.hpp"
#include "events/subscriber.hpp"
#include "notify/templates.hpp"

namespace muster::notify {

inline constexpr std::string_view kOutboxName = "outbox";

struct OutboxOptions {
  std::string lang = "en";  // the language of the messages (a template language)
  size_t batch = 1000;      // events per transaction
};

// The template for `event`, or nullopt when the event tells the person nothing.
std::optional<std::string_view> TemplateFor(const Event& event);

// What a notification about `summons` (null for one about no summons) says: the placeholder
// values of notify/templates.hpp and nothing else.
Params ParamsFor(const Person& person, const Office& office, const Summons* summons, const Policy& policy);

// A new Message-ID, "<n{seq}.{channel}.{32 hex digits}@muster>": made once, when queued, so
// that every attempt at the message carries it.
std::string NewMessageId(int64_t event_seq, NotificationChannel channel);

// The channel of an escalation's step (summons.escalated); nullopt for any other event.
std::optional<NotificationChannel> EscalatedChannel(const Event& event);

// The notifications `event` queues for `person`, one per channel the person has (e-mail, the
// webhook), or for summons.escalated the one on its step's channel (paper: to the registered
// address); none for a person who is deceased.
std::vector<Notification> NotificationsFor(const Event& event, std::string_view templ, const Person& person,
                                           const Params& params, std::string_view lang, Timestamp now);

class Outbox final : public events::CursorSubscriber {
 public:
  // `writes`, `clock` and `policy` must outlive it.
  Outbox(WritePath& writes, const Clock& clock, const Policy& policy, OutboxOptions options = {});

  // Messages queued by this object's rounds.
  uint64_t queued() const { return queued_; }

 protected:
  Status Handle(Tx& tx, std::span<const Event> events) override;

 private:
  const Clock& clock_;
  const Policy& policy_;
  const OutboxOptions options_;
  uint64_t queued_ = 0;  // the subscriber's thread's own
};

}  // namespace muster::notify

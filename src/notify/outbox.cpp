#include "notify/outbox.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "core/time.hpp"
#include "notify/escalation.hpp"

namespace muster::notify {
namespace {

const std::vector<std::string> kEventTypes = {"summons.delivered",         "summons.escalated", "restriction.imposed",
                                              "restriction.lifted",        "appeal.decided",    "person.corrected",
                                              "person.correction_rejected"};

// The string member `key` of an event's payload; nullopt when it has none.
std::optional<std::string> PayloadString(const Event& e, std::string_view key) {
  auto payload = nlohmann::json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object()) return std::nullopt;
  auto it = payload.find(key);
  if (it == payload.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string LocalTime(Timestamp t, const Office& office) {
  return fmt::format("{} ({})", FormatLocalTime(t, office.timezone), office.timezone);
}

}  // namespace

std::optional<std::string_view> TemplateFor(const Event& e) {
  if (e.type == "summons.delivered") return "summons_delivered";
  if (e.type == "summons.escalated") return "summons_reminder";
  if (e.type == "restriction.imposed") return "restriction_imposed";
  if (e.type == "restriction.lifted") return "restriction_lifted";
  if (e.type == "person.corrected") return "correction_approved";
  if (e.type == "person.correction_rejected") return "correction_rejected";
  if (e.type == "appeal.decided") {
    std::optional<std::string> decision = PayloadString(e, "decision");
    if (decision == "granted") return "appeal_granted";
    if (decision == "denied") return "appeal_denied";
  }
  return std::nullopt;
}

Params ParamsFor(const Person& person, const Office& office, const Summons* summons, const Policy& policy) {
  Params p{{"given_name", person.given_name}, {"office_name", office.name}, {"office_region", office.region}};
  if (summons) {
    p["summons_number"] = summons->number;
    p["appear_at"] = LocalTime(summons->appear_at, office);
    p["deadline"] = LocalTime(summons->appear_at + std::chrono::hours(policy.grace_hours), office);
    p["place"] = summons->place;
  }
  return p;
}

std::string NewMessageId(int64_t event_seq, NotificationChannel channel) {
  unsigned char random[16] = {};
  if (RAND_bytes(random, sizeof random) != 1) {
    // Unique still through the event and the time: the random part guards against two databases.
    const auto now = std::chrono::system_clock::now().time_since_epoch().count();
    std::memcpy(random, &now, sizeof now);
  }
  std::string hex;
  for (unsigned char b : random) hex += fmt::format("{:02x}", b);
  return fmt::format("<n{}.{}.{}@muster>", event_seq, NotificationChannelName(channel), hex);
}

std::optional<NotificationChannel> EscalatedChannel(const Event& event) {
  if (event.type != "summons.escalated") return std::nullopt;
  std::optional<std::string> name = PayloadString(event, "step");
  std::optional<EscalationStep> step = name ? ParseEscalationStep(*name) : std::nullopt;
  return step ? ChannelOfStep(*step) : std::nullopt;
}

std::vector<Notification> NotificationsFor(const Event& event, std::string_view templ, const Person& person,
                                           const Params& params, std::string_view lang, Timestamp now) {
  std::vector<Notification> out;
  if (person.status == PersonStatus::kDeceased) return out;
  // An escalation's step goes through its one channel; anything else through every channel the
  // person has but paper.
  const bool escalated = event.type == "summons.escalated";
  const std::optional<NotificationChannel> only = EscalatedChannel(event);
  if (escalated && !only) return out;
  auto add = [&](NotificationChannel channel, const std::string& address) {
    if (address.empty() || (only ? channel != *only : channel == NotificationChannel::kPaper)) return;
    Notification n;
    n.event_seq = event.seq;
    auto number = params.find("summons_number");
    if (number != params.end()) n.summons_number = number->second;
    n.person_id = person.id.value;
    n.channel = channel;
    n.templ = std::string(templ);
    n.lang = std::string(lang);
    if (auto t = FindTemplate(templ, lang); t.ok()) n.template_version = (*t)->version;
    n.address = address;
    n.params = ParamsToJson(params);
    n.next_attempt_at = now;
    n.message_id = NewMessageId(event.seq, channel);
    n.created_at = now;
    n.updated_at = now;
    out.push_back(std::move(n));
  };
  add(NotificationChannel::kEmail, person.email);
  add(NotificationChannel::kWebhook, person.phone);
  add(NotificationChannel::kPaper, person.address);
  return out;
}

Outbox::Outbox(WritePath& writes, const Clock& clock, const Policy& policy, OutboxOptions options)
    : CursorSubscriber(writes, clock, {.name = std::string(kOutboxName), .types = kEventTypes, .batch = options.batch}),
      clock_(clock),
      policy_(policy),
      options_(std::move(options)) {}

Status Outbox::Handle(Tx& tx, std::span<const Event> events) {
  MUSTER_RETURN_IF_ERROR(FindTemplate(TemplateKinds().front(), options_.lang).status());
  const Timestamp now = clock_.Now();
  uint64_t queued = 0;
  for (const Event& e : events) {
    std::optional<std::string_view> templ = TemplateFor(e);
    if (!templ) continue;
    std::optional<Summons> summons;
    std::string national_id = e.subject;
    if (e.type != "person.corrected" && e.type != "person.correction_rejected") {
      auto number = SummonsNumber::Parse(e.subject);
      if (!number.ok()) {
        return Status::Internal(fmt::format("event {} ({}): subject: {}", e.seq, e.type, number.status().message()));
      }
      MUSTER_ASSIGN_OR_RETURN(summons, tx.summonses().Get(*number));
      national_id = summons->national_id;
    }
    auto person = tx.persons().Get(national_id);
    if (person.status().IsNotFound()) continue;  // only the national ID is known: nobody to tell
    MUSTER_RETURN_IF_ERROR(person.status());
    MUSTER_ASSIGN_OR_RETURN(Office office, tx.offices().Get(summons ? summons->office : person->district));
    const Params params = ParamsFor(*person, office, summons ? &*summons : nullptr, policy_);
    for (const Notification& n : NotificationsFor(e, *templ, *person, params, options_.lang, now)) {
      MUSTER_RETURN_IF_ERROR(tx.notifications().Queue(n).status().WithContext(fmt::format("event {}", e.seq)));
      ++queued;
    }
  }
  queued_ += queued;  // after the loop: a failed batch is rolled back and counts nothing
  return Status::Ok();
}

}  // namespace muster::notify

// /api/v1/notifications/...: the webhook's status callback, the unreachable summonses of an
// office; and the messages about a person or one's own summons (notify/notification_service.hpp
// scopes them).
//
// The callback: the receiver (an SMS gateway) reports later what became of a message it took,
// signed as muster's webhook signs its own calls (notify/channels.hpp). No login: the signature
// is the authentication.
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>

#include "api/handlers.hpp"
#include "codec/json.hpp"
#include "notify/channels.hpp"
#include "notify/dispatcher.hpp"
#include "notify/proof.hpp"

namespace muster::api {

namespace {

// True when the request's Muster-Signature is the HMAC of its body under `secret`, compared in
// constant time.
bool Signed(const http::Request& request, const std::string& secret) {
  const std::string_view given = request.Header("Muster-Signature");
  const std::string want = notify::WebhookSignature(secret, request.body);
  return given.size() == want.size() && sodium_memcmp(given.data(), want.data(), want.size()) == 0;
}

template <typename T>
void ReplyItems(Call& call, const Result<std::vector<T>>& list) {
  if (!list.ok()) return Fail(call, list.status());
  nlohmann::json items = nlohmann::json::array();
  for (const T& item : *list) items.push_back(ToJson(item));
  Reply(call, 200, {{"items", std::move(items)}});
}

}  // namespace

void ReportNotificationStatus(Call& call) {
  const std::string* secret = call.services.webhook_secret;
  if (!secret) return http::WriteProblem(call.response, 503, "no [webhook] is configured on this server");
  if (!Signed(call.request, *secret)) {
    return http::WriteProblem(call.response, 401, "Muster-Signature: missing, or not the body's signature");
  }
  int64_t id;
  if (!IdParam(call, "id", id)) return;
  auto body = Body::Parse(call);
  if (!body) return;
  std::string name, reason;
  if (!body->String("status", name, true, 64) || !body->String("reason", reason, false, 2000)) return;
  const std::optional<NotificationStatus> status = ParseNotificationStatus(name);
  if (!status || *status == NotificationStatus::kQueued || *status == NotificationStatus::kSending) {
    return http::WriteProblem(call.response, 400, "status: must be delivered, temporary-failure or permanent-failure",
                              "status");
  }
  NotificationOutcome outcome{
      .status = *status,
      .reason = *status == NotificationStatus::kDelivered ? "" : reason,
      .answer = reason.empty() ? fmt::format("callback: {}", name) : fmt::format("callback: {}: {}", name, reason),
      .at = call.services.clock.Now()};
  Notification n;
  Status st = call.services.store.Write([&](Tx& tx) -> Status {
    if (*status == NotificationStatus::kTemporaryFailure) {
      // Sent again as the dispatcher would after a failed send.
      MUSTER_ASSIGN_OR_RETURN(Notification earlier, tx.notifications().Get(id));
      outcome.next_attempt_at = outcome.at + notify::Backoff(std::max(earlier.attempts, 1), {});
    }
    MUSTER_ASSIGN_OR_RETURN(Notification before, tx.notifications().Get(id));
    MUSTER_RETURN_IF_ERROR(tx.notifications().Report(id, outcome));
    MUSTER_ASSIGN_OR_RETURN(n, tx.notifications().Get(id));
    if (notify::IsFinal(before.status)) return Status::Ok();  // told again what it was
    return notify::RecordFinalStatus(tx, n, n.status, outcome.at, n.attempts, "webhook:callback");
  });
  if (!st.ok()) return Fail(call, st);
  Reply(call, 200,
        {{"id", n.id},
         {"status", NotificationStatusName(n.status)},
         {"reason", n.reason},
         {"attempts", n.attempts},
         {"updated_at", FormatTimestamp(n.updated_at)}});
}

void PersonNotifications(Call& call) {
  ReplyItems(call, call.services.domain.notifications().OfPerson(call.who.Acting(), call.params.Get("national_id")));
}

void MySummonsNotifications(Call& call) {
  ReplyItems(call, call.services.domain.notifications().OfSummons(call.who.Acting(), call.params.Get("number")));
}

void ListUnreachable(Call& call) {
  bool has_office = false;
  std::string office = call.request.QueryParam("office", &has_office);
  if (has_office && (office.empty() || office.size() > 64)) {
    return http::WriteProblem(call.response, 400, "office: expected an office code", "office");
  }
  std::optional<std::string> only;
  if (has_office) only = std::move(office);
  ReplyItems(call, call.services.domain.notifications().Unreachable(call.who.Acting(), only));
}

}  // namespace muster::api

// The webhook's status callback: the receiver (an SMS gateway) reports later what became of a
// message it took, signed as muster's webhook signs its own calls (notify/channels.hpp). No
// login: the signature is the authentication.
#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>

#include "api/handlers.hpp"
#include "notify/channels.hpp"
#include "notify/dispatcher.hpp"

namespace muster::api {

namespace {

// True when the request's Muster-Signature is the HMAC of its body under `secret`, compared in
// constant time.
bool Signed(const http::Request& request, const std::string& secret) {
  const std::string_view given = request.Header("Muster-Signature");
  const std::string want = notify::WebhookSignature(secret, request.body);
  return given.size() == want.size() && sodium_memcmp(given.data(), want.data(), want.size()) == 0;
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
      MUSTER_ASSIGN_OR_RETURN(Notification before, tx.notifications().Get(id));
      outcome.next_attempt_at = outcome.at + notify::Backoff(std::max(before.attempts, 1), {});
    }
    MUSTER_RETURN_IF_ERROR(tx.notifications().Report(id, outcome));
    MUSTER_ASSIGN_OR_RETURN(n, tx.notifications().Get(id));
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
  Reply(call, 200,
        {{"id", n.id},
         {"status", NotificationStatusName(n.status)},
         {"reason", n.reason},
         {"attempts", n.attempts},
         {"updated_at", FormatTimestamp(n.updated_at)}});
}

}  // namespace muster::api

// The channels a dispatcher sends through: e-mail over SMTP and a webhook (an SMS gateway, a push
// service, a digital-post adapter), both through libcurl, configured by the deployment file
// (core/deployment.hpp). A channel object is used by one thread at a time; the SMTP channel keeps
// its connection open between messages.
//
// What an answer means:
//   SMTP   2xx: delivered (to the relay); 4xx, no connection, a timeout: temporary-failure;
//          5xx: permanent-failure with the server's answer as the reason.
//   HTTP   2xx: delivered; 408, 425, 429, 5xx, no connection, a timeout: temporary-failure;
//          any other status: permanent-failure.
//
// The webhook body is JSON:
//   {"id":7,"message_id":"<…>","template":"summons_delivered","version":1,"lang":"ru",
//    "to":"+79990000000","summons_number":"26-…","subject":"…","text":"…"}
// with the header Muster-Signature: the hex HMAC-SHA256 of the body under the webhook's secret.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "core/deployment.hpp"
#include "core/notification.hpp"
#include "core/time.hpp"
#include "notify/templates.hpp"

namespace muster::notify {

// The longest one Send may take: libcurl's connect (10 s) and transfer (60 s) timeouts.
inline constexpr std::chrono::seconds kConnectTimeout{10};
inline constexpr std::chrono::seconds kTransferTimeout{60};
inline constexpr std::chrono::seconds kLongestSend = kConnectTimeout + kTransferTimeout;

struct SendResult {
  NotificationStatus status = NotificationStatus::kDelivered;  // delivered or a failure
  std::string answer;                                          // what the other side said
  std::string reason;                                          // a failure's, for people
};

class Channel {
 public:
  virtual ~Channel() = default;
  virtual NotificationChannel kind() const = 0;
  // Sends `rendered` as notification `n`; never throws, every failure is a SendResult.
  virtual SendResult Send(const Notification& n, const Rendered& rendered) = 0;
};

// `clock` must outlive the channel (the Date header).
std::unique_ptr<Channel> MakeSmtpChannel(const SmtpSettings& settings, const Clock& clock);
std::unique_ptr<Channel> MakeWebhookChannel(const WebhookSettings& settings);

// How an SMTP transfer ended: libcurl's code, the last reply code (0 for none), its text.
SendResult ClassifySmtp(int curl_code, long reply_code, std::string answer);
// How a webhook call ended: libcurl's code, the HTTP status (0 for none), what it said.
SendResult ClassifyHttp(int curl_code, long http_status, std::string answer);

// The webhook's body for `n` and its signature (lowercase hex HMAC-SHA256 under `secret`).
std::string WebhookBody(const Notification& n, const Rendered& rendered);
std::string WebhookSignature(std::string_view secret, std::string_view body);

}  // namespace muster::notify

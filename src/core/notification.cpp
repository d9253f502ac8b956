#include "core/notification.hpp"

namespace muster {

std::string_view NotificationChannelName(NotificationChannel channel) {
  switch (channel) {
    case NotificationChannel::kEmail:
      return "email";
    case NotificationChannel::kWebhook:
      return "webhook";
    case NotificationChannel::kPaper:
      return "paper";
  }
  return "email";
}

std::optional<NotificationChannel> ParseNotificationChannel(std::string_view name) {
  for (auto c : {NotificationChannel::kEmail, NotificationChannel::kWebhook, NotificationChannel::kPaper}) {
    if (NotificationChannelName(c) == name) return c;
  }
  return std::nullopt;
}

std::string_view NotificationStatusName(NotificationStatus status) {
  switch (status) {
    case NotificationStatus::kQueued:
      return "queued";
    case NotificationStatus::kSending:
      return "sending";
    case NotificationStatus::kDelivered:
      return "delivered";
    case NotificationStatus::kTemporaryFailure:
      return "temporary-failure";
    case NotificationStatus::kPermanentFailure:
      return "permanent-failure";
  }
  return "queued";
}

std::optional<NotificationStatus> ParseNotificationStatus(std::string_view name) {
  for (auto s : {NotificationStatus::kQueued, NotificationStatus::kSending, NotificationStatus::kDelivered,
                 NotificationStatus::kTemporaryFailure, NotificationStatus::kPermanentFailure}) {
    if (NotificationStatusName(s) == name) return s;
  }
  return std::nullopt;
}

}  // namespace muster

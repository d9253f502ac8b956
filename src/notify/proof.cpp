#include "notify/proof.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/summons_number.hpp"
#include "store/emit_event.hpp"
#include "summons/document.hpp"

namespace muster::notify {

bool IsFinal(NotificationStatus status) {
  return status == NotificationStatus::kDelivered || status == NotificationStatus::kPermanentFailure;
}

Status RecordFinalStatus(Tx& tx, const Notification& n, NotificationStatus status, Timestamp at, int attempts,
                         std::string_view actor) {
  if (!IsFinal(status)) return Status::Ok();
  nlohmann::json payload = {{"notification", n.id},
                            {"channel", NotificationChannelName(n.channel)},
                            {"template", n.templ},
                            {"attempts", attempts}};
  std::string subject;
  if (!n.summons_number.empty()) {
    MUSTER_ASSIGN_OR_RETURN(SummonsNumber number, SummonsNumber::Parse(n.summons_number));
    MUSTER_ASSIGN_OR_RETURN(Summons summons, tx.summonses().Get(number));
    MUSTER_ASSIGN_OR_RETURN(std::string sha256, SummonsDocumentSha256(summons));
    payload["summons_sha256"] = std::move(sha256);
    subject = summons.number;
  } else {
    // About the person alone: the event that queued it is about them.
    MUSTER_ASSIGN_OR_RETURN(std::vector<Event> queued_by, tx.events().List(n.event_seq - 1, 1));
    if (queued_by.empty() || queued_by.front().seq != n.event_seq) {
      return Status::Internal(fmt::format("notification {}: its event {} is missing", n.id, n.event_seq));
    }
    subject = queued_by.front().subject;
    payload["national_id"] = subject;
  }
  return EmitEvent(tx, status == NotificationStatus::kDelivered ? kNotificationSent : kNotificationFailed, at, actor,
                   subject, payload);
}

}  // namespace muster::notify

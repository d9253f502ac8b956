// Proof of what was sent: a message that reaches its final status is an event of its summons,
// in the transaction that records that status, and so a ledger leaf (pseudonymised as every
// leaf is, ledger/leaf.hpp). Its payload:
//
//   notification.sent    {"attempts":N,"channel":"email"|"webhook"|"paper","notification":ID,
//                         ["summons_sha256":"<hex>",]"template":"<kind>"}
//   notification.failed  the same, for a permanent failure
//
// The subject is the summons number; for a message about no summons (a correction), the
// person's national ID, named in the payload as "national_id" so that the ledger replaces it by
// a pseudonym. The summons_sha256 (that of the summons document, summons/document.hpp) lets the
// summons's receipt (ledger/receipt.hpp) prove the event: the citizen can show, offline, that a
// message was sent at the leaf's time through its channel. Never the address, the text or the
// server's answer.
#pragma once

#include <string_view>

#include "core/notification.hpp"
#include "core/status.hpp"
#include "store/store.hpp"

namespace muster::notify {

inline constexpr std::string_view kNotificationSent = "notification.sent";
inline constexpr std::string_view kNotificationFailed = "notification.failed";

// True for delivered and permanent-failure.
bool IsFinal(NotificationStatus status);

// Emits the event of message `n` reaching `status` at `at` after `attempts` sends (nothing for a
// status that is not final), in `tx`, by `actor`.
Status RecordFinalStatus(Tx& tx, const Notification& n, NotificationStatus status, Timestamp at, int attempts,
                         std::string_view actor);

}  // namespace muster::notify

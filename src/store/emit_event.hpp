// Appending a domain event: the one way every service records a change, in the transaction of
// the change itself.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "core/time.hpp"
#include "store/store.hpp"

namespace muster {

// Appends one domain event to `tx`; `payload` is written as canonical JSON. The subject names
// what the event is about (a summons number, a national ID, a deferment id), and a payload does
// not repeat a summons number that is its subject: the event and its ledger leaf carry it once.
// A national ID stays in the payload even when it is the subject: the ledger tells personal data
// by its key there, and replaces it (and the subject) with a pseudonym (ledger/leaf.hpp).
// `actor` is checked here, the one check of who is recorded (a CLI's --as NAME).
Status EmitEvent(Tx& tx, std::string_view type, Timestamp at, std::string_view actor, std::string_view subject,
                 const nlohmann::json& payload);
// The same with the payload already written as canonical JSON (keys in byte order, no white
// space), for the events a campaign or a sweep writes by the hundred thousand.
Status EmitEvent(Tx& tx, std::string_view type, Timestamp at, std::string_view actor, std::string_view subject,
                 std::string payload);

}  // namespace muster

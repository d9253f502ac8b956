// The summons document: the fields fixed when a summons is issued, as one JSON object. The ledger
// commits to it by hash ("summons_sha256" in the summons.issued and summons.delivered events),
// and a delivery receipt carries it in full (ledger/receipt.hpp), so the citizen can prove what
// was delivered, not only that something was.
//
//   {"appear_at":"<RFC 3339>","campaign_id":N|null,"issued_at":"<RFC 3339>","issued_by":"<actor>",
//    "kind":"<kind>","national_id":"<id>","number":"<number>","office":"<code>",
//    "place":"<text>","purpose":"<text>"}
//
// Times as FormatTimestamp writes them (UTC, milliseconds). State, delivery and later changes are
// not part of it: they are events.
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.hpp"
#include "core/summons.hpp"
#include "ledger/bytes.hpp"

namespace muster {

nlohmann::json SummonsDocument(const Summons& summons);
// Lower-case hex SHA-256 of the document's canonical JSON.
Result<std::string> SummonsDocumentSha256(const Summons& summons);

}  // namespace muster

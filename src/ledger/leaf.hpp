// Ledger leaves: the canonical JSON (ledger/canonical_json.hpp) of one domain event, with every
// piece of personal data replaced by a keyed digest.
//
// Leaf (members in this order, which is the canonical, sorted order; no white space):
//
//   {"actor":{"id":"<id>","role":"<role>"},   the actor "<role>:<id>" split at the first ':'
//                                             (role "" when there is none)
//    ["format":2,]                            format 2 and later; absent in format 1
//    "payload":{...},                         the event's payload, transformed as below
//    "seq":N,                                 the event's sequence number (events.seq)
//    "subject":"<subject>",                   summons number, deferment id, ... or a pseudonym
//    ["summons_sha256":"<hex>",]              when the payload names a summons document: its
//                                             SHA-256, moved here from the payload, where
//                                             receipts (ledger/receipt.hpp) look for it
//    "time":"YYYY-MM-DDTHH:MM:SS.mmmZ",       when the event happened (UTC, milliseconds)
//    "type":"<type>"}                         "summons.issued", "summons.delivered", ...
//
// Personal data never appears in clear. In the payload, at any depth:
//
//   "national_id": "<id>"      becomes  "person": Pseudonym(id)
//   "<k>": "<text>"            becomes  "<k>_hmac": TextDigest(text) for every key k but the
//                                       identifiers, codes, states and times listed in leaf.cpp
//                                       (kClearKeys: number, office, kind, appear_at, ...), so
//                                       free text (reason, justification, ...) and any key an
//                                       event gains later are digested unless allowed on purpose
//   a summons document         appears only as "summons_sha256": SHA-256 hex of its canonical
//                              JSON (summons/document.hpp), put there by the summons service
//                              (and moved to the leaf's top level, above)
//
// and every other string (the subject and the actor id included) equal to a national ID named in
// the payload, or to the id of an actor of role "citizen", is replaced by its pseudonym.
//
// Format 1 (the leaves of the events before migration 0016; store.hpp's LedgerHead says where
// format 2 begins): one pseudonym per person for the whole log, one digest per text.
//
//   Pseudonym(id)   = lower-case hex of HMAC-SHA256(secret, id)
//   TextDigest(t)   = lower-case hex of HMAC-SHA256(secret, "text:" || t)
//
// Format 2 (every leaf since): pseudonyms and digests are scoped to what the leaf is about, so
// that leaves of different summonses, deferments, overrides or corrections of one person cannot
// be joined, while the events of one summons still can (they share its number anyway):
//
//   scope           = the subject, unless it is a person (a national ID named in the payload or
//                     a citizen actor's id); then "deferment_id=<n>", "override_id=<n>" or
//                     "correction_id=<n>" (the first of these the payload holds as an integer),
//                     else "seq=<seq>"
//   Pseudonym(id)   = lower-case hex of HMAC-SHA256(secret, "person2:" || len(scope) || ":" ||
//                     scope || id), len in decimal
//   TextDigest(t)   = lower-case hex of HMAC-SHA256(secret, "text2:" || len(scope) || ":" ||
//                     scope || t)
//
// and format 2 digests more: `kind` except in summons.*, restriction.* and override.* events
// (a deferment's kind, such as "health", becomes "kind_hmac"), a corrected `field`, and an array
// under a key not in kClearKeys (an override's "reasons": ["deferment:health"]) as the text of
// its canonical JSON ("reasons_hmac").
//
// The secret (32 random bytes) is the server's and never leaves it: whoever holds the database
// and the secret can link pseudonyms to persons and check a digest against a value, nobody else
// can.
//
// Pseudonym key file: "MUSTER-PSEUDONYM-KEY+" followed by 64 lower-case hex digits and a newline,
// created with mode 0600 and never overwritten; reading one that others may read fails.
#pragma once

#include <sodium.h>

#include <array>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "core/summons.hpp"
#include "ledger/bytes.hpp"

namespace muster::ledger {

inline constexpr size_t kPseudonymKeySize = 32;

// The HMAC secret. Copies hold the secret too; the memory is wiped on destruction.
class PseudonymKey {
 public:
  static Result<PseudonymKey> Generate();
  static Result<PseudonymKey> FromBytes(ByteView secret);
  // The key file's text (trailing white space ignored).
  static Result<PseudonymKey> Parse(std::string_view text);

  PseudonymKey(const PseudonymKey&) = default;
  PseudonymKey& operator=(const PseudonymKey&) = default;
  ~PseudonymKey();

  std::string Encode() const;  // without the newline
  // Format 1: one pseudonym per person, one digest per text, for the whole log.
  std::string Pseudonym(std::string_view national_id) const;
  std::string TextDigest(std::string_view text) const;
  // Format 2: scoped to one summons, deferment, override, correction or event (above).
  std::string Pseudonym(std::string_view national_id, std::string_view scope) const;
  std::string TextDigest(std::string_view text, std::string_view scope) const;

 private:
  PseudonymKey() = default;
  void Init();  // keys `hmac_` from `secret_`
  // HMAC-SHA256 of the concatenated parts, in lower-case hex.
  std::string Hmac(std::initializer_list<std::string_view> parts) const;

  std::array<uint8_t, kPseudonymKeySize> secret_{};
  crypto_auth_hmacsha256_state hmac_{};  // keyed once; each digest starts from a copy
  uint64_t generation_ = 0;              // tells keys apart in Pseudonym's per-thread memo
};

// Mode 0600, never overwritten (AlreadyExists); errors name the path.
Status WritePseudonymKeyFile(const std::string& path, const PseudonymKey& key);
// FailedPrecondition when group or others may read the file; NotFound when it does not exist.
Result<PseudonymKey> ReadPseudonymKeyFile(const std::string& path);

// The leaf formats above. A leaf keeps the format it was appended in: the ledger re-encodes an
// event in the format of its position (ledger/log.hpp), so old leaves keep verifying.
enum class LeafFormat : int { kV1 = 1, kV2 = 2 };
inline constexpr LeafFormat kLatestLeafFormat = LeafFormat::kV2;

// The leaf of `event` in `format`. InvalidArgument when the payload is not a JSON object or
// holds invalid UTF-8. Payloads in canonical form (as EmitEvent writes them) take a fast path
// that writes the leaf without building a JSON tree; others go through EncodeLeafReference,
// which gives the same bytes for every payload (leaf_test.cpp).
Result<std::string> EncodeLeaf(const Event& event, const PseudonymKey& key, LeafFormat format);
// The same by way of nlohmann::json: the definition the fast path is tested against.
Result<std::string> EncodeLeafReference(const Event& event, const PseudonymKey& key, LeafFormat format);

}  // namespace muster::ledger

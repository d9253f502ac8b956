// Ledger leaves: the canonical JSON (ledger/canonical_json.hpp) of one domain event, with every
// piece of personal data replaced by a keyed digest.
//
// Leaf (members in this order, which is the canonical, sorted order; no white space):
//
//   {"actor":{"id":"<id>","role":"<role>"},   the actor "<role>:<id>" split at the first ':'
//                                             (role "" when there is none)
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
//   Pseudonym(id)   = lower-case hex of HMAC-SHA256(secret, id)
//   TextDigest(t)   = lower-case hex of HMAC-SHA256(secret, "text:" || t)
//
// The secret (32 random bytes) is the server's and never leaves it: whoever holds the database
// and the secret can link pseudonyms to persons, nobody else can; the same person always gets the
// same pseudonym, so the log still shows that two events concern one person.
//
// Pseudonym key file: "MUSTER-PSEUDONYM-KEY+" followed by 64 lower-case hex digits and a newline,
// created with mode 0600 and never overwritten; reading one that others may read fails.
#pragma once

#include <sodium.h>

#include <array>
#include <string>
#include <string_view>

#include "core/status.hpp"
#include "ledger/bytes.hpp"
#include "summons/summons.hpp"

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
  std::string Pseudonym(std::string_view national_id) const;
  std::string TextDigest(std::string_view text) const;

 private:
  PseudonymKey() = default;
  void Init();  // keys `hmac_` from `secret_`
  std::string Hmac(std::string_view prefix, std::string_view message) const;

  std::array<uint8_t, kPseudonymKeySize> secret_{};
  crypto_auth_hmacsha256_state hmac_{};  // keyed once; each digest starts from a copy
  uint64_t generation_ = 0;              // tells keys apart in Pseudonym's per-thread memo
};

// Mode 0600, never overwritten (AlreadyExists); errors name the path.
Status WritePseudonymKeyFile(const std::string& path, const PseudonymKey& key);
// FailedPrecondition when group or others may read the file; NotFound when it does not exist.
Result<PseudonymKey> ReadPseudonymKeyFile(const std::string& path);

// The leaf of `event`, in the format above. InvalidArgument when the payload is not a JSON
// object or holds invalid UTF-8. Payloads in canonical form (as EmitEvent writes them) take a
// fast path that writes the leaf without building a JSON tree; others go through
// EncodeLeafReference, which gives the same bytes for every payload (leaf_test.cpp).
Result<std::string> EncodeLeaf(const Event& event, const PseudonymKey& key);
// The same by way of nlohmann::json: the definition the fast path is tested against.
Result<std::string> EncodeLeafReference(const Event& event, const PseudonymKey& key);

}  // namespace muster::ledger

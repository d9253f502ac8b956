// Delivery receipts: everything needed to prove, offline, that a summons was entered in the
// ledger, and at which position.
//
// A receipt is one JSON object (UTF-8; white space between tokens is free, members may come in
// any order, no other members are allowed):
//
//   {
//     "version": 1,
//     "summons": { ... },                  the summons document, a JSON object
//     "leaf": "<text>",                    the ledger leaf: the delivery event, exactly the bytes
//                                          that were hashed, which are its canonical JSON
//                                          (ledger/canonical_json.hpp)
//     "leaf_index": I,                     the leaf's 0-based position in the ledger
//     "tree_size": N,                      the checkpoint's tree size; I < N
//     "inclusion_proof": ["<hex>", ...],   RFC 9162 inclusion path of leaf I in the tree of size
//                                          N, each 64 lower-case hex digits, leaf level first
//     "checkpoint": "<signed note>",       C2SP checkpoint for size N (ledger/checkpoint.hpp)
//     "public_key": "<verifier key>"       the ledger's key, <name>+<key ID>+<base64>
//   }
//
// The leaf must be a canonical JSON object with at least
//
//   "summons_sha256": "<hex>"   64 lower-case hex digits: SHA-256 of the canonical JSON of
//                               the "summons" object
//
// and the verifier shows, when present, its "type" and "time" (RFC 3339) members.
//
// Verification (VerifyReceipt), in this order, needing no database; the first failure is returned
// as a Status whose message begins with the check's name:
//
//   "malformed field <name>: ..."  a member is missing, has the wrong type or encoding, or is
//                                  unexpected ("malformed receipt: ..." when not an object)
//   "signature: ..."               the checkpoint is not signed by the key (the receipt's own,
//                                  or the trusted key given, which the receipt's must then equal)
//                                  or is not a valid checkpoint
//   "tree size: ..."               the checkpoint's size differs from "tree_size"
//   "inclusion proof: ..."         SHA-256(0x00 || leaf) and the proof do not give the
//                                  checkpoint's root at "leaf_index"
//   "summons hash: ..."            the leaf is not a canonical JSON object, or its
//                                  "summons_sha256" is not the hash of the summons document
//
// Format errors are InvalidArgument; failed checks are Corruption.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "ledger/bytes.hpp"
#include "ledger/checkpoint.hpp"
#include "ledger/merkle.hpp"

namespace muster::ledger {

inline constexpr int kReceiptVersion = 1;

struct Receipt {
  nlohmann::json summons;  // an object
  std::string leaf;
  uint64_t leaf_index = 0;
  uint64_t tree_size = 0;
  std::vector<Hash> inclusion_proof;
  std::string checkpoint;
  VerifierKey public_key;

  nlohmann::json ToJson() const;
  // Structure only ("malformed field X"); nothing is verified.
  static Result<Receipt> FromJson(const nlohmann::json& json);
};

// Builds a receipt for the leaf at `leaf_index`, reading the inclusion proof from `reader` for
// the tree size of `signed_checkpoint`, and verifies it before returning it (so a receipt that
// leaves here verifies). `leaf` must be the stored leaf bytes.
Result<Receipt> MakeReceipt(const nlohmann::json& summons, std::string leaf, uint64_t leaf_index,
                            const HashReader& reader, std::string signed_checkpoint, const VerifierKey& key);

struct VerifiedReceipt {
  std::string summons_number;  // the summons document's "number", when it is a string
  std::string event_type;      // the leaf's "type", when present
  std::string time;            // the leaf's "time", when present
  uint64_t leaf_index = 0;
  uint64_t tree_size = 0;
  Checkpoint checkpoint;
  std::string key_name;
};

// `trusted_key`: verify against this key instead of the one the receipt carries.
Result<VerifiedReceipt> VerifyReceipt(const nlohmann::json& receipt,
                                      const std::optional<VerifierKey>& trusted_key = std::nullopt);
// The same, from the receipt's text ("malformed receipt: not JSON ..." when it does not parse).
Result<VerifiedReceipt> VerifyReceiptText(std::string_view text,
                                          const std::optional<VerifierKey>& trusted_key = std::nullopt);

}  // namespace muster::ledger

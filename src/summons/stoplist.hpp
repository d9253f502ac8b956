// The offline stop-list: a signed snapshot of the exit bans, for a border post that must go on
// checking when its link is down, and must learn no more than it would online.
//
// A stop-list file (integers little-endian):
//
//   magic        8 bytes   "MSTOPL01"
//   issued_at    8 bytes   signed, Unix seconds
//   expires_at   8 bytes   signed, Unix seconds: not to be trusted after
//   last_seq     8 bytes   signed: the last event the list covers
//   count        8 bytes   unsigned: the number of entries
//   entries      12 bytes each, strictly ascending by hash:
//                  hash       8 bytes: SipHash-2-4 of the national ID under the list's hash key
//                                      (a secret the border posts hold, not the list's readers)
//                  effective  4 bytes: Unix seconds from which the ban bars (the earliest of the
//                                      person's bans), so that a ban the window holds in advance
//                                      denies only from its time
//   signature    64 bytes  Ed25519, by the stop-list's key, of "muster stoplist v1\n" followed by
//                          every byte above
//
// 1,000,000 bans take 12,000,104 bytes. Decode checks the size, the magic, the order and the
// signature; a file with any byte changed is refused.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "core/time.hpp"
#include "ledger/checkpoint.hpp"

namespace muster {

// The key national IDs are hashed under: 16 secret bytes, as 32 lower-case hex digits in a file.
class StopListHashKey {
 public:
  static StopListHashKey Generate();
  // InvalidArgument unless exactly 32 hex digits (a trailing line break is allowed).
  static Result<StopListHashKey> Parse(std::string_view text);
  std::string Encode() const;
  uint64_t Hash(std::string_view national_id) const;

 private:
  std::array<uint8_t, 16> key_{};
};

struct StopListEntry {
  uint64_t hash = 0;
  uint32_t effective = 0;  // Unix seconds
};

struct StopListHeader {
  Timestamp issued_at;
  Timestamp expires_at;
  int64_t last_seq = 0;
};

// The signed file of `entries` (any order; entries of one hash are merged, the earliest time
// kept).
std::string EncodeStopList(const StopListHeader& header, std::vector<StopListEntry> entries,
                           const ledger::SignerKey& key);

// What the post answers when its list has expired (the policy's [stoplist] when_expired).
enum class WhenExpired { kDeny, kAllow, kRefuse };

// A decoded, verified stop-list, ready for lookups. Immutable: share it between threads.
class StopList {
 public:
  // InvalidArgument "malformed stop-list: ..." for a file of the wrong shape; Corruption
  // "signature: ..." when `key` did not sign it.
  static Result<StopList> Decode(std::string_view bytes, const ledger::VerifierKey& key);

  const StopListHeader& header() const { return header_; }
  size_t size() const { return hashes_.size(); }
  // True when the list bars the person of `hash` at `now`. No allocation, no lock: a bucket of
  // the top 16 bits, then a short search within it.
  bool Barred(uint64_t hash, Timestamp now) const;
  // The offline answer: allow (true) or deny (false) at `now`; past the expiry as `when_expired`
  // says (FailedPrecondition "the stop-list expired at ..." for kRefuse).
  Result<bool> Allow(const StopListHashKey& hash_key, std::string_view national_id, Timestamp now,
                     WhenExpired when_expired) const;

 private:
  StopListHeader header_;
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> effective_;
  std::vector<uint32_t> buckets_;  // 65,537 offsets into hashes_, by the hash's top 16 bits
};

}  // namespace muster

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
//
// A delta (the changes since a list's last_seq, GET /api/v1/stoplist/delta?since=SEQ):
//
//   magic        8 bytes   "MSTOPD01"
//   issued_at    8 bytes   signed, Unix seconds
//   expires_at   8 bytes   signed, Unix seconds: the list with this delta applied is not to be
//                          trusted after
//   since_seq    8 bytes   signed: the last_seq of the list it applies to
//   last_seq     8 bytes   signed: the last event it covers
//   count        8 bytes   unsigned
//   entries      12 bytes each, strictly ascending by hash: the hash and the time its ban bars
//                from now, or 0xFFFFFFFF when it no longer bars (lifted, or not within the window)
//   signature    64 bytes  Ed25519 of "muster stoplist delta v1\n" followed by every byte above
//
// A post keeps the snapshot and the deltas applied to it after one another in a second file
// (FILE.deltas; each delta carries its own length in its count), so that every byte it relies
// on is one the key signed.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/policy.hpp"
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

  // The key file (mode 0600): read, or created when it does not exist yet.
  static Result<StopListHashKey> ReadOrCreate(const std::string& path);
  // Read only: NotFound when it does not exist.
  static Result<StopListHashKey> Read(const std::string& path);

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

// The effective time of a delta's entry that no longer bars.
inline constexpr uint32_t kStopListRemoved = 0xFFFFFFFF;

struct StopListDeltaHeader {
  Timestamp issued_at;
  Timestamp expires_at;
  int64_t since_seq = 0;
  int64_t last_seq = 0;
};

// A decoded, verified delta.
struct StopListDelta {
  StopListDeltaHeader header;
  std::vector<StopListEntry> entries;  // ascending by hash, one per hash

  // As StopList::Decode, for a delta: InvalidArgument "malformed stop-list delta: ...",
  // Corruption "signature: ...". `size`, when not null, receives the bytes it took: a delta may be
  // followed by others (a post's FILE.deltas).
  static Result<StopListDelta> Decode(std::string_view bytes, const ledger::VerifierKey& key, size_t* size = nullptr);
};

// The signed file of `entries` (any order; entries of one hash are merged, the earliest time
// kept).
std::string EncodeStopList(const StopListHeader& header, std::vector<StopListEntry> entries,
                           const ledger::SignerKey& key);

// The signed delta of `entries` (any order; for one hash the last is kept).
std::string EncodeStopListDelta(const StopListDeltaHeader& header, std::vector<StopListEntry> entries,
                                const ledger::SignerKey& key);

// A decoded, verified stop-list, ready for lookups. Immutable: share it between threads.
class StopList {
 public:
  // InvalidArgument "malformed stop-list: ..." for a file of the wrong shape; Corruption
  // "signature: ..." when `key` did not sign it.
  static Result<StopList> Decode(std::string_view bytes, const ledger::VerifierKey& key);

  // The snapshot `snapshot` with every delta in `deltas` (FILE.deltas: none or several, one after
  // another) applied in order, each checked as Decode checks the snapshot.
  static Result<StopList> Load(std::string_view snapshot, std::string_view deltas, const ledger::VerifierKey& key);

  // This list with `delta` applied: its entries replace or remove those of their hashes, its
  // times and last_seq become the list's. FailedPrecondition naming "since" unless the delta
  // starts at this list's last_seq.
  Result<StopList> Apply(const StopListDelta& delta) const;

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
  // Builds the bucket table over hashes_ (sorted, unique).
  void Index();

  StopListHeader header_;
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> effective_;
  std::vector<uint32_t> buckets_;  // 65,537 offsets into hashes_, by the hash's top 16 bits
};

}  // namespace muster

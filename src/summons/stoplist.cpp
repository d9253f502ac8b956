#include "summons/stoplist.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace muster {
namespace {

constexpr std::string_view kMagic = "MSTOPL01";
constexpr std::string_view kSignedPrefix = "muster stoplist v1\n";
constexpr size_t kHeaderSize = 8 + 8 + 8 + 8 + 8;
constexpr size_t kEntrySize = 12;
constexpr size_t kBuckets = 65536;

void Put(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t Get(const unsigned char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

int64_t Seconds(Timestamp t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); }
Timestamp FromSeconds(int64_t s) { return Timestamp(std::chrono::seconds(s)); }

std::string SignedMessage(std::string_view body) {
  std::string message(kSignedPrefix);
  message.append(body);
  return message;
}

}  // namespace

StopListHashKey StopListHashKey::Generate() {
  StopListHashKey key;
  randombytes_buf(key.key_.data(), key.key_.size());
  return key;
}

Result<StopListHashKey> StopListHashKey::Parse(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  auto bytes = ledger::HexDecode(text);
  if (!bytes.ok() || bytes->size() != 16) {
    return Status::InvalidArgument("hash key", "expected 32 hex digits (16 bytes)");
  }
  StopListHashKey key;
  std::copy(bytes->begin(), bytes->end(), key.key_.begin());
  return key;
}

std::string StopListHashKey::Encode() const { return ledger::HexEncode(key_); }

uint64_t StopListHashKey::Hash(std::string_view national_id) const {
  static_assert(crypto_shorthash_BYTES == 8 && crypto_shorthash_KEYBYTES == 16);
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(national_id.data()), national_id.size(), key_.data());
  return Get(out, 8);
}

std::string EncodeStopList(const StopListHeader& header, std::vector<StopListEntry> entries,
                           const ledger::SignerKey& key) {
  std::sort(entries.begin(), entries.end(), [](const StopListEntry& a, const StopListEntry& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.effective < b.effective;
  });
  // Entries of one hash: the first (earliest) is kept.
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const StopListEntry& a, const StopListEntry& b) { return a.hash == b.hash; }),
                entries.end());
  std::string out;
  out.reserve(kHeaderSize + entries.size() * kEntrySize + ledger::kSignatureSize);
  out.append(kMagic);
  Put(out, static_cast<uint64_t>(Seconds(header.issued_at)), 8);
  Put(out, static_cast<uint64_t>(Seconds(header.expires_at)), 8);
  Put(out, static_cast<uint64_t>(header.last_seq), 8);
  Put(out, entries.size(), 8);
  for (const StopListEntry& e : entries) {
    Put(out, e.hash, 8);
    Put(out, e.effective, 4);
  }
  auto signature = key.Sign(SignedMessage(out));
  out.append(reinterpret_cast<const char*>(signature.data()), signature.size());
  return out;
}

Result<StopList> StopList::Decode(std::string_view bytes, const ledger::VerifierKey& key) {
  auto malformed = [](std::string_view what) {
    return Status::InvalidArgument(fmt::format("malformed stop-list: {}", what));
  };
  if (bytes.size() < kHeaderSize + ledger::kSignatureSize) return malformed("shorter than its header and signature");
  if (bytes.substr(0, kMagic.size()) != kMagic) return malformed("not a stop-list (magic)");
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const uint64_t count = Get(p + 32, 8);
  const size_t body = bytes.size() - ledger::kSignatureSize;
  if (count > (body - kHeaderSize) / kEntrySize || kHeaderSize + count * kEntrySize != body) {
    return malformed(fmt::format("{} bytes do not hold the {} entries it counts", bytes.size(), count));
  }
  std::string message = SignedMessage(bytes.substr(0, body));
  if (crypto_sign_verify_detached(p + body, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                  key.public_key.data()) != 0) {
    return Status::Corruption(fmt::format("signature: not signed by {}", key.name));
  }
  StopList list;
  list.header_.issued_at = FromSeconds(static_cast<int64_t>(Get(p + 8, 8)));
  list.header_.expires_at = FromSeconds(static_cast<int64_t>(Get(p + 16, 8)));
  list.header_.last_seq = static_cast<int64_t>(Get(p + 24, 8));
  list.hashes_.resize(count);
  list.effective_.resize(count);
  for (uint64_t i = 0; i < count; ++i) {
    const unsigned char* e = p + kHeaderSize + i * kEntrySize;
    list.hashes_[i] = Get(e, 8);
    list.effective_[i] = static_cast<uint32_t>(Get(e + 8, 4));
    if (i > 0 && list.hashes_[i] <= list.hashes_[i - 1]) return malformed(fmt::format("entry {} out of order", i));
  }
  list.buckets_.assign(kBuckets + 1, 0);
  size_t at = 0;
  for (size_t b = 0; b <= kBuckets; ++b) {
    while (at < count && (list.hashes_[at] >> 48) < b) ++at;
    list.buckets_[b] = static_cast<uint32_t>(at);
  }
  return list;
}

bool StopList::Barred(uint64_t hash, Timestamp now) const {
  if (hashes_.empty()) return false;
  const size_t bucket = hash >> 48;
  const uint64_t* first = hashes_.data() + buckets_[bucket];
  const uint64_t* last = hashes_.data() + buckets_[bucket + 1];
  const uint64_t* it = std::lower_bound(first, last, hash);
  if (it == last || *it != hash) return false;
  return static_cast<int64_t>(effective_[it - hashes_.data()]) <= Seconds(now);
}

Result<bool> StopList::Allow(const StopListHashKey& hash_key, std::string_view national_id, Timestamp now,
                             WhenExpired when_expired) const {
  if (now >= header_.expires_at) {
    switch (when_expired) {
      case WhenExpired::kDeny:
        return false;
      case WhenExpired::kAllow:
        return true;
      case WhenExpired::kRefuse:
        return Status::FailedPrecondition(
            fmt::format("the stop-list expired at {}: sync it again", FormatTimestamp(header_.expires_at)));
    }
  }
  return !Barred(hash_key.Hash(national_id), now);
}

}  // namespace muster

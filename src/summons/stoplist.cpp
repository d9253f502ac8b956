#include "summons/stoplist.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace muster {
namespace {

constexpr std::string_view kMagic = "MSTOPL01";
constexpr std::string_view kSignedPrefix = "muster stoplist v1\n";
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

Result<StopListHashKey> StopListHashKey::Read(const std::string& path) {
  MUSTER_ASSIGN_OR_RETURN(std::string text, ledger::ReadKeyText(path, /*private_file=*/true));
  auto key = Parse(text);
  sodium_memzero(text.data(), text.size());
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

Result<StopListHashKey> StopListHashKey::ReadOrCreate(const std::string& path) {
  auto key = Read(path);
  if (key.ok() || key.status().code() != StatusCode::kNotFound) return key;
  StopListHashKey fresh = Generate();
  Status written = ledger::WriteFileExclusive(path, fresh.Encode() + "\n", 0600, /*exclusive=*/true);
  // Another process may have made it meanwhile: then that one is the key.
  if (written.code() == StatusCode::kAlreadyExists) return Read(path);
  MUSTER_RETURN_IF_ERROR(written);
  return fresh;
}

std::string StopListHashKey::Encode() const { return ledger::HexEncode(key_); }

uint64_t StopListHashKey::Hash(std::string_view national_id) const {
  static_assert(crypto_shorthash_BYTES == 8 && crypto_shorthash_KEYBYTES == 16);
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, reinterpret_cast<const unsigned char*>(national_id.data()), national_id.size(), key_.data());
  return Get(out, 8);
}

namespace {

// The two signed forms, a list and a delta: a magic, `fields` 8-byte integers, the count, the
// entries and the signature over `prefix` and all of it.
struct Form {
  std::string_view magic;
  std::string_view prefix;
  size_t fields;
  std::string_view name;  // for messages
};
constexpr Form kListForm{kMagic, kSignedPrefix, 3, "stop-list"};
constexpr Form kDeltaForm{"MSTOPD01", "muster stoplist delta v1\n", 4, "stop-list delta"};

size_t HeaderSize(const Form& form) { return 8 + 8 * form.fields + 8; }

std::string EncodeForm(const Form& form, const std::vector<int64_t>& fields, const std::vector<StopListEntry>& entries,
                       const ledger::SignerKey& key) {
  std::string out;
  out.reserve(HeaderSize(form) + entries.size() * kEntrySize + ledger::kSignatureSize);
  out.append(form.magic);
  for (int64_t field : fields) Put(out, static_cast<uint64_t>(field), 8);
  Put(out, entries.size(), 8);
  for (const StopListEntry& e : entries) {
    Put(out, e.hash, 8);
    Put(out, e.effective, 4);
  }
  std::string message(form.prefix);
  message.append(out);
  auto signature = key.Sign(message);
  out.append(reinterpret_cast<const char*>(signature.data()), signature.size());
  return out;
}

struct Decoded {
  std::vector<int64_t> fields;
  uint64_t count = 0;
  const unsigned char* entries = nullptr;
  size_t size = 0;  // the bytes it took
};

// Checks the shape and the signature of the form at the start of `bytes`; with `exact`, that it
// is all of `bytes`.
Result<Decoded> DecodeForm(const Form& form, std::string_view bytes, const ledger::VerifierKey& key, bool exact) {
  auto malformed = [&](std::string_view what) {
    return Status::InvalidArgument(fmt::format("malformed {}: {}", form.name, what));
  };
  const size_t header = HeaderSize(form);
  if (bytes.size() < header + ledger::kSignatureSize) return malformed("shorter than its header and signature");
  if (bytes.substr(0, form.magic.size()) != form.magic) return malformed(fmt::format("not a {} (magic)", form.name));
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  Decoded d;
  for (size_t i = 0; i < form.fields; ++i) d.fields.push_back(static_cast<int64_t>(Get(p + 8 + 8 * i, 8)));
  d.count = Get(p + header - 8, 8);
  const size_t room = bytes.size() - ledger::kSignatureSize - header;
  if (d.count > room / kEntrySize || (exact && d.count * kEntrySize != room)) {
    return malformed(fmt::format("{} bytes do not hold the {} entries it counts", bytes.size(), d.count));
  }
  const size_t body = header + d.count * kEntrySize;
  std::string message(form.prefix);
  message.append(bytes.substr(0, body));
  if (crypto_sign_verify_detached(p + body, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                                  key.public_key.data()) != 0) {
    return Status::Corruption(fmt::format("signature: not signed by {}", key.name));
  }
  d.entries = p + header;
  d.size = body + ledger::kSignatureSize;
  for (uint64_t i = 1; i < d.count; ++i) {
    if (Get(d.entries + i * kEntrySize, 8) <= Get(d.entries + (i - 1) * kEntrySize, 8)) {
      return malformed(fmt::format("entry {} out of order", i));
    }
  }
  return d;
}

}  // namespace

std::string EncodeStopList(const StopListHeader& header, std::vector<StopListEntry> entries,
                           const ledger::SignerKey& key) {
  std::sort(entries.begin(), entries.end(), [](const StopListEntry& a, const StopListEntry& b) {
    return a.hash != b.hash ? a.hash < b.hash : a.effective < b.effective;
  });
  // Entries of one hash: the first (earliest) is kept.
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const StopListEntry& a, const StopListEntry& b) { return a.hash == b.hash; }),
                entries.end());
  return EncodeForm(kListForm, {Seconds(header.issued_at), Seconds(header.expires_at), header.last_seq}, entries, key);
}

std::string EncodeStopListDelta(const StopListDeltaHeader& header, std::vector<StopListEntry> entries,
                                const ledger::SignerKey& key) {
  // For one hash the last entry is kept: stable sort, then keep the last of each run.
  std::stable_sort(entries.begin(), entries.end(),
                   [](const StopListEntry& a, const StopListEntry& b) { return a.hash < b.hash; });
  std::vector<StopListEntry> kept;
  kept.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i + 1 < entries.size() && entries[i + 1].hash == entries[i].hash) continue;
    kept.push_back(entries[i]);
  }
  return EncodeForm(kDeltaForm,
                    {Seconds(header.issued_at), Seconds(header.expires_at), header.since_seq, header.last_seq}, kept,
                    key);
}

Result<StopListDelta> StopListDelta::Decode(std::string_view bytes, const ledger::VerifierKey& key, size_t* size) {
  auto d = DecodeForm(kDeltaForm, bytes, key, /*exact=*/size == nullptr);
  if (!d.ok()) return d.status();
  StopListDelta delta;
  delta.header = {FromSeconds(d->fields[0]), FromSeconds(d->fields[1]), d->fields[2], d->fields[3]};
  delta.entries.resize(d->count);
  for (uint64_t i = 0; i < d->count; ++i) {
    const unsigned char* e = d->entries + i * kEntrySize;
    delta.entries[i] = {Get(e, 8), static_cast<uint32_t>(Get(e + 8, 4))};
  }
  if (size) *size = d->size;
  return delta;
}

Result<StopList> StopList::Decode(std::string_view bytes, const ledger::VerifierKey& key) {
  auto d = DecodeForm(kListForm, bytes, key, /*exact=*/true);
  if (!d.ok()) return d.status();
  StopList list;
  list.header_ = {FromSeconds(d->fields[0]), FromSeconds(d->fields[1]), d->fields[2]};
  list.hashes_.resize(d->count);
  list.effective_.resize(d->count);
  for (uint64_t i = 0; i < d->count; ++i) {
    const unsigned char* e = d->entries + i * kEntrySize;
    list.hashes_[i] = Get(e, 8);
    list.effective_[i] = static_cast<uint32_t>(Get(e + 8, 4));
  }
  list.Index();
  return list;
}

void StopList::Index() {
  buckets_.assign(kBuckets + 1, 0);
  size_t at = 0;
  for (size_t b = 0; b <= kBuckets; ++b) {
    while (at < hashes_.size() && (hashes_[at] >> 48) < b) ++at;
    buckets_[b] = static_cast<uint32_t>(at);
  }
}

Result<StopList> StopList::Apply(const StopListDelta& delta) const {
  if (delta.header.since_seq != header_.last_seq) {
    return Status::FailedPrecondition(
        "since", fmt::format("the delta follows event {}, the list ends at event {}: fetch the delta since {}",
                             delta.header.since_seq, header_.last_seq, header_.last_seq));
  }
  StopList next;
  next.header_ = {delta.header.issued_at, delta.header.expires_at, delta.header.last_seq};
  next.hashes_.reserve(hashes_.size() + delta.entries.size());
  next.effective_.reserve(hashes_.size() + delta.entries.size());
  size_t i = 0;
  auto keep = [&next](uint64_t hash, uint32_t effective) {
    if (effective == kStopListRemoved) return;
    next.hashes_.push_back(hash);
    next.effective_.push_back(effective);
  };
  for (const StopListEntry& change : delta.entries) {
    for (; i < hashes_.size() && hashes_[i] < change.hash; ++i) keep(hashes_[i], effective_[i]);
    if (i < hashes_.size() && hashes_[i] == change.hash) ++i;
    keep(change.hash, change.effective);
  }
  for (; i < hashes_.size(); ++i) keep(hashes_[i], effective_[i]);
  next.Index();
  return next;
}

Result<StopList> StopList::Load(std::string_view snapshot, std::string_view deltas, const ledger::VerifierKey& key) {
  auto list = Decode(snapshot, key);
  if (!list.ok()) return list.status();
  for (size_t at = 0, n = 1; at < deltas.size(); ++n) {
    size_t size = 0;
    auto delta = StopListDelta::Decode(deltas.substr(at), key, &size);
    if (!delta.ok()) return delta.status().WithContext(fmt::format("delta {} (at byte {})", n, at));
    auto next = list->Apply(*delta);
    if (!next.ok()) return next.status().WithContext(fmt::format("delta {} (at byte {})", n, at));
    list = std::move(next);
    at += size;
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

// Stop-list files and their deltas reach border posts over links and disks nobody vouches for:
// Decode and Load must answer every input with a verdict, never crash, and accept only what the
// key signed.
#include <chrono>
#include <string>
#include <string_view>

#include "fuzz/fuzz.hpp"
#include "summons/stoplist.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace muster;
  static const ledger::SignerKey signer = [] {
    ledger::Bytes seed(32, 7);
    return *ledger::SignerKey::FromSeed("muster.example/stoplist", seed);
  }();
  static const StopListHashKey hash_key = *StopListHashKey::Parse("000102030405060708090a0b0c0d0e0f");
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // As a post's FILE.deltas after a valid empty list that ends at event 0.
  static const std::string empty =
      EncodeStopList({Timestamp(std::chrono::seconds(0)), Timestamp(std::chrono::seconds(100)), 0}, {}, signer);
  auto loaded = StopList::Load(empty, bytes, signer.Verifier());
  if (loaded.ok()) (void)loaded->Allow(hash_key, "11223344595", loaded->header().issued_at, WhenExpired::kRefuse);
  size_t used = 0;
  auto delta = StopListDelta::Decode(bytes, signer.Verifier(), &used);
  if (delta.ok() && (used > size || used != 48 + delta->entries.size() * 12 + 64)) {
    fuzz::Crash("a verified delta's size disagrees with its count");
  }
  auto list = StopList::Decode(bytes, signer.Verifier());
  if (!list.ok()) return 0;
  // Accepted: it is what the key signed, and lookups answer.
  if (list->size() * 12 + 40 + 64 != size) fuzz::Crash("a verified stop-list's size disagrees with its count");
  (void)list->Allow(hash_key, "11223344595", list->header().issued_at, WhenExpired::kRefuse);
  return 0;
}

// Stop-list files reach border posts over links and disks nobody vouches for: Decode must answer
// every input with a verdict, never crash, and accept only what the key signed.
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
  auto list = StopList::Decode(bytes, signer.Verifier());
  if (!list.ok()) return 0;
  // Accepted: it is what the key signed, and lookups answer.
  if (list->size() * 12 + 40 + 64 != size) fuzz::Crash("a verified stop-list's size disagrees with its count");
  (void)list->Allow(hash_key, "11223344595", list->header().issued_at, WhenExpired::kRefuse);
  return 0;
}

// Receipts come from citizens and from anyone who claims to hold one: verify-receipt must answer
// every input with a verdict, never crash, and never accept a receipt whose parts disagree.
#include <string_view>

#include "fuzz/fuzz.hpp"
#include "ledger/receipt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace muster;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto verified = ledger::VerifyReceiptText(text);
  if (!verified.ok()) return 0;
  // Accepted: the parts it vouches for are those of the receipt, read again structurally.
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded()) fuzz::Crash("a receipt that is not JSON verified");
  auto receipt = ledger::Receipt::FromJson(json);
  if (!receipt.ok()) fuzz::Crash("a receipt that does not parse verified");
  if (receipt->leaf_index != verified->leaf_index || receipt->tree_size != verified->tree_size ||
      receipt->leaf_index >= receipt->tree_size) {
    fuzz::Crash("a verified receipt's index or size disagree with its text");
  }
  // Its own re-serialisation verifies too.
  if (!ledger::VerifyReceipt(receipt->ToJson()).ok()) fuzz::Crash("a verified receipt fails after ToJson");
  return 0;
}

// Byte strings, SHA-256 and the two text encodings the ledger uses: lower-case hex (CLI, receipts)
// and standard base64 with padding (RFC 4648 §4; checkpoints and keys).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace muster::ledger {

inline constexpr size_t kHashSize = 32;
using Hash = std::array<uint8_t, kHashSize>;
using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// The bytes of `text`, unchanged (no encoding is applied).
inline ByteView AsBytes(std::string_view text) { return {reinterpret_cast<const uint8_t*>(text.data()), text.size()}; }

Hash Sha256(ByteView data);
inline Hash Sha256(std::string_view data) { return Sha256(AsBytes(data)); }

std::string HexEncode(ByteView bytes);
// Accepts upper- and lower-case digits; rejects odd lengths and any other character.
Result<Bytes> HexDecode(std::string_view hex);
// Exactly 64 hex digits.
Result<Hash> HexDecodeHash(std::string_view hex);

std::string Base64Encode(ByteView bytes);
// Strict: standard alphabet, padding required, no white space.
Result<Bytes> Base64Decode(std::string_view text);

}  // namespace muster::ledger

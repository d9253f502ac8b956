// Canonical JSON: the one byte form of a JSON value that the ledger hashes and signs.
//
//   - object members sorted by key, compared as byte strings (UTF-8 code unit order);
//   - no white space outside strings;
//   - strings as UTF-8, escaping only '"', '\\' and control characters (\b \f \n \r \t, other
//     controls as \u00XX); no other \u escapes;
//   - integers in plain decimal. Floating-point numbers are written by nlohmann-json's shortest
//     round-trip form; do not put them in hashed documents (use integers or strings).
//
// It is nlohmann::json::dump() with its defaults (nlohmann's object_t is a std::map, so keys come
// out sorted). Everything that hashes JSON calls CanonicalJson; nothing else calls dump() for that.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.hpp"
#include "ledger/bytes.hpp"

namespace muster::ledger {

// InvalidArgument when a string in `value` is not valid UTF-8.
Result<std::string> CanonicalJson(const nlohmann::json& value);

// SHA-256 of CanonicalJson(value).
Result<Hash> CanonicalJsonSha256(const nlohmann::json& value);

// Appends `text`, which must be valid UTF-8, as a canonical JSON string (quotes included), for
// hot paths that write canonical JSON without building a tree.
void AppendCanonicalString(std::string& out, std::string_view text);

}  // namespace muster::ledger

#include "ledger/canonical_json.hpp"

namespace muster::ledger {

Result<std::string> CanonicalJson(const nlohmann::json& value) {
  try {
    return value.dump();
  } catch (const nlohmann::json::type_error& e) {
    return Status::InvalidArgument(std::string("cannot write canonical JSON: ") + e.what());
  }
}

Result<Hash> CanonicalJsonSha256(const nlohmann::json& value) {
  MUSTER_ASSIGN_OR_RETURN(std::string text, CanonicalJson(value));
  return Sha256(text);
}

void AppendCanonicalString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

}  // namespace muster::ledger

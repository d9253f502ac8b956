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

}  // namespace muster::ledger

#include "ledger/receipt.hpp"

#include <fmt/format.h>

#include <array>

#include "ledger/canonical_json.hpp"

namespace muster::ledger {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 8> kFields = {"version",   "summons",         "leaf",       "leaf_index",
                                                     "tree_size", "inclusion_proof", "checkpoint", "public_key"};

Status Malformed(std::string_view field, std::string_view why) {
  return Status::InvalidArgument(fmt::format("malformed field {}: {}", field, why));
}

bool IsLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<Hash> ParseLowerHexHash(std::string_view text) {
  if (text.size() != 2 * kHashSize || !IsLowerHex(text)) {
    return Status::InvalidArgument("not 64 lower-case hex digits");
  }
  return HexDecodeHash(text);
}

const json* Member(const json& j, std::string_view name) {
  auto it = j.find(name);
  return it == j.end() ? nullptr : &*it;
}

Result<uint64_t> Unsigned(const json& j, std::string_view name) {
  const json* v = Member(j, name);
  if (v == nullptr) return Malformed(name, "missing");
  if (!v->is_number_unsigned()) return Malformed(name, "not a non-negative integer");
  return v->get<uint64_t>();
}

Result<std::string> String(const json& j, std::string_view name) {
  const json* v = Member(j, name);
  if (v == nullptr) return Malformed(name, "missing");
  if (!v->is_string()) return Malformed(name, "not a string");
  return v->get<std::string>();
}

std::string OptionalString(const json& j, std::string_view name) {
  const json* v = Member(j, name);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

}  // namespace

json Receipt::ToJson() const {
  json proof = json::array();
  for (const Hash& h : inclusion_proof) proof.push_back(HexEncode(h));
  return json{{"version", kReceiptVersion},
              {"summons", summons},
              {"leaf", leaf},
              {"leaf_index", leaf_index},
              {"tree_size", tree_size},
              {"inclusion_proof", std::move(proof)},
              {"checkpoint", checkpoint},
              {"public_key", public_key.Encode()}};
}

Result<Receipt> Receipt::FromJson(const json& j) {
  if (!j.is_object()) return Status::InvalidArgument("malformed receipt: not a JSON object");
  for (const auto& [name, value] : j.items()) {
    if (std::find(kFields.begin(), kFields.end(), name) == kFields.end()) {
      return Malformed(name, "not a receipt field");
    }
  }
  const json* version = Member(j, "version");
  if (version == nullptr) return Malformed("version", "missing");
  if (!version->is_number_integer() || version->get<int64_t>() != kReceiptVersion) {
    return Malformed("version", fmt::format("not {}", kReceiptVersion));
  }
  Receipt r;
  const json* summons = Member(j, "summons");
  if (summons == nullptr) return Malformed("summons", "missing");
  if (!summons->is_object()) return Malformed("summons", "not a JSON object");
  r.summons = *summons;
  MUSTER_ASSIGN_OR_RETURN(r.leaf, String(j, "leaf"));
  MUSTER_ASSIGN_OR_RETURN(r.leaf_index, Unsigned(j, "leaf_index"));
  MUSTER_ASSIGN_OR_RETURN(r.tree_size, Unsigned(j, "tree_size"));
  if (r.leaf_index >= r.tree_size) {
    return Malformed("leaf_index", fmt::format("{} is not below tree_size {}", r.leaf_index, r.tree_size));
  }
  const json* proof = Member(j, "inclusion_proof");
  if (proof == nullptr) return Malformed("inclusion_proof", "missing");
  if (!proof->is_array()) return Malformed("inclusion_proof", "not an array");
  for (size_t i = 0; i < proof->size(); ++i) {
    const json& element = (*proof)[i];
    if (!element.is_string()) return Malformed("inclusion_proof", fmt::format("element {} is not a string", i));
    auto h = ParseLowerHexHash(element.get_ref<const std::string&>());
    if (!h.ok()) return Malformed("inclusion_proof", fmt::format("element {} is {}", i, h.status().message()));
    r.inclusion_proof.push_back(*h);
  }
  MUSTER_ASSIGN_OR_RETURN(r.checkpoint, String(j, "checkpoint"));
  MUSTER_ASSIGN_OR_RETURN(std::string key_text, String(j, "public_key"));
  auto key = VerifierKey::Parse(key_text);
  if (!key.ok()) return Malformed("public_key", key.status().message());
  // One spelling per key (the key ID in lower case), so that no byte of a receipt is free.
  if (key->Encode() != key_text) return Malformed("public_key", "not in canonical form (key ID in lower-case hex)");
  r.public_key = std::move(*key);
  return r;
}

Result<VerifiedReceipt> VerifyReceipt(const json& receipt, const std::optional<VerifierKey>& trusted_key) {
  MUSTER_ASSIGN_OR_RETURN(Receipt r, Receipt::FromJson(receipt));

  const VerifierKey& key = trusted_key ? *trusted_key : r.public_key;
  if (trusted_key && r.public_key.Encode() != trusted_key->Encode()) {
    return Status::Corruption(fmt::format("signature: the receipt's public key {} is not the trusted key {}",
                                          r.public_key.Encode(), trusted_key->Encode()));
  }
  auto checkpoint = VerifyCheckpoint(r.checkpoint, key);
  if (!checkpoint.ok()) return Status::Corruption("signature: " + checkpoint.status().message());

  if (checkpoint->size != r.tree_size) {
    return Status::Corruption(
        fmt::format("tree size: the checkpoint is for {} leaves, the receipt says {}", checkpoint->size, r.tree_size));
  }

  Hash leaf_hash = HashLeaf(AsBytes(r.leaf));
  if (Status st = VerifyInclusion(r.leaf_index, r.tree_size, leaf_hash, r.inclusion_proof, checkpoint->root);
      !st.ok()) {
    return Status::Corruption("inclusion proof: " + st.message());
  }

  json leaf = json::parse(r.leaf, nullptr, /*allow_exceptions=*/false);
  if (leaf.is_discarded() || !leaf.is_object())
    return Status::Corruption("summons hash: the leaf is not a JSON object");
  auto canonical = CanonicalJson(leaf);
  if (!canonical.ok() || *canonical != r.leaf)
    return Status::Corruption("summons hash: the leaf is not canonical JSON");
  const json* claimed = Member(leaf, "summons_sha256");
  if (claimed == nullptr || !claimed->is_string() || !ParseLowerHexHash(claimed->get_ref<const std::string&>()).ok()) {
    return Status::Corruption("summons hash: the leaf has no summons_sha256 of 64 lower-case hex digits");
  }
  auto actual = CanonicalJsonSha256(r.summons);
  if (!actual.ok()) return Status::Corruption("summons hash: " + actual.status().message());
  if (HexEncode(*actual) != claimed->get_ref<const std::string&>()) {
    return Status::Corruption("summons hash: the summons document does not match the leaf's summons_sha256");
  }

  VerifiedReceipt out;
  out.summons_number = OptionalString(r.summons, "number");
  out.event_type = OptionalString(leaf, "type");
  out.time = OptionalString(leaf, "time");
  out.leaf_index = r.leaf_index;
  out.tree_size = r.tree_size;
  out.checkpoint = std::move(*checkpoint);
  out.key_name = key.name;
  return out;
}

Result<VerifiedReceipt> VerifyReceiptText(std::string_view text, const std::optional<VerifierKey>& trusted_key) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("malformed receipt: not valid JSON");
  return VerifyReceipt(j, trusted_key);
}

Result<Receipt> MakeReceipt(const json& summons, std::string leaf, uint64_t leaf_index, const HashReader& reader,
                            std::string signed_checkpoint, const VerifierKey& key) {
  MUSTER_ASSIGN_OR_RETURN(Checkpoint checkpoint, VerifyCheckpoint(signed_checkpoint, key));
  Receipt r;
  r.summons = summons;
  r.leaf = std::move(leaf);
  r.leaf_index = leaf_index;
  r.tree_size = checkpoint.size;
  MUSTER_ASSIGN_OR_RETURN(r.inclusion_proof, InclusionProof(reader, leaf_index, checkpoint.size));
  r.checkpoint = std::move(signed_checkpoint);
  r.public_key = key;
  auto verified = VerifyReceipt(r.ToJson());
  if (!verified.ok()) return Status::Internal("receipt does not verify: " + verified.status().message());
  return r;
}

}  // namespace muster::ledger

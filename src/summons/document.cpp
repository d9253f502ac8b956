#include "summons/document.hpp"

#include "core/text.hpp"
#include "ledger/canonical_json.hpp"

namespace muster {

nlohmann::json SummonsDocument(const Summons& s) {
  return {{"number", s.number},
          {"national_id", s.national_id},
          {"office", s.office},
          {"kind", s.kind},
          {"campaign_id", s.campaign_id ? nlohmann::json(*s.campaign_id) : nlohmann::json(nullptr)},
          {"appear_at", FormatTimestamp(s.appear_at)},
          {"place", s.place},
          {"purpose", s.purpose},
          {"issued_at", FormatTimestamp(s.issued_at)},
          {"issued_by", s.issued_by}};
}

Result<std::string> SummonsDocumentSha256(const Summons& s) {
  // Bulk issue hashes one document per summons: write the canonical JSON directly, members in
  // sorted order, instead of building a tree (document_test.cpp checks both agree).
  const std::string* texts[] = {&s.number, &s.national_id, &s.office, &s.kind, &s.place, &s.purpose, &s.issued_by};
  bool utf8 = true;
  for (const std::string* t : texts) utf8 = utf8 && IsValidUtf8(*t);
  if (!utf8) {
    MUSTER_ASSIGN_OR_RETURN(ledger::Hash h, ledger::CanonicalJsonSha256(SummonsDocument(s)));
    return ledger::HexEncode(h);
  }
  std::string out;
  out.reserve(256 + s.place.size() + s.purpose.size());
  auto member = [&out](std::string_view key, std::string_view value) {
    out += out.empty() ? '{' : ',';
    ledger::AppendCanonicalString(out, key);
    out += ':';
    ledger::AppendCanonicalString(out, value);
  };
  member("appear_at", FormatTimestamp(s.appear_at));
  out += ",\"campaign_id\":";
  out += s.campaign_id ? std::to_string(s.campaign_id->value) : "null";
  member("issued_at", FormatTimestamp(s.issued_at));
  member("issued_by", s.issued_by);
  member("kind", s.kind);
  member("national_id", s.national_id);
  member("number", s.number);
  member("office", s.office);
  member("place", s.place);
  member("purpose", s.purpose);
  out += '}';
  return ledger::HexEncode(ledger::Sha256(out));
}

}  // namespace muster

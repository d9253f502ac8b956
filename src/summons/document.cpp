#include "summons/document.hpp"

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
  MUSTER_ASSIGN_OR_RETURN(ledger::Hash h, ledger::CanonicalJsonSha256(SummonsDocument(s)));
  return ledger::HexEncode(h);
}

}  // namespace muster

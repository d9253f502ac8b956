#include "summons/document.hpp"

#include <gtest/gtest.h>

#include "ledger/canonical_json.hpp"

namespace muster {
namespace {

TEST(SummonsDocumentTest, HashIsThatOfTheCanonicalDocument) {
  Summons s;
  s.number = "26-00000001-5";
  s.national_id = "12345678964";
  s.office = "D01";
  s.kind = "conscription";
  s.appear_at = *ParseTimestamp("2027-01-15T09:00:00+03:00");
  s.place = "Room 4, \"Main\" building\\annex\n\t\x01 Ёлки";
  s.purpose = "Medical board";
  s.issued_at = *ParseTimestamp("2026-11-29T10:00:00.123Z");
  s.issued_by = "cli:alice";
  for (std::optional<CampaignId> campaign : {std::optional<CampaignId>(), std::optional<CampaignId>(42)}) {
    s.campaign_id = campaign;
    auto direct = SummonsDocumentSha256(s);
    ASSERT_TRUE(direct.ok());
    EXPECT_EQ(*direct, ledger::HexEncode(*ledger::CanonicalJsonSha256(SummonsDocument(s))));
  }
  // Fields added later than the issue (state, delivery) are not part of the document.
  s.state = SummonsState::kAppeared;
  s.delivered_at = s.issued_at;
  EXPECT_FALSE(SummonsDocument(s).contains("state"));
  EXPECT_EQ(*SummonsDocumentSha256(s), ledger::HexEncode(*ledger::CanonicalJsonSha256(SummonsDocument(s))));
  // Invalid UTF-8 is refused, as the canonical writer refuses it.
  s.place = "\xff";
  EXPECT_FALSE(SummonsDocumentSha256(s).ok());
}

}  // namespace
}  // namespace muster

#include "ledger/canonical_json.hpp"

#include <gtest/gtest.h>

namespace muster::ledger {
namespace {

using nlohmann::json;

TEST(CanonicalJsonTest, SortsKeysAndDropsWhiteSpace) {
  json j = json::parse(R"({ "b": [1, 2, {"z": null, "a": true}], "a": "x", "A": -3 })");
  EXPECT_EQ(*CanonicalJson(j), R"({"A":-3,"a":"x","b":[1,2,{"a":true,"z":null}]})");
}

TEST(CanonicalJsonTest, WritesUtf8AndEscapesOnlyWhatJsonRequires) {
  json j = {{"name", "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD"}, {"s", "q\"b\\n\n/\x01"}};
  EXPECT_EQ(*CanonicalJson(j), "{\"name\":\"\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD\",\"s\":\"q\\\"b\\\\n\\n/\\u0001\"}");
  // \u escapes in the input come out as the characters themselves.
  EXPECT_EQ(*CanonicalJson(json::parse(R"("\u0418")")), "\"\xD0\x98\"");
}

TEST(CanonicalJsonTest, IsStableUnderReparsing) {
  json j = json::parse(R"({"z":{"y":[3,"é"],"x":0},"n":18446744073709551615,"m":-9223372036854775808})");
  std::string once = *CanonicalJson(j);
  EXPECT_EQ(*CanonicalJson(json::parse(once)), once);
  EXPECT_EQ(*CanonicalJsonSha256(j), Sha256(once));
}

TEST(CanonicalJsonTest, RejectsInvalidUtf8) {
  auto r = CanonicalJson(json{{"k", "\xC3\x28"}});
  EXPECT_TRUE(r.status().IsInvalidArgument());
}

TEST(BytesTest, HexAndBase64AreStrict) {
  EXPECT_EQ(HexEncode(AsBytes("\x01\xAB")), "01ab");
  EXPECT_EQ(*HexDecode("01aB"), (Bytes{0x01, 0xAB}));
  EXPECT_FALSE(HexDecode("0").ok());
  EXPECT_FALSE(HexDecode("0g").ok());
  EXPECT_FALSE(HexDecodeHash("00").ok());
  EXPECT_EQ(Base64Encode(AsBytes("hi!")), "aGkh");
  EXPECT_EQ(Base64Encode(AsBytes("hi")), "aGk=");
  EXPECT_EQ(*Base64Decode("aGk="), (Bytes{'h', 'i'}));
  EXPECT_FALSE(Base64Decode("aGk").ok());    // padding required
  EXPECT_FALSE(Base64Decode("aGl=").ok());   // non-zero unused bits
  EXPECT_FALSE(Base64Decode("aG k=").ok());  // white space
  EXPECT_FALSE(Base64Decode("aGk=\n").ok());
  EXPECT_FALSE(Base64Decode("aGk-").ok());  // URL alphabet
  EXPECT_TRUE(Base64Decode("").ok());
}

}  // namespace
}  // namespace muster::ledger

#include "core/national_id.hpp"

#include <gtest/gtest.h>

namespace muster {
namespace {

struct IdCase {
  const char* id;
  bool valid;
  const char* why;
};

TEST(SnilsTest, ChecksumTable) {
  const IdCase cases[] = {
      {"11223344595", true, "S = 95 < 100: the check is S"},
      {"11223344594", false, "one digit off in the check number"},
      {"08765430300", true, "S = 202: 202 mod 101 = 0, written 00"},
      {"08765430301", false, "S = 202 must be written 00"},
      {"00100199800", true, "001001998 is the highest unchecked number"},
      {"00100199899", true, "unchecked numbers accept any check"},
      {"00100199900", false, "001001999 is checked: S = 65"},
      {"00100199965", true, "001001999 with its check 65"},
      {"11223344559", false, "two digits swapped in the check number"},
      {"1122334459", false, "ten digits"},
      {"1122334459a", false, "a letter"},
  };
  for (const auto& c : cases) EXPECT_EQ(SnilsChecksumValid(c.id), c.valid) << c.id << ": " << c.why;
}

TEST(SnilsTest, CheckNumberAtTheEdgesOfTheRule) {
  struct {
    const char* prefix;
    int sum;  // the weighted sum, stated so that the table explains itself
    int check;
  } cases[] = {
      {"900000090", 99, 99},  // below 100: the sum itself
      {"900000091", 100, 0},  // exactly 100: 00
      {"900000092", 101, 0},  // exactly 101: 00
      {"900000093", 102, 1},  // above: sum mod 101
      {"996000006", 201, 0},  // 201 mod 101 = 100, written 00
      {"999999999", 405, 1},  // 405 mod 101 = 1
  };
  for (const auto& c : cases) {
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (c.prefix[i] - '0') * (9 - i);
    ASSERT_EQ(sum, c.sum) << c.prefix;
    EXPECT_EQ(SnilsCheckNumber(c.prefix), c.check) << c.prefix;
  }
}

TEST(LuhnTest, KnownNumbers) {
  EXPECT_TRUE(LuhnChecksumValid("79927398713"));
  EXPECT_FALSE(LuhnChecksumValid("79927398710"));
  EXPECT_FALSE(LuhnChecksumValid("79927398731"));  // swapped neighbours
  EXPECT_EQ(LuhnCheckDigit("7992739871"), 3);
}

TEST(NationalIdRuleTest, PatternThenChecksum) {
  auto rule = NationalIdRule::Create("^[0-9]{11}$", NationalIdChecksum::kSnils);
  ASSERT_TRUE(rule.ok());
  EXPECT_TRUE(rule->Validate("11223344595").ok());
  Status bad = rule->Validate("11223344594");
  EXPECT_TRUE(bad.IsInvalidArgument());
  EXPECT_NE(bad.message().find("SNILS"), std::string::npos) << bad.message();
  EXPECT_NE(rule->Validate("112-233-445 95").message().find("pattern"), std::string::npos);
  EXPECT_FALSE(rule->Validate("").ok());
}

TEST(NationalIdRuleTest, GeneratedIdsAreValid) {
  for (auto checksum : {NationalIdChecksum::kSnils, NationalIdChecksum::kLuhn, NationalIdChecksum::kNone}) {
    auto rule = NationalIdRule::Create("^[0-9]{11}$", checksum);
    ASSERT_TRUE(rule.ok());
    for (uint64_t n : {0ULL, 1ULL, 12345ULL, 899999999ULL}) {
      std::string id = rule->Generate(n);
      EXPECT_TRUE(rule->Validate(id).ok()) << id << " " << rule->Validate(id).message();
    }
  }
}

TEST(NationalIdRuleTest, BadPatternIsReported) {
  auto rule = NationalIdRule::Create("([0-9", NationalIdChecksum::kNone);
  EXPECT_FALSE(rule.ok());
  EXPECT_NE(rule.status().message().find("not a valid regular expression"), std::string::npos);
}

}  // namespace
}  // namespace muster

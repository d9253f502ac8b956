#include "core/summons_number.hpp"

#include <gtest/gtest.h>

namespace muster {
namespace {

TEST(SummonsNumberTest, FormatAndParse) {
  std::string n = FormatSummonsNumber(2026, 1234);
  EXPECT_EQ(n.substr(0, 12), "26-00001234-");
  auto parsed = ParseSummonsNumber(n);
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(*parsed, n);
  // Typed without hyphens, or with spaces.
  std::string digits = "2600001234" + n.substr(12);
  EXPECT_EQ(*ParseSummonsNumber(digits), n);
  EXPECT_EQ(*ParseSummonsNumber("26 00001234 " + n.substr(12)), n);
}

TEST(SummonsNumberTest, DammKnownAnswer) {
  // The worked example of the Damm algorithm: 572 has check digit 4.
  EXPECT_EQ(DammCheckDigit("572"), 4);
  EXPECT_TRUE(DammValid("5724"));
  EXPECT_FALSE(DammValid("5723"));
}

// Every single wrong digit and every swap of two adjacent different digits is caught.
TEST(SummonsNumberTest, CatchesEverySingleErrorAndAdjacentSwap) {
  for (int64_t serial : {1LL, 42LL, 1234LL, 98765432LL, 10203040LL}) {
    std::string n = FormatSummonsNumber(2026, serial);
    std::string digits;
    for (char c : n) {
      if (c != '-') digits += c;
    }
    ASSERT_TRUE(DammValid(digits));
    for (size_t i = 0; i < digits.size(); ++i) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == digits[i]) continue;
        std::string wrong = digits;
        wrong[i] = d;
        EXPECT_FALSE(ParseSummonsNumber(wrong).ok()) << wrong;
      }
      if (i + 1 < digits.size() && digits[i] != digits[i + 1]) {
        std::string swapped = digits;
        std::swap(swapped[i], swapped[i + 1]);
        auto parsed = ParseSummonsNumber(swapped);
        ASSERT_FALSE(parsed.ok()) << swapped;
        EXPECT_NE(parsed.status().message().find("two are swapped"), std::string::npos);
      }
    }
  }
}

TEST(SummonsNumberTest, RejectsMalformed) {
  EXPECT_FALSE(ParseSummonsNumber("").ok());
  EXPECT_FALSE(ParseSummonsNumber("26-0000123-4").ok());    // ten digits
  EXPECT_FALSE(ParseSummonsNumber("26-0000123X-4").ok());   // a letter
  EXPECT_FALSE(ParseSummonsNumber("26-00001234-56").ok());  // twelve digits
}

}  // namespace
}  // namespace muster

namespace muster {
namespace {

TEST(SummonsNumberTest, OnlyACheckedNumberIsMade) {
  auto number = SummonsNumber::Parse("26 00000002 8");
  ASSERT_TRUE(number.ok()) << number.status().message();
  EXPECT_EQ(number->str(), "26-00000002-8") << "canonical";
  EXPECT_EQ(*number, *SummonsNumber::Parse("26000000028"));
  EXPECT_TRUE(SummonsNumber::Parse("26-00000002-1").status().IsInvalidArgument()) << "check digit";
  EXPECT_TRUE(SummonsNumber::Parse("26-0000000\xff-0").status().IsInvalidArgument());
}

}  // namespace
}  // namespace muster

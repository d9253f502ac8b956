#include "registry/person_rules.hpp"

#include <gtest/gtest.h>

namespace muster {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

struct Verdict {
  std::string value;
  bool ok;
  const char* why;
};

std::string Repeat(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

TEST(PersonRulesTest, Names) {
  const Verdict cases[] = {
      {"Иванов", true, "Cyrillic"},
      {"Фёдоров", true, "Cyrillic with ё"},
      {"Smith", true, "Latin"},
      {"Παπαδόπουλος", true, "Greek"},
      {"小龍", true, "CJK"},
      {"Müller", true, "precomposed umlaut"},
      {"Mu\xCC\x88ller", true, "combining diaeresis"},
      {"Jose\xCC\x81", true, "combining acute at the end"},
      {"Ibrahimović", true, "Latin Extended"},
      {"Ґалаґан", true, "Ukrainian letters outside basic Cyrillic"},
      {"Салтыков-Щедрин", true, "hyphen"},
      {"O'Brien", true, "ASCII apostrophe"},
      {"O\xE2\x80\x99"
       "Brien",
       true, "right single quotation mark"},
      {"N\xCA\xBC"
       "Dour",
       true, "modifier letter apostrophe"},
      {"St. John", true, "dot and space"},
      {"Ван дер Берг", true, "spaces"},
      {"", false, "empty"},
      {"Ivan2", false, "digit"},
      {"Иван1", false, "digit after Cyrillic"},
      {"Ivan@", false, "symbol"},
      {"Ivan_", false, "underscore"},
      {"Ivan,Petr", false, "comma"},
      {"Иван\"", false, "double quote"},
      {"Иван;", false, "semicolon"},
      {"😀", false, "emoji"},
      {"҂", false, "Cyrillic thousands sign is not a letter"},
      {"Iva\tn", false, "tab"},
      {"Iva\nn", false, "line feed"},
      {std::string("Iva\0n", 5), false, "NUL"},
      {"Iva\x7Fn", false, "DEL"},
      {"Iva\xC2\x85n", false, "C1 control NEL"},
      {"Iva\xE2\x80\x8Bn", false, "zero-width space"},
      {"- .'", false, "no letter"},
      {" ", false, "only a space"},
      {"\xCC\x81", false, "only a combining mark"},
      {"Iva\xFFn", false, "invalid byte"},
      {"Iva\xC0\xAFn", false, "overlong encoding"},
      {"\xED\xA0\x80", false, "surrogate"},
      {"Ив\xD0", false, "truncated sequence"},
      {Repeat("a", 100), true, "100 ASCII letters"},
      {Repeat("a", 101), false, "101 ASCII letters"},
      {Repeat("Я", 100), true, "100 two-byte letters"},
      {Repeat("Я", 101), false, "101 two-byte letters"},
      {Repeat("龍", 100), true, "100 three-byte letters"},
      {Repeat("e\xCC\x81", 50), true, "100 code points with combining marks"},
      {Repeat("e\xCC\x81", 50) + "e", false, "101 code points with combining marks"},
  };
  for (const auto& c : cases) {
    Status st = CheckName(c.value);
    EXPECT_EQ(st.ok(), c.ok) << c.why << ": " << st.ToString();
    if (!st.ok()) {
      EXPECT_TRUE(st.IsInvalidArgument()) << c.why;
    }
  }
  EXPECT_NE(CheckName(Repeat("a", 101)).message().find("101"), std::string::npos);
  EXPECT_NE(CheckName("Iva\xFFn").message().find("UTF-8"), std::string::npos);
  EXPECT_NE(CheckName("Iva\tn").message().find("control"), std::string::npos);
}

TEST(PersonRulesTest, BirthDates) {
  const CivilDate today = year(2026) / month(3) / day(15);
  const CivilDate leap_today = year(2024) / month(2) / day(29);
  struct Case {
    const char* value;
    CivilDate today;
    bool ok;
    const char* why;
  } cases[] = {
      {"2000-01-01", today, true, "ordinary"},
      {"2026-03-15", today, true, "born today"},
      {"2026-03-16", today, false, "tomorrow"},
      {"2999-01-01", today, false, "far future"},
      {"1926-03-15", today, true, "exactly 100 years"},
      {"1926-03-14", today, false, "100 years and a day"},
      {"2000-02-29", today, true, "29 February of a leap year"},
      {"2023-02-29", today, false, "29 February of a common year"},
      {"1900-02-29", today, false, "1900 was not a leap year"},
      {"2023-04-31", today, false, "31 April"},
      {"2023-13-01", today, false, "month 13"},
      {"2023-00-10", today, false, "month 0"},
      {"2023-01-00", today, false, "day 0"},
      {"1924-02-29", leap_today, true, "100 years before 29 February 2024"},
      {"1924-02-28", leap_today, false, "a day more than 100 years"},
      {"15.03.2000", today, false, "dotted format"},
      {"2000-3-15", today, false, "month without leading zero"},
      {"2000/03/15", today, false, "slashes"},
      {"20000315", today, false, "no separators"},
      {"2000-03-15 ", today, false, "trailing space"},
      {" 2000-03-15", today, false, "leading space"},
      {"2000-03-15T00:00", today, false, "a time"},
      {"", today, false, "empty"},
      {"abcd-ef-gh", today, false, "letters"},
      {"-200-03-15", today, false, "negative year"},
  };
  for (const auto& c : cases) {
    auto date = CheckBirthDate(c.value, c.today);
    EXPECT_EQ(date.ok(), c.ok) << c.value << " (" << c.why << "): " << date.status().ToString();
    if (date.ok()) {
      EXPECT_EQ(FormatCivilDate(*date), c.value);
    }
  }
  EXPECT_NE(CheckBirthDate("2023-02-29", today).status().message().find("not a real calendar date"), std::string::npos);
  EXPECT_NE(CheckBirthDate("2026-03-16", today).status().message().find("future"), std::string::npos);
  EXPECT_NE(CheckBirthDate("1926-03-14", today).status().message().find("100 years"), std::string::npos);
}

TEST(PersonRulesTest, SexCategoryFitness) {
  for (const char* ok : {"M", "F"}) EXPECT_TRUE(CheckSex(ok).ok()) << ok;
  for (const char* bad : {"", "m", "f", "X", "MF", "M ", "Male", "М" /* Cyrillic */}) {
    EXPECT_TRUE(CheckSex(bad).IsInvalidArgument()) << bad;
  }
  for (const char* ok : {"conscript", "reservist"}) EXPECT_TRUE(CheckCategory(ok).ok()) << ok;
  for (const char* bad : {"", "Conscript", "volunteer", "reservist "}) {
    EXPECT_TRUE(CheckCategory(bad).IsInvalidArgument()) << bad;
  }
  const Policy& policy = DefaultPolicy();
  for (const char* ok : {"A", "B", "C", "D", "E"}) EXPECT_TRUE(CheckFitness(ok, policy).ok()) << ok;
  for (const char* bad : {"", "a", "F", "AB", "А" /* Cyrillic */}) {
    Status st = CheckFitness(bad, policy);
    EXPECT_TRUE(st.IsInvalidArgument()) << bad;
    EXPECT_NE(st.message().find("A, B, C, D, E"), std::string::npos) << st.message();
  }
}

TEST(PersonRulesTest, Emails) {
  const Verdict cases[] = {
      {"ivanov@mail.example", true, "plain"},
      {"first.last+tag@sub.example.org", true, "dots and plus"},
      {"o'brien@example.com", true, "apostrophe in the local part"},
      {"x@a-b.example", true, "hyphen in the domain"},
      {"", false, "empty"},
      {"ivanov", false, "no @"},
      {"@example.com", false, "no local part"},
      {"ivanov@", false, "no domain"},
      {"ivanov@localhost", false, "undotted domain"},
      {"a@@example.com", false, "two @"},
      {"a b@example.com", false, "space"},
      {"a@example..com", false, "empty label"},
      {"a@-example.com", false, "label starting with a hyphen"},
      {"иван@example.com", false, "non-ASCII local part"},
      {"a@пример.рф", false, "non-ASCII domain"},
      {"a@example.com\n", false, "trailing line feed"},
      {"a@" + Repeat("b", 64) + ".com", false, "63-character label limit"},
      {"a@" + Repeat("b", 63) + ".com", true, "63-character label"},
      {Repeat("a", 250) + "@b.cd", false, "over 254 characters"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CheckEmail(c.value).ok(), c.ok) << c.value << ": " << c.why;
  }
}

TEST(PersonRulesTest, Phones) {
  struct Case {
    const char* value;
    const char* normalised;  // nullptr when rejected
  } cases[] = {
      {"+79161234567", "+79161234567"},
      {"+7 916 123-45-67", "+79161234567"},
      {"+7 (916) 123.45.67", "+79161234567"},
      {"+44 20 7946 0958", "+442079460958"},
      {"+1234567", "+1234567"},                  // 7 digits, the shortest accepted
      {"+123456789012345", "+123456789012345"},  // 15 digits, E.164's longest
      {"+1234567890123456", nullptr},            // 16 digits
      {"+123456", nullptr},                      // 6 digits
      {"89161234567", nullptr},                  // national form without +
      {"+09161234567", nullptr},                 // country code cannot start with 0
      {"+7 916 123 45 6a", nullptr},
      {"+7/916/1234567", nullptr},
      {"++79161234567", nullptr},
      {"+7\t9161234567", nullptr},
      {"", nullptr},
  };
  for (const auto& c : cases) {
    auto phone = NormalizePhone(c.value);
    if (c.normalised == nullptr) {
      EXPECT_TRUE(phone.status().IsInvalidArgument()) << c.value << " -> " << (phone.ok() ? *phone : "");
    } else {
      ASSERT_TRUE(phone.ok()) << c.value << ": " << phone.status().ToString();
      EXPECT_EQ(*phone, c.normalised);
    }
  }
}

TEST(PersonRulesTest, Addresses) {
  const Verdict cases[] = {
      {"", true, "empty"},
      {"г. Москва, ул. \"Красный Октябрь\", д. 1", true, "quotes and commas"},
      {"'); DROP TABLE persons;--", true, "SQL is just text"},
      {"line one\nline two\r\n\tindented", true, "line breaks and tabs"},
      {Repeat("я", 500), true, "500 characters"},
      {Repeat("я", 501), false, "501 characters"},
      {"bell\x07", false, "control character"},
      {std::string("nul\0", 4), false, "NUL"},
      {"bad \xFF byte", false, "invalid UTF-8"},
  };
  for (const auto& c : cases) EXPECT_EQ(CheckAddress(c.value).ok(), c.ok) << c.why;
}

}  // namespace
}  // namespace muster

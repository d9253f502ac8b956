#include "registry/correction.hpp"

#include <gtest/gtest.h>

namespace muster {
namespace {

constexpr CivilDate kToday{std::chrono::year{2026}, std::chrono::month{11}, std::chrono::day{29}};

struct Case {
  const char* field;
  const char* value;
  const char* want;  // the normalised value, or nullptr when rejected
  const char* message_part;
};

TEST(CorrectionTest, ValuesPassTheImportRules) {
  const Case cases[] = {
      {"surname", "Ivanova-Petrova", "Ivanova-Petrova", ""},
      {"surname", "", nullptr, "value: surname is empty"},
      {"given_name", "R2D2", nullptr, "value: given_name may hold only letters"},
      {"patronymic", "", "", ""},
      {"birth_date", "2001-02-03", "2001-02-03", ""},
      {"birth_date", "2030-01-01", nullptr, "value: birth_date 2030-01-01 is in the future"},
      {"birth_date", "2001-02-30", nullptr, "value: birth_date"},
      {"sex", "F", "F", ""},
      {"sex", "X", nullptr, "value: sex 'X' is not M or F"},
      {"district", "D02", "D02", ""},
      {"district", "", nullptr, "value: district is empty"},
      {"address", "Lenina 1\nflat 2", "Lenina 1\nflat 2", ""},
      {"email", "a@example.org", "a@example.org", ""},
      {"email", "not-an-address", nullptr, "value: email 'not-an-address' is not a valid e-mail"},
      {"phone", "+7 916 123-45-67", "+79161234567", ""},
      {"phone", "12345", nullptr, "value: phone '12345' is not a phone number"},
      {"fitness", "A", nullptr, "field: must be one of"},
      {"national_id", "12345678901", nullptr, "field: must be one of"},
  };
  for (const Case& c : cases) {
    auto got = CheckCorrection(c.field, c.value, kToday);
    if (c.want) {
      ASSERT_TRUE(got.ok()) << c.field << "=" << c.value << ": " << got.status().ToString();
      EXPECT_EQ(*got, c.want) << c.field;
    } else {
      ASSERT_FALSE(got.ok()) << c.field << "=" << c.value;
      EXPECT_TRUE(got.status().IsInvalidArgument());
      EXPECT_NE(got.status().message().find(c.message_part), std::string::npos) << got.status().message();
    }
  }
}

TEST(CorrectionTest, ApplySetsTheFieldAndFieldValueReadsIt) {
  Person p;
  p.surname = "Petrov";
  p.birth_date = kToday;
  for (auto [field, value] : {std::pair{"surname", "Sidorov"}, {"birth_date", "2000-01-31"}, {"sex", "F"},
                              {"district", "D07"}, {"phone", "+79161234567"}}) {
    ApplyCorrection(p, field, value);
    EXPECT_EQ(FieldValue(p, field), value) << field;
  }
  EXPECT_EQ(p.sex, 'F');
}

TEST(CorrectionTest, StateNamesRoundTrip) {
  for (auto s : {CorrectionState::kPending, CorrectionState::kApproved, CorrectionState::kRejected}) {
    EXPECT_EQ(ParseCorrectionState(CorrectionStateName(s)), s);
  }
  EXPECT_FALSE(ParseCorrectionState("maybe"));
}

}  // namespace
}  // namespace muster

#include "summons/eligibility.hpp"

#include <gtest/gtest.h>

namespace muster {
namespace {

CivilDate D(const char* text) { return *ParseCivilDate(text); }

struct AgeCase {
  const char* birth;
  const char* on;
  LeapDayBirthday rule;
  int age;
};

TEST(AgeOnTest, Boundaries) {
  const AgeCase cases[] = {
      {"2008-12-01", "2026-12-01", LeapDayBirthday::kMar1, 18},   // birthday on the appearance date
      {"2008-12-01", "2026-11-30", LeapDayBirthday::kMar1, 17},   // the day before
      {"2008-02-29", "2026-02-28", LeapDayBirthday::kFeb28, 18},  // feb28: a year older on 28 February
      {"2008-02-29", "2026-02-28", LeapDayBirthday::kMar1, 17},   // mar1: not yet
      {"2008-02-29", "2026-03-01", LeapDayBirthday::kMar1, 18},
      {"2008-02-29", "2028-02-29", LeapDayBirthday::kMar1, 20},   // leap year: the real birthday
      {"2008-02-29", "2028-02-28", LeapDayBirthday::kFeb28, 19},  // leap year: 28 Feb is the day before
      {"1996-06-15", "2026-06-14", LeapDayBirthday::kMar1, 29},
      {"1996-06-15", "2026-06-15", LeapDayBirthday::kMar1, 30},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(AgeOn(D(c.birth), D(c.on), c.rule), c.age) << c.birth << " on " << c.on;
  }
}

class EligibilityTest : public ::testing::Test {
 protected:
  const Policy& policy_ = DefaultPolicy();  // conscription 18-30, fitness A/B, study blocks
  Person person_ = [] {
    Person p;
    p.national_id = "12345678964";
    p.birth_date = *ParseCivilDate("2000-05-10");
    p.fitness = "A";
    return p;
  }();

  Eligibility Check(const char* on, const std::vector<Deferment>& deferments = {}) {
    return CheckEligibility(person_, deferments, "conscription", D(on), policy_);
  }
};

TEST_F(EligibilityTest, EligibleWithinTheAgeRange) { EXPECT_TRUE(Check("2026-12-01").eligible()); }

TEST_F(EligibilityTest, AgeEdges) {
  EXPECT_TRUE(Check("2030-05-09").eligible());                                    // 29, last day at 30 is 2031-05-09
  EXPECT_TRUE(Check("2031-05-09").eligible());                                    // still 30
  EXPECT_EQ(Check("2031-05-10").reasons, std::vector<std::string>{"age_above"});  // 31 on the day
  person_.birth_date = D("2008-12-01");
  EXPECT_EQ(Check("2026-11-30").reasons, std::vector<std::string>{"age_below"});
  EXPECT_TRUE(Check("2026-12-01").eligible());  // 18th birthday on the appearance date
}

TEST_F(EligibilityTest, EveryReasonAtOnce) {
  person_.fitness = "D";
  person_.status = PersonStatus::kServing;
  person_.birth_date = D("2010-01-01");
  Deferment study{.kind = "study", .until = D("2027-06-30")};
  Eligibility e = Check("2026-12-01", {study});
  EXPECT_EQ(e.reasons, (std::vector<std::string>{"age_below", "fitness", "status", "deferment:study"}));
}

TEST_F(EligibilityTest, DefermentCoversItsLastDay) {
  Deferment d{.kind = "health", .until = D("2026-12-01")};
  EXPECT_EQ(Check("2026-12-01", {d}).reasons, std::vector<std::string>{"deferment:health"});
  EXPECT_TRUE(Check("2026-12-02", {d}).eligible());
}

TEST_F(EligibilityTest, EndedAndNonBlockingDefermentsDoNotCount) {
  Deferment ended{.kind = "study", .until = D("2027-06-30"), .ended_at = StartOfDay(D("2026-11-01"))};
  EXPECT_TRUE(Check("2026-12-01", {ended}).eligible());
  Deferment other{.kind = "other", .until = D("2027-06-30")};  // not in blocking_deferments
  EXPECT_TRUE(Check("2026-12-01", {other}).eligible());
}

TEST_F(EligibilityTest, KindSelectsTheAgeRange) {
  person_.birth_date = D("1980-01-01");  // 46
  EXPECT_EQ(Check("2026-12-01").reasons, std::vector<std::string>{"age_above"});
  EXPECT_TRUE(CheckEligibility(person_, {}, "reservist_training", D("2026-12-01"), policy_).eligible());
}

}  // namespace
}  // namespace muster

#include "summons/deadline.hpp"

#include <gtest/gtest.h>

namespace muster {
namespace {

Timestamp T(const char* text) { return *ParseTimestamp(text); }

TEST(DeadlineTest, AppointmentPlusGrace) {
  struct Case {
    int grace_hours;
    const char* appear_at;
    const char* deadline;
  };
  const Case cases[] = {
      {24, "2027-01-15T09:00:00+03:00", "2027-01-16T06:00:00Z"},
      {0, "2027-01-15T09:00:00Z", "2027-01-15T09:00:00Z"},
      {72, "2027-12-31T12:00:00Z", "2028-01-03T12:00:00Z"},  // across a year end
  };
  for (const auto& c : cases) {
    Policy policy = DefaultPolicy();
    policy.grace_hours = c.grace_hours;
    Summons s;
    s.appear_at = T(c.appear_at);
    EXPECT_EQ(Deadline(s, policy), T(c.deadline)) << c.appear_at << " + " << c.grace_hours << " h";
  }
}

TEST(DeadlineTest, OverdueBoundAgreesWithDeadline) {
  Policy policy = DefaultPolicy();
  policy.grace_hours = 24;
  Timestamp now = T("2027-01-16T09:00:00Z");
  Summons due, not_yet;
  due.appear_at = T("2027-01-15T08:59:59Z");      // deadline 2027-01-16T08:59:59Z: passed
  not_yet.appear_at = T("2027-01-15T09:00:00Z");  // deadline is now: not passed yet
  EXPECT_LT(Deadline(due, policy), now);
  EXPECT_LT(due.appear_at, OverdueIfAppearBefore(now, policy));
  EXPECT_EQ(Deadline(not_yet, policy), now);
  EXPECT_FALSE(not_yet.appear_at < OverdueIfAppearBefore(now, policy));
}

}  // namespace
}  // namespace muster

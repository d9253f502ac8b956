#include "summons/report.hpp"

#include <gtest/gtest.h>

namespace muster {
namespace {

using S = SummonsState;
using M = SummonsMoment;

bool All(std::string_view) { return true; }
bool OnlyD01(std::string_view office) { return office == "D01"; }

const std::vector<SummonsTally> kTallies = {
    {"D01", S::kDelivered, 5, 5, 0}, {"D01", S::kViewed, 3, 3, 3}, {"D01", S::kAppeared, 4, 4, 2},
    {"D01", S::kNoShow, 2, 2, 1},    {"D01", S::kCancelled, 1, 0, 0}, {"D02", S::kExcused, 6, 6, 6},
    {"D02", S::kIssued, 7, 0, 0},
};

TEST(ReportTest, FunnelCountsEverySummonsOnceAndMomentsAsRecorded) {
  Funnel f = FunnelOf(kTallies, All);
  EXPECT_EQ(f.issued, 28);
  EXPECT_EQ(f.delivered, 20);
  EXPECT_EQ(f.viewed, 12);
  EXPECT_EQ(f.appeared, 4);
  EXPECT_EQ(f.excused, 6);
  EXPECT_EQ(f.no_show, 2);
  EXPECT_EQ(f.cancelled, 1);
  Funnel d01 = FunnelOf(kTallies, OnlyD01);
  EXPECT_EQ(d01.issued, 15);
  EXPECT_EQ(d01.excused, 0);
}

TEST(ReportTest, DistrictsAddRestrictionsInScopeOnly) {
  auto rows = DistrictsOf(kTallies, {{"D01", 2}, {"D02", 1}, {"D09", 4}}, All);
  ASSERT_EQ(rows.size(), 3u);  // D09: restrictions only
  EXPECT_EQ(rows[0].district, "D01");
  EXPECT_EQ(rows[0].counts.issued, 15);
  EXPECT_EQ(rows[0].restrictions_active, 2);
  EXPECT_EQ(rows[1].counts.excused, 6);
  EXPECT_EQ(rows[2].district, "D09");
  EXPECT_EQ(DistrictsOf(kTallies, {{"D02", 1}}, OnlyD01).size(), 1u);
}

TEST(ReportTest, TimelineByDayWithNoShowsFromClosedOnly) {
  std::vector<DayTally> tallies = {
      {"D01", M::kIssued, S::kDelivered, 20000, 10}, {"D01", M::kDelivered, S::kDelivered, 20000, 10},
      {"D01", M::kViewed, S::kViewed, 20001, 3},     {"D01", M::kAppeared, S::kAppeared, 20002, 4},
      {"D01", M::kClosed, S::kNoShow, 20003, 2},      {"D01", M::kClosed, S::kCancelled, 20003, 1},
      {"D02", M::kIssued, S::kIssued, 20000, 7},
  };
  auto days = TimelineOf(tallies, OnlyD01);
  ASSERT_EQ(days.size(), 3u);  // the day with only a view, and the cancellation, count nothing
  EXPECT_EQ(FormatCivilDate(days[0].day), "2024-10-04");
  EXPECT_EQ(days[0].issued, 10);
  EXPECT_EQ(days[0].delivered, 10);
  EXPECT_EQ(days[1].appeared, 4);
  EXPECT_EQ(days[2].no_show, 2);
  EXPECT_EQ(TimelineOf(tallies, All)[0].issued, 17);
}

}  // namespace
}  // namespace muster

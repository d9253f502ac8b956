#include "core/time.hpp"

#include <gtest/gtest.h>

namespace muster {
namespace {

using std::chrono::day;
using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::month;
using std::chrono::seconds;
using std::chrono::year;

Timestamp At(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  return StartOfDay(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi) + seconds(s) + milliseconds(ms);
}

TEST(TimeTest, ParseTimestampAccepts) {
  struct Case {
    const char* text;
    Timestamp want;
  } cases[] = {
      {"2026-12-01T09:00:00Z", At(2026, 12, 1, 9)},
      {"2026-12-01t09:00:00z", At(2026, 12, 1, 9)},
      {"2026-12-01 09:00:00Z", At(2026, 12, 1, 9)},
      {"2026-12-01T09:00:00.5Z", At(2026, 12, 1, 9, 0, 0, 500)},
      {"2026-12-01T09:00:00.12Z", At(2026, 12, 1, 9, 0, 0, 120)},
      {"2026-12-01T09:00:00.123Z", At(2026, 12, 1, 9, 0, 0, 123)},
      {"2026-12-01T09:00:00.123999Z", At(2026, 12, 1, 9, 0, 0, 123)},  // truncated to milliseconds
      {"2026-12-01T12:00:00+03:00", At(2026, 12, 1, 9)},
      {"2026-12-01T04:30:00-04:30", At(2026, 12, 1, 9)},
      {"2026-12-01T00:00:00+00:00", At(2026, 12, 1)},
      {"2026-12-01T00:00:00-00:00", At(2026, 12, 1)},
      {"2026-12-01T01:00:00+05:00", At(2026, 11, 30, 20)},  // offset crosses the day
      {"2024-02-29T23:59:59.999Z", At(2024, 2, 29, 23, 59, 59, 999)},
      {"2016-12-31T23:59:60Z", At(2016, 12, 31, 23, 59, 59)},  // leap second folded into :59
      {"1969-12-31T23:59:59.999Z", Timestamp{milliseconds(-1)}},
      {"1970-01-01T00:00:00Z", Timestamp{}},
  };
  for (const auto& c : cases) {
    auto t = ParseTimestamp(c.text);
    ASSERT_TRUE(t.ok()) << c.text << ": " << t.status().ToString();
    EXPECT_EQ(*t, c.want) << c.text << " parsed as " << FormatTimestamp(*t);
  }
}

TEST(TimeTest, ParseTimestampRejects) {
  const char* cases[] = {
      "",
      "2026-12-01",
      "2026-12-01T09:00:00",     // no offset
      "2026-12-01T09:00Z",       // no seconds
      "2026-12-01T09:00:00.Z",   // empty fraction
      "2026-12-01T09:00:00,5Z",  // comma fraction
      "2026-12-01T24:00:00Z",
      "2026-12-01T09:60:00Z",
      "2026-12-01T09:00:61Z",
      "2026-02-29T09:00:00Z",  // not a leap year
      "2026-13-01T09:00:00Z",
      "2026-12-01X09:00:00Z",
      "2026-12-01T09:00:00+0300",  // offset without colon
      "2026-12-01T09:00:00+03",
      "2026-12-01T09:00:00+24:00",
      "2026-12-01T09:00:00+03:60",
      "2026-12-01T09:00:00ZZ",
      "2026-12-01T09:00:00Z ",
      " 2026-12-01T09:00:00Z",
      "2026-12-01T9:00:00Z",
      "2026-12-01T09:00:00 UTC",
      "２０２６-12-01T09:00:00Z",  // full-width digits
  };
  for (const char* text : cases) {
    auto t = ParseTimestamp(text);
    EXPECT_TRUE(t.status().IsInvalidArgument()) << "accepted: " << text;
    if (!t.ok()) {
      EXPECT_NE(t.status().message().find("RFC 3339"), std::string::npos) << t.status().message();
    }
  }
}

TEST(TimeTest, FormatRoundTripsWithMilliseconds) {
  const char* cases[] = {
      "2026-12-01T09:00:00.000Z", "2026-12-01T09:00:00.007Z", "2026-12-01T23:59:59.999Z", "2000-02-29T12:34:56.789Z",
      "1970-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "1926-03-15T00:00:00.001Z", "9999-12-31T23:59:59.999Z",
  };
  for (const char* text : cases) {
    auto t = ParseTimestamp(text);
    ASSERT_TRUE(t.ok()) << text;
    EXPECT_EQ(FormatTimestamp(*t), text);
  }
  EXPECT_EQ(FormatTimestamp(*ParseTimestamp("2026-12-01T12:00:00.5+03:00")), "2026-12-01T09:00:00.500Z");
  // Outside four-digit years the digits still come out whole.
  Timestamp far = StartOfDay(CivilDate{std::chrono::year{10000}, std::chrono::January, std::chrono::day{2}}) +
                  std::chrono::milliseconds(3'723'004);
  EXPECT_EQ(FormatTimestamp(far), "10000-01-02T01:02:03.004Z");
  EXPECT_EQ(FormatCivilDate(CivilDate{std::chrono::year{-1}, std::chrono::March, std::chrono::day{5}}), "-001-03-05");
}

TEST(TimeTest, CivilDates) {
  struct Case {
    const char* text;
    bool ok;
  } cases[] = {
      {"2024-02-29", true},   {"2023-02-29", false}, {"2000-02-29", true}, {"1900-02-29", false},
      {"2026-04-31", false},  {"2026-12-31", true},  {"0001-01-01", true}, {"2026-1-01", false},
      {"2026-01-01x", false}, {"2026_01_01", false}, {"", false},
  };
  for (const auto& c : cases) {
    auto d = ParseCivilDate(c.text);
    EXPECT_EQ(d.ok(), c.ok) << c.text;
    if (d.ok()) {
      EXPECT_EQ(FormatCivilDate(*d), c.text);
    }
  }
  CivilDate d = year(2024) / month(2) / day(28);
  EXPECT_EQ(FormatCivilDate(AddDays(d, 1)), "2024-02-29");
  EXPECT_EQ(FormatCivilDate(AddDays(d, 2)), "2024-03-01");
  EXPECT_EQ(FormatCivilDate(AddDays(d, -59)), "2023-12-31");
  EXPECT_EQ(DaysBetween(d, AddDays(d, 366)), 366);
  EXPECT_EQ(DaysBetween(AddDays(d, 366), d), -366);
  EXPECT_EQ(UtcDate(At(2026, 12, 1, 23, 59, 59, 999)), year(2026) / month(12) / day(1));
  EXPECT_EQ(UtcDate(Timestamp{milliseconds(-1)}), year(1969) / month(12) / day(31));
}

TEST(TimeTest, LocalTimeInAZone) {
  EXPECT_TRUE(IsKnownTimeZone("Europe/Moscow"));
  EXPECT_TRUE(IsKnownTimeZone("Asia/Kamchatka"));
  EXPECT_TRUE(IsKnownTimeZone("UTC"));
  EXPECT_FALSE(IsKnownTimeZone("Mars/Olympus"));
  EXPECT_FALSE(IsKnownTimeZone(""));
  EXPECT_FALSE(IsKnownTimeZone("europe/moscow"));

  Timestamp t = At(2026, 12, 1, 21, 30);
  EXPECT_EQ(FormatLocalTime(t, "Europe/Moscow"), "2026-12-02 00:30 MSK");
  EXPECT_EQ(FormatLocalTime(t, "Asia/Kamchatka"), "2026-12-02 09:30 +12");
  EXPECT_EQ(FormatLocalTime(t, "America/New_York"), "2026-12-01 16:30 EST");
  EXPECT_EQ(FormatLocalTime(At(2026, 7, 1, 21, 30), "America/New_York"), "2026-07-01 17:30 EDT");
  EXPECT_EQ(FormatLocalTime(t, "Mars/Olympus"), "2026-12-01 21:30 UTC");

  auto nine_moscow = LocalToUtc(year(2026) / month(12) / day(2), 9 * 60, "Europe/Moscow");
  ASSERT_TRUE(nine_moscow.ok());
  EXPECT_EQ(FormatTimestamp(*nine_moscow), "2026-12-02T06:00:00.000Z");
  // 2026-03-08 02:30 does not exist in New York (clocks jump from 02:00 to 03:00).
  auto gap = LocalToUtc(year(2026) / month(3) / day(8), 2 * 60 + 30, "America/New_York");
  ASSERT_TRUE(gap.ok());
  EXPECT_EQ(FormatTimestamp(*gap), "2026-03-08T07:00:00.000Z");
  EXPECT_TRUE(LocalToUtc(year(2026) / month(12) / day(2), 0, "Mars/Olympus").status().IsInvalidArgument());
}

TEST(TimeTest, FixedClock) {
  FixedClock clock(At(2026, 1, 1));
  EXPECT_EQ(clock.Now(), At(2026, 1, 1));
  clock.Set(At(2026, 1, 2));
  EXPECT_EQ(FormatTimestamp(clock.Now()), "2026-01-02T00:00:00.000Z");
  EXPECT_GT(SystemClock().Now(), At(2024, 1, 1));
}

}  // namespace
}  // namespace muster

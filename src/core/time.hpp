// Civil dates, UTC timestamps and the one clock.
//
// A CivilDate is a calendar day with no time zone (a birth date, the last day of a deferment).
// A Timestamp is an instant in UTC with millisecond precision, written as RFC 3339
// "2026-11-29T04:28:19.123Z". Local times exist only for display (an office's appointment).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace muster {

using CivilDate = std::chrono::year_month_day;
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// "YYYY-MM-DD", a real calendar day (2023-02-29 is rejected).
Result<CivilDate> ParseCivilDate(std::string_view text);
std::string FormatCivilDate(CivilDate date);

// RFC 3339 with a "Z" or "+hh:mm" offset and optional fractional seconds (kept to milliseconds).
Result<Timestamp> ParseTimestamp(std::string_view text);
// Always "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::string FormatTimestamp(Timestamp t);
// The same, appended to `out` (no allocation beyond its growth: JSON writers and leaves).
void AppendTimestamp(std::string& out, Timestamp t);

// The UTC calendar day of an instant.
CivilDate UtcDate(Timestamp t);
// Midnight UTC at the start of `date`.
Timestamp StartOfDay(CivilDate date);
// Whole days from `from` to `to` (negative when `to` is earlier).
int DaysBetween(CivilDate from, CivilDate to);
CivilDate AddDays(CivilDate date, int days);

// True when `zone` names an IANA time zone known to the system's tz database.
bool IsKnownTimeZone(std::string_view zone);
// The wall-clock time of `t` in `zone`, "YYYY-MM-DD HH:MM" followed by the zone's abbreviation;
// falls back to UTC when the zone is unknown.
std::string FormatLocalTime(Timestamp t, std::string_view zone);
// The calendar day that the wall clock in `zone` shows at `t` (UTC's when the zone is unknown).
CivilDate LocalDate(Timestamp t, std::string_view zone);
// The instant at which the wall clock in `zone` shows `date` `minutes` past midnight.
Result<Timestamp> LocalToUtc(CivilDate date, int minutes, std::string_view zone);

// The only source of "now" in the code base; tests pass a FixedClock.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(Timestamp now) : now_(now) {}
  Timestamp Now() const override { return now_; }
  void Set(Timestamp now) { now_ = now; }

 private:
  Timestamp now_;
};

}  // namespace muster

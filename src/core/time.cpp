#include "core/time.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <charconv>

namespace muster {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;

// Parses exactly `width` ASCII digits at `pos`; -1 when they are not all digits.
int Digits(std::string_view text, size_t pos, size_t width) {
  if (pos + width > text.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

Result<CivilDate> ParseCivilDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return Status::InvalidArgument(fmt::format("'{}' is not a date in the form YYYY-MM-DD", text));
  }
  int y = Digits(text, 0, 4), m = Digits(text, 5, 2), d = Digits(text, 8, 2);
  if (y < 0 || m < 0 || d < 0) {
    return Status::InvalidArgument(fmt::format("'{}' is not a date in the form YYYY-MM-DD", text));
  }
  CivilDate date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
  if (!date.ok()) return Status::InvalidArgument(fmt::format("'{}' is not a real calendar date", text));
  return date;
}

namespace {

// Writes `value` (below 10^width) as exactly `width` decimal digits.
char* PutDigits(char* out, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return out + width;
}

// "YYYY-MM-DD" for years 0 to 9999 (the only ones FormatCivilDate writes this way).
char* PutDate(char* out, CivilDate date) {
  out = PutDigits(out, static_cast<unsigned>(static_cast<int>(date.year())), 4);
  *out++ = '-';
  out = PutDigits(out, static_cast<unsigned>(date.month()), 2);
  *out++ = '-';
  return PutDigits(out, static_cast<unsigned>(date.day()), 2);
}

bool FourDigitYear(CivilDate date) {
  return static_cast<int>(date.year()) >= 0 && static_cast<int>(date.year()) <= 9999;
}

}  // namespace

// Dates and timestamps are written for every event and every leaf, so the common four-digit
// years are written digit by digit; fmt writes the rest.
std::string FormatCivilDate(CivilDate date) {
  if (FourDigitYear(date)) {
    char buf[10];
    return std::string(buf, PutDate(buf, date));
  }
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()));
}

Result<Timestamp> ParseTimestamp(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument(
        fmt::format("'{}' is not an RFC 3339 timestamp like 2026-12-01T09:00:00Z ({})", text, why));
  };
  if (text.size() < 20) return bad("too short");
  auto date = ParseCivilDate(text.substr(0, 10));
  if (!date.ok()) return bad("bad date");
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return bad("expected 'T' after the date");
  int hh = Digits(text, 11, 2), mm = Digits(text, 14, 2), ss = Digits(text, 17, 2);
  if (hh < 0 || mm < 0 || ss < 0 || text[13] != ':' || text[16] != ':') return bad("bad time");
  if (hh > 23 || mm > 59 || ss > 60) return bad("time out of range");
  size_t pos = 19;
  int millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - start < 3) millis = millis * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == start) return bad("empty fraction");
    for (size_t n = pos - start; n < 3; ++n) millis *= 10;
  }
  if (pos >= text.size()) return bad("missing offset, e.g. 'Z'");
  int offset_minutes = 0;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int oh = Digits(text, pos + 1, 2), om = Digits(text, pos + 4, 2);
    if (oh < 0 || om < 0 || text.size() < pos + 6 || text[pos + 3] != ':' || oh > 23 || om > 59) {
      return bad("bad offset");
    }
    offset_minutes = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad("bad offset");
  }
  if (pos != text.size()) return bad("trailing characters");
  if (ss == 60) ss = 59;  // a leap second is folded into the second before it
  Timestamp t = StartOfDay(*date) + std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss) +
                milliseconds(millis) - std::chrono::minutes(offset_minutes);
  return t;
}

void AppendTimestamp(std::string& out, Timestamp t) {
  auto day = std::chrono::floor<days>(t);
  CivilDate date{day};
  std::chrono::hh_mm_ss<milliseconds> tod{t - day};
  if (!FourDigitYear(date)) {
    out += fmt::format("{}T{:02}:{:02}:{:02}.{:03}Z", FormatCivilDate(date), tod.hours().count(), tod.minutes().count(),
                       tod.seconds().count(), tod.subseconds().count());
    return;
  }
  char buf[24];
  char* end = PutDate(buf, date);
  *end++ = 'T';
  end = PutDigits(end, static_cast<unsigned>(tod.hours().count()), 2);
  *end++ = ':';
  end = PutDigits(end, static_cast<unsigned>(tod.minutes().count()), 2);
  *end++ = ':';
  end = PutDigits(end, static_cast<unsigned>(tod.seconds().count()), 2);
  *end++ = '.';
  end = PutDigits(end, static_cast<unsigned>(tod.subseconds().count()), 3);
  *end++ = 'Z';
  out.append(buf, end);
}

std::string FormatTimestamp(Timestamp t) {
  std::string out;
  AppendTimestamp(out, t);
  return out;
}

CivilDate UtcDate(Timestamp t) { return CivilDate{std::chrono::floor<days>(t)}; }

Timestamp StartOfDay(CivilDate date) { return Timestamp{std::chrono::sys_days{date}}; }

int DaysBetween(CivilDate from, CivilDate to) {
  return static_cast<int>((std::chrono::sys_days{to} - std::chrono::sys_days{from}).count());
}

CivilDate AddDays(CivilDate date, int n) { return CivilDate{std::chrono::sys_days{date} + days(n)}; }

bool IsKnownTimeZone(std::string_view zone) {
  if (zone.empty()) return false;
  try {
    return date::locate_zone(zone) != nullptr;
  } catch (const std::exception&) {
    return false;
  }
}

std::string FormatLocalTime(Timestamp t, std::string_view zone) {
  try {
    auto zoned = date::make_zoned(date::locate_zone(zone), t);
    return date::format("%Y-%m-%d %H:%M %Z", zoned);
  } catch (const std::exception&) {
    return date::format("%Y-%m-%d %H:%M UTC", t);
  }
}

CivilDate LocalDate(Timestamp t, std::string_view zone) {
  try {
    auto local = date::locate_zone(zone)->to_local(t);
    return CivilDate{std::chrono::sys_days{std::chrono::floor<days>(local.time_since_epoch())}};
  } catch (const std::exception&) {
    return UtcDate(t);
  }
}

Result<Timestamp> LocalToUtc(CivilDate date, int minutes, std::string_view zone) {
  try {
    const date::time_zone* tz = date::locate_zone(zone);
    auto local = date::local_days{date::year_month_day{date::year(static_cast<int>(date.year())),
                                                       date::month(static_cast<unsigned>(date.month())),
                                                       date::day(static_cast<unsigned>(date.day()))}} +
                 std::chrono::minutes(minutes);
    auto sys = tz->to_sys(local, date::choose::earliest);
    return Timestamp{std::chrono::duration_cast<milliseconds>(sys.time_since_epoch())};
  } catch (const std::exception& e) {
    return Status::InvalidArgument(fmt::format("time zone '{}': {}", zone, e.what()));
  }
}

Timestamp SystemClock::Now() const {
  return std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
}

}  // namespace muster

#include "core/national_id.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <algorithm>

namespace muster {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<NationalIdChecksum> ParseNationalIdChecksum(std::string_view name) {
  if (name == "snils") return NationalIdChecksum::kSnils;
  if (name == "luhn") return NationalIdChecksum::kLuhn;
  if (name == "none") return NationalIdChecksum::kNone;
  return Status::InvalidArgument(fmt::format("unknown checksum '{}' (expected snils, luhn or none)", name));
}

std::string_view NationalIdChecksumName(NationalIdChecksum checksum) {
  switch (checksum) {
    case NationalIdChecksum::kSnils:
      return "snils";
    case NationalIdChecksum::kLuhn:
      return "luhn";
    case NationalIdChecksum::kNone:
      return "none";
  }
  return "none";
}

int SnilsCheckNumber(std::string_view first_nine) {
  int sum = 0;
  for (int i = 0; i < 9; ++i) sum += (first_nine[i] - '0') * (9 - i);
  if (sum < 100) return sum;
  if (sum == 100 || sum == 101) return 0;
  int check = sum % 101;
  return check == 100 ? 0 : check;
}

bool SnilsChecksumValid(std::string_view id) {
  if (id.size() != 11 || !AllDigits(id)) return false;
  if (id.substr(0, 9) <= "001001998") return true;
  int given = (id[9] - '0') * 10 + (id[10] - '0');
  return given == SnilsCheckNumber(id.substr(0, 9));
}

int LuhnCheckDigit(std::string_view payload) {
  int sum = 0;
  bool double_it = true;  // the rightmost payload digit is doubled once the check digit follows
  for (auto it = payload.rbegin(); it != payload.rend(); ++it) {
    int d = *it - '0';
    if (double_it) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double_it = !double_it;
  }
  return (10 - sum % 10) % 10;
}

bool LuhnChecksumValid(std::string_view id) {
  if (id.size() < 2 || !AllDigits(id)) return false;
  return LuhnCheckDigit(id.substr(0, id.size() - 1)) == id.back() - '0';
}

Result<NationalIdRule> NationalIdRule::Create(std::string pattern, NationalIdChecksum checksum) {
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, options);
  if (!re->ok()) {
    return Status::InvalidArgument(
        fmt::format("pattern '{}' is not a valid regular expression: {}", pattern, re->error()));
  }
  return NationalIdRule(std::move(pattern), std::move(re), checksum);
}

bool NationalIdRule::MatchesPattern(std::string_view id) const { return RE2::FullMatch(id, *re_); }

Status NationalIdRule::Validate(std::string_view id) const {
  if (id.empty()) return Status::InvalidArgument("national ID is empty");
  if (!RE2::FullMatch(id, *re_)) {
    return Status::InvalidArgument(fmt::format("'{}' does not match the pattern {}", id, pattern_));
  }
  switch (checksum_) {
    case NationalIdChecksum::kSnils:
      if (id.size() != 11 || !AllDigits(id)) {
        return Status::InvalidArgument(fmt::format("'{}' is not 11 digits, as SNILS needs", id));
      }
      if (!SnilsChecksumValid(id)) {
        return Status::InvalidArgument(fmt::format("'{}' fails the SNILS check: check number is {}, expected {:02}", id,
                                                   id.substr(9), SnilsCheckNumber(id.substr(0, 9))));
      }
      return Status::Ok();
    case NationalIdChecksum::kLuhn:
      if (!LuhnChecksumValid(id)) {
        return Status::InvalidArgument(fmt::format("'{}' fails the Luhn check", id));
      }
      return Status::Ok();
    case NationalIdChecksum::kNone:
      return Status::Ok();
  }
  return Status::Ok();
}

std::string NationalIdRule::Generate(uint64_t n) const {
  switch (checksum_) {
    case NationalIdChecksum::kSnils: {
      // Above the unchecked range: 100000000 + n keeps nine digits for n < 9e8.
      std::string nine = fmt::format("{:09}", 100000000 + n % 900000000);
      return fmt::format("{}{:02}", nine, SnilsCheckNumber(nine));
    }
    case NationalIdChecksum::kLuhn: {
      std::string payload = fmt::format("{:010}", 1000000000 + n % 9000000000ULL);
      return payload + static_cast<char>('0' + LuhnCheckDigit(payload));
    }
    case NationalIdChecksum::kNone:
      return fmt::format("{:011}", 10000000000ULL + n);
  }
  return {};
}

}  // namespace muster

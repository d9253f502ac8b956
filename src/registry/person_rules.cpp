#include "registry/person_rules.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include "core/text.hpp"

namespace muster {
namespace {

const RE2& NameRe() {
  static const RE2 re(R"(^[\p{L}\p{M} .'\-\x{2019}\x{02BC}]+$)");
  return re;
}

const RE2& HasLetterRe() {
  static const RE2 re(R"(\p{L})");
  return re;
}

// https://html.spec.whatwg.org/multipage/input.html#valid-e-mail-address
const RE2& EmailRe() {
  static const RE2 re(R"(^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)"
                      R"((?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)+$)");
  return re;
}

// The common case without the regular expression: ASCII and basic Cyrillic letters (U+0400 to
// U+045F, all of them letters) with the allowed punctuation and at least one letter. False means
// "not decided here", never "invalid".
bool IsPlainName(std::string_view value) {
  bool letter = false;
  for (size_t i = 0; i < value.size(); ++i) {
    auto c = static_cast<unsigned char>(value[i]);
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
      letter = true;
    } else if (c == ' ' || c == '-' || c == '\'' || c == '.') {
      continue;
    } else if ((c == 0xD0 || c == 0xD1) && i + 1 < value.size()) {
      auto next = static_cast<unsigned char>(value[++i]);
      if (next < 0x80 || next > 0xBF || (c == 0xD1 && next > 0x9F)) return false;  // U+0400..U+045F
      letter = true;
    } else {
      return false;
    }
  }
  return letter;
}

}  // namespace

Status CheckName(std::string_view value) {
  if (value.empty()) return Status::InvalidArgument("is empty");
  if (!IsValidUtf8(value)) return Status::InvalidArgument("is not valid UTF-8");
  if (HasControlCharacter(value)) return Status::InvalidArgument("contains a control character");
  size_t length = CodePointCount(value);
  if (length > kMaxNameLength) {
    return Status::InvalidArgument(fmt::format("is {} characters long, at most {} allowed", length, kMaxNameLength));
  }
  if (IsPlainName(value)) return Status::Ok();
  if (!RE2::FullMatch(value, NameRe())) {
    return Status::InvalidArgument("may hold only letters, spaces, hyphens, apostrophes and dots");
  }
  if (!RE2::PartialMatch(value, HasLetterRe())) return Status::InvalidArgument("holds no letter");
  return Status::Ok();
}

Result<CivilDate> CheckBirthDate(std::string_view value, CivilDate today) {
  auto date = ParseCivilDate(value);
  if (!date.ok()) return date.status();
  if (*date > today) return Status::InvalidArgument(fmt::format("{} is in the future", value));
  CivilDate limit = today - std::chrono::years(kMaxAgeYears);
  if (!limit.ok()) limit = CivilDate{limit.year() / limit.month() / std::chrono::last};  // 29 Feb
  if (*date < limit) {
    return Status::InvalidArgument(fmt::format("{} is more than {} years ago", value, kMaxAgeYears));
  }
  return *date;
}

Status CheckSex(std::string_view value) {
  if (value == "M" || value == "F") return Status::Ok();
  return Status::InvalidArgument(fmt::format("'{}' is not M or F", value));
}

Status CheckCategory(std::string_view value) {
  if (value == "conscript" || value == "reservist") return Status::Ok();
  return Status::InvalidArgument(fmt::format("'{}' is not conscript or reservist", value));
}

Status CheckFitness(std::string_view value, const Policy& policy) {
  if (policy.IsFitnessCategory(value)) return Status::Ok();
  return Status::InvalidArgument(fmt::format("'{}' is not a fitness category of the policy ({})", value,
                                             fmt::join(policy.fitness_categories, ", ")));
}

Status CheckEmail(std::string_view value) {
  if (value.size() > 254 || !RE2::FullMatch(value, EmailRe())) {
    return Status::InvalidArgument(fmt::format("'{}' is not a valid e-mail address", value));
  }
  return Status::Ok();
}

Result<std::string> NormalizePhone(std::string_view value) {
  std::string digits;
  for (char c : value) {
    if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.') continue;
    digits.push_back(c);
  }
  static const RE2 kE164(R"(^\+[1-9][0-9]{6,14}$)");
  if (!RE2::FullMatch(digits, kE164)) {
    return Status::InvalidArgument(
        fmt::format("'{}' is not a phone number in international form, e.g. +7 916 123-45-67", value));
  }
  return digits;
}

Status CheckAddress(std::string_view value) {
  if (!IsValidUtf8(value)) return Status::InvalidArgument("is not valid UTF-8");
  if (HasControlCharacter(value, "\n\r\t")) return Status::InvalidArgument("contains a control character");
  size_t length = CodePointCount(value);
  if (length > kMaxAddressLength) {
    return Status::InvalidArgument(fmt::format("is {} characters long, at most {} allowed", length, kMaxAddressLength));
  }
  return Status::Ok();
}

}  // namespace muster

// National identification numbers, validated as the policy says: a pattern and a checksum.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace re2 {
class RE2;
}

namespace muster {

enum class NationalIdChecksum { kSnils, kLuhn, kNone };

Result<NationalIdChecksum> ParseNationalIdChecksum(std::string_view name);
std::string_view NationalIdChecksumName(NationalIdChecksum checksum);

// SNILS check number: for digits d1..d9, S = sum of d_i * (10 - i); the check is S when S < 100,
// 00 when S is 100 or 101, and S mod 101 otherwise (100 again written 00). Numbers whose first
// nine digits are 001001998 or lower carry no check. `id` must be 11 ASCII digits.
bool SnilsChecksumValid(std::string_view id);
// The two check digits for the nine-digit prefix `first_nine`.
int SnilsCheckNumber(std::string_view first_nine);
// Luhn (ISO/IEC 7812-1) over all digits; the last digit is the check digit.
bool LuhnChecksumValid(std::string_view id);
// The Luhn check digit to append to `payload`.
int LuhnCheckDigit(std::string_view payload);

// Validates national IDs under one policy. Immutable after construction; thread-safe.
class NationalIdRule {
 public:
  // `pattern` is an RE2 regular expression that must match the whole ID.
  static Result<NationalIdRule> Create(std::string pattern, NationalIdChecksum checksum);

  // Ok, or InvalidArgument naming what is wrong ("does not match ^[0-9]{11}$", "SNILS check
  // number is 42, expected 17").
  Status Validate(std::string_view id) const;
  // True when the pattern alone accepts `id`, whatever its checksum: such a string could one day
  // be a person's ID, so it is never a staff login.
  bool MatchesPattern(std::string_view id) const;

  // A valid ID derived from `n` (deterministic), for demo data. The pattern must accept
  // 11-digit numbers for kSnils, and digit strings for kLuhn and kNone.
  std::string Generate(uint64_t n) const;

  const std::string& pattern() const { return pattern_; }
  NationalIdChecksum checksum() const { return checksum_; }

 private:
  NationalIdRule(std::string pattern, std::shared_ptr<const re2::RE2> re, NationalIdChecksum checksum)
      : pattern_(std::move(pattern)), re_(std::move(re)), checksum_(checksum) {}

  std::string pattern_;
  std::shared_ptr<const re2::RE2> re_;
  NationalIdChecksum checksum_;
};

}  // namespace muster

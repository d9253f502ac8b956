// Summons numbers: "YY-NNNNNNNN-C", the two-digit year of issue, an eight-digit serial and a
// Damm check digit over the ten digits before it. The Damm check catches every single wrong
// digit and every swap of two adjacent digits. Readers accept the number with or without the
// hyphens and with spaces.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace muster {

// The Damm check digit of a string of ASCII digits.
int DammCheckDigit(std::string_view digits);
// True when the last digit is the Damm check digit of the ones before it.
bool DammValid(std::string_view digits);

// Formats the number of the summons with serial `serial` issued in `year`.
std::string FormatSummonsNumber(int year, int64_t serial);
// Normalises a typed or pasted number to its canonical form, or InvalidArgument naming what
// is wrong ("check digit does not match: a digit is wrong or two are swapped").
Result<std::string> ParseSummonsNumber(std::string_view text);

// A summons number in its canonical form. Only Parse makes one from text, so a port or service
// that takes a SummonsNumber never sees an unchecked one.
class SummonsNumber {
 public:
  // With ParseSummonsNumber's checks and errors.
  static Result<SummonsNumber> Parse(std::string_view text);
  const std::string& str() const { return text_; }
  friend bool operator==(const SummonsNumber&, const SummonsNumber&) = default;

 private:
  explicit SummonsNumber(std::string canonical) : text_(std::move(canonical)) {}
  std::string text_;
};

}  // namespace muster

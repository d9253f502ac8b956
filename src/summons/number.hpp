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

}  // namespace muster

#include "core/summons_number.hpp"

#include <fmt/format.h>

namespace muster {
namespace {

// The weakly totally anti-symmetric quasigroup of order 10 from H. M. Damm's thesis (2004).
constexpr int kDamm[10][10] = {
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2}, {7, 0, 9, 2, 1, 5, 4, 8, 6, 3}, {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
    {1, 7, 5, 0, 9, 8, 3, 4, 2, 6}, {6, 1, 2, 3, 0, 4, 5, 9, 7, 8}, {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4}, {8, 9, 4, 5, 3, 6, 2, 0, 1, 7}, {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
    {2, 5, 8, 1, 4, 3, 6, 7, 9, 0},
};

}  // namespace

int DammCheckDigit(std::string_view digits) {
  int interim = 0;
  for (char c : digits) interim = kDamm[interim][c - '0'];
  return interim;
}

bool DammValid(std::string_view digits) { return !digits.empty() && DammCheckDigit(digits) == 0; }

std::string FormatSummonsNumber(int year, int64_t serial) {
  std::string digits = fmt::format("{:02}{:08}", year % 100, serial % 100000000);
  return fmt::format("{}-{}-{}", digits.substr(0, 2), digits.substr(2), DammCheckDigit(digits));
}

Result<std::string> ParseSummonsNumber(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c == '-' || c == ' ') continue;
    if (c < '0' || c > '9') {
      return Status::InvalidArgument(fmt::format("'{}' is not a summons number like 26-00001234-5", text));
    }
    digits.push_back(c);
  }
  if (digits.size() != 11) {
    return Status::InvalidArgument(fmt::format("'{}' is not a summons number like 26-00001234-5 (11 digits)", text));
  }
  if (!DammValid(digits)) {
    return Status::InvalidArgument(
        fmt::format("'{}' is not a valid summons number: a digit is wrong or two are swapped", text));
  }
  return fmt::format("{}-{}-{}", digits.substr(0, 2), digits.substr(2, 8), digits.substr(10));
}

Result<SummonsNumber> SummonsNumber::Parse(std::string_view text) {
  MUSTER_ASSIGN_OR_RETURN(std::string canonical, ParseSummonsNumber(text));
  return SummonsNumber(std::move(canonical));
}

}  // namespace muster

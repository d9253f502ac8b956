// The rules a person's registry data must satisfy, one function per field, shared by the CSV
// import, the CLI and the HTTP API. Each returns Ok or InvalidArgument with the reason (the
// caller adds the field or line).
#pragma once

#include <string>
#include <string_view>

#include "core/policy.hpp"
#include "core/status.hpp"
#include "core/time.hpp"

namespace muster {

inline constexpr size_t kMaxNameLength = 100;     // code points
inline constexpr size_t kMaxAddressLength = 500;  // code points
inline constexpr int kMaxAgeYears = 100;

// Surname, given name or patronymic: 1–100 characters, letters of any script (with combining
// marks) plus space, hyphen, apostrophe (' ’ ʼ) and dot; at least one letter; no control characters.
Status CheckName(std::string_view value);
// Birth date "YYYY-MM-DD": a real date, not after `today`, at most 100 years before it.
Result<CivilDate> CheckBirthDate(std::string_view value, CivilDate today);
Status CheckSex(std::string_view value);
Status CheckCategory(std::string_view value);
Status CheckFitness(std::string_view value, const Policy& policy);
// An address as the HTML standard defines a valid e-mail address (ASCII, one '@', a dotted domain).
Status CheckEmail(std::string_view value);
// A phone number in E.164 form once spaces, hyphens, dots and parentheses are removed;
// returns that normalised form ("+79161234567").
Result<std::string> NormalizePhone(std::string_view value);
// Free text up to 500 characters; line breaks and tabs allowed, other control characters not.
Status CheckAddress(std::string_view value);

}  // namespace muster

// Text checks shared by every input path (CSV, CLI, HTTP).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace muster {

// What a free-text input may hold.
struct TextRule {
  size_t max_bytes = 1000;
  bool required = true;    // an empty value is refused
  bool multiline = false;  // line breaks and tabs are allowed
};

// The one check of every free-text input at a service boundary (CLI arguments, JSON strings,
// CSV cells): Ok, or InvalidArgument naming `field` when the value is empty but required,
// longer than the rule allows, not well-formed UTF-8, or holds a control character (line breaks
// and tabs only where the rule is multiline).
Status CheckText(std::string_view field, std::string_view value, TextRule rule = {});

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);
// Number of code points in well-formed UTF-8 `text`.
size_t CodePointCount(std::string_view text);
// True when `text` holds an ASCII control character (U+0000–U+001F, U+007F) other than those
// in `allowed` (e.g. "\n\t").
bool HasControlCharacter(std::string_view text, std::string_view allowed = {});

// The value of hex digit `c` (either case), or -1.
int HexDigitValue(char c);
// Decodes %XX escapes of a URL part into `out`, and '+' as a space when `plus_is_space` (a query
// component). False when an escape is malformed; `out` then holds what was decoded before it.
bool PercentDecode(std::string_view in, std::string& out, bool plus_is_space);

}  // namespace muster

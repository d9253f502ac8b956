#include "core/text.hpp"

#include <fmt/format.h>
#include <simdjson.h>

namespace muster {

bool IsValidUtf8(std::string_view text) { return simdjson::validate_utf8(text.data(), text.size()); }

size_t CodePointCount(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

bool HasControlCharacter(std::string_view text, std::string_view allowed) {
  for (unsigned char c : text) {
    if ((c < 0x20 || c == 0x7F) && allowed.find(static_cast<char>(c)) == std::string_view::npos) return true;
  }
  return false;
}

Status CheckText(std::string_view field, std::string_view value, TextRule rule) {
  if (value.empty()) {
    return rule.required ? Status::InvalidArgument(field, "is required") : Status::Ok();
  }
  if (value.size() > rule.max_bytes) {
    return Status::InvalidArgument(field, fmt::format("is longer than {} bytes", rule.max_bytes));
  }
  if (!IsValidUtf8(value)) return Status::InvalidArgument(field, "is not valid UTF-8");
  if (HasControlCharacter(value, rule.multiline ? "\n\r\t" : "")) {
    return Status::InvalidArgument(field, rule.multiline
                                              ? "holds a control character (only line breaks and tabs are allowed)"
                                              : "holds a control character");
  }
  return Status::Ok();
}

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else if (c == '%') {
      int hi = i + 1 < in.size() ? HexDigitValue(in[i + 1]) : -1;
      int lo = i + 2 < in.size() ? HexDigitValue(in[i + 2]) : -1;
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return true;
}

}  // namespace muster

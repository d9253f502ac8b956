#include "core/text.hpp"

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

}  // namespace muster

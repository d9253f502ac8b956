#include <string>

#include "store/person_port.hpp"

namespace muster {

std::array<std::string, 4> PersonSearchPatterns(std::string_view text) {
  std::array<std::string, 4> patterns = {"%", "%", "%", "%"};
  size_t n = 0;
  size_t i = 0;
  while (n < patterns.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == ',')) ++i;
    if (i == text.size()) break;
    std::string pattern = "%";
    for (; i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != ','; ++i) {
      if (text[i] == '%' || text[i] == '_' || text[i] == '\\') pattern += '\\';
      pattern += text[i];
    }
    pattern += '%';
    patterns[n++] = std::move(pattern);
  }
  return patterns;
}

}  // namespace muster

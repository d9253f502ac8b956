// A notification's e-mail is built from the registry (the person's address and name), the
// deployment file (the sender) and the templates: any bytes in those must give either an error
// naming the field or a message whose every line ends in CRLF, is at most 998 characters, and
// whose headers are exactly the nine the format has, so that no value can add a header. Filling a
// template never fails when every placeholder has a value, whatever the values hold.
//
// Input: from, to, subject, body and Message-ID, separated by NUL bytes (missing ones empty).
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz.hpp"
#include "notify/email.hpp"
#include "notify/templates.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace muster;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts;
  size_t at = 0;
  while (parts.size() < 5) {
    size_t nul = input.find('\0', at);
    parts.emplace_back(input.substr(at, nul == std::string_view::npos ? std::string_view::npos : nul - at));
    if (nul == std::string_view::npos) break;
    at = nul + 1;
  }
  parts.resize(5);

  notify::Params params = notify::SampleParams();
  params["given_name"] = parts[2];
  params["place"] = parts[3];
  for (const notify::Template& t : notify::Templates()) {
    auto r = notify::Render(t, params);
    if (!r.ok())
      fuzz::Crash(fmt::format("template {} failed with every value given: {}", t.kind, r.status().message()));
  }

  auto text = notify::FormatEmail({parts[0], parts[1], parts[2], parts[3], parts[4], Timestamp{}});
  if (!text.ok()) {
    const std::string& field = text.status().field();
    if (field != "from" && field != "address" && field != "message_id") {
      fuzz::Crash(fmt::format("an error about no known field: {}", text.status().ToString()));
    }
    return 0;
  }
  int headers = 0;
  bool in_body = false;
  for (size_t pos = 0; pos < text->size();) {
    size_t end = text->find("\r\n", pos);
    if (end == std::string::npos) fuzz::Crash("a line without CRLF at the end");
    std::string_view line(text->data() + pos, end - pos);
    if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos) {
      fuzz::Crash("a bare CR or LF inside a line");
    }
    if (line.size() > 998) fuzz::Crash("a line longer than 998 characters");
    if (line.empty() && !in_body) {
      in_body = true;
    } else if (!in_body && line[0] != ' ' && line[0] != '\t') {
      ++headers;
    }
    pos = end + 2;
  }
  if (!in_body) fuzz::Crash("no blank line before the body");
  if (headers != 9) fuzz::Crash(fmt::format("{} headers instead of 9", headers));
  return 0;
}

// X-Forwarded-For comes from anyone who can reach the server (or its proxy): the client address
// resolved from it must be the peer, or an address a trusted peer's header names that is not
// itself trusted, never anything else, whatever the bytes. The address and network parsers
// behind it must agree with themselves.
//
// An input is two lines and the header lines:
//   10.0.0.5                      the peer's address (as the socket gives it)
//   10.0.0.0/8 2001:db8::/32      the trusted networks, space-separated (unparsable ones dropped)
//   X-Forwarded-For: 1.2.3.4, x   the request's header lines, "Name: value" (the rest)
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz.hpp"
#include "http/client_address.hpp"
#include "http/message.hpp"

namespace {

using namespace muster;

std::string_view Line(std::string_view& text) {
  size_t nl = text.find('\n');
  std::string_view line = text.substr(0, nl);
  text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
  return line;
}

bool Inside(std::string_view part, std::string_view whole) {
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// Parsing is stable: an address prints as text that parses to it again; a network contains
// its own address and prints inside itself.
void CheckParsers(std::string_view text) {
  if (auto a = http::ParseIpAddress(text)) {
    auto again = http::ParseIpAddress(a->ToString());
    if (!again || !(*again == *a)) fuzz::Crash("an address does not survive ToString");
  }
  if (auto cidr = http::ParseCidr(text); cidr.ok()) {
    if (!cidr->Contains(cidr->network)) fuzz::Crash("a network does not contain its own address");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::string_view peer_text = Line(rest);
  std::string_view networks = Line(rest);
  CheckParsers(peer_text);

  std::vector<http::Cidr> cidrs;
  while (!networks.empty()) {
    size_t space = networks.find(' ');
    std::string_view one = networks.substr(0, space);
    networks = space == std::string_view::npos ? std::string_view{} : networks.substr(space + 1);
    CheckParsers(one);
    if (auto cidr = http::ParseCidr(one); cidr.ok()) cidrs.push_back(*cidr);
  }
  const http::TrustedProxies trusted(std::move(cidrs));

  std::vector<std::pair<std::string_view, std::string_view>> headers;
  while (!rest.empty()) {
    std::string_view line = Line(rest);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    headers.emplace_back(line.substr(0, colon), value);
    size_t comma;
    do {  // every entry of the header through the entry parser
      comma = value.find(',');
      http::IpAddress ignored;
      (void)http::ForwardedAddress(value.substr(0, comma), ignored);
      if (comma != std::string_view::npos) value.remove_prefix(comma + 1);
    } while (comma != std::string_view::npos);
  }

  auto peer = http::ParseIpAddress(peer_text);
  if (!peer) return 0;  // the socket always gives an address
  std::string_view client = http::ResolveClientAddress(peer_text, *peer, headers, trusted);
  if (client.data() == peer_text.data() && client.size() == peer_text.size()) return 0;
  if (!trusted.Contains(*peer)) fuzz::Crash("an untrusted peer's header was believed");
  bool from_header = false;
  for (const auto& [name, value] : headers) {
    if (http::EqualsIgnoreCase(name, "x-forwarded-for") && Inside(client, value)) from_header = true;
  }
  if (!from_header) fuzz::Crash("the client address is neither the peer nor from X-Forwarded-For");
  auto address = http::ParseIpAddress(client);
  if (!address) fuzz::Crash("the client address is not an address");
  return 0;
}

#include "http/client_address.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <charconv>
#include <cstring>

#include "http/message.hpp"

namespace muster::http {
namespace {

constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// inet_pton wants a NUL-terminated string: copied to the stack, never to the heap. The longest
// IPv6 text is 45 characters ("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255").
std::optional<IpAddress> Parse(std::string_view text, int family) {
  char buffer[48];
  if (text.empty() || text.size() >= sizeof buffer || text.find('\0') != std::string_view::npos) return std::nullopt;
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  uint8_t bytes[16];
  if (inet_pton(family, buffer, bytes) != 1) return std::nullopt;
  return IpAddressFromBytes(bytes, family == AF_INET ? 4 : 16);
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsPort(std::string_view text) {
  unsigned port = 0;
  if (text.size() > 5 || !AllDigits(text)) return false;
  std::from_chars(text.data(), text.data() + text.size(), port);
  return port <= 65535;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string IpAddress::ToString() const {
  char buffer[INET6_ADDRSTRLEN];
  if (!inet_ntop(v4 ? AF_INET : AF_INET6, bytes.data(), buffer, sizeof buffer)) return {};
  return buffer;
}

IpAddress IpAddressFromBytes(const uint8_t* bytes, size_t size) {
  IpAddress a;
  if (size == 16 && std::memcmp(bytes, kMappedPrefix, sizeof kMappedPrefix) == 0) {
    bytes += sizeof kMappedPrefix;
    size = 4;
  }
  a.v4 = size == 4;
  std::memcpy(a.bytes.data(), bytes, a.v4 ? 4 : 16);
  return a;
}

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  return Parse(text, text.find(':') == std::string_view::npos ? AF_INET : AF_INET6);
}

bool Cidr::Contains(const IpAddress& address) const {
  if (address.v4 != network.v4) return false;
  int full = prefix_length / 8;
  if (std::memcmp(address.bytes.data(), network.bytes.data(), static_cast<size_t>(full)) != 0) return false;
  int rest = prefix_length % 8;
  if (rest == 0) return true;
  auto mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (address.bytes[full] & mask) == network.bytes[full];
}

Result<Cidr> ParseCidr(std::string_view text) {
  size_t slash = text.find('/');
  std::string_view address_text = text.substr(0, slash);
  auto address = ParseIpAddress(address_text);
  if (!address) {
    return Status::InvalidArgument(fmt::format("trusted-proxy: '{}' is not an IPv4 or IPv6 address or network", text));
  }
  bool written_v6 = address_text.find(':') != std::string_view::npos;
  int max = written_v6 ? 128 : 32;
  int prefix = max;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    if (digits.size() > 3 || !AllDigits(digits)) {
      return Status::InvalidArgument(fmt::format("trusted-proxy: '{}': the prefix length must be a number", text));
    }
    std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (prefix > max) {
      return Status::InvalidArgument(fmt::format("trusted-proxy: '{}': the prefix length is at most {}", text, max));
    }
  }
  if (written_v6 && address->v4) {  // ::ffff:a.b.c.d/N is the IPv4 network a.b.c.d/(N - 96)
    if (prefix < 96) {
      return Status::InvalidArgument(
          fmt::format("trusted-proxy: '{}': an IPv4-mapped network needs a prefix of at least 96", text));
    }
    prefix -= 96;
  }
  Cidr cidr{*address, prefix};
  int bytes = address->v4 ? 4 : 16;
  for (int i = 0; i < bytes; ++i) {
    int keep = std::min(8, std::max(0, prefix - i * 8));
    cidr.network.bytes[i] &= static_cast<uint8_t>(keep == 0 ? 0 : 0xff << (8 - keep));
  }
  return cidr;
}

bool TrustedProxies::Contains(const IpAddress& address) const {
  for (const Cidr& network : networks_) {
    if (network.Contains(address)) return true;
  }
  return false;
}

std::string_view ForwardedAddress(std::string_view entry, IpAddress& address) {
  entry = Trim(entry);
  std::string_view host = entry;
  int family = AF_INET;
  if (!entry.empty() && entry.front() == '[') {  // [IPv6] or [IPv6]:port
    size_t close = entry.find(']');
    if (close == std::string_view::npos) return {};
    std::string_view after = entry.substr(close + 1);
    if (!after.empty() && (after.front() != ':' || !IsPort(after.substr(1)))) return {};
    host = entry.substr(1, close - 1);
    family = AF_INET6;
  } else if (size_t colon = entry.find(':'); colon != std::string_view::npos) {
    if (entry.find(':', colon + 1) != std::string_view::npos) {
      family = AF_INET6;  // a bare IPv6 address
    } else {              // IPv4:port
      if (!IsPort(entry.substr(colon + 1))) return {};
      host = entry.substr(0, colon);
    }
  }
  auto parsed = Parse(host, family);
  if (!parsed) return {};
  address = *parsed;
  return host;
}

std::string_view ResolveClientAddress(std::string_view peer_text, const IpAddress& peer,
                                      const std::vector<std::pair<std::string_view, std::string_view>>& headers,
                                      const TrustedProxies& trusted) {
  if (trusted.empty() || !trusted.Contains(peer)) return peer_text;
  std::string_view leftmost_trusted;
  for (auto line = headers.rbegin(); line != headers.rend(); ++line) {
    if (!EqualsIgnoreCase(line->first, "x-forwarded-for")) continue;
    std::string_view list = line->second;
    while (true) {
      size_t comma = list.rfind(',');
      std::string_view entry = comma == std::string_view::npos ? list : list.substr(comma + 1);
      if (!Trim(entry).empty()) {
        IpAddress address;
        std::string_view text = ForwardedAddress(entry, address);
        if (text.empty()) return peer_text;
        if (!trusted.Contains(address)) return text;
        leftmost_trusted = text;
      }
      if (comma == std::string_view::npos) break;
      list = list.substr(0, comma);
    }
  }
  return leftmost_trusted.empty() ? peer_text : leftmost_trusted;
}

}  // namespace muster::http

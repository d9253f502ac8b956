// The client address of a request: the peer of the connection, or, when the peer is a trusted
// proxy (`muster serve --trusted-proxy CIDR`), the address that proxy says it serves.
//
// X-Forwarded-For is a comma-separated list of addresses, one appended by each proxy in turn:
//
//   X-Forwarded-For: <what the client sent>, <client seen by proxy 1>, <proxy 1 seen by proxy 2>
//
// Everything left of what our own proxies appended is written by the client and may be forged,
// so the header is read from the right: past the addresses that are themselves trusted proxies,
// the first entry is the client. When that entry is not a well-formed address the header is not
// believed any further (the answer is the peer): a trusted proxy that wrote garbage says nothing
// about the client, and whatever stands to its left is the client's own claim. Several
// X-Forwarded-For header lines are one list, in order (RFC 9110 §5.3). An entry is an IPv4
// address, an IPv6 address, "[IPv6]" or either with a ":port" (IPv6 then in brackets); empty
// entries are skipped. When every entry is a trusted proxy, the leftmost is the client.
//
// All of it is pure: no I/O, no allocation on the per-request path, thread-safe once built.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.hpp"

namespace muster::http {

// An IPv4 or IPv6 address. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, as a dual-stack socket
// reports IPv4 peers) are held as the IPv4 address, so that one rule matches both.
struct IpAddress {
  std::array<uint8_t, 16> bytes{};  // IPv4: the first 4
  bool v4 = true;

  bool operator==(const IpAddress&) const = default;
  // "192.0.2.1", "2001:db8::1".
  std::string ToString() const;
};

// A bare IPv4 or IPv6 address, strictly ("192.0.2.1", "2001:db8::1"); nullopt for anything else
// (ports, brackets, zone ids, leading zeros, spaces).
std::optional<IpAddress> ParseIpAddress(std::string_view text);
// An address from raw bytes as the socket gives them (4 or 16).
IpAddress IpAddressFromBytes(const uint8_t* bytes, size_t size);

// A network: "10.0.0.0/8", "2001:db8::/32"; an address alone is the /32 or /128 of it.
struct Cidr {
  IpAddress network;  // host bits cleared
  int prefix_length = 0;

  bool Contains(const IpAddress& address) const;
};

// InvalidArgument naming `trusted-proxy` for anything but ADDRESS or ADDRESS/PREFIX with the
// prefix in range for the family.
Result<Cidr> ParseCidr(std::string_view text);

// The trusted proxies' networks.
class TrustedProxies {
 public:
  TrustedProxies() = default;
  explicit TrustedProxies(std::vector<Cidr> networks) : networks_(std::move(networks)) {}

  bool empty() const { return networks_.empty(); }
  bool Contains(const IpAddress& address) const;

 private:
  std::vector<Cidr> networks_;
};

// The address an X-Forwarded-For entry names, without brackets or port, or empty when the entry
// is malformed; `address` receives it parsed.
std::string_view ForwardedAddress(std::string_view entry, IpAddress& address);

// The client address of a request whose connection comes from `peer` (its text `peer_text`):
// `peer_text` unless `peer` is trusted, else as the header comment says. `headers` are the
// request's header lines; the answer points into `peer_text` or into one of them.
std::string_view ResolveClientAddress(std::string_view peer_text, const IpAddress& peer,
                                      const std::vector<std::pair<std::string_view, std::string_view>>& headers,
                                      const TrustedProxies& trusted);

}  // namespace muster::http

#include "http/client_address.hpp"

#include <gtest/gtest.h>

#include <string>

namespace muster::http {
namespace {

IpAddress Ip(const char* text) {
  auto a = ParseIpAddress(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(IpAddress{});
}

TrustedProxies Trust(std::initializer_list<const char*> cidrs) {
  std::vector<Cidr> networks;
  for (const char* c : cidrs) {
    auto cidr = ParseCidr(c);
    EXPECT_TRUE(cidr.ok()) << c << ": " << cidr.status().message();
    if (cidr.ok()) networks.push_back(*cidr);
  }
  return TrustedProxies(std::move(networks));
}

TEST(IpAddressTest, ParsesOnlyPlainAddresses) {
  struct {
    const char* text;
    const char* canonical;  // nullptr: rejected
  } cases[] = {
      {"192.0.2.1", "192.0.2.1"},
      {"0.0.0.0", "0.0.0.0"},
      {"255.255.255.255", "255.255.255.255"},
      {"2001:db8::1", "2001:db8::1"},
      {"2001:DB8:0:0:0:0:0:1", "2001:db8::1"},
      {"::1", "::1"},
      {"::ffff:192.0.2.1", "192.0.2.1"},  // IPv4-mapped: the IPv4 address
      {"256.0.0.1", nullptr},
      {"192.0.2", nullptr},
      {"192.0.2.1.5", nullptr},
      {"192.000.2.1", nullptr},  // leading zeros: octal in some parsers, so refused
      {"0x7f.0.0.1", nullptr},
      {"2130706433", nullptr},  // 127.0.0.1 as one number
      {" 192.0.2.1", nullptr},
      {"192.0.2.1:80", nullptr},
      {"[2001:db8::1]", nullptr},
      {"fe80::1%eth0", nullptr},
      {"2001:db8:::1", nullptr},
      {"", nullptr},
      {"localhost", nullptr},
  };
  for (const auto& c : cases) {
    auto a = ParseIpAddress(c.text);
    if (!c.canonical) {
      EXPECT_FALSE(a.has_value()) << c.text;
    } else {
      ASSERT_TRUE(a.has_value()) << c.text;
      EXPECT_EQ(a->ToString(), c.canonical) << c.text;
    }
  }
  std::string with_nul("192.0.2.1\0junk", 14);
  EXPECT_FALSE(ParseIpAddress(with_nul).has_value());
  EXPECT_FALSE(ParseIpAddress(std::string(200, '1')).has_value());
}

TEST(CidrTest, ContainsTable) {
  struct {
    const char* cidr;
    const char* address;
    bool inside;
  } cases[] = {
      {"10.0.0.0/8", "10.255.1.2", true},
      {"10.0.0.0/8", "11.0.0.1", false},
      {"10.1.2.3/8", "10.9.9.9", true},  // host bits are ignored
      {"192.0.2.0/25", "192.0.2.127", true},
      {"192.0.2.0/25", "192.0.2.128", false},
      {"192.0.2.7", "192.0.2.7", true},  // an address alone: /32
      {"192.0.2.7", "192.0.2.8", false},
      {"0.0.0.0/0", "203.0.113.9", true},
      {"0.0.0.0/0", "2001:db8::1", false},  // families never mix
      {"2001:db8::/32", "2001:db8:ffff::1", true},
      {"2001:db8::/32", "2001:db9::1", false},
      {"2001:db8::/33", "2001:db8:8000::1", false},
      {"::1", "::1", true},
      {"::/0", "192.0.2.1", false},
      {"::ffff:10.0.0.0/104", "10.3.4.5", true},  // IPv4-mapped network: the IPv4 /8
      {"10.0.0.0/8", "::ffff:10.3.4.5", true},    // a dual-stack socket's view of an IPv4 peer
  };
  for (const auto& c : cases) {
    auto cidr = ParseCidr(c.cidr);
    ASSERT_TRUE(cidr.ok()) << c.cidr << ": " << cidr.status().message();
    EXPECT_EQ(cidr->Contains(Ip(c.address)), c.inside) << c.cidr << " " << c.address;
  }
}

TEST(CidrTest, RefusesMalformedNetworks) {
  for (const char* bad :
       {"", "/8", "10.0.0.0/", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/ 8",
        "10.0.0.0/0x8", "10.0.0.0/0008", "example.com/8", "::ffff:10.0.0.0/95", "10.0.0.0/8 ", "*"}) {
    auto cidr = ParseCidr(bad);
    EXPECT_FALSE(cidr.ok()) << bad;
    if (!cidr.ok()) {
      EXPECT_EQ(cidr.status().message().rfind("trusted-proxy: ", 0), 0u) << cidr.status().message();
    }
  }
}

TEST(ForwardedAddressTest, EntryForms) {
  struct {
    const char* entry;
    const char* address;  // "" when malformed
  } cases[] = {
      {"203.0.113.9", "203.0.113.9"},
      {"  203.0.113.9\t", "203.0.113.9"},
      {"203.0.113.9:4711", "203.0.113.9"},
      {"2001:db8::9", "2001:db8::9"},
      {"[2001:db8::9]", "2001:db8::9"},
      {"[2001:db8::9]:443", "2001:db8::9"},
      {"203.0.113.9:", ""},
      {"203.0.113.9:99999", ""},
      {"203.0.113.9:80:80", ""},
      {"[2001:db8::9", ""},
      {"[2001:db8::9]x", ""},
      {"[203.0.113.9]", ""},
      {"unknown", ""},
      {"_hidden", ""},
      {"203.0.113.9 203.0.113.10", ""},
      {"for=203.0.113.9", ""},
      {"\"203.0.113.9\"", ""},
  };
  for (const auto& c : cases) {
    IpAddress a;
    EXPECT_EQ(ForwardedAddress(c.entry, a), c.address) << c.entry;
  }
}

using Headers = std::vector<std::pair<std::string_view, std::string_view>>;

// The hostile cases: what a client may write, and what a trusted proxy in front appends.
TEST(ResolveClientAddressTest, Table) {
  const TrustedProxies none;
  const TrustedProxies proxies = Trust({"10.0.0.0/8", "2001:db8:ffff::/48"});
  struct {
    const char* why;
    const TrustedProxies* trusted;
    const char* peer;
    Headers headers;
    const char* client;
  } cases[] = {
      {"no trusted proxy configured: the header is never believed",
       &none,
       "10.0.0.5",
       {{"X-Forwarded-For", "198.51.100.7"}},
       "10.0.0.5"},
      {"a spoofed header from an untrusted peer",
       &proxies,
       "203.0.113.66",
       {{"X-Forwarded-For", "198.51.100.7"}},
       "203.0.113.66"},
      {"the proxy appended the client", &proxies, "10.0.0.5", {{"X-Forwarded-For", "198.51.100.7"}}, "198.51.100.7"},
      {"the client's own claim stands left of what the proxy appended",
       &proxies,
       "10.0.0.5",
       {{"X-Forwarded-For", "1.1.1.1, 198.51.100.7"}},
       "198.51.100.7"},
      {"a client claiming to be a trusted proxy gains nothing",
       &proxies,
       "10.0.0.5",
       {{"X-Forwarded-For", "10.9.9.9, 198.51.100.7"}},
       "198.51.100.7"},
      {"many hops of trusted proxies are skipped",
       &proxies,
       "10.0.0.5",
       {{"X-Forwarded-For", "6.6.6.6, 198.51.100.7, 10.1.1.1, 10.2.2.2, 2001:db8:ffff::3"}},
       "198.51.100.7"},
      {"header names are case-insensitive",
       &proxies,
       "10.0.0.5",
       {{"x-forwarded-for", "198.51.100.7"}},
       "198.51.100.7"},
      {"no header from a trusted proxy: the proxy itself",
       &proxies,
       "10.0.0.5",
       {{"Forwarded", "for=1.2.3.4"}},
       "10.0.0.5"},
      {"an empty header", &proxies, "10.0.0.5", {{"X-Forwarded-For", ""}}, "10.0.0.5"},
      {"only commas and spaces", &proxies, "10.0.0.5", {{"X-Forwarded-For", " , ,, "}}, "10.0.0.5"},
      {"empty entries are skipped", &proxies, "10.0.0.5", {{"X-Forwarded-For", "198.51.100.7,, ,"}}, "198.51.100.7"},
      {"garbage where the client should be: the peer, not what stands further left",
       &proxies,
       "10.0.0.5",
       {{"X-Forwarded-For", "198.51.100.7, unknown"}},
       "10.0.0.5"},
      {"garbage past a trusted hop: still the peer",
       &proxies,
       "10.0.0.5",
       {{"X-Forwarded-For", "198.51.100.7, <script>, 10.1.1.1"}},
       "10.0.0.5"},
      {"garbage far left is the client's problem",
       &proxies,
       "10.0.0.5",
       {{"X-Forwarded-For", "'; DROP TABLE persons; --, 198.51.100.7"}},
       "198.51.100.7"},
      {"an address with leading zeros is malformed",
       &proxies,
       "10.0.0.5",
       {{"X-Forwarded-For", "010.0.0.1"}},
       "10.0.0.5"},
      {"a NUL inside an entry is malformed",
       &proxies,
       "10.0.0.5",
       {{"X-Forwarded-For", std::string_view("198.51.100.7\0", 13)}},
       "10.0.0.5"},
      {"IPv6 client behind an IPv6 proxy",
       &proxies,
       "2001:db8:ffff::2",
       {{"X-Forwarded-For", "2001:db8:1::42"}},
       "2001:db8:1::42"},
      {"IPv6 in brackets with a port",
       &proxies,
       "10.0.0.5",
       {{"X-Forwarded-For", "[2001:db8:1::42]:51000"}},
       "2001:db8:1::42"},
      {"IPv4 with a port", &proxies, "10.0.0.5", {{"X-Forwarded-For", "198.51.100.7:51000"}}, "198.51.100.7"},
      {"several header lines are one list, the last line rightmost",
       &proxies,
       "10.0.0.5",
       {{"X-Forwarded-For", "1.1.1.1"}, {"Accept", "*/*"}, {"X-Forwarded-For", "198.51.100.7, 10.1.1.1"}},
       "198.51.100.7"},
      {"a forged first line cannot override the proxy's last",
       &proxies,
       "10.0.0.5",
       {{"X-Forwarded-For", "10.1.1.1"}, {"X-Forwarded-For", "198.51.100.7"}},
       "198.51.100.7"},
      {"every entry a trusted proxy: the leftmost",
       &proxies,
       "10.0.0.5",
       {{"X-Forwarded-For", "10.3.3.3, 10.2.2.2"}},
       "10.3.3.3"},
      {"a trusted peer seen through a dual-stack socket",
       &proxies,
       "::ffff:10.0.0.5",
       {{"X-Forwarded-For", "198.51.100.7"}},
       "198.51.100.7"},
  };
  for (const auto& c : cases) {
    std::string peer_text = c.peer;
    EXPECT_EQ(ResolveClientAddress(peer_text, Ip(c.peer), c.headers, *c.trusted), c.client) << c.why;
  }
}

TEST(ResolveClientAddressTest, AVeryLongHeaderOfTrustedHopsEndsAtTheLeftmost) {
  const TrustedProxies proxies = Trust({"10.0.0.0/8"});
  std::string list = "198.51.100.7";
  for (int i = 0; i < 2000; ++i) list += ", 10.0.0." + std::to_string(i % 250);
  Headers headers = {{"X-Forwarded-For", list}};
  EXPECT_EQ(ResolveClientAddress("10.0.0.5", Ip("10.0.0.5"), headers, proxies), "198.51.100.7");
}

}  // namespace
}  // namespace muster::http

#include "http/connection_limits.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace muster::http {
namespace {

IpAddress Ip(const char* text) { return ParseIpAddress(text).value(); }

using Verdict = ConnectionLimits::Verdict;

TEST(ConnectionLimitsTest, TotalCapThenRoomMadeOrRefused) {
  ConnectionStats stats;
  ConnectionLimits limits(2, 0, stats);
  EXPECT_EQ(stats.max.load(), 2);
  EXPECT_EQ(limits.Open(Ip("192.0.2.1"), false), Verdict::kAdmit);
  EXPECT_EQ(limits.Open(Ip("192.0.2.2"), false), Verdict::kAdmit);
  EXPECT_EQ(limits.Open(Ip("192.0.2.3"), false), Verdict::kOverTotal);
  EXPECT_EQ(stats.open.load(), 2);
  limits.RoomMade();  // an idle one is being closed for it
  EXPECT_EQ(stats.open.load(), 3);
  limits.Close(Ip("192.0.2.1"), false);
  EXPECT_EQ(limits.Open(Ip("192.0.2.4"), false), Verdict::kOverTotal);
  limits.Refused(Ip("192.0.2.4"), false);
  EXPECT_EQ(stats.refused_total.load(), 1u);
  EXPECT_EQ(stats.refused_address.load(), 0u);
  EXPECT_EQ(stats.open.load(), 2);
}

TEST(ConnectionLimitsTest, PerAddressCapAndTrustedProxiesExempt) {
  ConnectionStats stats;
  ConnectionLimits limits(0, 2, stats);
  const IpAddress a = Ip("203.0.113.9"), b = Ip("2001:db8::9"), proxy = Ip("10.0.0.1");
  EXPECT_EQ(limits.Open(a, false), Verdict::kAdmit);
  EXPECT_EQ(limits.Open(a, false), Verdict::kAdmit);
  EXPECT_EQ(limits.Open(a, false), Verdict::kOverAddress);
  EXPECT_EQ(limits.Open(b, false), Verdict::kAdmit);  // another address has a cap of its own
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limits.Open(proxy, true), Verdict::kAdmit);
  EXPECT_EQ(stats.refused_address.load(), 1u);
  EXPECT_EQ(stats.open.load(), 13);
  limits.Close(a, false);
  EXPECT_EQ(limits.Open(a, false), Verdict::kAdmit);  // a closed one frees its place
  EXPECT_EQ(limits.Open(a, false), Verdict::kOverAddress);
}

TEST(ConnectionLimitsTest, RefusedAtTheTotalFreesTheAddressPlace) {
  ConnectionStats stats;
  ConnectionLimits limits(1, 1, stats);
  const IpAddress a = Ip("203.0.113.9"), b = Ip("203.0.113.10");
  EXPECT_EQ(limits.Open(a, false), Verdict::kAdmit);
  EXPECT_EQ(limits.Open(b, false), Verdict::kOverTotal);
  limits.Refused(b, false);
  limits.Close(a, false);
  EXPECT_EQ(limits.Open(b, false), Verdict::kAdmit);
}

TEST(ConnectionLimitsTest, NeverPastTheTotalFromManyThreads) {
  ConnectionStats stats;
  ConnectionLimits limits(50, 0, stats);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        IpAddress a = Ip("192.0.2.1");
        a.bytes[3] = static_cast<uint8_t>(t * 50 + i % 50);
        if (limits.Open(a, false) == Verdict::kAdmit) {
          admitted.fetch_add(1);
        } else {
          limits.Refused(a, false);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), 50);
  EXPECT_EQ(stats.open.load(), 50);
}

}  // namespace
}  // namespace muster::http

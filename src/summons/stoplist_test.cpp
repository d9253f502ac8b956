#include "summons/stoplist.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace muster {
namespace {

ledger::SignerKey Key(uint8_t first) {
  ledger::Bytes seed;
  for (uint8_t i = 0; i < 32; ++i) seed.push_back(static_cast<uint8_t>(first + i));
  return *ledger::SignerKey::FromSeed("muster.example/stoplist", seed);
}

Timestamp At(int64_t seconds) { return Timestamp(std::chrono::seconds(seconds)); }

struct Fixture {
  StopListHashKey hash_key = *StopListHashKey::Parse("000102030405060708090a0b0c0d0e0f\n");
  ledger::SignerKey signer = Key(0);
  // Barred from 1,000 s (twice: the earliest counts) and from 5,000 s; the list runs to 10,000 s.
  std::string file = EncodeStopList({At(100), At(10000), 42},
                                    {{hash_key.Hash("11223344595"), 3000},
                                     {hash_key.Hash("11223344595"), 1000},
                                     {hash_key.Hash("12345678964"), 5000}},
                                    signer);
};

TEST(StopListTest, SignedListAnswersAsTheBansSay) {
  Fixture f;
  EXPECT_EQ(f.file.size(), 40u + 2 * 12 + 64);
  auto list = StopList::Decode(f.file, f.signer.Verifier());
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->size(), 2u);
  EXPECT_EQ(list->header().issued_at, At(100));
  EXPECT_EQ(list->header().expires_at, At(10000));
  EXPECT_EQ(list->header().last_seq, 42);
  struct Case {
    const char* national_id;
    int64_t now;
    bool allow;
  } cases[] = {
      {"11223344595", 999, true},   {"11223344595", 1000, false}, {"12345678964", 4999, true},
      {"12345678964", 5000, false}, {"23456789099", 5000, true},
  };
  for (const Case& c : cases) {
    auto allow = list->Allow(f.hash_key, c.national_id, At(c.now), WhenExpired::kRefuse);
    ASSERT_TRUE(allow.ok()) << allow.status().ToString();
    EXPECT_EQ(*allow, c.allow) << c.national_id << " at " << c.now;
  }
  // Another hash key finds nobody: the list names no ID without it.
  auto other = StopListHashKey::Generate();
  EXPECT_TRUE(*list->Allow(other, "11223344595", At(2000), WhenExpired::kRefuse));
}

TEST(StopListTest, EveryChangedByteIsRefused) {
  Fixture f;
  for (size_t i = 0; i < f.file.size(); ++i) {
    std::string tampered = f.file;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    EXPECT_FALSE(StopList::Decode(tampered, f.signer.Verifier()).ok()) << "byte " << i;
  }
  EXPECT_FALSE(StopList::Decode(f.file.substr(0, f.file.size() - 1), f.signer.Verifier()).ok());
  EXPECT_FALSE(StopList::Decode(f.file + "x", f.signer.Verifier()).ok());
  EXPECT_FALSE(StopList::Decode("", f.signer.Verifier()).ok());
  auto wrong_key = StopList::Decode(f.file, Key(1).Verifier());
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.status().code(), StatusCode::kCorruption) << wrong_key.status().ToString();
  EXPECT_EQ(wrong_key.status().message().substr(0, 10), "signature:");
}

TEST(StopListTest, AnExpiredListAnswersAsThePolicySays) {
  Fixture f;
  auto list = StopList::Decode(f.file, f.signer.Verifier());
  ASSERT_TRUE(list.ok());
  for (const char* id : {"11223344595", "23456789099"}) {
    EXPECT_FALSE(*list->Allow(f.hash_key, id, At(10000), WhenExpired::kDeny));
    EXPECT_TRUE(*list->Allow(f.hash_key, id, At(10000), WhenExpired::kAllow));
    auto refused = list->Allow(f.hash_key, id, At(10000), WhenExpired::kRefuse);
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(refused.status().IsFailedPrecondition()) << refused.status().ToString();
  }
}

TEST(StopListTest, HashKeysParseOnlyAs32HexDigits) {
  EXPECT_TRUE(StopListHashKey::Parse(StopListHashKey::Generate().Encode()).ok());
  for (const char* bad : {"", "00", "000102030405060708090a0b0c0d0e0", "000102030405060708090a0b0c0d0e0fff",
                          "zz0102030405060708090a0b0c0d0e0f"}) {
    EXPECT_FALSE(StopListHashKey::Parse(bad).ok()) << bad;
  }
}

TEST(StopListTest, AnEmptyListBarsNobody) {
  Fixture f;
  auto list = StopList::Decode(EncodeStopList({At(0), At(100), 0}, {}, f.signer), f.signer.Verifier());
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_TRUE(*list->Allow(f.hash_key, "11223344595", At(50), WhenExpired::kRefuse));
}

TEST(StopListTest, DeltasAddChangeAndRemoveBansInTurn) {
  Fixture f;
  const uint64_t a = f.hash_key.Hash("11223344595"), b = f.hash_key.Hash("12345678964"),
                 c = f.hash_key.Hash("23456789099");
  // Seq 42 → 50: a lifted, b now from 4,000 s, c new from 6,000 s; valid to 20,000 s.
  std::string first = EncodeStopListDelta({At(200), At(20000), 42, 50},
                                          {{c, 9000}, {a, kStopListRemoved}, {b, 4000}, {c, 6000}}, f.signer);
  EXPECT_EQ(first.size(), 48u + 3 * 12 + 64);
  // Seq 50 → 60: a barred again.
  std::string second = EncodeStopListDelta({At(300), At(30000), 50, 60}, {{a, 7000}}, f.signer);
  auto list = StopList::Load(f.file, first, f.signer.Verifier());
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->size(), 2u);
  EXPECT_EQ(list->header().last_seq, 50);
  EXPECT_EQ(list->header().expires_at, At(20000));
  EXPECT_TRUE(*list->Allow(f.hash_key, "11223344595", At(8000), WhenExpired::kRefuse));
  EXPECT_FALSE(*list->Allow(f.hash_key, "12345678964", At(4000), WhenExpired::kRefuse));
  EXPECT_TRUE(*list->Allow(f.hash_key, "23456789099", At(5999), WhenExpired::kRefuse));
  EXPECT_FALSE(*list->Allow(f.hash_key, "23456789099", At(6000), WhenExpired::kRefuse)) << "the last entry counts";
  auto both = StopList::Load(f.file, first + second, f.signer.Verifier());
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ(both->header().last_seq, 60);
  EXPECT_FALSE(*both->Allow(f.hash_key, "11223344595", At(8000), WhenExpired::kRefuse));
  // Out of turn: the second without the first, or the first twice.
  for (const std::string& deltas : {second, first + first}) {
    auto refused = StopList::Load(f.file, deltas, f.signer.Verifier());
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(refused.status().IsFailedPrecondition()) << refused.status().ToString();
  }
  // Every changed byte of a delta is refused, and so is a list's magic where a delta's belongs.
  for (size_t i = 0; i < first.size(); ++i) {
    std::string tampered = first;
    tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
    EXPECT_FALSE(StopList::Load(f.file, tampered, f.signer.Verifier()).ok()) << "byte " << i;
  }
  EXPECT_FALSE(StopList::Load(f.file, f.file, f.signer.Verifier()).ok());
  EXPECT_FALSE(StopList::Load(f.file, first + "x", f.signer.Verifier()).ok());
}

}  // namespace
}  // namespace muster

#include "ledger/leaf.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/time.hpp"
#include "ledger/canonical_json.hpp"

namespace muster::ledger {
namespace {

using nlohmann::json;

constexpr std::string_view kNationalId = "12345678964";
// HMAC-SHA256 with the key bytes 00 01 .. 1f, computed independently (Python's hmac module).
constexpr std::string_view kPseudonym = "ed8deb5578c60c1d4e6dd300dda3287d5019347696bd84ae317b3a140bfef153";
constexpr std::string_view kJustificationDigest = "872fd8537cba4920da1d6526a3b44186245828ab44184fca918ca3db6f0a07d1";

PseudonymKey TestKey() {
  Bytes secret(32);
  for (size_t i = 0; i < secret.size(); ++i) secret[i] = static_cast<uint8_t>(i);
  return *PseudonymKey::FromBytes(secret);
}

Event MakeEvent(std::string type, std::string actor, std::string subject, const json& payload) {
  return Event{42, std::move(type), *ParseTimestamp("2026-11-29T10:00:00Z"), std::move(actor), std::move(subject),
               payload.dump()};
}

TEST(PseudonymKeyTest, KnownAnswers) {
  PseudonymKey key = TestKey();
  EXPECT_EQ(key.Pseudonym(kNationalId), kPseudonym);
  EXPECT_EQ(key.TextDigest("Court order 12/2026"), kJustificationDigest);
}

TEST(PseudonymKeyTest, EachKeyGivesItsOwnPseudonymWhateverCameBefore) {
  // Pseudonym remembers its last answer per thread; another key must not get it.
  PseudonymKey key = TestKey();
  PseudonymKey other = *PseudonymKey::FromBytes(Bytes(32, 0xab));
  PseudonymKey copy = key;
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(key.Pseudonym(kNationalId), kPseudonym);
    EXPECT_NE(other.Pseudonym(kNationalId), kPseudonym);
    EXPECT_EQ(copy.Pseudonym(kNationalId), kPseudonym);
    EXPECT_NE(key.Pseudonym("11223344595"), kPseudonym);
  }
}

TEST(PseudonymKeyTest, EncodeParseRoundTripAndRejects) {
  PseudonymKey key = TestKey();
  auto parsed = PseudonymKey::Parse(key.Encode() + "\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->Pseudonym(kNationalId), kPseudonym);
  EXPECT_FALSE(PseudonymKey::Parse("MUSTER-PSEUDONYM-KEY+00").ok());
  EXPECT_FALSE(PseudonymKey::Parse(key.Encode().substr(1)).ok());
  auto a = PseudonymKey::Generate();
  auto b = PseudonymKey::Generate();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->Pseudonym(kNationalId), b->Pseudonym(kNationalId));
}

TEST(PseudonymKeyTest, FileIsPrivateAndNeverOverwritten) {
  auto dir = std::filesystem::temp_directory_path() / ("muster-leaf-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "secret").string();
  ASSERT_TRUE(WritePseudonymKeyFile(path, TestKey()).ok());
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_TRUE(WritePseudonymKeyFile(path, TestKey()).IsAlreadyExists());
  auto read = ReadPseudonymKeyFile(path);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->Pseudonym(kNationalId), kPseudonym);
  std::filesystem::permissions(path, std::filesystem::perms::group_read, std::filesystem::perm_options::add);
  EXPECT_TRUE(ReadPseudonymKeyFile(path).status().IsFailedPrecondition());
  EXPECT_TRUE(ReadPseudonymKeyFile((dir / "missing").string()).status().IsNotFound());
  std::filesystem::remove_all(dir);
}

TEST(EncodeLeafTest, DeliveryLeafHasTheDocumentedForm) {
  Event e = MakeEvent("summons.delivered", "cli:alice", "26-00000001-5",
                      {{"number", "26-00000001-5"},
                       {"national_id", kNationalId},
                       {"delivered_at", "2026-11-29T10:00:00.000Z"},
                       {"summons_sha256", std::string(64, 'a')}});
  auto leaf = EncodeLeaf(e, TestKey());
  ASSERT_TRUE(leaf.ok()) << leaf.status().message();
  EXPECT_EQ(*leaf,
            "{\"actor\":{\"id\":\"alice\",\"role\":\"cli\"},"
            "\"payload\":{\"delivered_at\":\"2026-11-29T10:00:00.000Z\",\"number\":\"26-00000001-5\","
            "\"person\":\"" + std::string(kPseudonym) + "\"},"
            "\"seq\":42,\"subject\":\"26-00000001-5\",\"summons_sha256\":\"" + std::string(64, 'a') + "\","
            "\"time\":\"2026-11-29T10:00:00.000Z\",\"type\":\"summons.delivered\"}");
  // Canonical: parsing and writing again gives the same bytes.
  EXPECT_EQ(*CanonicalJson(json::parse(*leaf)), *leaf);
}

// Every event shape the services emit, with personal data in every place it can appear: none of
// it may survive into the leaf.
struct Case {
  std::string type;
  std::string actor;
  std::string subject;
  json payload;
  std::vector<std::string> secrets;  // must not appear in the leaf
};

TEST(EncodeLeafTest, NoPersonalDataInClear) {
  std::string id(kNationalId);
  std::vector<Case> cases = {
      {"deferment.added", "officer:bob", id,
       {{"deferment_id", 3}, {"national_id", id}, {"kind", "study"}, {"until", "2028-06-30"}},
       {id}},
      {"summons.issued", "cli:alice", "26-00000001-5",
       {{"number", "26-00000001-5"},
        {"national_id", id},
        {"override", {{"reason", "Court order 12/2026 for Ivan Petrov"}, {"approved_by", "bob"}}}},
       {id, "Ivan Petrov", "Court order"}},
      {"summons.viewed", "citizen:" + id, "26-00000001-5", {{"number", "26-00000001-5"}}, {id}},
      {"summons.cancelled", "officer:bob", "26-00000001-5",
       {{"number", "26-00000001-5"}, {"reason", "Petrov has died"}}, {"Petrov"}},
      {"appeal.filed", "citizen:" + id, "26-00000001-5",
       {{"appeal_id", 1}, {"text", "I am ill, see my diagnosis"}, {"witnesses", json::array({id})}},
       {id, "diagnosis"}},
      {"restriction.imposed", "system:sweep", "26-00000001-5",
       {{"restriction_id", 9}, {"kind", "exit_ban"}, {"national_id", id}, {"summons", "26-00000001-5"}},
       {id}},
  };
  for (const Case& c : cases) {
    auto leaf = EncodeLeaf(MakeEvent(c.type, c.actor, c.subject, c.payload), TestKey());
    ASSERT_TRUE(leaf.ok()) << c.type << ": " << leaf.status().message();
    for (const std::string& secret : c.secrets) {
      EXPECT_EQ(leaf->find(secret), std::string::npos) << c.type << " leaks '" << secret << "': " << *leaf;
    }
    EXPECT_EQ(leaf->find("national_id"), std::string::npos) << c.type << ": " << *leaf;
    json parsed = json::parse(*leaf);
    EXPECT_EQ(parsed["type"], c.type);
    EXPECT_EQ(parsed["seq"], 42);
  }
  // The pseudonym stands in for the person wherever the person appeared.
  auto deferment = json::parse(*EncodeLeaf(MakeEvent(cases[0].type, cases[0].actor, cases[0].subject,
                                                     cases[0].payload), TestKey()));
  EXPECT_EQ(deferment["subject"], kPseudonym);
  EXPECT_EQ(deferment["payload"]["person"], kPseudonym);
  auto viewed = json::parse(*EncodeLeaf(MakeEvent(cases[2].type, cases[2].actor, cases[2].subject,
                                                  cases[2].payload), TestKey()));
  EXPECT_EQ(viewed["actor"]["role"], "citizen");
  EXPECT_EQ(viewed["actor"]["id"], kPseudonym);
  auto issued = json::parse(*EncodeLeaf(MakeEvent(cases[1].type, cases[1].actor, cases[1].subject,
                                                  cases[1].payload), TestKey()));
  EXPECT_EQ(issued["payload"]["override"]["approved_by"], "bob");
  EXPECT_TRUE(issued["payload"]["override"].contains("reason_hmac"));
}

// A key the encoder does not know is digested, not written in clear: an event that gains a
// member carrying personal data (an address, a name) cannot leak it by default. Known codes and
// identifiers stay readable, at any depth.
TEST(EncodeLeafTest, UnknownKeysAreDigestedByDefault) {
  json payload = {{"number", "26-00000001-5"},
                  {"kind", "conscription"},
                  {"address", "1 Long Street, North"},
                  {"change", {{"surname", "Ivanova"}, {"field", "surname"}}},
                  {"count", 3}};
  for (auto encode : {EncodeLeaf, EncodeLeafReference}) {
    auto leaf = encode(MakeEvent("person.moved", "officer:bob", "26-00000001-5", payload), TestKey());
    ASSERT_TRUE(leaf.ok()) << leaf.status().message();
    EXPECT_EQ(leaf->find("Long Street"), std::string::npos) << *leaf;
    EXPECT_EQ(leaf->find("Ivanova"), std::string::npos) << *leaf;
    json parsed = json::parse(*leaf);
    EXPECT_EQ(parsed["payload"]["address_hmac"], TestKey().TextDigest("1 Long Street, North"));
    EXPECT_EQ(parsed["payload"]["change"]["surname_hmac"], TestKey().TextDigest("Ivanova"));
    EXPECT_EQ(parsed["payload"]["change"]["field"], "surname");
    EXPECT_EQ(parsed["payload"]["number"], "26-00000001-5");
    EXPECT_EQ(parsed["payload"]["kind"], "conscription");
    EXPECT_EQ(parsed["payload"]["count"], 3);
  }
}

// The fast path and the reference give the same bytes, for canonical payloads (the fast path)
// and for everything else (the fallback).
TEST(EncodeLeafTest, FastPathEqualsReference) {
  std::string id(kNationalId);
  std::vector<std::string> payloads = {
      "{}",
      json{{"national_id", id}, {"number", "26-1"}, {"summons_sha256", std::string(64, 'f')}}.dump(),
      json{{"a", json::array({1, -2, true, false, nullptr, id, json::object({{"national_id", id}})})},
           {"reason", "x"}, {"text", "\u00e9t\u00e9 \"quoted\" \n"}, {"z", {{"basis", "b"}, {"deep", {{"k", id}}}}}}
          .dump(),
      json{{"national_id", id}, {"person", "collision"}}.dump(),
      json{{"big", 12345678901234567890ULL}, {"neg", -9223372036854775807LL}, {"zero", 0}}.dump(),
      json{{"float", 1.5}}.dump(),
      json{{"summons_sha256", json::object({{"national_id", id}})}}.dump(),
      json{{"summons_sha256", id}, {"national_id", id}}.dump(),
      json{{"s", "caf\u00e9 \u0001 \u001f"}, {"u", "\xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\xd0\xbe\xd0\xb2"}}.dump(),
      "{ \"spaced\" : 1 }",
      "{\"b\":1,\"a\":2}",
      "{\"a\":01}",
      "{\"a\":-0}",
      "{\"a\":\"unterminated}",
      "{\"a\":[1,2,]}",
      "{\"esc\\u0041\":\"x\"}",
  };
  PseudonymKey key = TestKey();
  for (const std::string& actor : {std::string("cli:alice"), "citizen:" + id, std::string("noroles"),
                                   std::string("odd:\"quoted\"\ttab")}) {
    for (const std::string& subject : {id, std::string("26-00000001-5"), std::string("tab\there")}) {
      for (const std::string& payload : payloads) {
        Event e{7, "type.\u00e9", *ParseTimestamp("2026-11-29T10:00:00.123Z"), actor, subject, payload};
        auto fast = EncodeLeaf(e, key);
        auto reference = EncodeLeafReference(e, key);
        ASSERT_EQ(fast.ok(), reference.ok()) << payload;
        if (fast.ok()) {
          EXPECT_EQ(*fast, *reference) << payload << " / " << actor << " / " << subject;
        }
      }
    }
  }
}

TEST(EncodeLeafTest, RejectsPayloadsThatAreNotObjects) {
  Event e = MakeEvent("x", "cli:a", "s", json::object());
  e.payload = "[1,2]";
  EXPECT_TRUE(EncodeLeaf(e, TestKey()).status().IsInvalidArgument());
  e.payload = "{not json";
  EXPECT_TRUE(EncodeLeaf(e, TestKey()).status().IsInvalidArgument());
}

}  // namespace
}  // namespace muster::ledger

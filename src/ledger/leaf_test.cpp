#include "ledger/leaf.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <array>
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
// Format 2, scoped to summons 26-00000001-5: HMAC-SHA256(key, "person2:13:26-00000001-5" || id)
// and HMAC-SHA256(key, "text2:13:26-00000001-5" || text), computed the same way.
constexpr std::string_view kSummonsNumber = "26-00000001-5";
constexpr std::string_view kScopedPseudonym = "500f56615abe8d868c75fc9dd49e07a22b3f92ca44797c43dd072e3c08fe96ea";
constexpr std::string_view kScopedJustificationDigest =
    "fa160437a829961c2dc02ab2ca4458f9eebfa685c7447576666b6810e5f57196";
constexpr std::array<LeafFormat, 2> kFormats = {LeafFormat::kV1, LeafFormat::kV2};

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
  EXPECT_EQ(key.Pseudonym(kNationalId, kSummonsNumber), kScopedPseudonym);
  EXPECT_EQ(key.TextDigest("Court order 12/2026", kSummonsNumber), kScopedJustificationDigest);
  // The scoped pseudonym's memo is per scope and per person.
  EXPECT_NE(key.Pseudonym(kNationalId, "26-00000002-3"), kScopedPseudonym);
  EXPECT_EQ(key.Pseudonym(kNationalId, kSummonsNumber), kScopedPseudonym);
  EXPECT_NE(key.Pseudonym("11223344595", kSummonsNumber), kScopedPseudonym);
}

TEST(PseudonymKeyTest, EachKeyGivesItsOwnPseudonymWhateverCameBefore) {
  // Pseudonym remembers its last answer per thread; another key must not get it.
  PseudonymKey key = TestKey();
  PseudonymKey other = *PseudonymKey::FromBytes(Bytes(32, 0xab));
  PseudonymKey copy = key;  // NOLINT(performance-unnecessary-copy-initialization): a copy is what is tested
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
  auto leaf = EncodeLeaf(e, TestKey(), LeafFormat::kV1);
  ASSERT_TRUE(leaf.ok()) << leaf.status().message();
  EXPECT_EQ(*leaf,
            "{\"actor\":{\"id\":\"alice\",\"role\":\"cli\"},"
            "\"payload\":{\"delivered_at\":\"2026-11-29T10:00:00.000Z\",\"number\":\"26-00000001-5\","
            "\"person\":\"" + std::string(kPseudonym) + "\"},"
            "\"seq\":42,\"subject\":\"26-00000001-5\",\"summons_sha256\":\"" + std::string(64, 'a') + "\","
            "\"time\":\"2026-11-29T10:00:00.000Z\",\"type\":\"summons.delivered\"}");
  // Canonical: parsing and writing again gives the same bytes.
  EXPECT_EQ(*CanonicalJson(json::parse(*leaf)), *leaf);

  // Format 2: the format named, the person's pseudonym scoped to this summons.
  auto v2 = EncodeLeaf(e, TestKey(), LeafFormat::kV2);
  ASSERT_TRUE(v2.ok()) << v2.status().message();
  EXPECT_EQ(*v2, fmt::format(R"({{"actor":{{"id":"alice","role":"cli"}},"format":2,)"
                             R"("payload":{{"delivered_at":"2026-11-29T10:00:00.000Z","number":"26-00000001-5",)"
                             R"("person":"{}"}},"seq":42,"subject":"26-00000001-5","summons_sha256":"{}",)"
                             R"("time":"2026-11-29T10:00:00.000Z","type":"summons.delivered"}})",
                             kScopedPseudonym, std::string(64, 'a')));
  EXPECT_EQ(*CanonicalJson(json::parse(*v2)), *v2);
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
  for (LeafFormat format : kFormats) {
    for (const Case& c : cases) {
      auto leaf = EncodeLeaf(MakeEvent(c.type, c.actor, c.subject, c.payload), TestKey(), format);
      ASSERT_TRUE(leaf.ok()) << c.type << ": " << leaf.status().message();
      for (const std::string& secret : c.secrets) {
        EXPECT_EQ(leaf->find(secret), std::string::npos) << c.type << " leaks '" << secret << "': " << *leaf;
      }
      EXPECT_EQ(leaf->find("national_id"), std::string::npos) << c.type << ": " << *leaf;
      json parsed = json::parse(*leaf);
      EXPECT_EQ(parsed["type"], c.type);
      EXPECT_EQ(parsed["seq"], 42);
    }
  }
  // The pseudonym stands in for the person wherever the person appeared.
  auto encode = [&](const Case& c, LeafFormat format) {
    return json::parse(*EncodeLeaf(MakeEvent(c.type, c.actor, c.subject, c.payload), TestKey(), format));
  };
  auto deferment = encode(cases[0], LeafFormat::kV1);
  EXPECT_EQ(deferment["subject"], kPseudonym);
  EXPECT_EQ(deferment["payload"]["person"], kPseudonym);
  auto viewed = encode(cases[2], LeafFormat::kV1);
  EXPECT_EQ(viewed["actor"]["role"], "citizen");
  EXPECT_EQ(viewed["actor"]["id"], kPseudonym);
  auto issued = encode(cases[1], LeafFormat::kV1);
  EXPECT_EQ(issued["payload"]["override"]["approved_by"], "bob");
  EXPECT_TRUE(issued["payload"]["override"].contains("reason_hmac"));
  // Format 2: the same places, each with the pseudonym of its scope.
  deferment = encode(cases[0], LeafFormat::kV2);
  EXPECT_EQ(deferment["subject"], TestKey().Pseudonym(kNationalId, "deferment_id=3"));
  EXPECT_EQ(deferment["payload"]["person"], deferment["subject"]);
  viewed = encode(cases[2], LeafFormat::kV2);
  EXPECT_EQ(viewed["actor"]["id"], kScopedPseudonym);
  issued = encode(cases[1], LeafFormat::kV2);
  EXPECT_EQ(issued["payload"]["person"], kScopedPseudonym);
  EXPECT_EQ(issued["payload"]["override"]["approved_by"], "bob");
  EXPECT_EQ(issued["payload"]["override"]["reason_hmac"],
            TestKey().TextDigest("Court order 12/2026 for Ivan Petrov", kSummonsNumber));
}

// Format 2: whoever holds a receipt (the delivery leaf, with the person's pseudonym) and reads
// the ledger must not learn the person's deferments: their kind is digested, and their leaves
// carry another pseudonym than the summons' leaves.
TEST(EncodeLeafTest, AHealthDefermentIsNotReadableInFormat2) {
  std::string id(kNationalId);
  PseudonymKey key = TestKey();
  auto leaf = [&](const std::string& type, const std::string& actor, const std::string& subject, const json& payload,
                  LeafFormat format = LeafFormat::kV2) {
    auto text = EncodeLeaf(MakeEvent(type, actor, subject, payload), key, format);
    EXPECT_TRUE(text.ok()) << text.status().message();
    return text.ok() ? *text : std::string();
  };
  json added = {{"deferment_id", 3}, {"national_id", id}, {"kind", "health"}, {"until", "2028-06-30"}};
  std::string health = leaf("deferment.added", "officer:bob", id, added);
  EXPECT_EQ(health.find("health"), std::string::npos) << health;
  json parsed = json::parse(health);
  EXPECT_EQ(parsed["format"], 2);
  EXPECT_FALSE(parsed["payload"].contains("kind"));
  EXPECT_EQ(parsed["payload"]["kind_hmac"], key.TextDigest("health", "deferment_id=3"));
  EXPECT_EQ(parsed["payload"]["until"], "2028-06-30");
  EXPECT_EQ(parsed["payload"]["deferment_id"], 3);
  // Two deferments of one kind: their digests differ, so the kind is no label to count by.
  json other = added;
  other["deferment_id"] = 4;
  EXPECT_NE(json::parse(leaf("deferment.added", "officer:bob", id, other))["payload"]["kind_hmac"],
            parsed["payload"]["kind_hmac"]);
  // The end of the same deferment: the same pseudonym and digest, so its life can be followed.
  json ended = json::parse(
      leaf("deferment.ended", "officer:bob", id, {{"deferment_id", 3}, {"national_id", id}, {"kind", "health"}}));
  EXPECT_EQ(ended["payload"]["person"], parsed["payload"]["person"]);
  EXPECT_EQ(ended["payload"]["kind_hmac"], parsed["payload"]["kind_hmac"]);
  // The delivery leaf of a receipt names another pseudonym than the deferment.
  json delivered = json::parse(leaf(
      "summons.delivered", "cli:alice", std::string(kSummonsNumber),
      {{"national_id", id}, {"delivered_at", "2026-11-29T10:00:00.000Z"}, {"summons_sha256", std::string(64, 'a')}}));
  EXPECT_NE(delivered["payload"]["person"], parsed["payload"]["person"]);
  // An override asked for a person with that deferment: its reasons are digested, its kind (the
  // summons kind) stays.
  std::string override_leaf = leaf("override.requested", "officer:bob", id,
                                   {{"override_id", 5},
                                    {"national_id", id},
                                    {"office", "D01"},
                                    {"kind", "conscription"},
                                    {"reasons", json::array({"deferment:health", "fitness"})},
                                    {"justification", "Court order"}});
  EXPECT_EQ(override_leaf.find("health"), std::string::npos) << override_leaf;
  EXPECT_EQ(override_leaf.find("fitness"), std::string::npos) << override_leaf;
  json o = json::parse(override_leaf);
  EXPECT_EQ(o["payload"]["kind"], "conscription");
  EXPECT_EQ(o["payload"]["reasons_hmac"], key.TextDigest(R"(["deferment:health","fitness"])", "override_id=5"));
  EXPECT_NE(o["payload"]["person"], delivered["payload"]["person"]);
  // A corrected field is digested too (a surname or a sex corrected says much).
  std::string corrected =
      leaf("person.corrected", "officer:bob", id, {{"correction_id", 2}, {"national_id", id}, {"field", "sex"}});
  EXPECT_EQ(corrected.find("\"sex\""), std::string::npos) << corrected;
  // Restriction and summons kinds stay readable.
  EXPECT_NE(leaf("restriction.imposed", "system:sweep", std::string(kSummonsNumber),
                 {{"kind", "exit_ban"}, {"national_id", id}, {"restriction_id", 9}})
                .find("\"kind\":\"exit_ban\""),
            std::string::npos);
  // Format 1, as leaves appended before format 2 were: the kind in clear (kept as it was).
  EXPECT_NE(leaf("deferment.added", "officer:bob", id, added, LeafFormat::kV1).find("\"kind\":\"health\""),
            std::string::npos);
}

// Format 2: each summons has its own pseudonym of the person; the events of one summons share it.
TEST(EncodeLeafTest, TwoSummonsesOfOnePersonHaveDifferentPseudonymsInFormat2) {
  std::string id(kNationalId);
  auto person = [&](const std::string& type, const std::string& number, LeafFormat format) {
    json payload = {{"national_id", id}, {"kind", "conscription"}, {"office", "D01"}};
    auto leaf = EncodeLeaf(MakeEvent(type, "cli:alice", number, payload), TestKey(), format);
    EXPECT_TRUE(leaf.ok());
    return json::parse(*leaf)["payload"]["person"].get<std::string>();
  };
  EXPECT_NE(person("summons.issued", "26-00000001-5", LeafFormat::kV2),
            person("summons.issued", "26-00000002-3", LeafFormat::kV2));
  EXPECT_EQ(person("summons.issued", "26-00000001-5", LeafFormat::kV2),
            person("summons.no_show", "26-00000001-5", LeafFormat::kV2));
  EXPECT_EQ(person("summons.issued", "26-00000001-5", LeafFormat::kV2), kScopedPseudonym);
  // Format 1 gave one pseudonym for the whole log.
  EXPECT_EQ(person("summons.issued", "26-00000001-5", LeafFormat::kV1),
            person("summons.issued", "26-00000002-3", LeafFormat::kV1));
  // An event about a person with no id of its own is scoped to itself.
  Event e = MakeEvent("person.noted", "officer:bob", id, {{"national_id", id}});
  json alone = json::parse(*EncodeLeaf(e, TestKey(), LeafFormat::kV2));
  EXPECT_EQ(alone["subject"], TestKey().Pseudonym(kNationalId, "seq=42"));
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
    auto leaf = encode(MakeEvent("person.moved", "officer:bob", "26-00000001-5", payload), TestKey(), LeafFormat::kV1);
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
           {"reason", "x"},
           {"text", "\u00e9t\u00e9 \"quoted\" \n"},
           {"z", {{"basis", "b"}, {"deep", {{"k", id}}}}}}
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
      // Format 2's scopes, digested kinds, fields and arrays.
      json{{"deferment_id", 3}, {"national_id", id}, {"kind", "health"}, {"until", "2028-06-30"}}.dump(),
      json{{"override_id", -5},
           {"deferment_id", "not a number"},
           {"national_id", id},
           {"reasons", json::array({"deferment:health", "fitness", id})},
           {"kind", "conscription"}}
          .dump(),
      json{{"correction_id", 0},
           {"field", "sex"},
           {"national_id", id},
           {"list", json::array()},
           {"nested", {{"reasons", json::array({json::object({{"national_id", id}}), 1})}}}}
          .dump(),
      "{\"reasons\":[ \"spaced\" ],\"national_id\":\"" + id + "\"}",
  };
  PseudonymKey key = TestKey();
  for (LeafFormat format : kFormats) {
    for (const std::string& type : {std::string("type.\u00e9"), std::string("deferment.added"),
                                    std::string("summons.issued"), std::string("person.corrected")}) {
      for (const std::string& actor :
           {std::string("cli:alice"), "citizen:" + id, std::string("noroles"), std::string("odd:\"quoted\"\ttab")}) {
        for (const std::string& subject : {id, std::string("26-00000001-5"), std::string("tab\there")}) {
          for (const std::string& payload : payloads) {
            Event e{7, type, *ParseTimestamp("2026-11-29T10:00:00.123Z"), actor, subject, payload};
            auto fast = EncodeLeaf(e, key, format);
            auto reference = EncodeLeafReference(e, key, format);
            ASSERT_EQ(fast.ok(), reference.ok()) << payload;
            if (fast.ok()) {
              EXPECT_EQ(*fast, *reference) << payload << " / " << type << " / " << actor << " / " << subject;
            }
          }
        }
      }
    }
  }
}

TEST(EncodeLeafTest, RejectsPayloadsThatAreNotObjects) {
  Event e = MakeEvent("x", "cli:a", "s", json::object());
  for (LeafFormat format : kFormats) {
    e.payload = "[1,2]";
    EXPECT_TRUE(EncodeLeaf(e, TestKey(), format).status().IsInvalidArgument());
    e.payload = "{not json";
    EXPECT_TRUE(EncodeLeaf(e, TestKey(), format).status().IsInvalidArgument());
  }
}

}  // namespace
}  // namespace muster::ledger

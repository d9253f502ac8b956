#include "ledger/receipt.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "ledger/canonical_json.hpp"

namespace muster::ledger {
namespace {

using nlohmann::json;

SignerKey FixedKey() {
  Bytes seed;
  for (uint8_t i = 0; i < 32; ++i) seed.push_back(i);
  return *SignerKey::FromSeed("muster.example/ledger", seed);
}

json SummonsDocument() {
  return json{{"number", "26-00000005-3"},
              {"person", "p:9c1f0e"},
              {"office", "D01"},
              {"kind", "conscription"},
              {"appear_at", "2026-12-10T09:00:00.000Z"},
              {"place", "Central office, room 4"}};
}

std::string Event(uint64_t seq, const std::string& type, const json& extra = json::object()) {
  json e = {{"seq", seq},
            {"type", type},
            {"time", "2026-11-29T04:28:" + std::to_string(10 + seq) + ".000Z"},
            {"actor", "system"}};
  e.update(extra);
  return *CanonicalJson(e);
}

constexpr uint64_t kLeafIndex = 5;
constexpr uint64_t kTreeSize = 13;

struct Fixture {
  MemoryTree tree;
  std::vector<std::string> leaves;
  SignerKey key = FixedKey();
  std::string checkpoint;

  Fixture() {
    for (uint64_t i = 0; i < kTreeSize; ++i) {
      if (i == kLeafIndex) {
        leaves.push_back(Event(
            i, "summons.delivered",
            {{"subject", "26-00000005-3"}, {"summons_sha256", HexEncode(*CanonicalJsonSha256(SummonsDocument()))}}));
      } else if (i == kLeafIndex + 1) {
        leaves.push_back(Event(i, "summons.viewed", {{"subject", "26-00000005-3"}}));  // no summons hash
      } else {
        leaves.push_back(Event(i, "summons.issued", {{"subject", "26-0000000" + std::to_string(i % 10) + "-1"}}));
      }
      tree.AppendData(AsBytes(leaves.back()));
    }
    Checkpoint cp;
    cp.origin = "muster.example/ledger";
    cp.size = kTreeSize;
    cp.root = tree.Root();
    checkpoint = *SignCheckpoint(cp, key);
  }

  json Receipt() const {
    auto r = MakeReceipt(SummonsDocument(), leaves[kLeafIndex], kLeafIndex, tree, checkpoint, key.Verifier());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r->ToJson();
  }
};

TEST(ReceiptTest, AFreshReceiptVerifies) {
  Fixture f;
  json receipt = f.Receipt();
  EXPECT_EQ(receipt["version"], 1);
  EXPECT_EQ(receipt["leaf_index"], kLeafIndex);
  EXPECT_EQ(receipt["tree_size"], kTreeSize);
  EXPECT_EQ(receipt["public_key"], f.key.Verifier().Encode());
  EXPECT_EQ(receipt["inclusion_proof"].size(), 4u);

  auto v = VerifyReceipt(receipt);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->summons_number, "26-00000005-3");
  EXPECT_EQ(v->event_type, "summons.delivered");
  EXPECT_EQ(v->time, "2026-11-29T04:28:15.000Z");
  EXPECT_EQ(v->leaf_index, kLeafIndex);
  EXPECT_EQ(v->tree_size, kTreeSize);
  EXPECT_EQ(v->checkpoint.root, f.tree.Root());
  EXPECT_EQ(v->key_name, "muster.example/ledger");

  EXPECT_TRUE(VerifyReceipt(receipt, f.key.Verifier()).ok());
  EXPECT_TRUE(VerifyReceiptText(receipt.dump(2)).ok());
  EXPECT_TRUE(VerifyReceiptText(receipt.dump()).ok());
}

// tests/data/ledger/receipt.json was built by an independent implementation (make_receipt.py).
TEST(ReceiptTest, VerifiesAReceiptBuiltWithoutOurCode) {
  std::ifstream in(std::string(MUSTER_TESTDATA) + "/ledger/receipt.json");
  std::stringstream text;
  text << in.rdbuf();
  auto v = VerifyReceiptText(text.str(), *VerifierKey::Parse(FixedKey().Verifier().Encode()));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->summons_number, "26-00000042-7");
  EXPECT_EQ(v->leaf_index, 6u);
  EXPECT_EQ(v->tree_size, 11u);
}

TEST(ReceiptTest, StillVerifiesAfterTheLedgerGrows) {
  Fixture f;
  for (int i = 0; i < 100; ++i) f.tree.AppendData(AsBytes("later " + std::to_string(i)));
  Checkpoint cp{"muster.example/ledger", f.tree.size(), f.tree.Root(), {}};
  auto r = MakeReceipt(SummonsDocument(), f.leaves[kLeafIndex], kLeafIndex, f.tree, *SignCheckpoint(cp, f.key),
                       f.key.Verifier());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->tree_size, kTreeSize + 100);
  EXPECT_TRUE(VerifyReceipt(r->ToJson()).ok());
}

struct Tamper {
  std::string what;
  std::function<void(json&)> change;
  std::string expected_prefix;
};

TEST(ReceiptTest, EveryFieldTamperedFailsNamingTheCheck) {
  Fixture f;
  const json good = f.Receipt();
  auto other_key = SignerKey::Generate("muster.example/ledger");
  ASSERT_TRUE(other_key.ok());
  Checkpoint forged_cp{"muster.example/ledger", kTreeSize, f.tree.Root(), {}};
  std::string forged_note = *SignCheckpoint(forged_cp, *other_key);
  Checkpoint wrong_size_cp{"muster.example/ledger", kTreeSize + 1, f.tree.Root(), {}};

  std::vector<Tamper> cases = {
      {"version 2", [](json& r) { r["version"] = 2; }, "malformed field version"},
      {"version string", [](json& r) { r["version"] = "1"; }, "malformed field version"},
      {"no version", [](json& r) { r.erase("version"); }, "malformed field version"},
      {"summons value", [](json& r) { r["summons"]["office"] = "D02"; }, "summons hash"},
      {"summons member added", [](json& r) { r["summons"]["note"] = ""; }, "summons hash"},
      {"summons member removed", [](json& r) { r["summons"].erase("place"); }, "summons hash"},
      {"summons not an object", [](json& r) { r["summons"] = "26-00000005-3"; }, "malformed field summons"},
      {"no summons", [](json& r) { r.erase("summons"); }, "malformed field summons"},
      {"leaf time",
       [](json& r) {
         std::string leaf = r["leaf"];
         leaf.replace(leaf.find("04:28:15"), 8, "04:28:14");
         r["leaf"] = leaf;
       },
       "inclusion proof"},
      {"leaf re-serialised", [](json& r) { r["leaf"] = json::parse(r["leaf"].get<std::string>()).dump(1); },
       "inclusion proof"},
      {"leaf of another event", [&](json& r) { r["leaf"] = f.leaves[kLeafIndex + 1]; }, "inclusion proof"},
      {"leaf not a string", [](json& r) { r["leaf"] = json::parse(r["leaf"].get<std::string>()); },
       "malformed field leaf"},
      {"leaf_index + 1", [](json& r) { r["leaf_index"] = kLeafIndex + 1; }, "inclusion proof"},
      {"leaf_index - 1", [](json& r) { r["leaf_index"] = kLeafIndex - 1; }, "inclusion proof"},
      {"leaf_index = tree_size", [](json& r) { r["leaf_index"] = kTreeSize; }, "malformed field leaf_index"},
      {"leaf_index negative", [](json& r) { r["leaf_index"] = -1; }, "malformed field leaf_index"},
      {"leaf_index fraction", [](json& r) { r["leaf_index"] = 5.5; }, "malformed field leaf_index"},
      {"tree_size + 1", [](json& r) { r["tree_size"] = kTreeSize + 1; }, "tree size"},
      {"tree_size - 1", [](json& r) { r["tree_size"] = kTreeSize - 1; }, "tree size"},
      {"tree_size string", [](json& r) { r["tree_size"] = "13"; }, "malformed field tree_size"},
      {"proof element changed",
       [](json& r) {
         std::string h = r["inclusion_proof"][1];
         h[10] = h[10] == '0' ? '1' : '0';
         r["inclusion_proof"][1] = h;
       },
       "inclusion proof"},
      {"proof element upper case",
       [](json& r) {
         std::string h = r["inclusion_proof"][0];
         for (char& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
         r["inclusion_proof"][0] = h;
       },
       "malformed field inclusion_proof"},
      {"proof element dropped", [](json& r) { r["inclusion_proof"].erase(3); }, "inclusion proof"},
      {"proof element added", [](json& r) { r["inclusion_proof"].push_back(r["inclusion_proof"][0]); },
       "inclusion proof"},
      {"proof reversed",
       [](json& r) {
         json p = r["inclusion_proof"];
         std::reverse(p.begin(), p.end());
         r["inclusion_proof"] = p;
       },
       "inclusion proof"},
      {"proof short hash", [](json& r) { r["inclusion_proof"][0] = "00"; }, "malformed field inclusion_proof"},
      {"proof not an array", [](json& r) { r["inclusion_proof"] = ""; }, "malformed field inclusion_proof"},
      {"checkpoint size edited",
       [](json& r) {
         std::string cp = r["checkpoint"];
         cp.replace(cp.find("\n13\n"), 4, "\n14\n");
         r["checkpoint"] = cp;
       },
       "signature"},
      {"checkpoint origin edited",
       [](json& r) {
         std::string cp = r["checkpoint"];
         cp[0] = 'M';
         r["checkpoint"] = cp;
       },
       "signature"},
      {"checkpoint signed by another key", [&](json& r) { r["checkpoint"] = forged_note; }, "signature"},
      {"checkpoint for another size", [&](json& r) { r["checkpoint"] = *SignCheckpoint(wrong_size_cp, f.key); },
       "tree size"},
      {"checkpoint signature line dropped",
       [](json& r) {
         std::string cp = r["checkpoint"];
         r["checkpoint"] = cp.substr(0, cp.find("\n\n") + 2);
       },
       "signature"},
      {"no checkpoint", [](json& r) { r.erase("checkpoint"); }, "malformed field checkpoint"},
      {"public key of another key", [&](json& r) { r["public_key"] = other_key->Verifier().Encode(); }, "signature"},
      {"public key garbled",
       [](json& r) {
         std::string k = r["public_key"];
         k[k.size() - 3] = k[k.size() - 3] == 'A' ? 'B' : 'A';
         r["public_key"] = k;
       },
       "malformed field public_key"},
      {"public key ID in upper case",
       [](json& r) {
         std::string k = r["public_key"];
         size_t plus = k.find('+');
         for (size_t i = plus + 1; i < plus + 9; ++i)
           k[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(k[i])));
         r["public_key"] = k;
       },
       "malformed field public_key"},
      {"extra member", [](json& r) { r["comment"] = "hi"; }, "malformed field comment"},
  };
  for (const Tamper& t : cases) {
    json bad = good;
    t.change(bad);
    auto v = VerifyReceipt(bad);
    ASSERT_FALSE(v.ok()) << t.what;
    EXPECT_TRUE(v.status().message().starts_with(t.expected_prefix + ":"))
        << t.what << ": got \"" << v.status().message() << "\"";
  }
  EXPECT_FALSE(VerifyReceipt(json::array()).ok());
  EXPECT_TRUE(VerifyReceiptText("{").status().message().starts_with("malformed receipt"));
}

TEST(ReceiptTest, ATrustedKeyOverridesTheReceiptsOwn) {
  Fixture f;
  json receipt = f.Receipt();
  auto other = SignerKey::Generate("muster.example/ledger");
  ASSERT_TRUE(other.ok());
  auto v = VerifyReceipt(receipt, other->Verifier());
  ASSERT_FALSE(v.ok());
  EXPECT_TRUE(v.status().message().starts_with("signature:")) << v.status().message();
  // A forger who re-signs with their own key and swaps the public key is caught by the trusted key.
  Checkpoint cp{"muster.example/ledger", kTreeSize, f.tree.Root(), {}};
  receipt["checkpoint"] = *SignCheckpoint(cp, *other);
  receipt["public_key"] = other->Verifier().Encode();
  EXPECT_TRUE(VerifyReceipt(receipt).ok());  // self-consistent...
  auto trusted = VerifyReceipt(receipt, f.key.Verifier());
  ASSERT_FALSE(trusted.ok());  // ...but not by the ledger's key
  EXPECT_TRUE(trusted.status().message().starts_with("signature:"));
}

TEST(ReceiptTest, ALeafWithoutTheSummonsHashIsNoReceipt) {
  Fixture f;
  // The "viewed" leaf is in the ledger (the proof holds) but does not commit to the summons.
  auto r =
      MakeReceipt(SummonsDocument(), f.leaves[kLeafIndex + 1], kLeafIndex + 1, f.tree, f.checkpoint, f.key.Verifier());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("summons hash"), std::string::npos) << r.status().message();
  // A leaf that is not the stored one fails the proof.
  auto wrong = MakeReceipt(SummonsDocument(), f.leaves[0], kLeafIndex, f.tree, f.checkpoint, f.key.Verifier());
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("inclusion proof"), std::string::npos);
}

TEST(ReceiptTest, EveryFlippedBitOfTheReceiptFileFails) {
  Fixture f;
  const std::string text = f.Receipt().dump(2);
  ASSERT_TRUE(VerifyReceiptText(text).ok());
  size_t failures = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = text;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      if (!VerifyReceiptText(bad).ok()) {
        ++failures;
      } else {
        ADD_FAILURE() << "byte " << i << " bit " << bit << " still verifies: ..."
                      << text.substr(i < 20 ? 0 : i - 20, 40) << "...";
      }
    }
  }
  EXPECT_EQ(failures, text.size() * 8);
}

}  // namespace
}  // namespace muster::ledger

#include "ledger/checkpoint.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "ledger/merkle.hpp"

namespace muster::ledger {
namespace {

// golang.org/x/mod/sumdb/note's documented example: an independent implementation's key, text
// and signed note, byte for byte.
constexpr std::string_view kGoSignerKey =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kGoVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kGoText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view kGoSignatureLine =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

// muster's own known answer: seed 00 01 .. 1f, the RFC 6962 reference tree's root at size 8.
// The public key, key ID and signature were computed independently with OpenSSL 3
// (`openssl pkeyutl -sign -rawin`) and Python's hashlib.
constexpr std::string_view kName = "muster.example/ledger";
constexpr std::string_view kSignerKey =
    "PRIVATE+KEY+muster.example/ledger+62e46605+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";
constexpr std::string_view kVerifierKey = "muster.example/ledger+62e46605+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
constexpr std::string_view kBody =
    "muster.example/ledger\n"
    "8\n"
    "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n";
constexpr std::string_view kSignedNote =
    "muster.example/ledger\n"
    "8\n"
    "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n"
    "\n"
    "\xE2\x80\x94 muster.example/ledger "
    "YuRmBcGFBs5Gqlq8VusZDzMHwrarK/MRId5Oj0ywgZwgSAkMXECE8CvXh3Fokn7qZys2f5vpn1Z19j3FJhRHV3W0qw0=\n";

SignerKey FixedKey() {
  Bytes seed;
  for (uint8_t i = 0; i < 32; ++i) seed.push_back(i);
  return *SignerKey::FromSeed(kName, seed);
}

Checkpoint ReferenceCheckpoint() {
  Checkpoint cp;
  cp.origin = std::string(kName);
  cp.size = 8;
  cp.root = *HexDecodeHash("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
  return cp;
}

TEST(SignedNoteTest, MatchesTheGoReferenceExample) {
  auto signer = SignerKey::Parse(kGoSignerKey);
  ASSERT_TRUE(signer.ok()) << signer.status().ToString();
  EXPECT_EQ(signer->Encode(), kGoSignerKey);
  EXPECT_EQ(signer->Verifier().Encode(), kGoVerifierKey);
  EXPECT_EQ(signer->Verifier().id, 0xc74f20a3u);

  auto note = SignNote(kGoText, *signer);
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(*note, std::string(kGoText) + "\n" + std::string(kGoSignatureLine));

  auto verifier = VerifierKey::Parse(kGoVerifierKey);
  ASSERT_TRUE(verifier.ok());
  auto text = OpenNote(*note, *verifier);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, kGoText);
}

TEST(CheckpointTest, KnownAnswer) {
  SignerKey key = FixedKey();
  EXPECT_EQ(key.Encode(), kSignerKey);
  EXPECT_EQ(key.Verifier().Encode(), kVerifierKey);
  EXPECT_EQ(ReferenceCheckpoint().Body(), kBody);

  auto note = SignCheckpoint(ReferenceCheckpoint(), key);
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(*note, kSignedNote);

  auto cp = VerifyCheckpoint(kSignedNote, *VerifierKey::Parse(kVerifierKey));
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->origin, kName);
  EXPECT_EQ(cp->size, 8u);
  EXPECT_EQ(cp->root, ReferenceCheckpoint().root);
  EXPECT_TRUE(cp->extensions.empty());
}

TEST(CheckpointTest, EveryFlippedBitOfTheSignedNoteFails) {
  VerifierKey key = *VerifierKey::Parse(kVerifierKey);
  std::string note(kSignedNote);
  for (size_t i = 0; i < note.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = note;
      bad[i] = static_cast<char>(bad[i] ^ (1 << bit));
      EXPECT_FALSE(VerifyCheckpoint(bad, key).ok()) << "byte " << i << " bit " << bit;
    }
  }
  EXPECT_FALSE(VerifyCheckpoint(note.substr(0, note.size() - 1), key).ok());
  EXPECT_FALSE(VerifyCheckpoint(note + "\n", key).ok());
  EXPECT_FALSE(VerifyCheckpoint("x" + note, key).ok());
}

TEST(CheckpointTest, OtherKeysAreIgnoredButABadSignatureByOurKeyRejects) {
  SignerKey ours = FixedKey();
  auto other = SignerKey::Generate("witness.example/w1");
  ASSERT_TRUE(other.ok());
  std::string note = *SignCheckpoint(ReferenceCheckpoint(), ours);
  std::string other_line = SignNote(kBody, *other)->substr(kBody.size() + 1);
  std::string our_line = note.substr(kBody.size() + 1);

  // A cosignature by an unknown key, before or after ours, changes nothing.
  EXPECT_TRUE(VerifyCheckpoint(std::string(kBody) + "\n" + other_line + our_line, ours.Verifier()).ok());
  EXPECT_TRUE(VerifyCheckpoint(std::string(kBody) + "\n" + our_line + other_line, ours.Verifier()).ok());
  // Only an unknown key's signature: rejected.
  auto only_other = VerifyCheckpoint(std::string(kBody) + "\n" + other_line, ours.Verifier());
  ASSERT_FALSE(only_other.ok());
  EXPECT_NE(only_other.status().message().find("no signature by key"), std::string::npos);
  // Same name and ID as our key but a wrong signature rejects even with a good one after it.
  std::string forged = our_line;
  forged[forged.size() - 10] = forged[forged.size() - 10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyCheckpoint(std::string(kBody) + "\n" + forged + our_line, ours.Verifier()).ok());
  // Another key under our name: the key ID differs, so it is ignored, and nothing verifies.
  auto impostor = SignerKey::Generate(kName);
  ASSERT_TRUE(impostor.ok());
  EXPECT_FALSE(VerifyCheckpoint(*SignCheckpoint(ReferenceCheckpoint(), *impostor), ours.Verifier()).ok());
}

TEST(CheckpointTest, ParsesBodiesStrictly) {
  auto ok = Checkpoint::ParseBody("o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\next two\n");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->size, 0u);
  EXPECT_EQ(ok->root, EmptyRoot());
  EXPECT_EQ(ok->extensions, (std::vector<std::string>{"ext one", "ext two"}));
  EXPECT_EQ(ok->Body(), "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\next two\n");

  const std::string root = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
  for (const std::string& bad : std::vector<std::string>{
           "o\n8\n" + root,                            // no final newline
           "o\n8\n",                                   // two lines
           "\n8\n" + root + "\n",                      // empty origin
           "o\n08\n" + root + "\n",                    // leading zero
           "o\n-8\n" + root + "\n",                    // sign
           "o\n+8\n" + root + "\n",                    // sign
           "o\n8 \n" + root + "\n",                    // trailing space
           "o\n18446744073709551616\n" + root + "\n",  // 2^64
           "o\n8\n" + root.substr(0, 43) + "\n",       // unpadded
           "o\n8\nAAAA\n",                             // 3 bytes
           "o\n8\n" + root + "\n\n",                   // empty extension line
       }) {
    EXPECT_FALSE(Checkpoint::ParseBody(bad).ok()) << bad;
  }
  EXPECT_TRUE(Checkpoint::ParseBody("o\n18446744073709551615\n" + root + "\n").ok());
}

TEST(CheckpointTest, RejectsMalformedKeys) {
  EXPECT_TRUE(VerifierKey::Parse(kVerifierKey).ok());
  for (std::string_view bad : {
           "muster.example/ledger+62e46606+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",  // wrong ID
           "muster.example/ledgeR+62e46605+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",  // wrong name
           "muster.example/ledger+62e46605+AgOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",  // type 0x02
           "muster.example/ledger+62e46605+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG",   // short
           "muster.example/ledger+62e4660+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",   // 7 digits
           "muster.example/ledger62e46605AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",    // no '+'
           "",
       }) {
    EXPECT_FALSE(VerifierKey::Parse(bad).ok()) << bad;
  }
  EXPECT_FALSE(SignerKey::Parse(kVerifierKey).ok());
  EXPECT_FALSE(
      SignerKey::Parse("PRIVATE+KEY+muster.example/ledger+62e46606+AQABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f").ok());
  for (std::string_view name : {"", "a b", "a+b", "tab\there", "caf\xC3\xA9"}) {
    EXPECT_FALSE(SignerKey::Generate(name).ok()) << name;
  }
  EXPECT_FALSE(SignerKey::FromSeed("n", Bytes(31)).ok());
}

TEST(CheckpointTest, SignNoteRejectsBadText) {
  SignerKey key = FixedKey();
  EXPECT_FALSE(SignNote("", key).ok());
  EXPECT_FALSE(SignNote("no newline", key).ok());
  EXPECT_FALSE(SignNote("tab\there\n", key).ok());
  EXPECT_FALSE(SignNote("bad \xFF utf-8\n", key).ok());
  Checkpoint cp = ReferenceCheckpoint();
  cp.origin = "two\nlines";
  EXPECT_FALSE(SignCheckpoint(cp, key).ok());
}

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("muster-keyfile-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(KeyFileTest, SignerKeyFileIsPrivateAndNeverOverwritten) {
  auto key = SignerKey::Generate("muster.test/log");
  ASSERT_TRUE(key.ok());
  std::string path = (dir_ / "ledger.key").string();
  ASSERT_TRUE(WriteSignerKeyFile(path, *key).ok());
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  auto back = ReadSignerKeyFile(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->Encode(), key->Encode());

  auto other = SignerKey::Generate("muster.test/log");
  EXPECT_TRUE(WriteSignerKeyFile(path, *other).IsAlreadyExists());
  EXPECT_EQ(ReadSignerKeyFile(path)->Encode(), key->Encode());

  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  auto exposed = ReadSignerKeyFile(path);
  EXPECT_TRUE(exposed.status().IsFailedPrecondition()) << exposed.status().ToString();
  EXPECT_TRUE(ReadSignerKeyFile((dir_ / "missing.key").string()).status().IsNotFound());
}

TEST_F(KeyFileTest, VerifierKeyFileRoundTrips) {
  VerifierKey key = FixedKey().Verifier();
  std::string path = (dir_ / "ledger.pub").string();
  ASSERT_TRUE(WriteVerifierKeyFile(path, key).ok());
  auto back = ReadVerifierKeyFile(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->Encode(), kVerifierKey);
}

}  // namespace
}  // namespace muster::ledger

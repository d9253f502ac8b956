// Signed checkpoints of the ledger: C2SP signed notes (c2sp.org/signed-note) whose text is a
// C2SP checkpoint (c2sp.org/tlog-checkpoint), signed with Ed25519.
//
// Checkpoint (the note text; every line ends in "\n"):
//
//   <origin>                    non-empty, e.g. "muster.example/ledger"
//   <tree size>                 ASCII decimal, no leading zeros ("0" for the empty tree)
//   <root hash>                 standard base64 (with padding) of the 32-byte RFC 6962 root
//   [<extension line>]...       optional, non-empty, opaque; muster writes none
//
// Signed note = text, then a blank line, then one or more signature lines:
//
//   "\u2014 " <key name> " " base64(key ID (4 bytes, big-endian) || Ed25519 signature (64 bytes)) "\n"
//
// The signature covers the text including its final newline, not the blank line. The note must
// be UTF-8 with no control characters but newline; the text ends at the note's last blank line.
//
//   key ID = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[0:4]
//
// Key encodings (those of golang.org/x/mod/sumdb/note, so other tools read them):
//
//   verifier key  <key name>+<key ID as 8 hex digits>+base64(0x01 || public key)
//   signer key    PRIVATE+KEY+<key name>+<key ID as 8 hex digits>+base64(0x01 || 32-byte seed)
//
// A key file holds one encoded key and a final newline. Key names here are printable ASCII
// without space or '+' (the spec forbids spaces and '+'; muster is stricter). When verifying,
// signature lines of other keys are ignored, a failing signature of the expected key rejects the
// note, and a note with no signature of the expected key is rejected.
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"
#include "ledger/bytes.hpp"

namespace muster::ledger {

inline constexpr size_t kPublicKeySize = 32;
inline constexpr size_t kSeedSize = 32;
inline constexpr size_t kSignatureSize = 64;
inline constexpr uint8_t kSignatureTypeEd25519 = 0x01;

using PublicKey = std::array<uint8_t, kPublicKeySize>;

// Ok when `name` may name a key (see above).
Status CheckKeyName(std::string_view name);
uint32_t KeyId(std::string_view name, const PublicKey& public_key);

// The public half: checks signatures. A plain value, safe to copy and share.
struct VerifierKey {
  std::string name;
  uint32_t id = 0;
  PublicKey public_key{};

  std::string Encode() const;
  static Result<VerifierKey> Parse(std::string_view text);  // checks the key ID matches
};

// The private half. Copies hold the secret too; the memory is wiped on destruction.
class SignerKey {
 public:
  // A fresh random key (libsodium's CSPRNG).
  static Result<SignerKey> Generate(std::string_view name);
  static Result<SignerKey> FromSeed(std::string_view name, ByteView seed);
  static Result<SignerKey> Parse(std::string_view text);

  SignerKey(const SignerKey&) = default;
  SignerKey& operator=(const SignerKey&) = default;
  ~SignerKey();

  const std::string& name() const { return name_; }
  VerifierKey Verifier() const;
  std::string Encode() const;
  // Ed25519 signature of `message` (deterministic: the same key and message give the same bytes).
  std::array<uint8_t, kSignatureSize> Sign(std::string_view message) const;

 private:
  SignerKey() = default;
  std::string name_;
  std::array<uint8_t, 64> secret_{};  // libsodium's seed || public key
};

// Key files. The signer key file is created with mode 0600 and never overwritten (AlreadyExists);
// reading one that group or others may read fails (FailedPrecondition). The verifier key file is
// created with mode 0644. Errors name the path.
Status WriteSignerKeyFile(const std::string& path, const SignerKey& key);
Result<SignerKey> ReadSignerKeyFile(const std::string& path);
Status WriteVerifierKeyFile(const std::string& path, const VerifierKey& key);
Result<VerifierKey> ReadVerifierKeyFile(const std::string& path);
// What the key files above are written and read with, for other keys: `data` written with
// `mode` and fsynced (with `exclusive`, AlreadyExists rather than overwrite); the text read
// without trailing white space, FailedPrecondition when `private_file` and others may read it.
Status WriteFileExclusive(const std::string& path, std::string_view data, mode_t mode, bool exclusive);
Result<std::string> ReadKeyText(const std::string& path, bool private_file);

// Signs `text`, which must be a valid note text (non-empty, ends in "\n", UTF-8, no control
// characters but newline, no blank line at the end), and returns the signed note.
Result<std::string> SignNote(std::string_view text, const SignerKey& key);
// The text of `note` once a signature by `key` verifies. Corruption when the note is malformed
// or not signed by `key`, with a message saying which.
Result<std::string> OpenNote(std::string_view note, const VerifierKey& key);

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
  std::vector<std::string> extensions;

  // The note text, in the format above.
  std::string Body() const;
  // Corruption naming the first bad line.
  static Result<Checkpoint> ParseBody(std::string_view text);
};

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const SignerKey& key);
// OpenNote, then ParseBody.
Result<Checkpoint> VerifyCheckpoint(std::string_view note, const VerifierKey& key);

}  // namespace muster::ledger

#include "ledger/checkpoint.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "core/text.hpp"

namespace muster::ledger {
namespace {

constexpr std::string_view kEmDashSpace = "\xE2\x80\x94 ";
constexpr std::string_view kPrivateKeyPrefix = "PRIVATE+KEY+";
constexpr size_t kMaxSignatureLines = 100;

std::string KeyIdHex(uint32_t id) { return fmt::format("{:08x}", id); }

Result<uint32_t> ParseKeyIdHex(std::string_view hex) {
  if (hex.size() != 8) return Status::InvalidArgument("key ID is not 8 hex digits");
  MUSTER_ASSIGN_OR_RETURN(Bytes bytes, HexDecode(hex));
  return uint32_t{bytes[0]} << 24 | uint32_t{bytes[1]} << 16 | uint32_t{bytes[2]} << 8 | uint32_t{bytes[3]};
}

// Splits "<name>+<id hex>+<base64>" (the base64 may itself hold '+'); checks the name, the ID
// and the 0x01 type byte; returns the 32 key bytes that follow the type byte.
struct KeyParts {
  std::string name;
  uint32_t id = 0;
  std::array<uint8_t, 32> key{};
};

Result<KeyParts> ParseKeyParts(std::string_view text, std::string_view what) {
  size_t plus1 = text.find('+');
  size_t plus2 = plus1 == std::string_view::npos ? plus1 : text.find('+', plus1 + 1);
  if (plus2 == std::string_view::npos) {
    return Status::InvalidArgument(fmt::format("{} is not <name>+<key ID>+<base64 key>", what));
  }
  KeyParts parts;
  parts.name = std::string(text.substr(0, plus1));
  if (Status st = CheckKeyName(parts.name); !st.ok()) return st.WithContext(what);
  auto id = ParseKeyIdHex(text.substr(plus1 + 1, plus2 - plus1 - 1));
  if (!id.ok()) return id.status().WithContext(what);
  parts.id = *id;
  auto key = Base64Decode(text.substr(plus2 + 1));
  if (!key.ok() || key->size() != 33 || (*key)[0] != kSignatureTypeEd25519) {
    return Status::InvalidArgument(fmt::format("{}: key is not base64 of 0x01 and 32 Ed25519 key bytes", what));
  }
  std::copy(key->begin() + 1, key->end(), parts.key.begin());
  return parts;
}

// UTF-8 with no control character other than newline (c2sp.org/signed-note).
Status CheckNoteCharacters(std::string_view text) {
  if (!IsValidUtf8(text)) return Status::Corruption("note is not valid UTF-8");
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n') return Status::Corruption("note holds a control character");
  }
  return Status::Ok();
}

}  // namespace

Status WriteFileExclusive(const std::string& path, std::string_view data, mode_t mode, bool exclusive) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL : O_TRUNC);
  int fd = ::open(path.c_str(), flags, mode);
  if (fd < 0) {
    if (errno == EEXIST) return Status::AlreadyExists(fmt::format("{}: key file exists; not overwriting it", path));
    return Status::IoError(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  Status st;
  if (::fchmod(fd, mode) != 0) st = Status::IoError(fmt::format("{}: chmod: {}", path, std::strerror(errno)));
  size_t done = 0;
  while (st.ok() && done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      st = Status::IoError(fmt::format("{}: write: {}", path, std::strerror(errno)));
      break;
    }
    done += static_cast<size_t>(n);
  }
  if (st.ok() && ::fsync(fd) != 0) st = Status::IoError(fmt::format("{}: fsync: {}", path, std::strerror(errno)));
  if (::close(fd) != 0 && st.ok()) st = Status::IoError(fmt::format("{}: close: {}", path, std::strerror(errno)));
  return st;
}

// The file's text without trailing white space; `private_file` refuses group/other access.
Result<std::string> ReadKeyText(const std::string& path, bool private_file) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(fmt::format("{}: no such key file", path));
    return Status::IoError(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    ::close(fd);
    return Status::IoError(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  if (private_file && (info.st_mode & 077) != 0) {
    ::close(fd);
    return Status::FailedPrecondition(fmt::format(
        "{}: private key file may be read by others (mode {:04o}); run chmod 600 on it", path, info.st_mode & 07777));
  }
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return Status::IoError(fmt::format("{}: read: {}", path, std::strerror(errno)));
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > 64 * 1024) {
      ::close(fd);
      return Status::InvalidArgument(fmt::format("{}: too large for a key file", path));
    }
  }
  ::close(fd);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  return text;
}

Status CheckKeyName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("key name is empty");
  for (char c : name) {
    if (c <= 0x20 || c >= 0x7f || c == '+') {
      return Status::InvalidArgument(
          fmt::format("key name \"{}\" must be printable ASCII without spaces or '+'", name));
    }
  }
  return Status::Ok();
}

uint32_t KeyId(std::string_view name, const PublicKey& public_key) {
  std::string input(name);
  input.push_back('\n');
  input.push_back(static_cast<char>(kSignatureTypeEd25519));
  input.append(reinterpret_cast<const char*>(public_key.data()), public_key.size());
  Hash h = Sha256(input);
  return uint32_t{h[0]} << 24 | uint32_t{h[1]} << 16 | uint32_t{h[2]} << 8 | uint32_t{h[3]};
}

std::string VerifierKey::Encode() const {
  Bytes key(1, kSignatureTypeEd25519);
  key.insert(key.end(), public_key.begin(), public_key.end());
  return fmt::format("{}+{}+{}", name, KeyIdHex(id), Base64Encode(key));
}

Result<VerifierKey> VerifierKey::Parse(std::string_view text) {
  MUSTER_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyParts(text, "verifier key"));
  VerifierKey key{parts.name, parts.id, parts.key};
  if (KeyId(key.name, key.public_key) != key.id) {
    return Status::InvalidArgument("verifier key: key ID does not match the name and public key");
  }
  return key;
}

SignerKey::~SignerKey() { sodium_memzero(secret_.data(), secret_.size()); }

Result<SignerKey> SignerKey::Generate(std::string_view name) {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  std::array<uint8_t, kSeedSize> seed;
  randombytes_buf(seed.data(), seed.size());
  auto key = FromSeed(name, seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

Result<SignerKey> SignerKey::FromSeed(std::string_view name, ByteView seed) {
  MUSTER_RETURN_IF_ERROR(CheckKeyName(name));
  if (seed.size() != kSeedSize) return Status::InvalidArgument("Ed25519 seed is not 32 bytes");
  SignerKey key;
  key.name_ = std::string(name);
  PublicKey public_key;
  crypto_sign_seed_keypair(public_key.data(), key.secret_.data(), seed.data());
  return key;
}

Result<SignerKey> SignerKey::Parse(std::string_view text) {
  if (!text.starts_with(kPrivateKeyPrefix))
    return Status::InvalidArgument("signer key does not start with PRIVATE+KEY+");
  MUSTER_ASSIGN_OR_RETURN(KeyParts parts, ParseKeyParts(text.substr(kPrivateKeyPrefix.size()), "signer key"));
  auto key = FromSeed(parts.name, parts.key);
  sodium_memzero(parts.key.data(), parts.key.size());
  if (!key.ok()) return key.status();
  if (key->Verifier().id != parts.id) return Status::InvalidArgument("signer key: key ID does not match the key");
  return key;
}

VerifierKey SignerKey::Verifier() const {
  VerifierKey v;
  v.name = name_;
  std::copy(secret_.begin() + kSeedSize, secret_.end(), v.public_key.begin());
  v.id = KeyId(v.name, v.public_key);
  return v;
}

std::string SignerKey::Encode() const {
  Bytes key(1, kSignatureTypeEd25519);
  key.insert(key.end(), secret_.begin(), secret_.begin() + kSeedSize);
  std::string out = fmt::format("{}{}+{}+{}", kPrivateKeyPrefix, name_, KeyIdHex(Verifier().id), Base64Encode(key));
  sodium_memzero(key.data(), key.size());
  return out;
}

std::array<uint8_t, kSignatureSize> SignerKey::Sign(std::string_view message) const {
  std::array<uint8_t, kSignatureSize> sig;
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_.data());
  return sig;
}

Status WriteSignerKeyFile(const std::string& path, const SignerKey& key) {
  std::string text = key.Encode() + "\n";
  Status st = WriteFileExclusive(path, text, 0600, /*exclusive=*/true);
  sodium_memzero(text.data(), text.size());
  return st;
}

Result<SignerKey> ReadSignerKeyFile(const std::string& path) {
  MUSTER_ASSIGN_OR_RETURN(std::string text, ReadKeyText(path, /*private_file=*/true));
  auto key = SignerKey::Parse(text);
  sodium_memzero(text.data(), text.size());
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

Status WriteVerifierKeyFile(const std::string& path, const VerifierKey& key) {
  return WriteFileExclusive(path, key.Encode() + "\n", 0644, /*exclusive=*/false);
}

Result<VerifierKey> ReadVerifierKeyFile(const std::string& path) {
  MUSTER_ASSIGN_OR_RETURN(std::string text, ReadKeyText(path, /*private_file=*/false));
  auto key = VerifierKey::Parse(text);
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

Result<std::string> SignNote(std::string_view text, const SignerKey& key) {
  if (text.empty() || text.back() != '\n') return Status::InvalidArgument("note text must end with a newline");
  if (Status st = CheckNoteCharacters(text); !st.ok()) return Status::InvalidArgument(st.message());
  auto sig = key.Sign(text);
  Bytes blob(4 + kSignatureSize);
  uint32_t id = key.Verifier().id;
  for (int i = 0; i < 4; ++i) blob[static_cast<size_t>(i)] = static_cast<uint8_t>(id >> (24 - 8 * i));
  std::copy(sig.begin(), sig.end(), blob.begin() + 4);
  return fmt::format("{}\n{}{} {}\n", text, kEmDashSpace, key.name(), Base64Encode(blob));
}

Result<std::string> OpenNote(std::string_view note, const VerifierKey& key) {
  MUSTER_RETURN_IF_ERROR(CheckNoteCharacters(note));
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) return Status::Corruption("note has no blank line before its signatures");
  std::string_view text = note.substr(0, split + 1);
  std::string_view signatures = note.substr(split + 2);
  if (signatures.empty() || signatures.back() != '\n') {
    return Status::Corruption("note's signature block is empty or does not end with a newline");
  }
  size_t lines = 0;
  bool verified = false;
  while (!signatures.empty()) {
    size_t eol = signatures.find('\n');
    std::string_view line = signatures.substr(0, eol);
    signatures.remove_prefix(eol + 1);
    if (++lines > kMaxSignatureLines) return Status::Corruption("note has too many signatures");
    if (!line.starts_with(kEmDashSpace)) return Status::Corruption("note has a malformed signature line");
    line.remove_prefix(kEmDashSpace.size());
    size_t space = line.find(' ');
    if (space == std::string_view::npos || space == 0) return Status::Corruption("note has a malformed signature line");
    std::string_view name = line.substr(0, space);
    if (name.find('+') != std::string_view::npos) return Status::Corruption("note has a malformed signature line");
    auto blob = Base64Decode(line.substr(space + 1));
    if (!blob.ok() || blob->size() < 5) return Status::Corruption("note has a malformed signature line");
    uint32_t id = uint32_t{(*blob)[0]} << 24 | uint32_t{(*blob)[1]} << 16 | uint32_t{(*blob)[2]} << 8 | (*blob)[3];
    if (name != key.name || id != key.id) continue;  // another key's signature: ignored
    if (blob->size() != 4 + kSignatureSize ||
        crypto_sign_verify_detached(blob->data() + 4, reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                                    key.public_key.data()) != 0) {
      return Status::Corruption(fmt::format("signature by key {} does not verify", key.name));
    }
    verified = true;
  }
  if (!verified)
    return Status::Corruption(fmt::format("note has no signature by key {}+{}", key.name, KeyIdHex(key.id)));
  return std::string(text);
}

std::string Checkpoint::Body() const {
  std::string out = fmt::format("{}\n{}\n{}\n", origin, size, Base64Encode(root));
  for (const auto& line : extensions) {
    out += line;
    out += '\n';
  }
  return out;
}

Result<Checkpoint> Checkpoint::ParseBody(std::string_view text) {
  if (text.empty() || text.back() != '\n') return Status::Corruption("checkpoint does not end with a newline");
  std::vector<std::string_view> lines;
  for (std::string_view rest = text; !rest.empty();) {
    size_t eol = rest.find('\n');
    lines.push_back(rest.substr(0, eol));
    rest.remove_prefix(eol + 1);
  }
  if (lines.size() < 3) return Status::Corruption("checkpoint has fewer than three lines");
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) return Status::Corruption(fmt::format("checkpoint line {} is empty", i + 1));
  }
  Checkpoint cp;
  cp.origin = std::string(lines[0]);
  std::string_view size = lines[1];
  auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), cp.size);
  if (ec != std::errc() || end != size.data() + size.size() || (size.size() > 1 && size[0] == '0')) {
    return Status::Corruption("checkpoint line 2 (tree size) is not a decimal number without leading zeros");
  }
  auto root = Base64Decode(lines[2]);
  if (!root.ok() || root->size() != kHashSize || Base64Encode(*root) != lines[2]) {
    return Status::Corruption("checkpoint line 3 (root hash) is not base64 of 32 bytes");
  }
  std::copy(root->begin(), root->end(), cp.root.begin());
  for (size_t i = 3; i < lines.size(); ++i) cp.extensions.emplace_back(lines[i]);
  return cp;
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const SignerKey& key) {
  if (checkpoint.origin.empty() || checkpoint.origin.find('\n') != std::string::npos) {
    return Status::InvalidArgument("checkpoint origin must be one non-empty line");
  }
  for (const auto& line : checkpoint.extensions) {
    if (line.empty() || line.find('\n') != std::string::npos) {
      return Status::InvalidArgument("checkpoint extension lines must be non-empty single lines");
    }
  }
  return SignNote(checkpoint.Body(), key);
}

Result<Checkpoint> VerifyCheckpoint(std::string_view note, const VerifierKey& key) {
  MUSTER_ASSIGN_OR_RETURN(std::string text, OpenNote(note, key));
  return Checkpoint::ParseBody(text);
}

}  // namespace muster::ledger

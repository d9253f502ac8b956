#include "ledger/leaf.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/time.hpp"
#include "ledger/canonical_json.hpp"

namespace muster::ledger {
namespace {

using nlohmann::json;

constexpr std::string_view kKeyPrefix = "MUSTER-PSEUDONYM-KEY+";
constexpr std::array<std::string_view, 4> kFreeTextKeys = {"reason", "justification", "text", "basis"};

std::string HmacHex(const std::array<uint8_t, kPseudonymKeySize>& secret, std::string_view prefix,
                    std::string_view message) {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, secret.data(), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const uint8_t*>(prefix.data()), prefix.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const uint8_t*>(message.data()), message.size());
  Hash mac;
  crypto_auth_hmacsha256_final(&state, mac.data());
  return HexEncode(mac);
}

bool IsFreeText(std::string_view key) {
  return std::find(kFreeTextKeys.begin(), kFreeTextKeys.end(), key) != kFreeTextKeys.end();
}

void CollectNationalIds(const json& value, std::vector<std::string>& ids) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) {
      if (it.key() == "national_id" && it->is_string()) ids.push_back(it->get<std::string>());
      CollectNationalIds(*it, ids);
    }
  } else if (value.is_array()) {
    for (const json& item : value) CollectNationalIds(item, ids);
  }
}

class Scrubber {
 public:
  Scrubber(const PseudonymKey& key, std::vector<std::string> ids) : key_(key), ids_(std::move(ids)) {}

  bool IsNationalId(std::string_view s) const { return std::find(ids_.begin(), ids_.end(), s) != ids_.end(); }

  std::string Scrub(const std::string& s) const { return IsNationalId(s) ? key_.Pseudonym(s) : s; }

  json Scrub(const json& value) const {
    if (value.is_string()) return Scrub(value.get_ref<const std::string&>());
    if (value.is_array()) {
      json out = json::array();
      for (const json& item : value) out.push_back(Scrub(item));
      return out;
    }
    if (!value.is_object()) return value;
    json out = json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string& k = it.key();
      if (it->is_string() && k == "national_id") {
        out["person"] = key_.Pseudonym(it->get_ref<const std::string&>());
      } else if (it->is_string() && IsFreeText(k)) {
        out[k + "_hmac"] = key_.TextDigest(it->get_ref<const std::string&>());
      } else {
        out[k] = Scrub(*it);
      }
    }
    return out;
  }

 private:
  const PseudonymKey& key_;
  std::vector<std::string> ids_;
};

Status WritePrivateFile(const std::string& path, std::string_view data) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::AlreadyExists(fmt::format("{}: key file exists; not overwriting it", path));
    return Status::IoError(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  Status st;
  if (::fchmod(fd, 0600) != 0) st = Status::IoError(fmt::format("{}: chmod: {}", path, std::strerror(errno)));
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

Result<std::string> ReadPrivateFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(fmt::format("{}: no such key file", path));
    return Status::IoError(fmt::format("{}: {}", path, std::strerror(errno)));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || (info.st_mode & 077) != 0) {
    ::close(fd);
    return Status::FailedPrecondition(fmt::format(
        "{}: private key file may be read by others (mode {:04o}); run chmod 600 on it", path, info.st_mode & 07777));
  }
  std::string text(256, '\0');
  ssize_t n;
  do {
    n = ::read(fd, text.data(), text.size());
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  if (n < 0) return Status::IoError(fmt::format("{}: read: {}", path, std::strerror(errno)));
  text.resize(static_cast<size_t>(n));
  return text;
}

}  // namespace

PseudonymKey::~PseudonymKey() { sodium_memzero(secret_.data(), secret_.size()); }

Result<PseudonymKey> PseudonymKey::Generate() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  PseudonymKey key;
  randombytes_buf(key.secret_.data(), key.secret_.size());
  return key;
}

Result<PseudonymKey> PseudonymKey::FromBytes(ByteView secret) {
  if (secret.size() != kPseudonymKeySize) {
    return Status::InvalidArgument(fmt::format("pseudonym key is {} bytes, not {}", secret.size(), kPseudonymKeySize));
  }
  PseudonymKey key;
  std::copy(secret.begin(), secret.end(), key.secret_.begin());
  return key;
}

Result<PseudonymKey> PseudonymKey::Parse(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
  if (!text.starts_with(kKeyPrefix)) {
    return Status::InvalidArgument(fmt::format("pseudonym key does not start with {}", kKeyPrefix));
  }
  auto bytes = HexDecode(text.substr(kKeyPrefix.size()));
  if (!bytes.ok()) return bytes.status().WithContext("pseudonym key");
  auto key = FromBytes(*bytes);
  sodium_memzero(bytes->data(), bytes->size());
  return key;
}

std::string PseudonymKey::Encode() const { return std::string(kKeyPrefix) + HexEncode(secret_); }

std::string PseudonymKey::Pseudonym(std::string_view national_id) const { return HmacHex(secret_, "", national_id); }

std::string PseudonymKey::TextDigest(std::string_view text) const { return HmacHex(secret_, "text:", text); }

Status WritePseudonymKeyFile(const std::string& path, const PseudonymKey& key) {
  std::string text = key.Encode() + "\n";
  Status st = WritePrivateFile(path, text);
  sodium_memzero(text.data(), text.size());
  return st;
}

Result<PseudonymKey> ReadPseudonymKeyFile(const std::string& path) {
  MUSTER_ASSIGN_OR_RETURN(std::string text, ReadPrivateFile(path));
  auto key = PseudonymKey::Parse(text);
  sodium_memzero(text.data(), text.size());
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

Result<std::string> EncodeLeaf(const Event& event, const PseudonymKey& key) {
  json payload = json::parse(event.payload, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object()) {
    return Status::InvalidArgument(fmt::format("event {}: payload is not a JSON object", event.seq));
  }
  std::string_view actor = event.actor;
  size_t colon = actor.find(':');
  std::string role = colon == std::string_view::npos ? std::string() : std::string(actor.substr(0, colon));
  std::string id(colon == std::string_view::npos ? actor : actor.substr(colon + 1));

  std::vector<std::string> ids;
  CollectNationalIds(payload, ids);
  if (role == "citizen") ids.push_back(id);
  Scrubber scrub(key, std::move(ids));
  id = scrub.Scrub(id);

  // The summons document's hash moves to the top, where receipts look for it.
  json summons_sha256;
  if (auto it = payload.find("summons_sha256"); it != payload.end()) {
    summons_sha256 = std::move(*it);
    payload.erase(it);
  }
  json leaf = {{"actor", {{"id", std::move(id)}, {"role", std::move(role)}}},
               {"payload", scrub.Scrub(payload)},
               {"seq", event.seq},
               {"subject", scrub.Scrub(event.subject)},
               {"time", FormatTimestamp(event.at)},
               {"type", event.type}};
  if (!summons_sha256.is_null()) leaf["summons_sha256"] = std::move(summons_sha256);
  auto text = CanonicalJson(leaf);
  if (!text.ok()) return text.status().WithContext(fmt::format("event {}", event.seq));
  return text;
}

}  // namespace muster::ledger

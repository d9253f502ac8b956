#include "ledger/leaf.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "core/text.hpp"
#include "core/time.hpp"
#include "ledger/canonical_json.hpp"

namespace muster::ledger {
namespace {

using nlohmann::json;

constexpr std::string_view kKeyPrefix = "MUSTER-PSEUDONYM-KEY+";
// Payload members whose string values stay in clear: identifiers, codes, states and times that
// the services write (leaf.hpp). Sorted, for binary search.
constexpr std::array<std::string_view, 22> kClearKeys = {
    "appeal_id",   "appear_at",  "appeared_at",  "approved_by",    "campaign_id",    "correction_id",
    "deadline",    "decision",   "deferment_id", "delivered_at",   "effective_at",   "field",
    "kind",        "number",     "office",       "override_id",    "restriction_id", "state",
    "summons",     "summons_sha256", "until",    "viewed_at",
};
static_assert(std::is_sorted(kClearKeys.begin(), kClearKeys.end()));

// Every other string member is digested: free text (reason, justification, text, basis, ...) and
// anything an event may carry in future, so personal data never reaches a leaf in clear by
// default. A new key that must stay readable in the ledger is added to kClearKeys on purpose.
bool IsDigested(std::string_view key) {
  return !std::binary_search(kClearKeys.begin(), kClearKeys.end(), key);
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
      } else if (it->is_string() && IsDigested(k)) {
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

PseudonymKey::~PseudonymKey() {
  sodium_memzero(secret_.data(), secret_.size());
  sodium_memzero(&hmac_, sizeof hmac_);
}

void PseudonymKey::Init() {
  static std::atomic<uint64_t> generations{0};
  crypto_auth_hmacsha256_init(&hmac_, secret_.data(), secret_.size());
  generation_ = ++generations;
}

std::string PseudonymKey::Hmac(std::string_view prefix, std::string_view message) const {
  crypto_auth_hmacsha256_state state = hmac_;
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const uint8_t*>(prefix.data()), prefix.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const uint8_t*>(message.data()), message.size());
  Hash mac;
  crypto_auth_hmacsha256_final(&state, mac.data());
  sodium_memzero(&state, sizeof state);
  return HexEncode(mac);
}

Result<PseudonymKey> PseudonymKey::Generate() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  PseudonymKey key;
  randombytes_buf(key.secret_.data(), key.secret_.size());
  key.Init();
  return key;
}

Result<PseudonymKey> PseudonymKey::FromBytes(ByteView secret) {
  if (secret.size() != kPseudonymKeySize) {
    return Status::InvalidArgument(fmt::format("pseudonym key is {} bytes, not {}", secret.size(), kPseudonymKeySize));
  }
  PseudonymKey key;
  std::copy(secret.begin(), secret.end(), key.secret_.begin());
  key.Init();
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

std::string PseudonymKey::Pseudonym(std::string_view national_id) const {
  // Events come in runs about one person (a summons issued and delivered, a no-show and its
  // restriction), so each thread remembers the last pseudonym it computed, and for which key.
  thread_local uint64_t last_generation = 0;
  thread_local std::string last_id, last_pseudonym;
  if (last_generation == generation_ && last_id == national_id) return last_pseudonym;
  std::string pseudonym = Hmac("", national_id);
  last_generation = generation_;
  last_id.assign(national_id);
  last_pseudonym = pseudonym;
  return pseudonym;
}

std::string PseudonymKey::TextDigest(std::string_view text) const { return Hmac("text:", text); }

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

Result<std::string> EncodeLeafReference(const Event& event, const PseudonymKey& key) {
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


namespace {

// ---- The fast path: payloads as EmitEvent writes them (nlohmann's dump, which is canonical) ----
//
// A small parser over the payload's text that accepts only canonical JSON without escapes in
// strings and without floating-point numbers, and writes the leaf directly. Anything else, and
// any case it does not handle exactly as EncodeLeafReference does, returns false and the
// reference path runs instead; leaf_test.cpp checks that both give the same bytes.

struct Member;

struct Node {
  enum class Kind { kString, kScalar, kObject, kArray } kind = Kind::kScalar;
  std::string_view text;  // a string's content (no escapes) or a scalar's token
  std::vector<Member> members;
  std::vector<Node> items;
};

// An object's member; a struct rather than std::pair, which may not hold the incomplete Node.
struct Member {
  std::string_view first;  // the key
  Node second;
};

class FastParser {
 public:
  explicit FastParser(std::string_view text) : text_(text) {}

  bool ParseDocument(Node& node) { return Parse(node, 0) && pos_ == text_.size(); }

 private:
  bool Parse(Node& node, int depth) {
    if (depth > 32 || pos_ >= text_.size()) return false;
    char c = text_[pos_];
    if (c == '"') {
      node.kind = Node::Kind::kString;
      return ParseString(node.text);
    }
    if (c == '{') {
      node.kind = Node::Kind::kObject;
      ++pos_;
      if (Peek('}')) return true;
      std::string_view previous;
      while (true) {
        std::string_view key;
        if (!ParseString(key) || !Expect(':')) return false;
        if (!node.members.empty() && key <= previous) return false;  // not sorted: not canonical
        previous = key;
        node.members.push_back({key, Node{}});
        if (!Parse(node.members.back().second, depth + 1)) return false;
        if (Peek('}')) return true;
        if (!Expect(',')) return false;
      }
    }
    if (c == '[') {
      node.kind = Node::Kind::kArray;
      ++pos_;
      if (Peek(']')) return true;
      while (true) {
        node.items.emplace_back();
        if (!Parse(node.items.back(), depth + 1)) return false;
        if (Peek(']')) return true;
        if (!Expect(',')) return false;
      }
    }
    node.kind = Node::Kind::kScalar;
    size_t start = pos_;
    for (std::string_view word : {"true", "false", "null"}) {
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        node.text = text_.substr(start, word.size());
        return true;
      }
    }
    if (text_[pos_] == '-') ++pos_;
    size_t digits = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    // At most 18 digits: always an int64 that the reference path writes back unchanged.
    if (pos_ == digits || pos_ - digits > 18 || (text_[digits] == '0' && pos_ - digits > 1)) return false;
    if (text_[start] == '-' && pos_ - digits == 1 && text_[digits] == '0') return false;  // "-0"
    node.text = text_.substr(start, pos_ - start);
    return true;
  }

  bool ParseString(std::string_view& out) {
    if (pos_ >= text_.size() || text_[pos_] != '"') return false;
    size_t start = ++pos_;
    while (pos_ < text_.size() && text_[pos_] != '"') {
      unsigned char c = static_cast<unsigned char>(text_[pos_]);
      if (c == '\\' || c < 0x20) return false;
      ++pos_;
    }
    if (pos_ >= text_.size()) return false;
    out = text_.substr(start, pos_ - start);
    ++pos_;
    return true;
  }

  bool Peek(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool Expect(char c) { return Peek(c); }

  std::string_view text_;
  size_t pos_ = 0;
};

void AppendString(std::string& out, std::string_view s) { AppendCanonicalString(out, s); }

class FastWriter {
 public:
  FastWriter(const PseudonymKey& key, std::vector<std::string_view> ids) : key_(key), ids_(std::move(ids)) {}

  bool IsNationalId(std::string_view s) const { return std::find(ids_.begin(), ids_.end(), s) != ids_.end(); }

  void AppendScrubbedString(std::string& out, std::string_view s) const {
    if (IsNationalId(s)) {
      out += '"';
      out += key_.Pseudonym(s);
      out += '"';
    } else {
      AppendString(out, s);
    }
  }

  // False when the reference path would do something this one does not (a key collision).
  bool Write(std::string& out, const Node& node) const {
    switch (node.kind) {
      case Node::Kind::kString:
        AppendScrubbedString(out, node.text);
        return true;
      case Node::Kind::kScalar:
        out += node.text;
        return true;
      case Node::Kind::kArray:
        out += '[';
        for (size_t i = 0; i < node.items.size(); ++i) {
          if (i > 0) out += ',';
          if (!Write(out, node.items[i])) return false;
        }
        out += ']';
        return true;
      case Node::Kind::kObject:
        return WriteObject(out, node, nullptr);
    }
    return false;
  }

  // Writes `node`'s members with the renames; skips `skip` (a member moved elsewhere).
  bool WriteObject(std::string& out, const Node& node, const Node* skip) const {
    struct Out {
      std::string key;
      const Node* value;
      std::string replaced;  // the value's text when renamed
    };
    std::vector<Out> members;
    members.reserve(node.members.size());
    for (const auto& [k, v] : node.members) {
      if (&v == skip) continue;
      if (v.kind == Node::Kind::kString && k == "national_id") {
        members.push_back({"person", nullptr, key_.Pseudonym(v.text)});
      } else if (v.kind == Node::Kind::kString && IsDigested(k)) {
        members.push_back({std::string(k) + "_hmac", nullptr, key_.TextDigest(v.text)});
      } else {
        members.push_back({std::string(k), &v, {}});
      }
    }
    std::sort(members.begin(), members.end(), [](const Out& a, const Out& b) { return a.key < b.key; });
    out += '{';
    for (size_t i = 0; i < members.size(); ++i) {
      if (i > 0) {
        if (members[i].key == members[i - 1].key) return false;
        out += ',';
      }
      AppendString(out, members[i].key);
      out += ':';
      if (members[i].value == nullptr) {
        out += '"';
        out += members[i].replaced;
        out += '"';
      } else if (!Write(out, *members[i].value)) {
        return false;
      }
    }
    out += '}';
    return true;
  }

 private:
  const PseudonymKey& key_;
  std::vector<std::string_view> ids_;
};

void CollectNationalIds(const Node& node, std::vector<std::string_view>& ids) {
  for (const auto& [k, v] : node.members) {
    if (k == "national_id" && v.kind == Node::Kind::kString) ids.push_back(v.text);
    CollectNationalIds(v, ids);
  }
  for (const Node& item : node.items) CollectNationalIds(item, ids);
}

std::optional<std::string> EncodeLeafFast(const Event& event, const PseudonymKey& key) {
  if (!IsValidUtf8(event.payload) || !IsValidUtf8(event.actor) || !IsValidUtf8(event.subject) ||
      !IsValidUtf8(event.type)) {
    return std::nullopt;
  }
  Node payload;
  FastParser parser(event.payload);
  if (!parser.ParseDocument(payload) || payload.kind != Node::Kind::kObject) return std::nullopt;

  std::string_view actor = event.actor;
  size_t colon = actor.find(':');
  std::string_view role = colon == std::string_view::npos ? std::string_view() : actor.substr(0, colon);
  std::string_view id = colon == std::string_view::npos ? actor : actor.substr(colon + 1);

  std::vector<std::string_view> ids;
  CollectNationalIds(payload, ids);
  if (role == "citizen") ids.push_back(id);
  FastWriter writer(key, std::move(ids));

  const Node* summons_sha256 = nullptr;
  for (const auto& [k, v] : payload.members) {
    if (k == "summons_sha256") summons_sha256 = &v;
  }

  std::string out;
  out.reserve(event.payload.size() + 256);
  out += "{\"actor\":{\"id\":";
  writer.AppendScrubbedString(out, id);
  out += ",\"role\":";
  AppendString(out, role);
  out += "},\"payload\":";
  if (!writer.WriteObject(out, payload, summons_sha256)) return std::nullopt;
  out += ",\"seq\":";
  out += std::to_string(event.seq);
  out += ",\"subject\":";
  writer.AppendScrubbedString(out, event.subject);
  if (summons_sha256 != nullptr) {
    out += ",\"summons_sha256\":";
    // Moved as it is, unscrubbed, as the reference path does.
    if (summons_sha256->kind != Node::Kind::kString) return std::nullopt;
    AppendString(out, summons_sha256->text);
  }
  out += ",\"time\":\"";  // a timestamp has nothing to escape
  AppendTimestamp(out, event.at);
  out += '"';
  out += ",\"type\":";
  AppendString(out, event.type);
  out += '}';
  return out;
}

}  // namespace

Result<std::string> EncodeLeaf(const Event& event, const PseudonymKey& key) {
  if (std::optional<std::string> leaf = EncodeLeafFast(event, key)) return std::move(*leaf);
  return EncodeLeafReference(event, key);
}

}  // namespace muster::ledger

// Ledger leaves in the formats of leaf.hpp (its opening comment is the grammar). What stays clear
// is decided here: kClearKeys for both formats; for format 2 also kClearKindTypes (a `kind` is
// clear only in summons, restriction and override events), a digested `field` and digested lists
// (IsDigested), and the pseudonym scope (LeafScope). Two encoders give the same bytes: the
// reference (an nlohmann tree) and a fast path over canonical payloads.
#include "ledger/leaf.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>
#include <initializer_list>
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
constexpr std::array<std::string_view, 26> kClearKeys = {
    "appeal_id", "appear_at",      "appeared_at",  "approved_by",  "campaign_id",    "channel", "correction_id",
    "deadline",  "decision",       "deferment_id", "delivered_at", "effective_at",   "field",   "kind",
    "last_step", "number",         "office",       "override_id",  "restriction_id", "state",   "step",
    "summons",   "summons_sha256", "template",     "until",        "viewed_at",
};
static_assert(std::is_sorted(kClearKeys.begin(), kClearKeys.end()));

// Every other string member is digested: free text (reason, justification, text, basis, ...) and
// anything an event may carry in future, so personal data never reaches a leaf in clear by
// default. A new key that must stay readable in the ledger is added to kClearKeys on purpose.
bool IsClearKey(std::string_view key) { return std::binary_search(kClearKeys.begin(), kClearKeys.end(), key); }

// The event types whose `kind` names a code that tells nothing about a person's health, family or
// work, and stays clear in format 2: a summons' kind (conscription, mobilization), a restriction's
// (exit_ban, ...) and the summons kind an override asks for. Elsewhere (a deferment's kind:
// study, health, family, ...; and any type added later) it is digested.
constexpr std::array<std::string_view, 3> kClearKindTypes = {"override.", "restriction.", "summons."};

// Whether member `key` of an event of `type` is digested in `format`. Format 2 also digests a
// `kind` outside kClearKindTypes and a corrected `field` (a corrected surname or sex tells of a
// marriage or a transition).
bool IsDigested(std::string_view key, std::string_view type, LeafFormat format) {
  if (!IsClearKey(key)) return true;
  if (format == LeafFormat::kV1) return false;
  if (key == "field") return true;
  if (key == "kind") {
    return std::none_of(kClearKindTypes.begin(), kClearKindTypes.end(),
                        [&](std::string_view prefix) { return type.starts_with(prefix); });
  }
  return false;
}

// Format 2: the payload members, in this order, that name what a leaf is about when its subject
// is a person (the scope of its pseudonyms and digests: LeafScope).
constexpr std::array<std::string_view, 3> kScopeKeys = {"deferment_id", "override_id", "correction_id"};

// The scope of a format-2 leaf: its subject (a summons number: every event of one summons shares
// it), unless the subject is a person; then the first of kScopeKeys in the payload
// ("deferment_id=3"), or else the event alone ("seq=42").
std::string LeafScope(std::string_view subject, bool subject_is_person, int64_t seq,
                      const std::function<std::optional<std::string>(std::string_view)>& integer_member) {
  if (!subject_is_person) return std::string(subject);
  for (std::string_view key : kScopeKeys) {
    if (std::optional<std::string> value = integer_member(key)) return fmt::format("{}={}", key, *value);
  }
  return fmt::format("seq={}", seq);
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

// How one leaf replaces personal data: the format, the event's type, its pseudonym scope (format
// 2) and the national IDs it names.
class Scrubber {
 public:
  Scrubber(const PseudonymKey& key, LeafFormat format, std::string_view type, std::vector<std::string> ids)
      : key_(key), format_(format), type_(type), ids_(std::move(ids)) {}
  void SetScope(std::string scope) { scope_ = std::move(scope); }

  bool IsNationalId(std::string_view s) const { return std::find(ids_.begin(), ids_.end(), s) != ids_.end(); }
  std::string Pseudonym(std::string_view id) const {
    return format_ == LeafFormat::kV1 ? key_.Pseudonym(id) : key_.Pseudonym(id, scope_);
  }
  std::string Digest(std::string_view text) const {
    return format_ == LeafFormat::kV1 ? key_.TextDigest(text) : key_.TextDigest(text, scope_);
  }

  std::string Scrub(const std::string& s) const { return IsNationalId(s) ? Pseudonym(s) : s; }

  Result<json> Scrub(const json& value) const {
    if (value.is_string()) return json(Scrub(value.get_ref<const std::string&>()));
    if (value.is_array()) {
      json out = json::array();
      for (const json& item : value) {
        MUSTER_ASSIGN_OR_RETURN(json scrubbed, Scrub(item));
        out.push_back(std::move(scrubbed));
      }
      return out;
    }
    if (!value.is_object()) return value;
    json out = json::object();
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string& k = it.key();
      if (it->is_string() && k == "national_id") {
        out["person"] = Pseudonym(it->get_ref<const std::string&>());
      } else if (it->is_string() && IsDigested(k, type_, format_)) {
        out[k + "_hmac"] = Digest(it->get_ref<const std::string&>());
      } else if (format_ != LeafFormat::kV1 && it->is_array() && IsDigested(k, type_, format_)) {
        // A list of codes (an override's reasons: "deferment:health", "fitness") is digested
        // whole, as the text of its canonical JSON.
        MUSTER_ASSIGN_OR_RETURN(std::string text, CanonicalJson(*it));
        out[k + "_hmac"] = Digest(text);
      } else {
        MUSTER_ASSIGN_OR_RETURN(out[k], Scrub(*it));
      }
    }
    return out;
  }

 private:
  const PseudonymKey& key_;
  LeafFormat format_;
  std::string_view type_;
  std::vector<std::string> ids_;
  std::string scope_;
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

std::string PseudonymKey::Hmac(std::initializer_list<std::string_view> parts) const {
  crypto_auth_hmacsha256_state state = hmac_;
  for (std::string_view part : parts) {
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const uint8_t*>(part.data()), part.size());
  }
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
  std::string pseudonym = Hmac({national_id});
  last_generation = generation_;
  last_id.assign(national_id);
  last_pseudonym = pseudonym;
  return pseudonym;
}

std::string PseudonymKey::Pseudonym(std::string_view national_id, std::string_view scope) const {
  // A summons' events come in runs (issued and delivered; a no-show and its restrictions).
  thread_local uint64_t last_generation = 0;
  thread_local std::string last_id, last_scope, last_pseudonym;
  if (last_generation == generation_ && last_id == national_id && last_scope == scope) return last_pseudonym;
  char length[24];
  auto [end, ec] = std::to_chars(length, length + sizeof length, scope.size());
  std::string pseudonym =
      Hmac({"person2:", std::string_view(length, static_cast<size_t>(end - length)), ":", scope, national_id});
  last_generation = generation_;
  last_id.assign(national_id);
  last_scope.assign(scope);
  last_pseudonym = pseudonym;
  return pseudonym;
}

std::string PseudonymKey::TextDigest(std::string_view text) const { return Hmac({"text:", text}); }

std::string PseudonymKey::TextDigest(std::string_view text, std::string_view scope) const {
  char length[24];
  auto [end, ec] = std::to_chars(length, length + sizeof length, scope.size());
  return Hmac({"text2:", std::string_view(length, static_cast<size_t>(end - length)), ":", scope, text});
}

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

Result<std::string> EncodeLeafReference(const Event& event, const PseudonymKey& key, LeafFormat format) {
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
  Scrubber scrub(key, format, event.type, std::move(ids));
  if (format != LeafFormat::kV1) {
    scrub.SetScope(LeafScope(event.subject, scrub.IsNationalId(event.subject), event.seq,
                             [&](std::string_view k) -> std::optional<std::string> {
                               auto it = payload.find(k);
                               if (it == payload.end() || !it->is_number_integer()) return std::nullopt;
                               return it->dump();
                             }));
  }
  id = scrub.Scrub(id);

  // The summons document's hash moves to the top, where receipts look for it.
  json summons_sha256;
  if (auto it = payload.find("summons_sha256"); it != payload.end()) {
    summons_sha256 = std::move(*it);
    payload.erase(it);
  }
  auto scrubbed = scrub.Scrub(payload);
  if (!scrubbed.ok()) return scrubbed.status().WithContext(fmt::format("event {}", event.seq));
  json leaf = {{"actor", {{"id", std::move(id)}, {"role", std::move(role)}}},
               {"payload", std::move(*scrubbed)},
               {"seq", event.seq},
               {"subject", scrub.Scrub(event.subject)},
               {"time", FormatTimestamp(event.at)},
               {"type", event.type}};
  if (format != LeafFormat::kV1) leaf["format"] = static_cast<int>(format);
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
  std::string_view text;  // a string's content (no escapes), a scalar's token or an array's text
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
      // An array keeps its text: canonical here, so it is its canonical JSON (format 2 digests it).
      size_t start = pos_;
      node.kind = Node::Kind::kArray;
      ++pos_;
      if (Peek(']')) {
        node.text = text_.substr(start, pos_ - start);
        return true;
      }
      while (true) {
        node.items.emplace_back();
        if (!Parse(node.items.back(), depth + 1)) return false;
        if (Peek(']')) {
          node.text = text_.substr(start, pos_ - start);
          return true;
        }
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
  FastWriter(const PseudonymKey& key, LeafFormat format, std::string_view type, std::vector<std::string_view> ids)
      : key_(key), format_(format), type_(type), ids_(std::move(ids)) {}
  void SetScope(std::string scope) { scope_ = std::move(scope); }

  bool IsNationalId(std::string_view s) const { return std::find(ids_.begin(), ids_.end(), s) != ids_.end(); }
  std::string Pseudonym(std::string_view id) const {
    return format_ == LeafFormat::kV1 ? key_.Pseudonym(id) : key_.Pseudonym(id, scope_);
  }
  std::string Digest(std::string_view text) const {
    return format_ == LeafFormat::kV1 ? key_.TextDigest(text) : key_.TextDigest(text, scope_);
  }

  void AppendScrubbedString(std::string& out, std::string_view s) const {
    if (IsNationalId(s)) {
      out += '"';
      out += Pseudonym(s);
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
        members.push_back({"person", nullptr, Pseudonym(v.text)});
      } else if (v.kind == Node::Kind::kString && IsDigested(k, type_, format_)) {
        members.push_back({std::string(k) + "_hmac", nullptr, Digest(v.text)});
      } else if (format_ != LeafFormat::kV1 && v.kind == Node::Kind::kArray && IsDigested(k, type_, format_)) {
        members.push_back({std::string(k) + "_hmac", nullptr, Digest(v.text)});
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
  LeafFormat format_;
  std::string_view type_;
  std::vector<std::string_view> ids_;
  std::string scope_;
};

void CollectNationalIds(const Node& node, std::vector<std::string_view>& ids) {
  for (const auto& [k, v] : node.members) {
    if (k == "national_id" && v.kind == Node::Kind::kString) ids.push_back(v.text);
    CollectNationalIds(v, ids);
  }
  for (const Node& item : node.items) CollectNationalIds(item, ids);
}

// An integer token as the fast parser accepts it ("-12", "0").
bool IsIntegerToken(std::string_view t) {
  if (t.starts_with('-')) t.remove_prefix(1);
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::string> EncodeLeafFast(const Event& event, const PseudonymKey& key, LeafFormat format) {
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
  FastWriter writer(key, format, event.type, std::move(ids));
  if (format != LeafFormat::kV1) {
    writer.SetScope(LeafScope(event.subject, writer.IsNationalId(event.subject), event.seq,
                              [&](std::string_view k) -> std::optional<std::string> {
                                for (const auto& [name, v] : payload.members) {
                                  if (name == k && v.kind == Node::Kind::kScalar && IsIntegerToken(v.text)) {
                                    return std::string(v.text);
                                  }
                                }
                                return std::nullopt;
                              }));
  }

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
  out += '}';
  if (format != LeafFormat::kV1) {
    out += ",\"format\":";
    out += std::to_string(static_cast<int>(format));
  }
  out += ",\"payload\":";
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

Result<std::string> EncodeLeaf(const Event& event, const PseudonymKey& key, LeafFormat format) {
  if (std::optional<std::string> leaf = EncodeLeafFast(event, key, format)) return std::move(*leaf);
  return EncodeLeafReference(event, key, format);
}

}  // namespace muster::ledger

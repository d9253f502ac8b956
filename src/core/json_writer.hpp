// An appending JSON writer for hot responses (STYLE: "a small appending writer builds hot
// responses"): writes straight into a caller's string, such as the server's reused response
// body, with no tree and no allocation beyond the string's growth. nlohmann-json remains the
// writer for everything else.
//
// The caller keeps the structure well formed (Key only inside an object, each Begin matched by
// its End); commas are placed automatically. Strings are escaped as RFC 8259 asks; a byte
// sequence that is not UTF-8 is written as U+FFFD, as nlohmann's "replace" handler does.
// Not thread-safe; the string must outlive the writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace muster {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& BeginObject() { return Open('{'); }
  JsonWriter& EndObject() { return Close('}'); }
  JsonWriter& BeginArray() { return Open('['); }
  JsonWriter& EndArray() { return Close(']'); }
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // "YYYY-MM-DDTHH:MM:SS.mmmZ", exactly as FormatTimestamp writes it.
  JsonWriter& Time(Timestamp value);
  JsonWriter& OptionalTime(const std::optional<Timestamp>& value) { return value ? Time(*value) : Null(); }
  JsonWriter& OptionalInt(const std::optional<int64_t>& value) { return value ? Int(*value) : Null(); }

 private:
  JsonWriter& Open(char c);
  JsonWriter& Close(char c);
  void Separate() {
    if (need_comma_) out_.push_back(',');
    need_comma_ = true;
  }
  void Quoted(std::string_view value);

  std::string& out_;
  bool need_comma_ = false;
};

}  // namespace muster

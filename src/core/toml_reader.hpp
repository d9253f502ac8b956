// Reading a TOML file of ours (the policy, the deployment file): typed values by dotted path,
// every problem collected with its line, and the keys nobody read reported as unknown, so that a
// typo is an error rather than a setting silently ignored. Include only where a file is parsed:
// toml++ is a heavy header.
#pragma once

#include <fmt/format.h>
#include <toml++/toml.h>

#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/status.hpp"

namespace muster {

// Parses `text`; InvalidArgument "source:line: what" when it is not TOML.
inline Result<toml::table> ParseToml(std::string_view text, std::string_view source) {
  try {
    return toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(fmt::format("{}:{}: {}", source, e.source().begin.line, e.description()));
  }
}

class TomlReader {
 public:
  // `root` must outlive the reader.
  TomlReader(const toml::table& root, std::string_view source) : root_(root), source_(source) {}

  // Reads the value at `path` (int, bool, std::string or a vector of strings) into `out`; an
  // error, and false, when it is missing or of another type.
  template <typename T>
  bool Read(std::string_view path, T& out) {
    known_.insert(std::string(path));
    const toml::node* node = root_.at_path(path).node();
    if (node == nullptr) return Error(path, nullptr, "missing");
    return Take(path, *node, out);
  }
  // The same for a key that may be left out, which leaves `out` as it is and returns false.
  template <typename T>
  bool ReadOptional(std::string_view path, T& out) {
    known_.insert(std::string(path));
    const toml::node* node = root_.at_path(path).node();
    if (node == nullptr) return false;
    return Take(path, *node, out);
  }

  // Marks a whole subtree as known (for tables whose keys are data, such as eligibility.age).
  void Known(std::string_view path) {
    known_prefixes_.insert(std::string(path));
    known_.insert(std::string(path));
  }

  // Records a problem with the value at `path` (its line when `node` is given); returns false.
  bool Error(std::string_view path, const toml::node* node, std::string_view what) {
    int line = node ? static_cast<int>(node->source().begin.line) : 0;
    if (line > 0) {
      errors_.push_back(fmt::format("{}:{}: {}: {}", source_, line, path, what));
    } else {
      errors_.push_back(fmt::format("{}: {}: {}", source_, path, what));
    }
    return false;
  }

  // Reports every key not read as unknown, then returns every problem as one InvalidArgument,
  // a line each; Ok when there were none.
  Status Finish() {
    Walk(root_, "");
    if (errors_.empty()) return Status::Ok();
    std::string msg;
    for (const auto& e : errors_) {
      if (!msg.empty()) msg += "\n";
      msg += e;
    }
    return Status::InvalidArgument(msg);
  }

 private:
  template <typename T>
  bool Take(std::string_view path, const toml::node& node, T& out) {
    if constexpr (std::is_same_v<T, int>) {
      auto v = node.value<int64_t>();
      if (!node.is_integer() || !v) return Error(path, &node, "expected an integer");
      out = static_cast<int>(*v);
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!node.is_boolean()) return Error(path, &node, "expected true or false");
      out = *node.value<bool>();
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (!node.is_string()) return Error(path, &node, "expected a string");
      out = *node.value<std::string>();
    } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
      const toml::array* arr = node.as_array();
      if (arr == nullptr) return Error(path, &node, "expected an array of strings");
      out.clear();
      for (const auto& el : *arr) {
        if (!el.is_string()) return Error(path, &el, "expected an array of strings");
        out.push_back(*el.value<std::string>());
      }
    } else {
      static_assert(std::is_same_v<T, int>, "TomlReader reads int, bool, std::string and vectors of strings");
    }
    return true;
  }

  void Walk(const toml::table& table, const std::string& prefix) {
    for (const auto& [key, node] : table) {
      std::string path = prefix.empty() ? std::string(key.str()) : prefix + "." + std::string(key.str());
      if (known_prefixes_.count(path)) continue;
      if (const toml::table* sub = node.as_table()) {
        Walk(*sub, path);
      } else if (!known_.count(path)) {
        Error(path, &node, "unknown key");
      }
    }
  }

  const toml::table& root_;
  std::string source_;
  std::set<std::string> known_;
  std::set<std::string> known_prefixes_;
  std::vector<std::string> errors_;
};

}  // namespace muster

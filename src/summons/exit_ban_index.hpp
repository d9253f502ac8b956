// The in-memory index of exit bans that the exit check reads, so that a check runs no SQL.
//
// Built from the store at start, then kept in step by the services, which apply each change
// after its transaction commits. Thread-safe: many readers, one writer at a time.
#pragma once

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/time.hpp"

namespace muster {

class ExitBanIndex {
 public:
  // Records that restriction `id` bars `national_id` from `effective_at` on.
  void Add(std::string_view national_id, int64_t id, Timestamp effective_at);
  // Forgets restriction `id` (lifted).
  void Remove(std::string_view national_id, int64_t id);
  void Clear();

  // True when some ban of `national_id` is in effect at `now`.
  bool Barred(std::string_view national_id, Timestamp now) const;
  size_t size() const;

 private:
  struct Ban {
    int64_t id;
    Timestamp effective_at;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::vector<Ban>, Hash, std::equal_to<>> bans_;
};

}  // namespace muster

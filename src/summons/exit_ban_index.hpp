// The in-memory index of exit bans that the exit check reads, so that a check runs no SQL.
//
// Built from the store at start, then kept in step by the services, which apply each change
// after its transaction commits. Thread-safe: many readers, one writer at a time.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/container/flat_hash_map.h>
#include <absl/synchronization/mutex.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
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
  // Takes `other`'s bans in one step (readers see the old index or the new one, never a partial
  // one); `other` is left with the old bans.
  void Swap(ExitBanIndex& other);

  // True when some ban of `national_id` is in effect at `now`.
  bool Barred(std::string_view national_id, Timestamp now) const;
  size_t size() const;
  // The time the earliest ban of `national_id` bars from; nullopt when it has none.
  std::optional<Timestamp> Earliest(std::string_view national_id) const;
  // Calls `fn` with each barred person's national ID and earliest ban, in no order, holding the
  // index's lock: `fn` must not call back into the index.
  void ForEach(const std::function<void(std::string_view national_id, Timestamp earliest)>& fn) const;

 private:
  struct Ban {
    int64_t id;
    Timestamp effective_at;
  };
  // One slot per barred person: the earliest effective ban inline, so that a check touches one
  // cache line; the bans themselves only when they change.
  struct Entry {
    Timestamp earliest;
    std::vector<Ban> bans;
  };

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> bans_ ABSL_GUARDED_BY(mu_);
};

}  // namespace muster

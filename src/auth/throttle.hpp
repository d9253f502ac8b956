// Slows repeated failures of one kind (logins, activations) per key: a login name or an address.
//
// The first `free_failures` failures within a window cost nothing; each further one locks the key
// for twice as long as the last (1 s, 2 s, 4 s, ... up to 15 min). A success clears the key.
// In memory, per process; thread-safe.
#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/time.hpp"

namespace muster::auth {

class Throttle {
 public:
  // `free_failures` failures within the window cost nothing.
  explicit Throttle(int free_failures = 5) : free_failures_(free_failures) {}

  // Seconds until `key` may try again; 0 when it may now.
  int64_t RetryAfter(std::string_view key, Timestamp now) const;
  void Failure(std::string_view key, Timestamp now);
  void Success(std::string_view key);

 private:
  struct Entry {
    int failures = 0;
    Timestamp last_failure;
    Timestamp locked_until;
  };
  void Prune(Timestamp now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  int free_failures_;
  mutable absl::Mutex mu_;
  std::unordered_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace muster::auth

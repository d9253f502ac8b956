// Requests to correct a person's registry data (migration 0006_corrections.sql,
// registry/correction.hpp). Reached from a transaction as tx.corrections(); used by the thread
// that owns the transaction. Every method fails with IoError when the database does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/correction.hpp"
#include "core/status.hpp"

namespace muster {

// Correction requests in `state` (all when nullopt), of one person when `national_id` is set,
// of persons registered in `districts` when it is not empty; oldest first.
struct CorrectionFilter {
  std::optional<CorrectionState> state;
  std::optional<std::string> national_id;
  std::vector<std::string> districts;  // of the person; all when empty
  size_t limit = 500;
  int64_t after_id = 0;  // cursor: only ids greater than this
};

class CorrectionPort {
 public:
  virtual ~CorrectionPort() = default;

  // Stores the request (its person found by national ID) and returns its id; fails (not
  // NotFound) when no person has that national ID.
  virtual Result<int64_t> Insert(const CorrectionRequest& request) = 0;
  // Writes the decision (state, decided_by, decided_at, decision_reason) and previous_value of
  // the request with its id; nothing when there is none.
  virtual Status Update(const CorrectionRequest& request) = 0;
  // With the person's district; NotFound when there is no request with that id.
  virtual Result<CorrectionRequest> Get(int64_t id) = 0;
  // Those matching `filter`, by id (oldest first), after its cursor, at most `limit`.
  virtual Result<std::vector<CorrectionRequest>> List(const CorrectionFilter& filter) = 0;
};

}  // namespace muster

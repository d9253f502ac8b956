// Requests to override a person's eligibility for a summons (migration 0002_summons.sql), as
// summons/service.hpp keeps them. Reached from a transaction as tx.overrides(); used by the
// thread that owns the transaction. Every method fails with IoError when the database does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "core/summons.hpp"

namespace muster {

// Override requests of `offices`, in `state` (all when nullopt), oldest first.
struct OverrideFilter {
  std::optional<OverrideState> state;
  std::vector<std::string> offices;
  int64_t after_id = 0;  // cursor: only ids greater than this
  size_t limit = 500;
};

class OverridePort {
 public:
  virtual ~OverridePort() = default;

  // Stores `request` for the person with its national ID (not its decision); returns the new
  // id.
  virtual Result<OverrideId> Insert(const OverrideRequest& request) = 0;
  // Writes the state, the decision (by, at) and the summons issued of the request with its id.
  virtual Status Update(const OverrideRequest& request) = 0;
  // NotFound when there is no such request.
  virtual Result<OverrideRequest> Get(OverrideId id) = 0;
  // The requests matching `filter` (none when it names no office), lowest id first, at most
  // filter.limit.
  virtual Result<std::vector<OverrideRequest>> List(const OverrideFilter& filter) = 0;
};

}  // namespace muster

// Deferments of persons (migration 0001_registry.sql). Reached from a transaction as
// tx.deferments(); used by the thread that owns the transaction. Every method fails with
// IoError when the database does.
#pragma once

#include <string_view>
#include <vector>

#include "core/person.hpp"
#include "core/status.hpp"
#include "core/time.hpp"

namespace muster {

class DefermentPort {
 public:
  virtual ~DefermentPort() = default;

  // Stores its kind, until, basis, created_by and created_at (not ended); returns its id.
  // NotFound when no person has its national ID.
  virtual Result<DefermentId> Insert(const Deferment& deferment) = 0;
  // NotFound when there is no deferment with that id.
  virtual Result<Deferment> Get(DefermentId id) = 0;
  // The person's deferments, oldest (lowest id) first; empty for an unknown national ID.
  virtual Result<std::vector<Deferment>> List(std::string_view national_id) = 0;
  // Ends the deferment early at `ended_at`; FailedPrecondition when it has ended already (or
  // does not exist).
  virtual Status End(DefermentId id, Timestamp ended_at) = 0;
  // Every deferment not ended early (expired ones included), by id, for planning.
  virtual Result<std::vector<Deferment>> ListOpen() = 0;
};

}  // namespace muster

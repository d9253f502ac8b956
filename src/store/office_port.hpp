// Offices (migration 0001_registry.sql): the districts that register persons and issue
// summonses. Reached from a transaction as tx.offices(); used by the thread that owns the
// transaction. Every method fails with IoError when the database does.
#pragma once

#include <string_view>
#include <vector>

#include "core/person.hpp"
#include "core/status.hpp"
#include "store/upsert_outcome.hpp"

namespace muster {

class OfficePort {
 public:
  virtual ~OfficePort() = default;

  // AlreadyExists ("office D01 already exists") when the code is taken.
  virtual Status Insert(const Office& office) = 0;
  // Inserts the office, or rewrites the one of the same code when anything differs; says which.
  virtual Result<UpsertOutcome> Upsert(const Office& office) = 0;
  // Every office, by code.
  virtual Result<std::vector<Office>> List() = 0;
  // NotFound when there is no office with that code.
  virtual Result<Office> Get(std::string_view code) = 0;
};

}  // namespace muster

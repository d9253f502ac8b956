// Opening a store by its URL: the one place that knows every backend.
#pragma once

#include <memory>
#include <string>

#include "core/status.hpp"
#include "store/store.hpp"

namespace muster {

struct StoreOptions {
  bool create = false;  // create the database when it does not exist (muster init)
  // A PostgreSQL streaming replica of the database (a libpq URL) that ReadReplica reads from;
  // "" for none. Only for a PostgreSQL store.
  std::string replica_url;
};

// Opens the store named by `url`: a file path for SQLite. Applies pending migrations; refuses
// a database whose schema is newer than this binary knows.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options);

}  // namespace muster

#include "store/open.hpp"

#include <fmt/format.h>

#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace muster {

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options) {
  if (postgres::IsPostgresUrl(url)) return postgres::OpenPostgresStore(url, options);
  if (!options.replica_url.empty()) {
    return Status::InvalidArgument(
        fmt::format("db-replica: a read replica needs a PostgreSQL database, and '{}' is an SQLite file", url));
  }
  return sqlite::OpenSqliteStore(url, options);
}

}  // namespace muster

#include "store/store.hpp"

#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace muster {

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options) {
  if (postgres::IsPostgresUrl(url)) return postgres::OpenPostgresStore(url, options);
  return sqlite::OpenSqliteStore(url, options);
}

}  // namespace muster

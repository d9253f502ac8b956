#include "store/store.hpp"

#include <fmt/format.h>

#include <thread>

#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace muster {
namespace {

class SleepingWaiter final : public ChangeWaiter {
 public:
  void Wait(std::chrono::milliseconds timeout) override { std::this_thread::sleep_for(timeout); }
};

}  // namespace

std::unique_ptr<ChangeWaiter> Store::WatchExitBanChanges() { return std::make_unique<SleepingWaiter>(); }

Result<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options) {
  if (postgres::IsPostgresUrl(url)) return postgres::OpenPostgresStore(url, options);
  if (!options.replica_url.empty()) {
    return Status::InvalidArgument(
        fmt::format("db-replica: a read replica needs a PostgreSQL database, and '{}' is an SQLite file", url));
  }
  return sqlite::OpenSqliteStore(url, options);
}

}  // namespace muster

#include "store/store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <thread>
#include <utility>

#include "core/text.hpp"
#include "store/postgres/pg_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace muster {
namespace {

class SleepingWaiter final : public ChangeWaiter {
 public:
  void Wait(std::chrono::milliseconds timeout) override { std::this_thread::sleep_for(timeout); }
};

thread_local std::string read_after;

}  // namespace

ReadAfter::ReadAfter(std::string position) : previous_(std::exchange(read_after, std::move(position))) {}
ReadAfter::~ReadAfter() { read_after = std::move(previous_); }
const std::string& ReadAfter::Current() { return read_after; }

bool IsWritePosition(std::string_view text) {
  size_t slash = text.find('/');
  auto hex = [](std::string_view part) {
    return !part.empty() && part.size() <= 8 &&
           std::all_of(part.begin(), part.end(), [](char c) { return HexDigitValue(c) >= 0; });
  };
  return slash != std::string_view::npos && hex(text.substr(0, slash)) && hex(text.substr(slash + 1));
}

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

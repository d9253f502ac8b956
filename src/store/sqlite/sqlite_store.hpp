// Store on an SQLite file: WAL journal, foreign keys on, prepared statements; one writer
// connection serialised by a mutex (one writer at a time, as SQLite allows) and a pool of
// read-only connections for Store::Read, which run in parallel with the writer.
#pragma once

#include <memory>
#include <string>

#include "store/open.hpp"

namespace muster::sqlite {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const StoreOptions& options);

}  // namespace muster::sqlite

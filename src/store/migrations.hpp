// Numbered schema migrations, built into the binary from src/store/migrations/NNNN_name.sql.
// Each runs once, in version order, in one transaction, and is recorded in schema_migrations.
// PostgreSQL runs the same list, except where src/store/migrations/postgres/NNNN_name.sql
// replaces a file whose SQL is not portable (types: BIGINT, BYTEA, identity columns).
#pragma once

#include <cstdint>
#include <set>
#include <span>
#include <string_view>

namespace muster {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Ordered by version, starting at 1.
std::span<const Migration> Migrations();

// The same versions and names for PostgreSQL.
std::span<const Migration> PostgresMigrations();

// The first of `migrations` whose version is not in `applied`, or null. Every one not applied
// runs, not only those above the highest applied: branches that each add a migration may be
// merged in either order.
inline const Migration* PendingMigration(std::span<const Migration> migrations, const std::set<int64_t>& applied) {
  for (const Migration& m : migrations) {
    if (!applied.contains(m.version)) return &m;
  }
  return nullptr;
}

}  // namespace muster

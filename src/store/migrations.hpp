// Numbered schema migrations, built into the binary from src/store/migrations/NNNN_name.sql.
// Each runs once, in order, in one transaction, and is recorded in schema_migrations.
// PostgreSQL runs the same list, except where src/store/migrations/postgres/NNNN_name.sql
// replaces a file whose SQL is not portable (types: BIGINT, BYTEA, identity columns).
#pragma once

#include <span>
#include <string_view>

namespace muster {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Ordered by version, starting at 1 with no gaps.
std::span<const Migration> Migrations();

// The same versions and names for PostgreSQL.
std::span<const Migration> PostgresMigrations();

}  // namespace muster

// Numbered schema migrations, built into the binary from src/store/migrations/NNNN_name.sql.
// Each runs once, in order, in one transaction, and is recorded in schema_migrations.
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

}  // namespace muster

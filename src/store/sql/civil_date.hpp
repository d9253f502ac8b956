// Internal to store/sql: dates as the registry stores them ("2000-01-15" text).
#pragma once

#include "core/time.hpp"
#include "store/sql.hpp"

namespace muster::sql {

// The date in `column`; the zero date when it does not parse.
inline CivilDate DateColumn(const Row& r, int column) {
  auto date = ParseCivilDate(r.View(column));
  return date.ok() ? *date : CivilDate{};
}

}  // namespace muster::sql

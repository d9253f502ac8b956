// Internal to the stores: the SQL of the report aggregates (Tx::TallySummons,
// TallySummonsByDay, CountRestrictionsInForce), the same for SQLite and PostgreSQL but for the
// parameters ("?n" there, "$n::bigint" here).
//
// Parameters: 1 the campaign id (NULL: every summons); 2 and 3 `from` and `to` in milliseconds
// (NULL: open), or for CountRestrictionsInForce 2 the moment `at`.
// Columns:  TallySummons              office, state, count, delivered, viewed
//           TallySummonsByDay         office, moment (SummonsMoment as an integer), state, day, count
//           CountRestrictionsInForce  office, count
#pragma once

#include <string>
#include <vector>

#include "store/store.hpp"

namespace muster {

std::string TallySummonsSql(bool postgres);
std::string TallySummonsByDaySql(bool postgres);
std::string CountRestrictionsInForceSql(bool postgres);

// ListCorrections' district filter and limit, applied to the rows read (correction requests are
// few; both backends filter the same way).

}  // namespace muster

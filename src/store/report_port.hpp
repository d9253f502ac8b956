// Reports: SQL aggregates over summonses and restrictions (summons/report.hpp gives these
// counts their meaning). Summonses are counted per office (the district that issued them) and
// state; a campaign's or every summons. Reached from a transaction as tx.reports(); used by the
// thread that owns the transaction. Every method fails with IoError when the database does.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.hpp"
#include "core/summons.hpp"
#include "core/time.hpp"

namespace muster {

struct SummonsTally {
  std::string office;
  SummonsState state = SummonsState::kIssued;
  int64_t count = 0;      // summonses in `state`
  int64_t delivered = 0;  // of them, with delivered_at set
  int64_t viewed = 0;     // of them, with viewed_at set
};

// The moments a summons records, for counting per day.
enum class SummonsMoment { kIssued, kDelivered, kViewed, kAppeared, kClosed };

// Summonses whose `moment` fell on `day` (days since 1970-01-01, UTC), per office and the
// summons' current state.
struct DayTally {
  std::string office;
  SummonsMoment moment = SummonsMoment::kIssued;
  SummonsState state = SummonsState::kIssued;
  int64_t day = 0;
  int64_t count = 0;
};

struct TallyFilter {
  std::optional<int64_t> campaign;  // nullopt: every summons
  std::optional<Timestamp> from;    // DayTally: moments at or after
  std::optional<Timestamp> to;      // DayTally: moments before
};

class ReportPort {
 public:
  virtual ~ReportPort() = default;

  // The summonses of the filter's campaign per office and state, by office and state (the
  // filter's from and to are not used).
  virtual Result<std::vector<SummonsTally>> TallySummons(const TallyFilter& filter) = 0;
  // The summonses of the filter's campaign per office, moment, current state and day of the
  // moment, for moments in [from, to) (open where nullopt); in no particular order.
  virtual Result<std::vector<DayTally>> TallySummonsByDay(const TallyFilter& filter) = 0;
  // Restrictions in force at `at` (not lifted, effective by then: Restriction::ActiveAt) on
  // summonses of the filter's campaign, counted per office of the summons, by office.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> CountRestrictionsInForce(const TallyFilter& filter,
                                                                                        Timestamp at) = 0;
  // Summonses per state (its name), for one campaign or (nullopt) all, by state name.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> CountSummonsByState(std::optional<int64_t> campaign) = 0;
  // Calls `fn` with (office, appear_at) for every summons not cancelled with appear_at in
  // [from, to), in no particular order, without holding them all in memory.
  virtual Status ForEachAppointment(Timestamp from, Timestamp to,
                                    const std::function<void(std::string_view office, Timestamp at)>& fn) = 0;
};

}  // namespace muster

// The sweep: delivers after_days summonses that fell due and marks overdue ones no_show,
// imposing the policy's restrictions. Run by the system (muster sweep, the server's timer).
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>

#include "core/time.hpp"
#include "summons/lifecycle.hpp"

namespace muster {

struct SweepSummary {
  size_t delivered = 0;  // after_days deliveries that fell due
  size_t no_show = 0;    // summonses marked no_show
  size_t restrictions_imposed = 0;
};

class SweepService {
 public:
  explicit SweepService(SummonsLifecycle& lifecycle) : life_(lifecycle) {}

  // Idempotent; works in batches of `batch` summonses per transaction. `progress(done, total)`
  // follows the no-shows, after each batch is written and the next one read (a summons changed
  // in the callback is read as it was, and must be left as it is now).
  Result<SweepSummary> Sweep(Timestamp now, std::string_view actor = "system:sweep",
                             const std::function<void(size_t, size_t)>& progress = {}, size_t batch = 20000);

 private:
  SummonsLifecycle& life_;
};

}  // namespace muster

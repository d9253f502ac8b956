#include "app/domain.hpp"

namespace muster::app {

Domain::Domain(WritePath& writes, const Policy& policy, const Clock& clock)
    : exit_checks_(writes.store(), policy, clock),
      lifecycle_(writes, policy, clock, exit_checks_),
      summons_(lifecycle_),
      overrides_(lifecycle_),
      campaigns_(lifecycle_),
      appeals_(lifecycle_),
      sweep_(lifecycle_),
      deferments_(writes, policy, clock),
      corrections_(writes, clock),
      persons_(writes.store(), policy),
      notifications_(writes.store(), summons_, persons_) {}

}  // namespace muster::app

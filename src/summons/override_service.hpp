// Overrides: summoning a person the eligibility check excludes, with four eyes. An officer or
// supervisor requests one with a justification; a second person of the office approves it,
// which issues the summons, or rejects it. Scoped to the actor's offices (core/actor.hpp).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/actor.hpp"
#include "core/summons.hpp"
#include "summons/lifecycle.hpp"

namespace muster {

class OverrideService {
 public:
  explicit OverrideService(SummonsLifecycle& lifecycle) : life_(lifecycle) {}

  // FailedPrecondition when the person is eligible (issue without an override).
  Result<OverrideRequest> Request(const IssueRequest& request, std::string_view justification, const Actor& actor);
  // The requests `filter` selects among those of the actor's offices, from the replica.
  Result<std::vector<OverrideRequest>> List(OverrideFilter filter, const Actor& actor);
  // The override `id` if the actor may see it; an override of another office answers as absent.
  Result<OverrideRequest> Get(OverrideId id, const Actor& actor);
  // Issues the summons of a pending override; the approver must not be the requester.
  Result<Summons> Approve(OverrideId id, const Actor& actor);
  Result<OverrideRequest> Reject(OverrideId id, const Actor& actor);

 private:
  // The override `id`, read in `tx`, if the actor acts for its office.
  Result<OverrideRequest> Scoped(Tx& tx, OverrideId id, const Actor& actor, bool act);
  SummonsLifecycle& life_;
};

}  // namespace muster

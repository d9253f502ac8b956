// Single summonses: eligibility, issue, reading, the citizen's opening, appearance and
// cancellation. The CLI and the HTTP API call exactly these; the steps they share with the other
// summons services live in summons/lifecycle.hpp, once.
//
// Every state change runs in one transaction on the write path together with the domain events
// it emits, so a failure leaves nothing half-written. Every call names its `actor`
// (core/actor.hpp) and is refused what is out of the actor's scope: another office's summons
// answers as absent. Thread-safe as far as the Store is.
#pragma once

#include <optional>
#include <string_view>

#include "core/actor.hpp"
#include "core/summons.hpp"
#include "core/time.hpp"
#include "summons/eligibility.hpp"
#include "summons/lifecycle.hpp"

namespace muster {

class SummonsService {
 public:
  explicit SummonsService(SummonsLifecycle& lifecycle) : life_(lifecycle) {}

  // Eligibility of a person for `kind` on the office-local day of `appear_at` (the person's own
  // office when `office` is empty). A person the actor may not see answers as absent.
  Result<Eligibility> CheckPerson(std::string_view national_id, std::string_view office, std::string_view kind,
                                  Timestamp appear_at, const Actor& actor);

  // Issues one summons. PermissionDenied (about "office") for an office not the actor's;
  // FailedPrecondition listing every reason when the person is not eligible; an override then
  // goes through OverrideService.
  Result<Summons> Issue(const IssueRequest& request, const Actor& actor);

  Result<Summons> Get(std::string_view number, const Actor& actor);
  // The citizen opens the summons: sets viewed_at once (later calls change nothing), and under
  // after_days delivery counts as delivery if that had not happened yet.
  Result<Summons> View(std::string_view number, const Actor& actor);
  Result<Summons> Appear(std::string_view number, std::optional<Timestamp> at, const Actor& actor);
  Result<Summons> Cancel(std::string_view number, std::string_view reason, const Actor& actor);

 private:
  SummonsLifecycle& life_;
};

}  // namespace muster

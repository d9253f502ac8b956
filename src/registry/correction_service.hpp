// Corrections of registry data (registry/correction.hpp): the person asks, with the value checked
// by the import's rules (and a district by the offices); one pending request per field. An
// officer of the person's office approves it, which changes the person, or rejects it with a
// reason; never the one who asked. Events: person.correction_requested, person.corrected,
// person.correction_rejected (subject: the national ID; the values stay in the corrections
// table, out of the ledger). Scoped (core/actor.hpp): a citizen asks for their own data only.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/actor.hpp"
#include "core/correction.hpp"
#include "core/time.hpp"
#include "store/store.hpp"
#include "store/write_path.hpp"

namespace muster::registry {

class CorrectionService {
 public:
  CorrectionService(WritePath& writes, const Clock& clock) : writes_(writes), clock_(clock) {}

  Result<CorrectionRequest> Request(std::string_view national_id, std::string_view field, std::string_view value,
                                    std::string_view explanation, const Actor& actor);
  // The requests `filter` selects among those the actor may see, from the replica: a citizen's
  // own, or those of persons of the actor's offices (none for who has no office).
  Result<std::vector<CorrectionRequest>> List(CorrectionFilter filter, const Actor& actor);
  Result<CorrectionRequest> Decide(int64_t id, bool approve, std::string_view reason, const Actor& actor);

 private:
  WritePath& writes_;
  const Clock& clock_;
};

}  // namespace muster::registry

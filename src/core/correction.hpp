// A citizen's request to correct their registry data (registry/correction.hpp has the rules
// that check and apply one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/time.hpp"

namespace muster {

enum class CorrectionState { kPending, kApproved, kRejected };
std::string_view CorrectionStateName(CorrectionState state);
std::optional<CorrectionState> ParseCorrectionState(std::string_view name);

struct CorrectionRequest {
  int64_t id = 0;
  std::string national_id;
  std::string field;           // a name of CorrectableFields()
  std::string proposed_value;  // as checked and normalised by CheckCorrection
  std::string explanation;
  CorrectionState state = CorrectionState::kPending;
  std::string requested_by;
  Timestamp requested_at;
  std::string decided_by;
  std::optional<Timestamp> decided_at;
  std::string decision_reason;  // why it was rejected (or a note on approval)
  std::string previous_value;   // the value it replaced, once approved
  std::string district;         // the person's district when read (the office that decides)
};

}  // namespace muster

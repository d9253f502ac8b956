#include "core/correction.hpp"

namespace muster {

std::string_view CorrectionStateName(CorrectionState state) {
  switch (state) {
    case CorrectionState::kPending:
      return "pending";
    case CorrectionState::kApproved:
      return "approved";
    case CorrectionState::kRejected:
      return "rejected";
  }
  return "pending";
}

std::optional<CorrectionState> ParseCorrectionState(std::string_view name) {
  for (auto s : {CorrectionState::kPending, CorrectionState::kApproved, CorrectionState::kRejected}) {
    if (CorrectionStateName(s) == name) return s;
  }
  return std::nullopt;
}

}  // namespace muster

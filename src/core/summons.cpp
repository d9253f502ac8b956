#include "core/summons.hpp"

#include <fmt/format.h>

#include <array>

namespace muster {
namespace {

template <typename E, size_t N>
std::optional<E> ParseName(std::string_view name, const std::array<std::pair<E, std::string_view>, N>& table) {
  for (const auto& [value, text] : table) {
    if (text == name) return value;
  }
  return std::nullopt;
}

template <typename E, size_t N>
std::string_view NameOf(E value, const std::array<std::pair<E, std::string_view>, N>& table) {
  for (const auto& [v, text] : table) {
    if (v == value) return text;
  }
  return "unknown";
}

constexpr std::array<std::pair<SummonsState, std::string_view>, 7> kStates = {{
    {SummonsState::kIssued, "issued"},
    {SummonsState::kDelivered, "delivered"},
    {SummonsState::kViewed, "viewed"},
    {SummonsState::kAppeared, "appeared"},
    {SummonsState::kExcused, "excused"},
    {SummonsState::kNoShow, "no_show"},
    {SummonsState::kCancelled, "cancelled"},
}};

constexpr std::array<std::pair<SummonsAction, std::string_view>, 7> kActions = {{
    {SummonsAction::kDeliver, "delivered"},
    {SummonsAction::kView, "viewed"},
    {SummonsAction::kAppear, "marked as appeared"},
    {SummonsAction::kExcuse, "excused"},
    {SummonsAction::kMarkNoShow, "marked as no-show"},
    {SummonsAction::kCancel, "cancelled"},
    {SummonsAction::kFileAppeal, "appealed"},
}};

constexpr std::array<std::pair<AppealReason, std::string_view>, 5> kAppealReasons = {{
    {AppealReason::kIllness, "illness"},
    {AppealReason::kIneligible, "ineligible"},
    {AppealReason::kWrongPerson, "wrong_person"},
    {AppealReason::kDeferment, "deferment"},
    {AppealReason::kOther, "other"},
}};

constexpr std::array<std::pair<AppealState, std::string_view>, 3> kAppealStates = {{
    {AppealState::kPending, "pending"},
    {AppealState::kGranted, "granted"},
    {AppealState::kDenied, "denied"},
}};

constexpr std::array<std::pair<OverrideState, std::string_view>, 3> kOverrideStates = {{
    {OverrideState::kPending, "pending"},
    {OverrideState::kApproved, "approved"},
    {OverrideState::kRejected, "rejected"},
}};

}  // namespace

std::string_view OverrideStateName(OverrideState s) { return NameOf(s, kOverrideStates); }
std::optional<OverrideState> ParseOverrideState(std::string_view n) { return ParseName(n, kOverrideStates); }
std::string_view SummonsStateName(SummonsState s) { return NameOf(s, kStates); }
std::optional<SummonsState> ParseSummonsState(std::string_view n) { return ParseName(n, kStates); }
std::string_view SummonsActionName(SummonsAction a) { return NameOf(a, kActions); }
std::string_view AppealReasonName(AppealReason r) { return NameOf(r, kAppealReasons); }
std::optional<AppealReason> ParseAppealReason(std::string_view n) { return ParseName(n, kAppealReasons); }
std::string_view AppealStateName(AppealState s) { return NameOf(s, kAppealStates); }
std::optional<AppealState> ParseAppealState(std::string_view n) { return ParseName(n, kAppealStates); }

bool IsFinal(SummonsState s) {
  return s == SummonsState::kAppeared || s == SummonsState::kExcused || s == SummonsState::kCancelled;
}

Status CheckTransition(std::string_view number, SummonsState state, SummonsAction action) {
  using S = SummonsState;
  bool allowed = false;
  switch (action) {
    case SummonsAction::kDeliver:
      allowed = state == S::kIssued;
      break;
    case SummonsAction::kView:
      allowed = state == S::kIssued || state == S::kDelivered;
      break;
    case SummonsAction::kAppear:
    case SummonsAction::kExcuse:
    case SummonsAction::kCancel:
      allowed = state == S::kIssued || state == S::kDelivered || state == S::kViewed || state == S::kNoShow;
      break;
    case SummonsAction::kMarkNoShow:
      allowed = state == S::kDelivered || state == S::kViewed;
      break;
    case SummonsAction::kFileAppeal:
      allowed = state == S::kIssued || state == S::kDelivered || state == S::kViewed || state == S::kNoShow;
      break;
  }
  if (allowed) return Status::Ok();
  return Status::FailedPrecondition(
      fmt::format("summons {} is {}; it cannot be {}", number, SummonsStateName(state), SummonsActionName(action)));
}

}  // namespace muster

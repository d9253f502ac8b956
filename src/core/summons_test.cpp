#include "core/summons.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace muster {
namespace {

using S = SummonsState;
using A = SummonsAction;

// The allowed moves of DESIGN §3; every other (state, action) pair must be refused.
const std::map<A, std::set<S>> kAllowed = {
    {A::kDeliver, {S::kIssued}},
    {A::kView, {S::kIssued, S::kDelivered}},
    {A::kAppear, {S::kIssued, S::kDelivered, S::kViewed, S::kNoShow}},
    {A::kExcuse, {S::kIssued, S::kDelivered, S::kViewed, S::kNoShow}},
    {A::kCancel, {S::kIssued, S::kDelivered, S::kViewed, S::kNoShow}},
    {A::kMarkNoShow, {S::kDelivered, S::kViewed}},
    {A::kFileAppeal, {S::kIssued, S::kDelivered, S::kViewed, S::kNoShow}},
};

TEST(SummonsStateMachineTest, EveryTransitionAllowedOrRefusedWithAClearMessage) {
  const S states[] = {S::kIssued, S::kDelivered, S::kViewed, S::kAppeared, S::kExcused, S::kNoShow, S::kCancelled};
  for (const auto& [action, allowed] : kAllowed) {
    for (S state : states) {
      Status st = CheckTransition("26-00000001-5", state, action);
      if (allowed.count(state)) {
        EXPECT_TRUE(st.ok()) << SummonsStateName(state) << " -> " << SummonsActionName(action);
      } else {
        ASSERT_TRUE(st.IsFailedPrecondition()) << SummonsStateName(state) << " -> " << SummonsActionName(action);
        EXPECT_EQ(st.message(), "summons 26-00000001-5 is " + std::string(SummonsStateName(state)) + "; it cannot be " +
                                    std::string(SummonsActionName(action)));
      }
    }
  }
}

TEST(SummonsStateMachineTest, FinalStates) {
  EXPECT_TRUE(IsFinal(S::kAppeared));
  EXPECT_TRUE(IsFinal(S::kExcused));
  EXPECT_TRUE(IsFinal(S::kCancelled));
  EXPECT_FALSE(IsFinal(S::kNoShow));  // a later appearance or granted appeal moves it on
  EXPECT_FALSE(IsFinal(S::kDelivered));
}

TEST(SummonsNamesTest, RoundTrip) {
  for (S s : {S::kIssued, S::kDelivered, S::kViewed, S::kAppeared, S::kExcused, S::kNoShow, S::kCancelled}) {
    EXPECT_EQ(ParseSummonsState(SummonsStateName(s)), s);
  }
  for (auto r : {AppealReason::kIllness, AppealReason::kIneligible, AppealReason::kWrongPerson,
                 AppealReason::kDeferment, AppealReason::kOther}) {
    EXPECT_EQ(ParseAppealReason(AppealReasonName(r)), r);
  }
  EXPECT_FALSE(ParseAppealReason("bored").has_value());
  EXPECT_FALSE(ParseSummonsState("lost").has_value());
}

}  // namespace
}  // namespace muster

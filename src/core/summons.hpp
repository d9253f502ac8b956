// Summonses, their states and the transitions between them (DESIGN §3).
//
//   issued ──(entered into the cabinet)──► delivered ──(opened)──► viewed
//      │                                      │                      │
//      └──────────── cancelled ◄──────────────┴──────────┬───────────┘
//                                                        ├──► appeared
//                                                        ├──► excused   (appeal granted)
//                                                        └──► no_show   (sweep) ──► restrictions
//
// A no_show may still move to appeared, excused or cancelled, which lifts what it imposed.
// Nothing is deleted: every change is a new event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/status.hpp"
#include "core/time.hpp"

namespace muster {

enum class SummonsState { kIssued, kDelivered, kViewed, kAppeared, kExcused, kNoShow, kCancelled };

std::string_view SummonsStateName(SummonsState state);
std::optional<SummonsState> ParseSummonsState(std::string_view name);

// What may happen to a summons.
enum class SummonsAction { kDeliver, kView, kAppear, kExcuse, kMarkNoShow, kCancel, kFileAppeal };
std::string_view SummonsActionName(SummonsAction action);

// Ok when `action` is allowed in `state`, else FailedPrecondition saying why, e.g.
// "summons 26-00000001-7 is appeared; it cannot be cancelled".
Status CheckTransition(std::string_view number, SummonsState state, SummonsAction action);

// True for states that end the summons (nothing further can happen but a correction).
bool IsFinal(SummonsState state);

struct Summons {
  int64_t id = 0;
  std::string number;     // human-readable, with a check digit (core/summons_number.hpp)
  int64_t person_id = 0;  // the registry row; 0 when only the national ID is known
  std::string national_id;
  std::string office;  // office code
  std::string kind;    // campaign kind: conscription, mobilization, ...
  std::optional<CampaignId> campaign_id;
  Timestamp appear_at;
  std::string place;
  std::string purpose;
  SummonsState state = SummonsState::kIssued;
  Timestamp issued_at;
  std::string issued_by;
  std::optional<Timestamp> delivered_at;
  std::optional<Timestamp> viewed_at;
  std::optional<Timestamp> appeared_at;
  std::optional<Timestamp> closed_at;  // when it became excused, no_show or cancelled
  std::string close_reason;            // cancellation or excuse reason
  std::string override_reason;         // set when issued despite ineligibility
  std::string override_approved_by;
};

enum class AppealReason { kIllness, kIneligible, kWrongPerson, kDeferment, kOther };
std::string_view AppealReasonName(AppealReason reason);
std::optional<AppealReason> ParseAppealReason(std::string_view name);

enum class AppealState { kPending, kGranted, kDenied };
std::string_view AppealStateName(AppealState state);
std::optional<AppealState> ParseAppealState(std::string_view name);

struct Appeal {
  AppealId id;
  int64_t summons_id = 0;
  std::string summons_number;
  AppealReason reason = AppealReason::kOther;
  std::string text;
  AppealState state = AppealState::kPending;
  std::string filed_by;
  Timestamp filed_at;
  std::string decided_by;
  std::optional<Timestamp> decided_at;
  std::string decision_reason;
};

struct Restriction {
  int64_t id = 0;
  int64_t person_id = 0;  // the person and national ID of its summons
  std::string national_id;
  int64_t summons_id = 0;
  std::string summons_number;
  std::string kind;        // "exit_ban", "driving", ...
  Timestamp imposed_at;    // when the sweep (or delivery) imposed it
  Timestamp effective_at;  // when it starts to bite (imposed_at + the policy's after_days)
  std::optional<Timestamp> lifted_at;
  std::string lift_reason;  // "appeared", "appeal granted", "summons cancelled"

  bool ActiveAt(Timestamp t) const { return !lifted_at && effective_at <= t; }
};

struct Campaign {
  CampaignId id;
  std::string kind;
  std::string name;
  std::string basis;  // the order or decree it rests on
  std::vector<std::string> districts;
  int age_min = 0;
  int age_max = 200;
  std::vector<std::string> categories;
  std::vector<std::string> fitness;
  int64_t quota = 0;  // 0: no limit
  CivilDate appear_from;
  CivilDate appear_until;
  std::string place;    // where to appear; default: the office
  std::string purpose;  // default: the campaign name
  std::string created_by;
  Timestamp created_at;
};

// A request to summon someone the eligibility check excludes. It takes effect only when a
// second person, not the requester, approves it (four eyes).
enum class OverrideState { kPending, kApproved, kRejected };
std::string_view OverrideStateName(OverrideState state);
std::optional<OverrideState> ParseOverrideState(std::string_view name);

struct OverrideRequest {
  OverrideId id;
  std::string national_id;
  std::string office;
  std::string kind;
  Timestamp appear_at;
  std::string place;
  std::string purpose;
  std::vector<std::string> reasons;  // the eligibility reasons being overridden
  std::string justification;
  std::string requested_by;
  Timestamp requested_at;
  OverrideState state = OverrideState::kPending;
  std::string decided_by;
  std::optional<Timestamp> decided_at;
  std::optional<int64_t> summons_id;
};

// A domain event, appended in the same transaction as the change it records.
struct Event {
  int64_t seq = 0;
  std::string type;  // "summons.issued", "restriction.imposed", ...
  Timestamp at;
  std::string actor;    // "cli:alice", "system:sweep", "citizen:11223344595"
  std::string subject;  // summons number, national ID or deferment id
  std::string payload;  // canonical JSON object with the event's details
};

}  // namespace muster

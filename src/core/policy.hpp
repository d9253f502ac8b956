// The legal rules muster applies, loaded from a TOML policy file (policies/default.toml).
//
// Immutable once loaded; share it by const reference between threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/national_id.hpp"
#include "core/status.hpp"

namespace muster {

enum class DeliveryMode { kOnEntry, kAfterDays };
enum class ExitBanFrom { kNoShow, kDelivery };
// Where a 29 February birthday falls in a year without 29 February.
enum class LeapDayBirthday { kFeb28, kMar1 };

struct RestrictionRule {
  std::string kind;    // "exit_ban", "driving", ...
  int after_days = 0;  // days after the no-show before it takes effect
};

// A rung of the escalation ladder: where an unopened summons is told again. `account` is the
// personal account itself (the delivery); `sms` is the webhook's channel, to the person's phone.
enum class EscalationStep { kAccount, kEmail, kSms, kPaper };
std::string_view EscalationStepName(EscalationStep step);  // "account", "email", "sms", "paper"
std::optional<EscalationStep> ParseEscalationStep(std::string_view name);

// [escalation]: a summons delivered and not opened within unread_days of its last step goes out
// again through the next step of the ladder (the delivery is the ladder's first step); with no
// step left it is unreachable. Off when the policy has no [escalation].
struct EscalationRule {
  int unread_days = 0;
  std::vector<EscalationStep> ladder;
  bool enabled() const { return ladder.size() > 1; }
};

// What a border post answers from an expired stop-list ([stoplist] when_expired): deny everyone,
// allow everyone, or refuse to answer until it is synced.
enum class WhenExpired { kDeny, kAllow, kRefuse };

// [stoplist]: the offline stop-list for border posts. A snapshot or a delta is good for
// valid_hours from its issue; a post past that answers as when_expired says.
struct StopListRule {
  int valid_hours = 24;
  WhenExpired when_expired = WhenExpired::kRefuse;
};

struct AgeRange {
  int min = 0;  // inclusive
  int max = 0;  // inclusive
};

struct Policy {
  NationalIdRule national_id;
  std::vector<std::string> fitness_categories;
  std::vector<std::string> deferment_kinds;

  DeliveryMode delivery_mode = DeliveryMode::kOnEntry;
  int delivery_days = 0;  // for kAfterDays

  int grace_hours = 24;

  std::vector<RestrictionRule> restrictions;
  ExitBanFrom exit_ban_from = ExitBanFrom::kNoShow;

  std::vector<std::string> fitness_eligible;
  std::vector<std::string> blocking_deferments;
  LeapDayBirthday leap_day_birthday = LeapDayBirthday::kMar1;
  std::map<std::string, AgeRange, std::less<>> age;  // by campaign kind

  int first_appointment_minutes = 9 * 60;  // office-local minutes after midnight
  int last_appointment_minutes = 17 * 60;
  bool skip_weekends = true;

  EscalationRule escalation;
  StopListRule stoplist;

  bool IsFitnessCategory(std::string_view f) const;
  bool IsDefermentKind(std::string_view k) const;
  bool IsCampaignKind(std::string_view k) const;
  // "conscription, data_verification, ..." for messages.
  std::string CampaignKinds() const;
};

// Parses a policy; `source` names it in messages. Every problem is reported, each with its key
// path and line, e.g. "policy.toml:12: deadline.grace_hours: expected an integer".
Result<Policy> ParsePolicy(std::string_view toml_text, std::string_view source);
Result<Policy> LoadPolicyFile(const std::string& path);
// The text of policies/default.toml, built into the binary.
std::string_view DefaultPolicyText();
// The default policy (parsed once).
const Policy& DefaultPolicy();

}  // namespace muster

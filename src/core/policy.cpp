#include "core/policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "core/toml_reader.hpp"

namespace muster {
namespace {

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}


int ParseClock(TomlReader& r, const toml::table& root, std::string_view path, const std::string& text, int fallback) {
  int h = 0, m = 0;
  char colon = 0;
  std::istringstream in(text);
  if (text.size() == 5 && (in >> h >> colon >> m) && colon == ':' && h >= 0 && h < 24 && m >= 0 && m < 60) {
    return h * 60 + m;
  }
  r.Error(path, root.at_path(path).node(), fmt::format("'{}' is not a time of day HH:MM", text));
  return fallback;
}

}  // namespace

std::string_view EscalationStepName(EscalationStep step) {
  switch (step) {
    case EscalationStep::kAccount:
      return "account";
    case EscalationStep::kEmail:
      return "email";
    case EscalationStep::kSms:
      return "sms";
    case EscalationStep::kPaper:
      return "paper";
  }
  return "account";
}

std::optional<EscalationStep> ParseEscalationStep(std::string_view name) {
  for (auto s : {EscalationStep::kAccount, EscalationStep::kEmail, EscalationStep::kSms, EscalationStep::kPaper}) {
    if (EscalationStepName(s) == name) return s;
  }
  return std::nullopt;
}

bool Policy::IsFitnessCategory(std::string_view f) const { return Contains(fitness_categories, f); }
bool Policy::IsDefermentKind(std::string_view k) const { return Contains(deferment_kinds, k); }
bool Policy::IsCampaignKind(std::string_view k) const { return age.find(k) != age.end(); }

std::string Policy::CampaignKinds() const {
  std::string out;
  for (const auto& [kind, range] : age) {
    if (!out.empty()) out += ", ";
    out += kind;
  }
  return out;
}

Result<Policy> ParsePolicy(std::string_view toml_text, std::string_view source) {
  MUSTER_ASSIGN_OR_RETURN(toml::table root, ParseToml(toml_text, source));

  TomlReader r(root, source);
  std::string pattern, checksum_name;
  r.Read("national_id.pattern", pattern);
  NationalIdChecksum checksum = NationalIdChecksum::kNone;
  if (r.Read("national_id.checksum", checksum_name)) {
    auto parsed = ParseNationalIdChecksum(checksum_name);
    if (parsed.ok()) {
      checksum = *parsed;
    } else {
      r.Error("national_id.checksum", root.at_path("national_id.checksum").node(), parsed.status().message());
    }
  }
  auto rule = NationalIdRule::Create(pattern.empty() ? ".+" : pattern, checksum);
  if (!rule.ok()) r.Error("national_id.pattern", root.at_path("national_id.pattern").node(), rule.status().message());
  Policy policy{.national_id = rule.ok() ? *rule : *NationalIdRule::Create(".+", NationalIdChecksum::kNone)};

  r.Read("registry.fitness_categories", policy.fitness_categories);
  r.Read("deferments.kinds", policy.deferment_kinds);

  std::string mode;
  if (r.Read("delivery.mode", mode)) {
    if (mode == "on_entry") {
      policy.delivery_mode = DeliveryMode::kOnEntry;
    } else if (mode == "after_days") {
      policy.delivery_mode = DeliveryMode::kAfterDays;
    } else {
      r.Error("delivery.mode", root.at_path("delivery.mode").node(), "expected \"on_entry\" or \"after_days\"");
    }
  }
  if (root.at_path("delivery.days").node() != nullptr || policy.delivery_mode == DeliveryMode::kAfterDays) {
    if (r.Read("delivery.days", policy.delivery_days) && policy.delivery_days < 0) {
      r.Error("delivery.days", root.at_path("delivery.days").node(), "must not be negative");
    }
  }
  if (r.Read("deadline.grace_hours", policy.grace_hours) && policy.grace_hours < 0) {
    r.Error("deadline.grace_hours", root.at_path("deadline.grace_hours").node(), "must not be negative");
  }

  r.Known("on_no_show.restrictions");
  if (const toml::array* arr = root.at_path("on_no_show.restrictions").as_array()) {
    size_t i = 0;
    for (const auto& el : *arr) {
      std::string at = fmt::format("on_no_show.restrictions[{}]", i++);
      const toml::table* t = el.as_table();
      if (t == nullptr) {
        r.Error(at, &el, "expected a table { kind = \"...\", after_days = N }");
        continue;
      }
      RestrictionRule rule_item;
      for (const auto& [key, node] : *t) {
        if (key == "kind" && node.is_string()) {
          rule_item.kind = *node.value<std::string>();
        } else if (key == "after_days" && node.is_integer()) {
          rule_item.after_days = static_cast<int>(*node.value<int64_t>());
          if (rule_item.after_days < 0) r.Error(at + ".after_days", &node, "must not be negative");
        } else {
          r.Error(fmt::format("{}.{}", at, key.str()), &node,
                  key == "kind" || key == "after_days" ? "wrong type" : "unknown key");
        }
      }
      if (rule_item.kind.empty()) r.Error(at + ".kind", &el, "missing");
      policy.restrictions.push_back(rule_item);
    }
  } else {
    r.Error("on_no_show.restrictions", root.at_path("on_no_show.restrictions").node(),
            "expected an array of { kind, after_days } tables");
  }
  std::string ban_from;
  if (r.Read("on_no_show.exit_ban_from", ban_from)) {
    if (ban_from == "no_show") {
      policy.exit_ban_from = ExitBanFrom::kNoShow;
    } else if (ban_from == "delivery") {
      policy.exit_ban_from = ExitBanFrom::kDelivery;
    } else {
      r.Error("on_no_show.exit_ban_from", root.at_path("on_no_show.exit_ban_from").node(),
              "expected \"no_show\" or \"delivery\"");
    }
  }

  if (r.Read("eligibility.fitness_eligible", policy.fitness_eligible)) {
    for (const auto& f : policy.fitness_eligible) {
      if (!policy.IsFitnessCategory(f)) {
        r.Error("eligibility.fitness_eligible", root.at_path("eligibility.fitness_eligible").node(),
                fmt::format("'{}' is not in registry.fitness_categories", f));
      }
    }
  }
  if (r.Read("eligibility.blocking_deferments", policy.blocking_deferments)) {
    for (const auto& k : policy.blocking_deferments) {
      if (!policy.IsDefermentKind(k)) {
        r.Error("eligibility.blocking_deferments", root.at_path("eligibility.blocking_deferments").node(),
                fmt::format("'{}' is not in deferments.kinds", k));
      }
    }
  }
  std::string leap;
  if (r.Read("eligibility.leap_day_birthday", leap)) {
    if (leap == "feb28") {
      policy.leap_day_birthday = LeapDayBirthday::kFeb28;
    } else if (leap == "mar1") {
      policy.leap_day_birthday = LeapDayBirthday::kMar1;
    } else {
      r.Error("eligibility.leap_day_birthday", root.at_path("eligibility.leap_day_birthday").node(),
              "expected \"feb28\" or \"mar1\"");
    }
  }
  r.Known("eligibility.age");
  if (const toml::table* ages = root.at_path("eligibility.age").as_table()) {
    for (const auto& [kind, node] : *ages) {
      std::string at = fmt::format("eligibility.age.{}", kind.str());
      const toml::array* pair = node.as_array();
      if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_integer() || !(*pair)[1].is_integer()) {
        r.Error(at, &node, "expected [min, max] ages");
        continue;
      }
      AgeRange range{static_cast<int>(*(*pair)[0].value<int64_t>()), static_cast<int>(*(*pair)[1].value<int64_t>())};
      if (range.min < 0 || range.max < range.min) {
        r.Error(at, &node, "expected 0 <= min <= max");
        continue;
      }
      policy.age.emplace(std::string(kind.str()), range);
    }
    if (ages->empty()) r.Error("eligibility.age", ages, "names no campaign kind");
  } else {
    r.Error("eligibility.age", root.at_path("eligibility.age").node(),
            "missing table of campaign kinds and [min, max] ages");
  }

  std::string first, last;
  if (r.Read("schedule.first_appointment", first)) {
    policy.first_appointment_minutes = ParseClock(r, root, "schedule.first_appointment", first, 9 * 60);
  }
  if (r.Read("schedule.last_appointment", last)) {
    policy.last_appointment_minutes = ParseClock(r, root, "schedule.last_appointment", last, 17 * 60);
  }
  if (policy.last_appointment_minutes < policy.first_appointment_minutes) {
    r.Error("schedule.last_appointment", root.at_path("schedule.last_appointment").node(),
            "is before schedule.first_appointment");
  }
  r.Read("schedule.skip_weekends", policy.skip_weekends);

  if (root.at_path("escalation").node() != nullptr) {
    if (r.Read("escalation.unread_days", policy.escalation.unread_days) && policy.escalation.unread_days < 1) {
      r.Error("escalation.unread_days", root.at_path("escalation.unread_days").node(), "must be at least 1");
    }
    std::vector<std::string> ladder;
    if (r.Read("escalation.ladder", ladder)) {
      const toml::node* node = root.at_path("escalation.ladder").node();
      if (ladder.empty()) r.Error("escalation.ladder", node, "names no step");
      for (const std::string& name : ladder) {
        std::optional<EscalationStep> step = ParseEscalationStep(name);
        if (!step) {
          r.Error("escalation.ladder", node, fmt::format("'{}' is not a step: account, email, sms or paper", name));
        } else if (std::find(policy.escalation.ladder.begin(), policy.escalation.ladder.end(), *step) !=
                   policy.escalation.ladder.end()) {
          r.Error("escalation.ladder", node, fmt::format("'{}' is named twice", name));
        } else {
          policy.escalation.ladder.push_back(*step);
        }
      }
    }
  }

  if (r.Read("stoplist.valid_hours", policy.stoplist.valid_hours) &&
      (policy.stoplist.valid_hours < 1 || policy.stoplist.valid_hours > 24 * 31)) {
    r.Error("stoplist.valid_hours", root.at_path("stoplist.valid_hours").node(), "must be from 1 to 744 (31 days)");
  }
  std::string when_expired;
  if (r.Read("stoplist.when_expired", when_expired)) {
    if (when_expired == "deny") {
      policy.stoplist.when_expired = WhenExpired::kDeny;
    } else if (when_expired == "allow") {
      policy.stoplist.when_expired = WhenExpired::kAllow;
    } else if (when_expired == "refuse") {
      policy.stoplist.when_expired = WhenExpired::kRefuse;
    } else {
      r.Error("stoplist.when_expired", root.at_path("stoplist.when_expired").node(),
              "expected \"deny\", \"allow\" or \"refuse\"");
    }
  }

  MUSTER_RETURN_IF_ERROR(r.Finish());
  return policy;
}

Result<Policy> LoadPolicyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(fmt::format("cannot read policy file '{}'", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParsePolicy(buffer.str(), path);
}

const Policy& DefaultPolicy() {
  static const Policy kPolicy = [] {
    auto parsed = ParsePolicy(DefaultPolicyText(), "policies/default.toml");
    if (!parsed.ok()) {
      fmt::print(stderr, "built-in policy is invalid: {}\n", parsed.status().message());
      std::abort();
    }
    return *parsed;
  }();
  return kPolicy;
}

}  // namespace muster

#include "core/policy.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace muster {
namespace {

// The 1-based line of `text` that holds `needle`; 0 when none does.
int LineOf(std::string_view text, std::string_view needle) {
  size_t at = text.find(needle);
  if (at == std::string_view::npos) return 0;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

// The default policy with the first occurrence of `from` replaced by `to`.
std::string Edited(std::string_view from, std::string_view to) {
  std::string text(DefaultPolicyText());
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(PolicyTest, DefaultPolicyLoads) {
  auto parsed = ParsePolicy(DefaultPolicyText(), "default.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  const Policy& p = *parsed;
  EXPECT_TRUE(p.national_id.Validate("11223344595").ok());
  EXPECT_FALSE(p.national_id.Validate("11223344594").ok());
  EXPECT_EQ(p.fitness_categories, (std::vector<std::string>{"A", "B", "C", "D", "E"}));
  EXPECT_EQ(p.fitness_eligible, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(p.delivery_mode, DeliveryMode::kOnEntry);
  EXPECT_EQ(p.grace_hours, 24);
  ASSERT_EQ(p.restrictions.size(), 1u);
  EXPECT_EQ(p.restrictions[0].kind, "exit_ban");
  EXPECT_EQ(p.restrictions[0].after_days, 0);
  EXPECT_EQ(p.exit_ban_from, ExitBanFrom::kNoShow);
  EXPECT_EQ(p.leap_day_birthday, LeapDayBirthday::kMar1);
  ASSERT_TRUE(p.IsCampaignKind("conscription"));
  EXPECT_EQ(p.age.at("conscription").min, 18);
  EXPECT_EQ(p.age.at("conscription").max, 30);
  EXPECT_EQ(p.CampaignKinds(), "conscription, data_verification, mobilization, reservist_training");
  EXPECT_EQ(p.first_appointment_minutes, 9 * 60);
  EXPECT_EQ(p.last_appointment_minutes, 17 * 60);
  EXPECT_TRUE(p.IsDefermentKind("study"));
  EXPECT_FALSE(p.IsDefermentKind("bribe"));
  EXPECT_EQ(&DefaultPolicy(), &DefaultPolicy());
  EXPECT_FALSE(p.escalation.enabled());
}

TEST(PolicyTest, EscalationLadder) {
  auto parsed = ParsePolicy(
      Edited("[schedule]",
             "[escalation]\nunread_days = 3\nladder = [\"account\", \"email\", \"sms\", \"paper\"]\n[schedule]"),
      "p.toml");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->escalation.unread_days, 3);
  EXPECT_EQ(parsed->escalation.ladder, (std::vector<EscalationStep>{EscalationStep::kAccount, EscalationStep::kEmail,
                                                                    EscalationStep::kSms, EscalationStep::kPaper}));
  EXPECT_TRUE(parsed->escalation.enabled());
  for (auto step : parsed->escalation.ladder) EXPECT_EQ(ParseEscalationStep(EscalationStepName(step)), step);
  EXPECT_FALSE(ParseEscalationStep("fax"));
}

TEST(PolicyTest, VariantsThatAreValid) {
  auto after_days = ParsePolicy(Edited("mode = \"on_entry\"", "mode = \"after_days\""), "p.toml");
  ASSERT_TRUE(after_days.ok()) << after_days.status().message();
  EXPECT_EQ(after_days->delivery_mode, DeliveryMode::kAfterDays);
  EXPECT_EQ(after_days->delivery_days, 7);

  auto driving = ParsePolicy(Edited("{ kind = \"exit_ban\", after_days = 0 }",
                                    "{ kind = \"exit_ban\", after_days = 0 }, { kind = \"driving\", after_days = 20 }"),
                             "p.toml");
  ASSERT_TRUE(driving.ok()) << driving.status().message();
  ASSERT_EQ(driving->restrictions.size(), 2u);
  EXPECT_EQ(driving->restrictions[1].kind, "driving");
  EXPECT_EQ(driving->restrictions[1].after_days, 20);

  auto luhn = ParsePolicy(Edited("checksum = \"snils\"", "checksum = \"luhn\""), "p.toml");
  ASSERT_TRUE(luhn.ok());
  EXPECT_TRUE(luhn->national_id.Validate("79927398713").ok());
}

// Each edit of the default policy must be reported with the file name, the line and the key path.
TEST(PolicyTest, EveryBadKeyIsReportedWithPathAndLine) {
  struct Case {
    const char* name;
    std::string from;
    std::string to;
    std::string line_of;   // text on the line the error names; empty when the error has no line
    std::string expected;  // key path and reason
  } cases[] = {
      {"unknown key", "grace_hours = 24", "grace_hours = 24\ngrace_days = 1", "grace_days",
       "deadline.grace_days: unknown key"},
      {"unknown table", "[schedule]", "[bogus]\nflag = true\n[schedule]", "flag = true", "bogus.flag: unknown key"},
      {"wrong type: string for integer", "grace_hours = 24", "grace_hours = \"24\"", "grace_hours",
       "deadline.grace_hours: expected an integer"},
      {"wrong type: float for integer", "grace_hours = 24", "grace_hours = 24.5", "grace_hours",
       "deadline.grace_hours: expected an integer"},
      {"wrong type: integer for string", "mode = \"on_entry\"", "mode = 1", "mode = 1",
       "delivery.mode: expected a string"},
      {"wrong type: string for boolean", "skip_weekends = true", "skip_weekends = \"yes\"", "skip_weekends",
       "schedule.skip_weekends: expected true or false"},
      {"wrong type: array element", "fitness_categories = [\"A\",", "fitness_categories = [1,", "fitness_categories",
       "registry.fitness_categories: expected an array of strings"},
      {"negative hours", "grace_hours = 24", "grace_hours = -1", "grace_hours",
       "deadline.grace_hours: must not be negative"},
      {"bad delivery mode", "mode = \"on_entry\"", "mode = \"by_pigeon\"", "by_pigeon", "delivery.mode: expected"},
      {"bad checksum name", "checksum = \"snils\"", "checksum = \"crc32\"", "crc32", "national_id.checksum: "},
      {"bad pattern", "pattern = \"^[0-9]{11}$\"", "pattern = \"([0-9\"", "([0-9", "national_id.pattern: "},
      {"fitness_eligible not in categories", "fitness_eligible = [\"A\", \"B\"]", "fitness_eligible = [\"A\", \"Q\"]",
       "fitness_eligible", "eligibility.fitness_eligible: 'Q' is not in registry.fitness_categories"},
      {"blocking deferment unknown", "blocking_deferments = [\"study\",", "blocking_deferments = [\"bribe\",",
       "blocking_deferments", "eligibility.blocking_deferments: 'bribe' is not in deferments.kinds"},
      {"restriction table: wrong type", "{ kind = \"exit_ban\", after_days = 0 }", "{ kind = 7, after_days = 0 }",
       "restrictions = [", "on_no_show.restrictions[0].kind: wrong type"},
      {"restriction table: unknown key", "{ kind = \"exit_ban\", after_days = 0 }",
       "{ kind = \"exit_ban\", after_days = 0, until = 3 }", "restrictions = [",
       "on_no_show.restrictions[0].until: unknown key"},
      {"restriction table: negative days", "{ kind = \"exit_ban\", after_days = 0 }",
       "{ kind = \"exit_ban\", after_days = -2 }", "restrictions = [",
       "on_no_show.restrictions[0].after_days: must not be negative"},
      {"restriction table: missing kind", "{ kind = \"exit_ban\", after_days = 0 }", "{ after_days = 0 }",
       "restrictions = [", "on_no_show.restrictions[0].kind: missing"},
      {"restriction not a table", "[{ kind = \"exit_ban\", after_days = 0 }]", "[\"exit_ban\"]", "restrictions = [",
       "on_no_show.restrictions[0]: expected a table"},
      {"restrictions not an array", "[{ kind = \"exit_ban\", after_days = 0 }]", "\"exit_ban\"",
       "restrictions =", "on_no_show.restrictions: expected an array"},
      {"bad exit_ban_from", "exit_ban_from = \"no_show\"", "exit_ban_from = \"never\"", "exit_ban_from",
       "on_no_show.exit_ban_from: expected"},
      {"bad leap day rule", "leap_day_birthday = \"mar1\"", "leap_day_birthday = \"feb30\"", "leap_day_birthday",
       "eligibility.leap_day_birthday: expected"},
      {"age pair: min above max", "conscription = [18, 30]", "conscription = [30, 18]", "conscription",
       "eligibility.age.conscription: expected 0 <= min <= max"},
      {"age pair: negative", "conscription = [18, 30]", "conscription = [-1, 30]", "conscription",
       "eligibility.age.conscription: expected 0 <= min <= max"},
      {"age pair: one number", "conscription = [18, 30]", "conscription = [18]", "conscription",
       "eligibility.age.conscription: expected [min, max] ages"},
      {"age pair: strings", "conscription = [18, 30]", "conscription = [\"18\", \"30\"]", "conscription",
       "eligibility.age.conscription: expected [min, max] ages"},
      {"age pair: not an array", "conscription = [18, 30]", "conscription = 18", "conscription",
       "eligibility.age.conscription: expected [min, max] ages"},
      {"bad time of day", "first_appointment = \"09:00\"", "first_appointment = \"9 am\"", "first_appointment",
       "schedule.first_appointment: '9 am' is not a time of day HH:MM"},
      {"last before first", "last_appointment = \"17:00\"", "last_appointment = \"08:00\"", "last_appointment",
       "schedule.last_appointment: is before schedule.first_appointment"},
      {"missing key", "grace_hours = 24", "", "", "deadline.grace_hours: missing"},
      {"escalation: unknown step", "[schedule]",
       "[escalation]\nunread_days = 3\nladder = [\"account\", \"fax\"]\n[schedule]", "ladder",
       "escalation.ladder: 'fax' is not a step: account, email, sms or paper"},
      {"escalation: step twice", "[schedule]",
       "[escalation]\nunread_days = 3\nladder = [\"email\", \"email\"]\n[schedule]", "ladder",
       "escalation.ladder: 'email' is named twice"},
      {"escalation: empty ladder", "[schedule]", "[escalation]\nunread_days = 3\nladder = []\n[schedule]", "ladder",
       "escalation.ladder: names no step"},
      {"escalation: no days", "[schedule]", "[escalation]\nladder = [\"account\"]\n[schedule]", "",
       "escalation.unread_days: missing"},
      {"escalation: zero days", "[schedule]", "[escalation]\nunread_days = 0\nladder = [\"account\"]\n[schedule]",
       "unread_days", "escalation.unread_days: must be at least 1"},
      {"escalation: unknown key", "[schedule]",
       "[escalation]\nunread_days = 3\nladder = [\"account\"]\nretries = 2\n[schedule]", "retries",
       "escalation.retries: unknown key"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    std::string text = Edited(c.from, c.to);
    auto parsed = ParsePolicy(text, "bad.toml");
    ASSERT_FALSE(parsed.ok());
    EXPECT_TRUE(parsed.status().IsInvalidArgument());
    std::string want = c.line_of.empty() ? fmt::format("bad.toml: {}", c.expected)
                                         : fmt::format("bad.toml:{}: {}", LineOf(text, c.line_of), c.expected);
    EXPECT_NE(parsed.status().message().find(want), std::string::npos)
        << "want: " << want << "\ngot:  " << parsed.status().message();
  }
}

TEST(PolicyTest, SeveralErrorsAreReportedTogether) {
  std::string text = Edited("grace_hours = 24", "grace_hours = \"soon\"");
  text += "\n[extra]\nkey = 1\n";
  size_t at = text.find("checksum = \"snils\"");
  text.replace(at, 18, "checksum = \"md5\"");
  at = text.find("conscription = [18, 30]");
  text.replace(at, 23, "conscription = [30, 18]");
  auto parsed = ParsePolicy(text, "bad.toml");
  ASSERT_FALSE(parsed.ok());
  const std::string& msg = parsed.status().message();
  for (const char* key :
       {"national_id.checksum", "deadline.grace_hours", "eligibility.age.conscription", "extra.key"}) {
    EXPECT_NE(msg.find(key), std::string::npos) << key << " not in:\n" << msg;
  }
  EXPECT_EQ(std::count(msg.begin(), msg.end(), '\n'), 3) << msg;
}

TEST(PolicyTest, SyntaxErrorNamesTheLine) {
  std::string text = Edited("grace_hours = 24", "grace_hours = = 24");
  auto parsed = ParsePolicy(text, "bad.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().message().rfind(fmt::format("bad.toml:{}:", LineOf(text, "grace_hours = =")), 0), 0u)
      << parsed.status().message();
}

TEST(PolicyTest, LoadPolicyFileReportsAMissingFile) {
  auto parsed = LoadPolicyFile("/nonexistent/policy.toml");
  ASSERT_FALSE(parsed.ok());
  EXPECT_NE(parsed.status().message().find("/nonexistent/policy.toml"), std::string::npos);
}

}  // namespace
}  // namespace muster

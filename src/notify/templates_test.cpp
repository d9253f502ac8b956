#include "notify/templates.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace muster::notify {
namespace {

TEST(Templates, EveryKindInEveryLanguageRendersWithEveryPlaceholderFilled) {
  const std::vector<std::string_view> kinds = TemplateKinds();
  EXPECT_EQ(kinds.size(), 8u);
  for (std::string_view kind : kinds) {
    for (std::string_view lang : TemplateLangs()) {
      auto t = FindTemplate(kind, lang);
      ASSERT_TRUE(t.ok()) << kind << " " << lang;
      auto r = Render(**t, SampleParams());
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(r->subject.find('{'), std::string::npos) << r->subject;
      EXPECT_EQ(r->body.find('{'), std::string::npos) << r->body;
      // Where to look, and that the message itself is only informational.
      const bool ru = lang == "ru";
      EXPECT_NE(r->body.find(ru ? "личном кабинете" : "personal account"), std::string::npos) << r->body;
      EXPECT_NE(r->body.find(ru ? "информационный характер" : "for information only"), std::string::npos);
      EXPECT_NE(r->body.find("Ivan"), std::string::npos);
    }
  }
  // The summons' own message: the office, the appointment in its zone, the deadline, the appeal.
  auto r = Render(**FindTemplate("summons_delivered", "en"), SampleParams());
  ASSERT_TRUE(r.ok());
  for (const char* want : {"Central recruitment office (Moscow)", "2027-01-15 09:00 MSK (Europe/Moscow), Room 4",
                           "Deadline for appearing or appealing: 2027-01-16 09:00 MSK", "file an appeal"}) {
    EXPECT_NE(r->body.find(want), std::string::npos) << want;
  }
}

TEST(Templates, NoTemplateNamesAPlaceholderOutsideTheKnownOnes) {
  // The known placeholders are all a message can say: nothing there is a national ID, a reason
  // or a diagnosis.
  const auto known = KnownPlaceholders();
  for (std::string_view name : {"national_id", "reason", "diagnosis", "text", "decision_reason"}) {
    EXPECT_EQ(std::find(known.begin(), known.end(), name), known.end()) << name;
  }
  Template bad{"x", "en", 1, "s", "Your ID is {national_id}"};
  auto r = Render(bad, {{"national_id", "12345678964"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "national_id");
  EXPECT_NE(r.status().message().find("no placeholder {national_id}"), std::string::npos) << r.status().message();
  Template missing{"x", "en", 1, "s", "Dear {given_name}"};
  EXPECT_EQ(Render(missing, {}).status().field(), "given_name");
  Template open{"x", "en", 1, "s", "Dear {given_name"};
  EXPECT_FALSE(Render(open, {{"given_name", "a"}}).ok());
}

TEST(Templates, ValuesAreNotExpandedAgain) {
  Template t{"x", "en", 1, "{given_name}", "Dear {given_name}, see {place}."};
  auto r = Render(t, {{"given_name", "{place}"}, {"place", "Room 4"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->subject, "{place}");
  EXPECT_EQ(r->body, "Dear {place}, see Room 4.");
}

TEST(Templates, UnknownKindsAndLanguagesAreNamed) {
  auto kind = FindTemplate("summons_lost", "en");
  EXPECT_TRUE(kind.status().IsNotFound());
  EXPECT_EQ(kind.status().field(), "kind");
  EXPECT_NE(kind.status().message().find("summons_delivered"), std::string::npos);
  auto lang = FindTemplate("summons_delivered", "fr");
  EXPECT_EQ(lang.status().field(), "lang");
  EXPECT_NE(lang.status().message().find("en, ru"), std::string::npos) << lang.status().message();
}

TEST(Templates, ParamsRoundTripAsAJsonObjectOfStrings) {
  Params p{{"given_name", "Иван \"Ваня\""}, {"place", "Room\n4"}};
  auto back = ParamsFromJson(ParamsToJson(p));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, p);
  EXPECT_FALSE(ParamsFromJson("[1]").ok());
  EXPECT_FALSE(ParamsFromJson(R"({"a":1})").ok());
  EXPECT_FALSE(ParamsFromJson("{").ok());
}

}  // namespace
}  // namespace muster::notify

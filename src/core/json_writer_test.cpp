#include "core/json_writer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "codec/json.hpp"

namespace muster {
namespace {

std::string Dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

std::string Written(std::string_view s) {
  std::string out;
  JsonWriter(out).String(s);
  return out;
}

TEST(JsonWriterTest, StringsAreEscapedAsNlohmannDoes) {
  const std::string cases[] = {
      "",
      "plain",
      "quote \" and backslash \\",
      std::string("controls \x01\x1f\n\r\t\b\f end"),
      std::string("nul \0 inside", 12),
      "Кириллица и 中文 и 🙂",
      "bad \xff byte",
      "truncated \xd0",
      "overlong \xc0\xaf",
      "surrogate \xed\xa0\x80",
      "above U+10FFFF \xf4\x90\x80\x80",
      "stray continuation \x80 here",
      "\x7f delete is fine",
  };
  for (const std::string& s : cases) EXPECT_EQ(Written(s), Dump(s)) << s;
}

TEST(JsonWriterTest, CommasAndNesting) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject();
  w.Key("a").Int(-5);
  w.Key("b").BeginArray().Int(1).Bool(true).Null().BeginObject().EndObject().BeginArray().EndArray().EndArray();
  w.Key("c").String("x");
  w.EndObject();
  EXPECT_EQ(out, R"({"a":-5,"b":[1,true,null,{},[]],"c":"x"})");
  EXPECT_EQ(nlohmann::json::parse(out)["b"].size(), 5u);
}

TEST(JsonWriterTest, TimesMatchFormatTimestamp) {
  for (int64_t ms : {int64_t{0}, int64_t{1}, int64_t{999}, int64_t{1'700'000'000'123}, int64_t{-1},
                     int64_t{-86'400'001}, int64_t{253'402'300'799'999}, int64_t{951'782'400'000}}) {
    Timestamp t{std::chrono::milliseconds(ms)};
    std::string out;
    AppendTimestamp(out, t);
    EXPECT_EQ(out, FormatTimestamp(t)) << ms;
  }
}

TEST(JsonWriterTest, SummonsMatchesToJsonByteForByte) {
  Summons s;
  s.number = "26-00000001-4";
  s.national_id = "11223344595";
  s.office = "D01";
  s.kind = "conscription";
  s.appear_at = Timestamp{std::chrono::milliseconds(1'800'000'000'000)};
  s.place = "Room \"4\"\n";
  s.purpose = "Медкомиссия";
  s.issued_at = Timestamp{std::chrono::milliseconds(1'700'000'000'001)};
  s.issued_by = "officer:olga";
  std::string out;
  JsonWriter w(out);
  WriteJson(w, s);
  EXPECT_EQ(out, Dump(ToJson(s)));

  s.state = SummonsState::kViewed;
  s.campaign_id = CampaignId(7);
  s.delivered_at = s.issued_at;
  s.viewed_at = s.appear_at;
  s.appeared_at = s.appear_at;
  s.closed_at = s.appear_at;
  s.close_reason = "reason";
  s.override_reason = "override";
  s.override_approved_by = "supervisor:sam";
  out.clear();
  JsonWriter w2(out);
  WriteJson(w2, s);
  EXPECT_EQ(out, Dump(ToJson(s)));

  out.clear();
  JsonWriter w3(out);
  WriteJson(w3, s, DefaultPolicy(), "Europe/Moscow");
  EXPECT_EQ(out, Dump(ToJson(s, DefaultPolicy(), "Europe/Moscow")));
}

}  // namespace
}  // namespace muster

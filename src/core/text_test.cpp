#include "core/text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace muster {
namespace {

struct TextCase {
  std::string value;
  TextRule rule;
  bool ok;
  std::string message;  // what the refusal says after the field's name
};

TEST(CheckTextTest, RefusesWhatCannotBeStoredOrShown) {
  const TextCase cases[] = {
      {"Issued in error", {}, true, ""},
      {"Иванов Пётр", {}, true, ""},
      {"", {}, false, "reason: is required"},
      {"", {.required = false}, true, ""},
      {"\xff", {}, false, "reason: is not valid UTF-8"},
      {"bad\xff", {.multiline = true}, false, "reason: is not valid UTF-8"},
      {"\xc0\xaf", {}, false, "reason: is not valid UTF-8"},          // an overlong '/'
      {"\xed\xa0\x80", {}, false, "reason: is not valid UTF-8"},      // a surrogate
      {"\xf4\x90\x80\x80", {}, false, "reason: is not valid UTF-8"},  // above U+10FFFF
      {"two\nlines", {}, false, "reason: holds a control character"},
      {"two\nlines\tand a tab\r\n", {.multiline = true}, true, ""},
      {std::string("nul\0byte", 8),
       {.multiline = true},
       false,
       "reason: holds a control character (only line breaks and tabs are allowed)"},
      {"escape\x1b[2J",
       {.multiline = true},
       false,
       "reason: holds a control character (only line breaks and tabs are allowed)"},
      {"delete\x7f", {}, false, "reason: holds a control character"},
      {std::string(11, 'a'), {.max_bytes = 10}, false, "reason: is longer than 10 bytes"},
      {std::string(10, 'a'), {.max_bytes = 10}, true, ""},
  };
  for (const auto& c : cases) {
    Status st = CheckText("reason", c.value, c.rule);
    EXPECT_EQ(st.ok(), c.ok) << c.value;
    if (!c.ok) {
      EXPECT_TRUE(st.IsInvalidArgument()) << c.value;
      EXPECT_EQ(st.message(), c.message) << c.value;
      EXPECT_EQ(st.field(), "reason") << c.value;
    }
  }
}

}  // namespace
}  // namespace muster

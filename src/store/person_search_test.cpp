#include <gtest/gtest.h>

#include "store/store.hpp"

namespace muster {
namespace {

TEST(PersonSearchPatternsTest, WordsBecomePatterns) {
  struct Case {
    const char* text;
    std::array<std::string, 4> patterns;
  };
  const Case cases[] = {
      {"petrov", {"%petrov%", "%", "%", "%"}},
      {"  Petrov,  Anton ", {"%Petrov%", "%Anton%", "%", "%"}},
      {"", {"%", "%", "%", "%"}},
      {"a b c d e", {"%a%", "%b%", "%c%", "%d%"}},  // only four words count
      {"50%_a\\b", {"%50\\%\\_a\\\\b%", "%", "%", "%"}},  // LIKE's wildcards match only themselves
      {"Иванов", {"%Иванов%", "%", "%", "%"}},
  };
  for (const auto& c : cases) EXPECT_EQ(PersonSearchPatterns(c.text), c.patterns) << c.text;
}

}  // namespace
}  // namespace muster

#include "core/status.hpp"

#include <gtest/gtest.h>

namespace muster {
namespace {

TEST(StatusTest, AFieldErrorNamesItsFieldAndSaysItInTheMessage) {
  Status st = Status::InvalidArgument("appear_at", "must be in the future");
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(st.field(), "appear_at");
  EXPECT_EQ(st.message(), "appear_at: must be in the future");
  EXPECT_TRUE(Status::InvalidArgument("appear_at: must be in the future").field().empty())
      << "a message that looks like one is not read for a field";
}

TEST(StatusTest, ContextKeepsTheFieldAndTheInnerFieldWins) {
  Status inner = Status::NotFound("office", "no office D09");
  Status st = inner.WithContext("line 3");
  EXPECT_EQ(st.message(), "line 3: office: no office D09");
  EXPECT_EQ(st.field(), "office");
  Status outer = inner.WithField("person");
  EXPECT_EQ(outer.field(), "office");
  EXPECT_EQ(outer.message(), "person: office: no office D09");
  EXPECT_EQ(Status::NotFound("no such row").WithField("number").field(), "number");
  EXPECT_TRUE(Status::Ok().WithField("number").ok());
  EXPECT_TRUE(Status::Ok().WithField("number").field().empty());
}

TEST(StatusTest, ReasonsTravelWithCopies) {
  Status st = Status::FailedPrecondition("not eligible").WithReasons({"deferment:study", "fitness:D"});
  Status copy = st.WithContext("issue");
  ASSERT_EQ(copy.reasons().size(), 2u);
  EXPECT_EQ(copy.reasons()[0], "deferment:study");
  EXPECT_TRUE(Status::Ok().reasons().empty());
  EXPECT_TRUE(Status::Internal("bug").reasons().empty());
}

}  // namespace
}  // namespace muster

#include "summons/service.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <set>

namespace muster {
namespace {

class SummonsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("muster_service_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".db"))
                .string();
    std::filesystem::remove(path_);
    auto store = OpenStore(path_, StoreOptions{.create = true});
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }

  std::string path_;
  std::unique_ptr<Store> store_;
  FixedClock clock_{*ParseTimestamp("2026-12-01T10:00:00Z")};
};

// Thousands of checks in the same millisecond still get distinct references, and all of them
// are recorded.
TEST_F(SummonsServiceTest, ExitCheckReferencesAreUniqueAndRecorded) {
  SummonsService service(*store_, DefaultPolicy(), clock_);
  ASSERT_TRUE(service.LoadExitBans().ok());
  std::set<std::string> references;
  for (int i = 0; i < 10000; ++i) {
    auto answer = service.ExitCheck("12345678964", "border:test");
    ASSERT_TRUE(answer.ok()) << answer.status().message();
    EXPECT_TRUE(answer->allow);
    references.insert(std::string(answer->reference()));
  }
  EXPECT_EQ(references.size(), 10000u);
  Status flushed = service.FlushExitChecks();
  EXPECT_TRUE(flushed.ok()) << flushed.message();
  // The record carries the very references answered.
  std::set<std::string> recorded;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT reference FROM exit_checks", -1, &st, nullptr), SQLITE_OK);
  while (sqlite3_step(st) == SQLITE_ROW) recorded.insert(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  sqlite3_finalize(st);
  sqlite3_close(db);
  EXPECT_EQ(recorded, references);
}

TEST_F(SummonsServiceTest, ExitCheckRejectsAnInvalidId) {
  SummonsService service(*store_, DefaultPolicy(), clock_);
  auto answer = service.ExitCheck("12345678900", "border:test");
  ASSERT_FALSE(answer.ok());
  EXPECT_TRUE(answer.status().IsInvalidArgument());
  EXPECT_NE(answer.status().message().find("national_id"), std::string::npos);
}

}  // namespace
}  // namespace muster

namespace muster {
namespace {

TEST(SameActorTest, ThePersonAfterTheChannel) {
  EXPECT_TRUE(SameActor("alice", "alice"));
  EXPECT_TRUE(SameActor("cli:alice", "officer:alice"));
  EXPECT_TRUE(SameActor("cli:alice", "alice"));
  EXPECT_FALSE(SameActor("cli:alice", "cli:bob"));
  EXPECT_FALSE(SameActor("officer:alice", "officer:alicia"));
}

}  // namespace
}  // namespace muster

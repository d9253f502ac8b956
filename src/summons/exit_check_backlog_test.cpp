#include "summons/exit_check_backlog.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace muster {
namespace {

ExitCheckRecord Record(uint64_t counter) { return {"12345678964", counter % 2 == 0, 0, "border:gate1", {}, counter}; }

// A store that takes batches, remembering their sizes and the records' counters, and fails the
// batches it is told to.
struct FakeStore {
  std::vector<size_t> batches;
  std::vector<uint64_t> written;
  int fail_next = 0;  // batches to refuse before taking again

  ExitCheckBacklog::WriteBatch Writer() {
    return [this](std::span<const ExitCheckRecord> batch) {
      if (fail_next > 0) {
        --fail_next;
        return Status::IoError("database or disk is full");
      }
      batches.push_back(batch.size());
      for (const ExitCheckRecord& r : batch) written.push_back(r.counter);
      return Status::Ok();
    };
  }
};

TEST(ExitCheckBacklogTest, WritesInBatchesOfBoundedSize) {
  ExitCheckBacklog backlog(100, 4);
  for (uint64_t i = 0; i < 10; ++i) backlog.Append(Record(i));
  EXPECT_EQ(backlog.counts().pending, 10u);
  FakeStore store;
  ASSERT_TRUE(backlog.Flush(store.Writer()).ok());
  EXPECT_EQ(store.batches, (std::vector<size_t>{4, 4, 2}));
  EXPECT_EQ(store.written, (std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  ExitCheckBacklog::Counts c = backlog.counts();
  EXPECT_EQ(c.written, 10u);
  EXPECT_EQ(c.pending, 0u);
  EXPECT_EQ(c.dropped, 0u);
  // Nothing held: nothing written.
  ASSERT_TRUE(backlog.Flush(store.Writer()).ok());
  EXPECT_EQ(store.batches.size(), 3u);
}

TEST(ExitCheckBacklogTest, DropsAndCountsBeyondItsCapacity) {
  ExitCheckBacklog backlog(5, 2);
  for (uint64_t i = 0; i < 8; ++i) backlog.Append(Record(i));
  ExitCheckBacklog::Counts c = backlog.counts();
  EXPECT_EQ(c.pending, 5u);
  EXPECT_EQ(c.dropped, 3u);
  FakeStore store;
  ASSERT_TRUE(backlog.Flush(store.Writer()).ok());
  EXPECT_EQ(store.written, (std::vector<uint64_t>{0, 1, 2, 3, 4}));  // the first five; the newest were dropped
  // Written records make room again.
  backlog.Append(Record(8));
  EXPECT_EQ(backlog.counts().pending, 1u);
  EXPECT_EQ(backlog.counts().dropped, 3u);
}

TEST(ExitCheckBacklogTest, AFailedBatchIsRetriedAloneAndFirst) {
  ExitCheckBacklog backlog(8, 3);
  for (uint64_t i = 0; i < 7; ++i) backlog.Append(Record(i));
  FakeStore store;
  // The first batch goes in, the second fails: the flush stops there and keeps it and the rest.
  int calls = 0;
  Status st = backlog.Flush([&](std::span<const ExitCheckRecord> batch) {
    ++calls;
    if (calls == 2) return Status::IoError("database or disk is full");
    return store.Writer()(batch);
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(store.written, (std::vector<uint64_t>{0, 1, 2}));
  ExitCheckBacklog::Counts c = backlog.counts();
  EXPECT_EQ(c.written, 3u);
  EXPECT_EQ(c.pending, 4u);
  // Records kept for a retry count against the capacity: room for 4 more, then drops.
  for (uint64_t i = 7; i < 13; ++i) backlog.Append(Record(i));
  c = backlog.counts();
  EXPECT_EQ(c.pending, 8u);
  EXPECT_EQ(c.dropped, 2u);
  // Still failing: nothing is lost, nothing written.
  store.fail_next = 1;
  EXPECT_FALSE(backlog.Flush(store.Writer()).ok());
  EXPECT_EQ(backlog.counts().pending, 8u);
  // The store takes them again: the kept batch first, in order, then the newer records.
  store.batches.clear();
  ASSERT_TRUE(backlog.Flush(store.Writer()).ok());
  EXPECT_EQ(store.written, (std::vector<uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  EXPECT_EQ(store.batches, (std::vector<size_t>{3, 1, 3, 1}));
  c = backlog.counts();
  EXPECT_EQ(c.written, 11u);
  EXPECT_EQ(c.pending, 0u);
  EXPECT_EQ(c.dropped, 2u);
}

TEST(ExitCheckBacklogTest, EveryRecordIsWrittenOrDroppedUnderConcurrentAppends) {
  ExitCheckBacklog backlog(1000, 64);
  FakeStore store;
  constexpr int kThreads = 4;
  constexpr uint64_t kEach = 20000;
  std::atomic<bool> done{false};
  std::thread flusher([&] {
    while (!done.load()) ASSERT_TRUE(backlog.Flush(store.Writer()).ok());
  });
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&backlog, t] {
      for (uint64_t i = 0; i < kEach; ++i) backlog.Append(Record(t * kEach + i));
    });
  }
  for (auto& t : threads) t.join();
  done = true;
  flusher.join();
  ASSERT_TRUE(backlog.Flush(store.Writer()).ok());
  ExitCheckBacklog::Counts c = backlog.counts();
  EXPECT_EQ(c.pending, 0u);
  EXPECT_EQ(c.written, store.written.size());
  EXPECT_EQ(c.written + c.dropped, kThreads * kEach);
  for (size_t n : store.batches) EXPECT_LE(n, 64u);
}

}  // namespace
}  // namespace muster

#include "events/subscriber.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "events/runner.hpp"
#include "store/open.hpp"

namespace muster::events {
namespace {

const Timestamp kT0 = *ParseTimestamp("2026-12-01T10:00:00Z");

class SubscriberTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             fmt::format("muster-subscriber-{}-{}.db", ::getpid(),
                         ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    std::filesystem::remove(path_);
    auto store = OpenStore(path_, {.create = true});
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    writes_ = std::make_unique<WritePath>(*store_);
  }
  void TearDown() override {
    writes_.reset();
    store_.reset();
    std::filesystem::remove(path_);
  }

  // Writes `n` events: every third a "summons.delivered", the rest "summons.viewed".
  void Emit(int n) {
    Status st = store_->Write([&](Tx& tx) -> Status {
      for (int i = 0; i < n; ++i) {
        const char* type = (emitted_ + i) % 3 == 0 ? "summons.delivered" : "summons.viewed";
        MUSTER_RETURN_IF_ERROR(tx.events().Append({0, type, kT0, "officer:olga", "26-00000001-5", "{}"}).status());
      }
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
    emitted_ += n;
  }
  // The seqs that "handled" events name, in the order written.
  std::vector<int64_t> Handled() {
    std::vector<int64_t> out;
    Status st = store_->Read([&](Tx& tx) -> Status {
      const std::string_view types[] = {"test.handled"};
      MUSTER_ASSIGN_OR_RETURN(auto events, tx.events().ListOfTypes(0, types, 1000000));
      for (const Event& e : events) out.push_back(std::stoll(e.subject));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }
  int64_t CursorOf(std::string_view name) {
    int64_t seq = -1;
    Status st = store_->Read([&](Tx& tx) -> Status {
      MUSTER_ASSIGN_OR_RETURN(seq, tx.events().Cursor(name));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return seq;
  }
  // Every third seq from 1 up to `n` events: those of type summons.delivered.
  static std::vector<int64_t> Delivered(int n) {
    std::vector<int64_t> out;
    for (int64_t seq = 1; seq <= n; seq += 3) out.push_back(seq);
    return out;
  }

  std::string path_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<WritePath> writes_;
  FixedClock clock_{kT0};
  int emitted_ = 0;
};

// Handles summons.delivered events by writing a test.handled event naming each one's seq, in
// the transaction that moves the cursor; fails while `fail` is set.
class Recorder : public CursorSubscriber {
 public:
  Recorder(WritePath& writes, const Clock& clock, size_t batch, std::string name = "recorder")
      : CursorSubscriber(writes, clock, {.name = std::move(name), .types = {"summons.delivered"}, .batch = batch}) {}
  std::atomic<bool> fail{false};
  std::atomic<int> batches{0};

 protected:
  Status Handle(Tx& tx, std::span<const Event> events) override {
    ++batches;
    for (const Event& e : events) {
      EXPECT_EQ(e.type, "summons.delivered");
      MUSTER_RETURN_IF_ERROR(
          tx.events().Append({0, "test.handled", kT0, "system:test", std::to_string(e.seq), "{}"}).status());
    }
    if (fail) return Status::IoError("the mail relay is down");
    return Status::Ok();
  }
};

TEST_F(SubscriberTest, HandlesEachEventOfItsTypesOnceAndResumesFromItsCursor) {
  Emit(100);
  {
    Recorder recorder(*writes_, clock_, 7);
    ASSERT_TRUE(recorder.Round().ok());
    EXPECT_EQ(recorder.handled(), 34u);
    EXPECT_EQ(recorder.batches, 5);  // 34 events in batches of 7
  }
  EXPECT_EQ(Handled(), Delivered(100));
  // The cursor is where the last event written was when the last batch was read: past the 28
  // handled events of the full batches, before the 6 the last batch wrote.
  EXPECT_EQ(CursorOf("recorder"), 100 + 28);

  // A new object, as after a restart: it resumes where the last one stopped.
  Emit(50);
  Recorder again(*writes_, clock_, 7);
  ASSERT_TRUE(again.Round().ok());
  EXPECT_EQ(again.handled(), 16u);
  std::vector<int64_t> want = Delivered(100);
  for (int64_t seq = 100 + 34 + 1; seq <= 100 + 34 + 50; ++seq) {
    if ((seq - 34 - 1) % 3 == 0) want.push_back(seq);
  }
  EXPECT_EQ(Handled(), want);

  // Nothing new: nothing handled, nothing written.
  ASSERT_TRUE(again.Round().ok());
  EXPECT_EQ(again.handled(), 16u);
}

TEST_F(SubscriberTest, AFailedBatchLeavesNeitherItsWritesNorTheCursorMoved) {
  Emit(30);
  Recorder recorder(*writes_, clock_, 4);
  recorder.fail = true;
  Status st = recorder.Round();
  ASSERT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_NE(st.message().find("recorder: the mail relay is down"), std::string::npos) << st.message();
  EXPECT_TRUE(Handled().empty());
  EXPECT_EQ(CursorOf("recorder"), 0);
  recorder.fail = false;
  ASSERT_TRUE(recorder.Round().ok());
  EXPECT_EQ(Handled(), Delivered(30));
}

TEST_F(SubscriberTest, AnEmptyListOfTypesTakesEveryEvent) {
  Emit(5);
  class All : public CursorSubscriber {
   public:
    using CursorSubscriber::CursorSubscriber;
    std::vector<int64_t> seqs;

   protected:
    Status Handle(Tx&, std::span<const Event> events) override {
      for (const Event& e : events) seqs.push_back(e.seq);
      return Status::Ok();
    }
  } all(*writes_, clock_, {.name = "all", .batch = 2});
  ASSERT_TRUE(all.Round().ok());
  EXPECT_EQ(all.seqs, (std::vector<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(CursorOf("all"), 5);
}

// Two servers sharing a database run the same subscriber: together they handle every event
// once, whichever of them gets to it.
TEST_F(SubscriberTest, TwoProcessesOfOneSubscriberNeverHandleAnEventTwice) {
  auto second = OpenStore(path_, {});
  ASSERT_TRUE(second.ok()) << second.status().message();
  WritePath second_writes(**second);
  Recorder a(*writes_, clock_, 5);
  Recorder b(second_writes, clock_, 5);
  std::atomic<bool> done{false};
  auto run = [&done](Recorder& r) {
    while (!done) EXPECT_TRUE(r.Round().ok());
    EXPECT_TRUE(r.Round().ok());
  };
  std::thread ta(run, std::ref(a)), tb(run, std::ref(b));
  for (int i = 0; i < 40; ++i) Emit(25);
  done = true;
  ta.join();
  tb.join();
  std::vector<int64_t> handled = Handled();
  std::sort(handled.begin(), handled.end());
  std::vector<int64_t> want;
  Status st = store_->Read([&](Tx& tx) -> Status {
    const std::string_view types[] = {"summons.delivered"};
    MUSTER_ASSIGN_OR_RETURN(auto events, tx.events().ListOfTypes(0, types, 1000000));
    for (const Event& e : events) want.push_back(e.seq);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(want.size(), 334u);
  EXPECT_EQ(handled, want);
  EXPECT_EQ(a.handled() + b.handled(), 334u);
}

// A subscriber that counts its rounds and finals, and fails while told to.
class Counter : public Subscriber {
 public:
  Counter(std::string name, std::vector<std::string>* finals) : name_(std::move(name)), finals_(finals) {}
  std::string_view name() const override { return name_; }
  Status Round() override {
    ++rounds;
    if (fail) return Status::IoError("disk full");
    return Status::Ok();
  }
  void Committed() override { ++committed; }
  Status Final() override {
    finals_->push_back(name_);
    if (fail) return Status::IoError("still full");
    return Status::Ok();
  }
  std::atomic<int> rounds{0}, committed{0};
  std::atomic<bool> fail{false};

 private:
  std::string name_;
  std::vector<std::string>* finals_;
};

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return done();
}

TEST(RunnerTest, WakesOnCommitsAndTimersAndRunsTheFinalRoundsInOrder) {
  std::vector<std::string> finals;
  Counter commits("commits", &finals), timer("timer", &finals), idle("idle", &finals);
  Runner runner;
  runner.Add(commits, {.on_commit = true});
  runner.Add(timer, {.every = std::chrono::milliseconds(10)});
  runner.Add(std::make_unique<Counter>("owned", &finals), {});
  runner.Add(idle, {});
  EXPECT_TRUE(WaitFor([&] { return timer.rounds >= 3; }));
  EXPECT_EQ(commits.rounds, 0);
  runner.Committed();
  EXPECT_EQ(commits.committed, 1);
  EXPECT_TRUE(WaitFor([&] { return commits.rounds == 1; }));
  EXPECT_EQ(idle.rounds, 0);
  EXPECT_EQ(idle.committed, 0);
  ASSERT_TRUE(runner.Stop().ok());
  EXPECT_EQ(finals, (std::vector<std::string>{"commits", "timer", "owned", "idle"}));
  auto counts = runner.counts();
  ASSERT_EQ(counts.size(), 4u);
  EXPECT_EQ(counts[0].name, "commits");
  EXPECT_EQ(counts[0].rounds, 1u);
}

TEST(RunnerTest, SaysOnceWhenRoundsStartFailingAndOnceWhenTheyRecover) {
  std::mutex mu;
  std::vector<std::string> said;
  std::vector<std::string> finals;
  Counter counter("sweep", &finals);
  counter.fail = true;
  Runner runner([&](std::string_view name, const Status& st) {
    std::lock_guard lock(mu);
    said.push_back(fmt::format("{}: {}", name, st.ok() ? "recovered" : st.message()));
  });
  runner.Add(counter, {.every = std::chrono::milliseconds(5)});
  EXPECT_TRUE(WaitFor([&] { return counter.rounds >= 5; }));
  counter.fail = false;
  int at = counter.rounds;
  EXPECT_TRUE(WaitFor([&] { return counter.rounds >= at + 3; }));
  counter.fail = true;
  Status st = runner.Stop();
  EXPECT_EQ(st.code(), StatusCode::kIoError);
  EXPECT_EQ(st.message(), "sweep: still full");
  std::lock_guard lock(mu);
  EXPECT_EQ(said, (std::vector<std::string>{"sweep: disk full", "sweep: recovered"}));
  EXPECT_GE(runner.counts().at(0).failed_rounds, 5u);
}

}  // namespace
}  // namespace muster::events

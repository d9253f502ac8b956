#include "notify/dispatcher.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <deque>

#include "notify/notify_testing.hpp"

namespace muster::notify {
namespace {

using namespace std::chrono_literals;
const Timestamp kT0 = *ParseTimestamp("2026-12-01T10:00:00Z");

TEST(Backoff, DoublesFromTheFirstRetryUpToTheLongest) {
  DispatcherOptions o{.first_retry = 30s, .longest_retry = 1h};
  EXPECT_EQ(Backoff(1, o), 30s);
  EXPECT_EQ(Backoff(2, o), 60s);
  EXPECT_EQ(Backoff(3, o), 120s);
  EXPECT_EQ(Backoff(7, o), 1920s);
  EXPECT_EQ(Backoff(8, o), 1h);
  EXPECT_EQ(Backoff(1000, o), 1h);
}

// Answers from a script, and remembers what it was asked to send.
class ScriptedChannel final : public Channel {
 public:
  explicit ScriptedChannel(NotificationChannel kind) : kind_(kind) {}
  NotificationChannel kind() const override { return kind_; }
  SendResult Send(const Notification& n, const Rendered& r) override {
    sent.push_back(fmt::format("{} {}", n.address, r.subject));
    if (answers.empty()) return {NotificationStatus::kDelivered, "250 OK", ""};
    SendResult next = answers.front();
    answers.pop_front();
    return next;
  }
  std::deque<SendResult> answers;
  std::vector<std::string> sent;

 private:
  NotificationChannel kind_;
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.status().ok()) << db_.status().ToString();
    Status st = db_.store().Write([](Tx& tx) -> Status {
      MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(testing::TestPerson("12345678964")).status());
      return tx.summonses().Insert(testing::TestSummons(1, "26-00000001-5", "12345678964", kT0));
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  int64_t Queue(int64_t seq, NotificationChannel channel, std::string templ = "summons_delivered") {
    Notification n;
    n.event_seq = seq;
    n.summons_number = "26-00000001-5";
    n.person_id = 1;
    n.channel = channel;
    n.templ = std::move(templ);
    n.lang = "en";
    n.address = fmt::format("ivan{}@example.org", seq);
    n.params = ParamsToJson(SampleParams());
    n.next_attempt_at = kT0;
    n.message_id = NewMessageIdForTest(seq, channel);
    n.created_at = kT0;
    int64_t id = 0;
    Status st = db_.store().Write([&](Tx& tx) -> Status {
      MUSTER_ASSIGN_OR_RETURN(id, tx.notifications().Queue(n));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return id;
  }
  static std::string NewMessageIdForTest(int64_t seq, NotificationChannel c) {
    return fmt::format("<{}.{}@test>", seq, NotificationChannelName(c));
  }
  Notification Get(int64_t id) {
    Notification n;
    Status st = db_.store().Read([&](Tx& tx) -> Status {
      MUSTER_ASSIGN_OR_RETURN(n, tx.notifications().Get(id));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return n;
  }

  testing::TempStore db_;
  FixedClock clock_{kT0};
};

TEST_F(DispatcherTest, SendsWhatIsDueOnItsChannelsAndRecordsEachAttempt) {
  int64_t email = Queue(1, NotificationChannel::kEmail);
  int64_t webhook = Queue(2, NotificationChannel::kWebhook);
  auto channel = std::make_unique<ScriptedChannel>(NotificationChannel::kEmail);
  ScriptedChannel* smtp = channel.get();
  std::vector<std::unique_ptr<Channel>> channels;
  channels.push_back(std::move(channel));
  Dispatcher d(db_.writes(), clock_, std::move(channels), {.owner = "test"});
  auto counts = d.Pass();
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->claimed, 1u);
  EXPECT_EQ(counts->delivered, 1u);
  EXPECT_EQ(smtp->sent,
            (std::vector<std::string>{"ivan1@example.org A document is waiting in your personal account (summons "
                                      "26-00000001-5)"}));
  EXPECT_EQ(Get(email).status, NotificationStatus::kDelivered);
  EXPECT_EQ(Get(email).attempts, 1);
  EXPECT_EQ(Get(webhook).status, NotificationStatus::kQueued) << "no webhook configured: it waits";
  // Delivered once: the next pass sends nothing.
  ASSERT_TRUE(d.Pass().ok());
  EXPECT_EQ(smtp->sent.size(), 1u);
  // The sending is an event of the summons, with its channel and the summons document's hash,
  // never the address.
  std::vector<Event> events;
  ASSERT_TRUE(db_.store()
                  .Read([&](Tx& tx) -> Status {
                    MUSTER_ASSIGN_OR_RETURN(events, tx.events().List(0, 10));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "notification.sent");
  EXPECT_EQ(events[0].subject, "26-00000001-5");
  EXPECT_EQ(events[0].at, kT0);
  EXPECT_EQ(events[0].actor, kDispatcherActor);
  EXPECT_NE(events[0].payload.find(fmt::format(R"("channel":"email","notification":{})", email)), std::string::npos)
      << events[0].payload;
  EXPECT_NE(events[0].payload.find(R"("summons_sha256":")"), std::string::npos) << events[0].payload;
  EXPECT_EQ(events[0].payload.find("example.org"), std::string::npos) << events[0].payload;
}

TEST_F(DispatcherTest, RetriesTemporaryFailuresWithBackoffThenGivesUp) {
  int64_t id = Queue(1, NotificationChannel::kEmail);
  auto channel = std::make_unique<ScriptedChannel>(NotificationChannel::kEmail);
  ScriptedChannel* smtp = channel.get();
  for (int i = 0; i < 3; ++i) {
    smtp->answers.push_back({NotificationStatus::kTemporaryFailure, "Failed to connect", "could not be reached"});
  }
  std::vector<std::unique_ptr<Channel>> channels;
  channels.push_back(std::move(channel));
  Dispatcher d(db_.writes(), clock_, std::move(channels),
               {.owner = "test", .first_retry = 30s, .longest_retry = 1h, .max_attempts = 3});
  auto counts = d.Pass();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->temporary_failures, 1u);
  Notification n = Get(id);
  EXPECT_EQ(n.status, NotificationStatus::kTemporaryFailure);
  EXPECT_EQ(n.next_attempt_at, kT0 + 30s);
  EXPECT_EQ(n.reason, "could not be reached");

  clock_.Set(kT0 + 29s);
  ASSERT_TRUE(d.Pass().ok());
  EXPECT_EQ(smtp->sent.size(), 1u) << "not due before its backoff";
  clock_.Set(kT0 + 30s);
  ASSERT_TRUE(d.Pass().ok());
  EXPECT_EQ(Get(id).next_attempt_at, kT0 + 30s + 60s);
  clock_.Set(kT0 + 90s);
  counts = d.Pass();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->permanent_failures, 1u);
  n = Get(id);
  EXPECT_EQ(n.status, NotificationStatus::kPermanentFailure);
  EXPECT_EQ(n.attempts, 3);
  EXPECT_EQ(n.reason, "gave up after 3 attempts: could not be reached");
  std::vector<NotificationAttempt> attempts;
  ASSERT_TRUE(db_.store()
                  .Read([&](Tx& tx) -> Status {
                    MUSTER_ASSIGN_OR_RETURN(attempts, tx.notifications().Attempts(id));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0].at, kT0);
  EXPECT_EQ(attempts[0].answer, "Failed to connect");
  EXPECT_EQ(attempts[2].outcome, NotificationStatus::kPermanentFailure);
}

TEST_F(DispatcherTest, AMessageThatCannotBeRenderedFailsForGood) {
  int64_t id = Queue(1, NotificationChannel::kEmail, "summons_lost");
  auto channel = std::make_unique<ScriptedChannel>(NotificationChannel::kEmail);
  ScriptedChannel* smtp = channel.get();
  std::vector<std::unique_ptr<Channel>> channels;
  channels.push_back(std::move(channel));
  Dispatcher d(db_.writes(), clock_, std::move(channels), {.owner = "test"});
  ASSERT_TRUE(d.Pass().ok());
  EXPECT_TRUE(smtp->sent.empty());
  EXPECT_EQ(Get(id).status, NotificationStatus::kPermanentFailure);
  EXPECT_NE(Get(id).reason.find("summons_lost"), std::string::npos) << Get(id).reason;
}

// A dispatcher that died holding a batch: once its lease has run out, another sends the batch,
// each message once.
TEST_F(DispatcherTest, AnExpiredLeaseIsTakenUpByAnotherDispatcher) {
  for (int64_t seq = 1; seq <= 3; ++seq) Queue(seq, NotificationChannel::kEmail);
  Status st = db_.writes().Write([&](Tx& tx) {
    return tx.notifications()
        .Claim({.owner = "dead", .now = kT0, .lease = 5min, .limit = 10, .channels = {NotificationChannel::kEmail}})
        .status();
  });
  ASSERT_TRUE(st.ok());
  auto channel = std::make_unique<ScriptedChannel>(NotificationChannel::kEmail);
  ScriptedChannel* smtp = channel.get();
  std::vector<std::unique_ptr<Channel>> channels;
  channels.push_back(std::move(channel));
  Dispatcher d(db_.writes(), clock_, std::move(channels), {.owner = "alive", .batch = 2});
  clock_.Set(kT0 + 4min);
  ASSERT_TRUE(d.Pass().ok());
  EXPECT_TRUE(smtp->sent.empty()) << "still held";
  clock_.Set(kT0 + 5min);
  auto counts = d.Pass(0ms);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->delivered, 2u) << "one batch when the round's time is spent";
  counts = d.Pass();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->delivered, 1u);
  EXPECT_EQ(smtp->sent.size(), 3u);
  ASSERT_TRUE(d.Pass().ok());
  EXPECT_EQ(smtp->sent.size(), 3u);
}

// A message is sent only while its lease outlasts the longest send: one that might still be
// sending when another dispatcher takes it up is left for the lease to run out.
TEST_F(DispatcherTest, SendsNothingThatCouldOutliveItsLease) {
  int64_t id = Queue(1, NotificationChannel::kEmail);
  auto email = [] {
    std::vector<std::unique_ptr<Channel>> channels;
    channels.push_back(std::make_unique<ScriptedChannel>(NotificationChannel::kEmail));
    return channels;
  };
  Dispatcher short_lease(db_.writes(), clock_, email(), {.owner = "short", .lease = kLongestSend});
  auto counts = short_lease.Pass();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->claimed, 1u);
  EXPECT_EQ(counts->delivered, 0u);
  EXPECT_EQ(Get(id).status, NotificationStatus::kSending);
  clock_.Set(kT0 + kLongestSend);
  Dispatcher d(db_.writes(), clock_, email(), {.owner = "test"});
  counts = d.Pass();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->delivered, 1u);
  EXPECT_EQ(Get(id).attempts, 1);
}

TEST_F(DispatcherTest, WithoutChannelsNothingIsClaimed) {
  int64_t id = Queue(1, NotificationChannel::kEmail);
  Dispatcher d(db_.writes(), clock_, ChannelsOf(Deployment{}, clock_), {.owner = "test"});
  EXPECT_FALSE(d.has_channels());
  auto counts = d.Pass();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->claimed, 0u);
  EXPECT_EQ(Get(id).status, NotificationStatus::kQueued);
}

}  // namespace
}  // namespace muster::notify

#include "notify/escalation.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/summons_number.hpp"
#include "notify/notify_testing.hpp"
#include "notify/outbox.hpp"

namespace muster::notify {
namespace {

using namespace std::chrono_literals;
const Timestamp kT0 = *ParseTimestamp("2026-12-01T10:00:00Z");

TEST(NextStep, TakesTheNextUsableStepOfTheLadder) {
  using S = EscalationStep;
  const std::vector<S> ladder = {S::kAccount, S::kEmail, S::kSms, S::kPaper};
  auto all = [](S s) { return s != S::kAccount; };
  auto no_sms = [](S s) { return s != S::kAccount && s != S::kSms; };
  auto none = [](S) { return false; };
  struct Case {
    std::string last;
    std::function<bool(S)> usable;
    std::optional<S> next;
  } cases[] = {
      {"", all, S::kEmail},          // after the delivery
      {"email", all, S::kSms},       //
      {"email", no_sms, S::kPaper},  // no phone: sms is skipped
      {"paper", all, std::nullopt},  // the end of the ladder
      {"", none, std::nullopt},      // nothing usable: unreachable at once
      {"fax", all, S::kEmail},       // a step the ladder no longer names: from its first
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.last);
    EXPECT_EQ(NextStep(ladder, c.last, c.usable), c.next);
  }
  // A ladder that starts with e-mail: the delivery's own messages were its first step.
  EXPECT_EQ(NextStep({S::kEmail, S::kPaper}, "", all), S::kPaper);
  EXPECT_EQ(ChannelOfStep(S::kSms), NotificationChannel::kWebhook);
  EXPECT_EQ(ChannelOfStep(S::kAccount), std::nullopt);
}

// A real SQLite file with office D01 and, delivered at kT0: summons 1 to a person with an e-mail
// address, a phone and a postal address; summons 2 to a person with an e-mail address only, whose
// e-mail failed for good; summons 3, opened. The policy escalates after 3 days along
// account, email, sms, paper.
class EscalationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.status().ok()) << db_.status().ToString();
    auto policy =
        ParsePolicy(std::string(DefaultPolicyText()) +
                        "\n[escalation]\nunread_days = 3\nladder = [\"account\", \"email\", \"sms\", \"paper\"]\n",
                    "p.toml");
    ASSERT_TRUE(policy.ok()) << policy.status().ToString();
    policy_ = *policy;
    Status st = db_.store().Write([&](Tx& tx) -> Status {
      for (int i = 1; i <= 3; ++i) {
        Person p = testing::TestPerson(NationalId(i), fmt::format("Ivan{}", i));
        p.email = fmt::format("ivan{}@example.org", i);
        if (i == 1) {
          p.phone = "+79990000001";
          p.address = "Lenina 1, Moscow";
        }
        MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(p).status());
        Summons s = testing::TestSummons(i, Number(i), p.national_id, kT0);
        if (i == 3) {
          s.state = SummonsState::kViewed;
          s.viewed_at = kT0 + 1h;
        }
        MUSTER_RETURN_IF_ERROR(tx.summonses().Insert(s));
      }
      Notification failed;
      failed.event_seq = 1000;  // of no event here
      failed.summons_number = Number(2);
      failed.person_id = 2;
      failed.templ = "summons_delivered";
      failed.lang = "en";
      failed.address = "ivan2@example.org";
      failed.params = "{}";
      failed.next_attempt_at = kT0;
      failed.message_id = "<failed@test>";
      failed.created_at = kT0;
      MUSTER_ASSIGN_OR_RETURN(int64_t id, tx.notifications().Queue(failed));
      MUSTER_RETURN_IF_ERROR(
          tx.notifications()
              .Claim({.owner = "t", .now = kT0, .limit = 10, .channels = {NotificationChannel::kEmail}})
              .status());
      return tx.notifications().Finish(
          id, "t", {.status = NotificationStatus::kPermanentFailure, .reason = "no such mailbox", .at = kT0});
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  static std::string NationalId(int i) { return fmt::format("1234567890{}", i); }
  static std::string Number(int i) { return FormatSummonsNumber(26, i); }

  // Escalation and outbox at `at`; what they wrote since the last call, as "number type payload"
  // and "number channel template" lines.
  std::string PassAt(Timestamp at) {
    clock_.Set(at);
    Escalator escalator(db_.writes(), clock_, policy_);
    auto counts = escalator.Pass();
    EXPECT_TRUE(counts.ok()) << counts.status().ToString();
    Outbox outbox(db_.writes(), clock_, policy_);
    Status queued = outbox.Round();
    EXPECT_TRUE(queued.ok()) << queued.ToString();
    std::string out;
    Status st = db_.store().Read([&](Tx& tx) -> Status {
      MUSTER_ASSIGN_OR_RETURN(auto events, tx.events().List(seen_events_, 100));
      for (const Event& e : events) {
        out += fmt::format("{} {} {}|", e.subject, e.type, e.payload);
        seen_events_ = e.seq;
      }
      MUSTER_ASSIGN_OR_RETURN(auto queued, tx.notifications().List({.after_id = seen_notifications_}));
      for (const Notification& n : queued) {
        out += fmt::format("{} {} {} {}|", n.summons_number, NotificationChannelName(n.channel), n.templ, n.address);
        seen_notifications_ = n.id;
      }
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }

  testing::TempStore db_;
  FixedClock clock_{kT0};
  Policy policy_ = DefaultPolicy();
  int64_t seen_events_ = 0;
  int64_t seen_notifications_ = 1;  // the failed e-mail of SetUp
};

TEST_F(EscalationTest, EachUnopenedSummonsClimbsTheLadderThenIsUnreachable) {
  const std::string n1 = Number(1), n2 = Number(2);
  EXPECT_EQ(PassAt(kT0 + 72h - 1s), "") << "not yet unread for 3 days";
  // Summons 1 by e-mail; summons 2's e-mail failed for good and it has no phone or address.
  EXPECT_EQ(PassAt(kT0 + 72h), fmt::format("{0} summons.escalated {{\"step\":\"email\"}}|"
                                           "{1} summons.unreachable {{\"last_step\":\"account\"}}|"
                                           "{0} email summons_reminder ivan1@example.org|",
                                           n1, n2));
  EXPECT_EQ(PassAt(kT0 + 72h + 71h), "") << "3 days from the last step, not from the delivery";
  EXPECT_EQ(PassAt(kT0 + 144h),
            fmt::format("{0} summons.escalated {{\"step\":\"sms\"}}|{0} webhook summons_reminder +79990000001|", n1));
  EXPECT_EQ(PassAt(kT0 + 216h), fmt::format("{0} summons.escalated {{\"step\":\"paper\"}}|"
                                            "{0} paper summons_reminder Lenina 1, Moscow|",
                                            n1));
  EXPECT_EQ(PassAt(kT0 + 288h), fmt::format("{0} summons.unreachable {{\"last_step\":\"paper\"}}|", n1));
  EXPECT_EQ(PassAt(kT0 + 1000h), "") << "unreachable is the end";

  std::vector<Escalation> unreachable;
  ASSERT_TRUE(db_.store()
                  .Read([&](Tx& tx) -> Status {
                    MUSTER_ASSIGN_OR_RETURN(unreachable, tx.notifications().ListUnreachable("D01", 0, 0));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(unreachable.size(), 2u);
  EXPECT_EQ(unreachable[0].summons_number, n1);
  EXPECT_EQ(unreachable[0].unreachable_at, kT0 + 288h);
  EXPECT_EQ(unreachable[1].summons_number, n2);
  EXPECT_EQ(unreachable[1].step, "account");
  // The paper step waits in the queue for the print queue: no dispatcher claims it.
  std::vector<Notification> paper;
  ASSERT_TRUE(db_.store()
                  .Read([&](Tx& tx) -> Status {
                    MUSTER_ASSIGN_OR_RETURN(paper, tx.notifications().List({.summons_number = n1}));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(paper.size(), 3u);
  EXPECT_EQ(paper[2].channel, NotificationChannel::kPaper);
  EXPECT_EQ(paper[2].status, NotificationStatus::kQueued);
}

TEST_F(EscalationTest, WithoutEscalationInThePolicyNothingHappens) {
  policy_ = DefaultPolicy();
  EXPECT_EQ(PassAt(kT0 + 1000h), "");
}

TEST_F(EscalationTest, AnOpenedSummonsLeavesTheEscalation) {
  ASSERT_TRUE(db_.store()
                  .Write([&](Tx& tx) -> Status {
                    for (int i = 1; i <= 2; ++i) {
                      MUSTER_ASSIGN_OR_RETURN(Summons s, tx.summonses().GetById(i));
                      s.state = SummonsState::kViewed;
                      s.viewed_at = kT0 + 2h;
                      MUSTER_RETURN_IF_ERROR(tx.summonses().Update(s));
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(PassAt(kT0 + 1000h), "");
}

}  // namespace
}  // namespace muster::notify

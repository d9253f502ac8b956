#include "notify/outbox.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/summons_number.hpp"
#include "notify/notify_testing.hpp"

namespace muster::notify {
namespace {

const Timestamp kT0 = *ParseTimestamp("2026-12-01T10:00:00Z");

// A real SQLite file (testing::TempStore) with office D01 and persons: 1 with an e-mail address and a phone number, 2
// with neither, 3 with an address but deceased; summons i for person i. Events are written as
// the services write them, and the outbox reads them from the event table.
class OutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(db_.status().ok()) << db_.status().ToString();
    Status st = db_.store().Write([&](Tx& tx) -> Status {
      for (int i = 1; i <= 3; ++i) {
        Person p = testing::TestPerson(NationalId(i), fmt::format("Ivan{}", i));
        if (i != 2) p.email = fmt::format("ivan{}@example.org", i);
        if (i == 1) p.phone = "+79990000001";
        if (i == 3) p.status = PersonStatus::kDeceased;
        MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(p).status());
        MUSTER_RETURN_IF_ERROR(tx.summonses().Insert(testing::TestSummons(i, Number(i), p.national_id, kT0)));
      }
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  static std::string NationalId(int i) { return fmt::format("1234567890{}", i); }
  static std::string Number(int i) { return FormatSummonsNumber(26, i); }

  void Emit(std::string type, std::string subject, std::string payload = "{}") {
    Status st = db_.store().Write([&](Tx& tx) {
      return tx.events().Append({0, type, kT0, "officer:olga", subject, payload}).status();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  std::vector<Notification> Queued() {
    std::vector<Notification> out;
    Status st = db_.store().Read([&](Tx& tx) -> Status {
      MUSTER_ASSIGN_OR_RETURN(out, tx.notifications().List({}));
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.ToString();
    return out;
  }
  static std::string Summary(const std::vector<Notification>& list) {
    std::string out;
    for (const Notification& n : list) {
      out += fmt::format("{}{} {} {} {}", out.empty() ? "" : "|", n.summons_number, NotificationChannelName(n.channel),
                         n.templ, n.address);
    }
    return out;
  }

  testing::TempStore db_;
  FixedClock clock_{kT0};
};

TEST_F(OutboxTest, QueuesAMessagePerChannelOfThePersonOnceAndOnlyForItsEvents) {
  Emit("summons.issued", Number(1));
  Emit("summons.delivered", Number(1), R"({"national_id":"12345678901"})");
  Emit("summons.viewed", Number(1));
  Emit("summons.delivered", Number(2));  // no address, no phone: nobody to tell
  Emit("summons.delivered", Number(3));  // deceased
  Emit("restriction.imposed", Number(1), R"({"kind":"exit_ban","national_id":"12345678901"})");
  Emit("appeal.decided", Number(1), R"({"appeal_id":1,"decision":"denied"})");
  Emit("restriction.lifted", Number(1), R"({"kind":"exit_ban","reason":"appeal granted"})");
  Emit("appeal.decided", Number(1), R"({"appeal_id":2,"decision":"granted"})");
  Emit("person.corrected", NationalId(1));
  Emit("person.correction_rejected", NationalId(1), R"({"reason":"no certificate"})");
  Outbox outbox(db_.writes(), clock_, DefaultPolicy(), {.lang = "ru", .batch = 4});
  ASSERT_TRUE(outbox.Round().ok());
  EXPECT_EQ(outbox.queued(), 14u);
  const std::vector<Notification> queued = Queued();
  const std::string n1 = Number(1);
  const std::string want = fmt::format(
      "{0} email summons_delivered ivan1@example.org|{0} webhook summons_delivered +79990000001|"
      "{0} email restriction_imposed ivan1@example.org|{0} webhook restriction_imposed +79990000001|"
      "{0} email appeal_denied ivan1@example.org|{0} webhook appeal_denied +79990000001|"
      "{0} email restriction_lifted ivan1@example.org|{0} webhook restriction_lifted +79990000001|"
      "{0} email appeal_granted ivan1@example.org|{0} webhook appeal_granted +79990000001|"
      " email correction_approved ivan1@example.org| webhook correction_approved +79990000001|"
      " email correction_rejected ivan1@example.org| webhook correction_rejected +79990000001",
      n1);
  EXPECT_EQ(Summary(queued), want);
  for (const Notification& n : queued) {
    EXPECT_EQ(n.status, NotificationStatus::kQueued);
    EXPECT_EQ(n.lang, "ru");
    EXPECT_EQ(n.next_attempt_at, kT0);
    EXPECT_TRUE(n.message_id.starts_with(fmt::format("<n{}.{}.", n.event_seq, NotificationChannelName(n.channel))))
        << n.message_id;
    // Only what the summons page shows: never the national ID nor a decision's reason.
    EXPECT_EQ(n.params.find(NationalId(1)), std::string::npos) << n.params;
    EXPECT_EQ(n.params.find("certificate"), std::string::npos) << n.params;
    auto params = ParamsFromJson(n.params);
    ASSERT_TRUE(params.ok());
    EXPECT_EQ(params->at("given_name"), "Ivan1");
    EXPECT_EQ(params->at("office_name"), "Central office");
    auto t = FindTemplate(n.templ, n.lang);
    ASSERT_TRUE(t.ok()) << n.templ;
    EXPECT_TRUE(Render(**t, *params).ok()) << n.templ << ": every placeholder has its value";
  }
  auto params = ParamsFromJson(queued[0].params);
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(params->at("appear_at"), "2027-01-15 09:00 MSK (Europe/Moscow)");
  EXPECT_EQ(params->at("deadline"), "2027-01-16 09:00 MSK (Europe/Moscow)");  // the default policy's 24 h
  EXPECT_EQ(params->at("place"), "Room 4");

  // Nothing twice: not in the next round, nor after a restart.
  ASSERT_TRUE(outbox.Round().ok());
  Outbox again(db_.writes(), clock_, DefaultPolicy());
  ASSERT_TRUE(again.Round().ok());
  EXPECT_EQ(again.queued(), 0u);
  EXPECT_EQ(Queued().size(), 14u);
  Emit("summons.delivered", Number(1));
  ASSERT_TRUE(again.Round().ok());
  EXPECT_EQ(again.queued(), 2u);
}

TEST_F(OutboxTest, AFailedBatchQueuesNothingAndLeavesTheCursor) {
  Emit("summons.delivered", Number(1));
  Emit("summons.delivered", FormatSummonsNumber(26, 99999999));  // no such summons: the batch fails
  Outbox outbox(db_.writes(), clock_, DefaultPolicy());
  Status st = outbox.Round();
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
  EXPECT_NE(st.message().find("outbox"), std::string::npos) << st.message();
  EXPECT_TRUE(Queued().empty());
  int64_t cursor = -1;
  ASSERT_TRUE(db_.store()
                  .Read([&](Tx& tx) -> Status {
                    MUSTER_ASSIGN_OR_RETURN(cursor, tx.events().Cursor(kOutboxName));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(cursor, 0);
}

TEST(OutboxTemplates, NameTheTemplateOfEachEventTheyTell) {
  auto of = [](std::string type, std::string payload = "{}") {
    return TemplateFor({1, std::move(type), kT0, "a", "s", std::move(payload)}).value_or("-");
  };
  EXPECT_EQ(of("summons.delivered"), "summons_delivered");
  EXPECT_EQ(of("restriction.imposed"), "restriction_imposed");
  EXPECT_EQ(of("restriction.lifted"), "restriction_lifted");
  EXPECT_EQ(of("appeal.decided", R"({"decision":"granted"})"), "appeal_granted");
  EXPECT_EQ(of("appeal.decided", R"({"decision":"denied"})"), "appeal_denied");
  EXPECT_EQ(of("appeal.decided", R"({"decision":7})"), "-");
  EXPECT_EQ(of("appeal.decided", "not json"), "-");
  EXPECT_EQ(of("person.corrected"), "correction_approved");
  EXPECT_EQ(of("person.correction_rejected"), "correction_rejected");
  EXPECT_EQ(of("summons.viewed"), "-");
  EXPECT_NE(NewMessageId(5, NotificationChannel::kEmail), NewMessageId(5, NotificationChannel::kEmail));
}

}  // namespace
}  // namespace muster::notify

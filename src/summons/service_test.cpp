#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "app/domain.hpp"
#include "store/open.hpp"

namespace muster {
namespace {

// The tests of this file are about the rules, not scope: they act as the system does.
Actor As(std::string name) { return Actor::System(std::move(name)); }

class SummonsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A file per test and process: CTest runs the tests of this suite side by side.
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ =
        (std::filesystem::temp_directory_path() / fmt::format("muster_service_test_{}_{}.db", test->name(), ::getpid()))
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
  // Office D01 and a fit conscript born in 2004 for each of `national_ids`.
  void AddConscripts(const std::vector<std::string>& national_ids) {
    Status st = store_->Write([&](Tx& tx) {
      MUSTER_RETURN_IF_ERROR(tx.offices().Insert(Office{"D01", "Central", "Moscow", "Europe/Moscow", 50}));
      for (const auto& id : national_ids) {
        Person person;
        person.national_id = id;
        person.surname = "Petrov";
        person.given_name = "Ivan";
        person.birth_date = std::chrono::year{2004} / 1 / 15;
        person.district = "D01";
        person.category = "conscript";
        person.fitness = "A";
        MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(person).status());
      }
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.message();
  }

  FixedClock clock_{*ParseTimestamp("2026-12-01T10:00:00Z")};
};

// The events a campaign and a sweep write by the hundred thousand have payloads written without
// a JSON tree: they must still be canonical (what nlohmann's dump writes for the same object),
// or the ledger's fast leaf encoder would not take them.
TEST_F(SummonsServiceTest, HotEventPayloadsAreCanonicalJson) {
  AddConscripts({"12345678964", "11223344595"});
  Status unfit = store_->Write([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(Person person, tx.persons().Get("11223344595"));
    person.fitness = "D";
    person.surname = "Quote \"and\" backslash \\ tab\t ünïcode";
    return tx.persons().Upsert(person).status();
  });
  ASSERT_TRUE(unfit.ok()) << unfit.message();
  WritePath svc_writes(*store_);
  app::Domain svc(svc_writes, DefaultPolicy(), clock_);
  IssueRequest request{"12345678964", "D01",          "conscription", *ParseTimestamp("2026-12-10T09:00:00Z"),
                       "Room 4",      "Medical board"};
  ASSERT_TRUE(svc.summons().Issue(request, As("officer:olga")).ok());
  request.national_id = "11223344595";
  auto asked = svc.overrides().Request(request, "Court order \"12\"\n", As("officer:olga"));
  ASSERT_TRUE(asked.ok()) << asked.status().message();
  ASSERT_TRUE(svc.overrides().Approve(asked->id, As("supervisor:ivan")).ok());
  // One summons per transaction, progress after each.
  std::vector<std::pair<size_t, size_t>> progress;
  auto swept = svc.sweep().Sweep(
      *ParseTimestamp("2027-01-10T00:00:00Z"), "system:sweep",
      [&](size_t done, size_t total) { progress.emplace_back(done, total); }, /*batch=*/1);
  ASSERT_TRUE(swept.ok()) << swept.status().message();
  EXPECT_EQ(swept->no_show, 2u);
  EXPECT_EQ(progress, (std::vector<std::pair<size_t, size_t>>{{1, 2}, {2, 2}}));

  std::set<std::string> types;
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) {
                    MUSTER_ASSIGN_OR_RETURN(auto events, tx.events().List(0, 100));
                    for (const Event& e : events) {
                      nlohmann::json parsed = nlohmann::json::parse(e.payload, nullptr, false);
                      EXPECT_TRUE(parsed.is_object()) << e.type << ": " << e.payload;
                      EXPECT_EQ(parsed.dump(), e.payload) << e.type;
                      types.insert(e.type);
                      if (e.type == "summons.issued" && parsed.contains("override")) {
                        types.insert("summons.issued with override");
                        EXPECT_EQ(parsed["override"]["reason"], "Court order \"12\"\n (overrides fitness)");
                        EXPECT_EQ(parsed["override"]["approved_by"], "supervisor:ivan");
                      }
                    }
                    return Status::Ok();
                  })
                  .ok());
  for (const char* type : {"summons.issued", "summons.issued with override", "summons.delivered", "summons.no_show",
                           "restriction.imposed"}) {
    EXPECT_TRUE(types.contains(type)) << type;
  }
}

// An exit-ban event the index cannot read stops it where it is, with an error naming the event,
// rather than passing a ban by.
TEST_F(SummonsServiceTest, AFollowerStopsAtAnUnreadableExitBanEvent) {
  WritePath svc_writes(*store_);
  app::Domain svc(svc_writes, DefaultPolicy(), clock_);
  ASSERT_TRUE(svc.exit_checks().LoadExitBans().ok());
  const Timestamp at = clock_.Now();
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) {
                    return tx.events()
                        .Append({0, "restriction.imposed", at, "system:sweep", "26-00000001-5",
                                 R"({"kind":"exit_ban","national_id":"12345678964"})"})
                        .status();
                  })
                  .ok());
  Status st = svc.exit_checks().FollowExitBans();
  EXPECT_EQ(st.code(), StatusCode::kInternal) << st.ToString();
  EXPECT_NE(st.message().find("event 1 (restriction.imposed)"), std::string::npos) << st.message();
  EXPECT_EQ(svc.exit_checks().exit_bans_seq(), 0) << "not read past it";
  EXPECT_FALSE(svc.exit_checks().FollowExitBans().ok()) << "nor at the next poll";
}

// The sweep reads a batch ahead of the one it writes. A summons read as overdue that the person
// appears for before its batch is written is not marked a no-show.
TEST_F(SummonsServiceTest, ASweepLeavesASummonsThatChangedAfterItWasRead) {
  AddConscripts({"12345678964", "11223344595"});
  WritePath svc_writes(*store_);
  app::Domain svc(svc_writes, DefaultPolicy(), clock_);
  std::vector<std::string> numbers;
  for (const char* id : {"12345678964", "11223344595"}) {
    auto issued = svc.summons().Issue(
        {id, "D01", "conscription", *ParseTimestamp("2026-12-10T09:00:00Z"), "Room 4", "Board"}, As("officer:olga"));
    ASSERT_TRUE(issued.ok()) << issued.status().message();
    numbers.push_back(issued->number);
  }
  // With a batch of one, the second summons has been read when the first batch reports progress.
  Status appeared;
  auto swept = svc.sweep().Sweep(
      *ParseTimestamp("2027-01-10T00:00:00Z"), "system:sweep",
      [&](size_t done, size_t) {
        if (done == 1) appeared = svc.summons().Appear(numbers[1], std::nullopt, As("officer:olga")).status();
      },
      /*batch=*/1);
  ASSERT_TRUE(swept.ok()) << swept.status().message();
  ASSERT_TRUE(appeared.ok()) << appeared.message();
  EXPECT_EQ(swept->no_show, 1u);
  EXPECT_EQ(swept->restrictions_imposed, 1u);
  auto first = svc.summons().Get(numbers[0], As("cli:test"));
  auto second = svc.summons().Get(numbers[1], As("cli:test"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->state, SummonsState::kNoShow);
  EXPECT_EQ(second->state, SummonsState::kAppeared);
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) {
                    MUSTER_ASSIGN_OR_RETURN(auto restrictions, tx.restrictions().ListOfSummons(second->id));
                    EXPECT_TRUE(restrictions.empty());
                    const std::string_view no_show[] = {"summons.no_show"};
                    MUSTER_ASSIGN_OR_RETURN(auto events, tx.events().ListOfTypes(0, no_show, 10));
                    EXPECT_EQ(events.size(), 1u);
                    if (!events.empty()) {
                      EXPECT_EQ(events[0].subject, numbers[0]);
                    }
                    return Status::Ok();
                  })
                  .ok());
}

// Thousands of checks in the same millisecond still get distinct references, and all of them
// are recorded.
TEST_F(SummonsServiceTest, ExitCheckReferencesAreUniqueAndRecorded) {
  WritePath writes(*store_);
  app::Domain service(writes, DefaultPolicy(), clock_);
  ASSERT_TRUE(service.exit_checks().LoadExitBans().ok());
  std::set<std::string> references;
  for (int i = 0; i < 10000; ++i) {
    auto answer = service.exit_checks().ExitCheck("12345678964", "border:test");
    ASSERT_TRUE(answer.ok()) << answer.status().message();
    EXPECT_TRUE(answer->allow);
    references.insert(std::string(answer->reference()));
  }
  EXPECT_EQ(references.size(), 10000u);
  Status flushed = service.exit_checks().FlushExitChecks();
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
  WritePath writes(*store_);
  app::Domain service(writes, DefaultPolicy(), clock_);
  auto answer = service.exit_checks().ExitCheck("12345678900", "border:test");
  ASSERT_FALSE(answer.ok());
  EXPECT_TRUE(answer.status().IsInvalidArgument());
  EXPECT_NE(answer.status().message().find("national_id"), std::string::npos);
}

// Scope is the services' own: whatever the entry point, an officer of another office finds
// nothing, a citizen reaches only their own summons, and an office named in a request must be
// the caller's. Nothing is written by a refused call.
TEST_F(SummonsServiceTest, EveryServiceRefusesWhatIsOutOfScope) {
  AddConscripts({"12345678964", "11223344595"});
  ASSERT_TRUE(store_->Write([](Tx& tx) {
                      return tx.offices().Insert(Office{"D02", "North", "Moscow", "Europe/Moscow", 50});
                    }).ok());
  WritePath writes(*store_);
  app::Domain d(writes, DefaultPolicy(), clock_);
  const Actor olga = Actor::Staff("officer:olga", Role::kOfficer, {"D01"});
  const Actor boris = Actor::Staff("officer:boris", Role::kOfficer, {"D02"});
  const Actor anna = Actor::Staff("supervisor:anna", Role::kSupervisor, {"D01"});
  const Actor ada = Actor::Staff("auditor:ada", Role::kAuditor, {});
  const Actor owner = Actor::Citizen("citizen:12345678964", "12345678964");
  const Actor other = Actor::Citizen("citizen:11223344595", "11223344595");
  IssueRequest request{"12345678964", "D01", "conscription", *ParseTimestamp("2026-12-10T09:00:00Z"),
                       "Room 4",      "Medical board"};

  auto refused = d.summons().Issue(request, boris);
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied) << refused.status().ToString();
  EXPECT_EQ(refused.status().field(), "office");
  auto issued = d.summons().Issue(request, olga);
  ASSERT_TRUE(issued.ok()) << issued.status().message();
  const std::string number = issued->number;

  auto expect_absent = [](const auto& result, std::string_view field) {
    EXPECT_TRUE(result.status().IsNotFound()) << result.status().ToString();
    EXPECT_EQ(result.status().field(), field) << result.status().ToString();
  };
  expect_absent(d.summons().Get(number, boris), "number");
  expect_absent(d.summons().Cancel(number, "wrong office", boris), "number");
  expect_absent(d.summons().Appear(number, std::nullopt, boris), "number");
  expect_absent(d.summons().View(number, other), "number");
  expect_absent(d.appeals().File(number, AppealReason::kIllness, "not mine", other), "number");
  EXPECT_TRUE(d.summons().Get(number, ada).ok()) << "auditors read every office";
  expect_absent(d.summons().Appear(number, std::nullopt, ada), "number");
  EXPECT_EQ(d.summons().Get(number, other).status().message(), "number: no such summons of yours");
  expect_absent(d.summons().CheckPerson("12345678964", "", "conscription", request.appear_at, boris), "national_id");

  auto appeal = d.appeals().File(number, AppealReason::kIllness, "In hospital", owner);
  ASSERT_TRUE(appeal.ok()) << appeal.status().message();
  expect_absent(d.appeals().Decide(appeal->id, true, "granted", boris), "id");
  expect_absent(d.appeals().Decide(AppealId(appeal->id.value + 100), true, "granted", anna), "id");

  request.national_id = "11223344595";
  ASSERT_TRUE(store_->Write([](Tx& tx) -> Status {
                      MUSTER_ASSIGN_OR_RETURN(Person p, tx.persons().Get("11223344595"));
                      p.fitness = "D";
                      return tx.persons().Upsert(p).status();
                    }).ok());
  EXPECT_EQ(d.overrides().Request(request, "Court order", boris).status().code(), StatusCode::kPermissionDenied);
  auto asked = d.overrides().Request(request, "Court order", olga);
  ASSERT_TRUE(asked.ok()) << asked.status().message();
  expect_absent(d.overrides().Approve(asked->id, boris), "id");
  expect_absent(d.overrides().Reject(asked->id, boris), "id");
  expect_absent(d.overrides().Get(asked->id, boris), "id");

  Campaign c;
  c.kind = "conscription";
  c.name = "Spring";
  c.basis = "Decree 1";
  c.districts = {"D01", "D02"};
  c.appear_from = std::chrono::year{2026} / 12 / 14;
  c.appear_until = std::chrono::year{2026} / 12 / 18;
  auto wide = d.campaigns().Create(c, anna);
  EXPECT_EQ(wide.status().code(), StatusCode::kPermissionDenied) << wide.status().ToString();
  EXPECT_EQ(wide.status().field(), "districts");
  c.districts = {"D01"};
  auto created = d.campaigns().Create(c, anna);
  ASSERT_TRUE(created.ok()) << created.status().message();
  expect_absent(d.campaigns().Get(created->id, boris), "id");
  expect_absent(d.campaigns().Preview(created->id, boris), "id");
  expect_absent(d.campaigns().Issue(created->id, boris), "id");
  EXPECT_TRUE(d.campaigns().Get(created->id, ada).ok());
  EXPECT_EQ(d.campaigns().Issue(created->id, ada).status().code(), StatusCode::kPermissionDenied);
  auto seen = d.campaigns().List(boris);
  ASSERT_TRUE(seen.ok());
  EXPECT_TRUE(seen->empty());

  expect_absent(d.deferments().Add("12345678964", "study", std::chrono::year{2027} / 6 / 30, "University", boris),
                "national_id");
  expect_absent(d.corrections().Request("12345678964", "surname", "Petrova", "", other), "national_id");
  auto correction = d.corrections().Request("12345678964", "surname", "Petrova", "", owner);
  ASSERT_TRUE(correction.ok()) << correction.status().message();
  expect_absent(d.corrections().Decide(correction->id, true, "", boris), "id");

  // The queues hold only what the actor may see.
  EXPECT_TRUE(d.appeals().List({}, boris)->empty());
  EXPECT_EQ(d.appeals().List({}, olga)->size(), 1u);
  EXPECT_TRUE(d.overrides().List({}, boris)->empty());
  EXPECT_EQ(d.overrides().List({}, olga)->size(), 1u);
  EXPECT_TRUE(d.corrections().List({}, boris)->empty());
  EXPECT_TRUE(d.corrections().List({}, other)->empty());
  EXPECT_EQ(d.corrections().List({}, owner)->size(), 1u);
  EXPECT_EQ(d.corrections().List({}, olga)->size(), 1u);
  EXPECT_TRUE(d.corrections().List({}, Actor::Staff("officer:nobody", Role::kOfficer, {}))->empty())
      << "no office is not every office";

  expect_absent(d.persons().Get("12345678964", boris), "national_id");
  EXPECT_TRUE(d.persons().Get("12345678964", olga).ok());
  const std::string d02 = "D02";
  EXPECT_EQ(d.persons().Districts(&d02, olga).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(*d.persons().Districts(nullptr, olga), std::vector<std::string>{"D01"});
  EXPECT_TRUE(d.persons().List(nullptr, "", 50, boris)->items.empty());
  EXPECT_EQ(d.persons().List(nullptr, "", 50, olga)->items.size(), 2u);
  EXPECT_EQ(d.persons().List(&d02, "", 50, olga).status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(d.persons().Search("Petrov", nullptr, 50, boris)->items.empty());
  EXPECT_EQ(d.persons().Search("Petrov", nullptr, 50, olga)->items.size(), 2u);
  EXPECT_EQ(d.persons().Search("Petrov", &d02, 50, olga).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(d.persons().Search(" ,", nullptr, 50, olga).status().field(), "q");
  expect_absent(d.persons().Page("12345678964", boris), "national_id");
  auto page = d.persons().Page("12345678964", olga);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->summonses.size(), 1u);
  EXPECT_EQ(page->office_timezones.at("D01"), "Europe/Moscow");
  EXPECT_FALSE(page->history.empty());
  EXPECT_TRUE(page->history_complete);

  // What the refused calls would have written is not there: one summons, one appeal pending,
  // one override pending, nothing decided.
  auto still = d.summons().Get(number, olga);
  ASSERT_TRUE(still.ok());
  EXPECT_EQ(still->state, SummonsState::kDelivered);
  auto pending = d.overrides().Get(asked->id, olga);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->state, OverrideState::kPending);
}

// Two processes on one database (here two stores on one SQLite file): the exit bans one of them
// imposes and lifts reach the other's index through their events, in order, once each.
TEST_F(SummonsServiceTest, TheExitBanIndexFollowsAnotherProcess) {
  Policy policy = DefaultPolicy();
  policy.exit_ban_from = ExitBanFrom::kDelivery;  // issuing alone bars (delivery is on entry)
  Person person;
  person.national_id = "12345678964";
  AddConscripts({person.national_id});
  auto other_store = OpenStore(path_, StoreOptions{});
  ASSERT_TRUE(other_store.ok()) << other_store.status().message();
  WritePath here_writes(*store_);
  app::Domain here(here_writes, policy, clock_);
  WritePath there_writes(**other_store);
  app::Domain there(there_writes, policy, clock_);
  ASSERT_TRUE(here.exit_checks().LoadExitBans().ok());
  ASSERT_TRUE(there.exit_checks().LoadExitBans().ok());
  const Timestamp now = clock_.Now();

  IssueRequest request{person.national_id, "D01",          "conscription", *ParseTimestamp("2026-12-10T09:00:00Z"),
                       "Room 4",           "Medical board"};
  auto issued = here.summons().Issue(request, As("officer:olga"));
  ASSERT_TRUE(issued.ok()) << issued.status().message();
  EXPECT_TRUE(here.exit_checks().exit_bans().Barred(person.national_id, now)) << "its own write applies at once";
  EXPECT_FALSE(there.exit_checks().exit_bans().Barred(person.national_id, now)) << "nothing read yet";
  ASSERT_TRUE(there.exit_checks().FollowExitBans().ok());
  EXPECT_TRUE(there.exit_checks().exit_bans().Barred(person.national_id, now));
  EXPECT_EQ(there.exit_checks().exit_bans_seq(), here.exit_checks().exit_bans_seq());

  ASSERT_TRUE(here.summons().Appear(issued->number, std::nullopt, As("officer:olga")).ok());
  EXPECT_FALSE(here.exit_checks().exit_bans().Barred(person.national_id, now));
  ASSERT_TRUE(there.exit_checks().FollowExitBans().ok());
  ASSERT_TRUE(there.exit_checks().FollowExitBans().ok());  // nothing new: applied once
  EXPECT_FALSE(there.exit_checks().exit_bans().Barred(person.national_id, now));
  // issued, delivered, restriction.imposed, appeared, restriction.lifted: read to the last.
  EXPECT_EQ(there.exit_checks().exit_bans_seq(), 5);
  EXPECT_EQ(here.exit_checks().exit_bans_seq(), 5);

  // A process that starts now begins after the last event.
  WritePath later_writes(**other_store);
  app::Domain later(later_writes, policy, clock_);
  EXPECT_TRUE(later.exit_checks().FollowExitBans().IsFailedPrecondition()) << "not before LoadExitBans";
  ASSERT_TRUE(later.exit_checks().LoadExitBans().ok());
  EXPECT_EQ(later.exit_checks().exit_bans_seq(), 5);
  EXPECT_EQ(later.exit_checks().exit_bans().size(), 0u);
}

// Under the default policy a summons bars no one until its sweep. A follower passes the events
// that change no ban; it takes the exit bans a sweep in another process imposes and the lift of
// a granted appeal, and never a restriction of another kind.
TEST_F(SummonsServiceTest, AFollowerTakesOnlyExitBansFromTheEvents) {
  Policy policy = DefaultPolicy();
  policy.restrictions.push_back({"driving", 0});
  const char* ids[] = {"12345678964", "11223344595"};
  AddConscripts({ids[0], ids[1]});
  auto other_store = OpenStore(path_, StoreOptions{});
  ASSERT_TRUE(other_store.ok()) << other_store.status().message();
  WritePath here_writes(*store_);
  app::Domain here(here_writes, policy, clock_);
  WritePath there_writes(**other_store);
  app::Domain there(there_writes, policy, clock_);
  ASSERT_TRUE(there.exit_checks().LoadExitBans().ok());
  std::vector<std::string> numbers;
  for (const char* id : ids) {
    auto issued = here.summons().Issue(
        {id, "D01", "conscription", *ParseTimestamp("2026-12-10T09:00:00Z"), "Room 4", "Board"}, As("officer:olga"));
    ASSERT_TRUE(issued.ok()) << issued.status().message();
    numbers.push_back(issued->number);
  }
  ASSERT_TRUE(there.exit_checks().FollowExitBans().ok());
  EXPECT_EQ(there.exit_checks().exit_bans_seq(), 4)
      << "two summonses issued and delivered: looked at, nothing to apply";
  EXPECT_EQ(there.exit_checks().exit_bans().size(), 0u);

  const Timestamp after = *ParseTimestamp("2027-01-10T00:00:00Z");
  auto swept = here.sweep().Sweep(after);
  ASSERT_TRUE(swept.ok()) << swept.status().message();
  EXPECT_EQ(swept->restrictions_imposed, 4u) << "an exit ban and a driving ban each";
  ASSERT_TRUE(there.exit_checks().FollowExitBans().ok());
  EXPECT_TRUE(there.exit_checks().exit_bans().Barred(ids[0], after));
  EXPECT_TRUE(there.exit_checks().exit_bans().Barred(ids[1], after));
  EXPECT_EQ(there.exit_checks().exit_bans().size(), 2u) << "the driving bans are not exit bans";

  auto appeal = here.appeals().File(numbers[0], AppealReason::kIllness, "In hospital since December", As("cli:ivan"));
  ASSERT_TRUE(appeal.ok()) << appeal.status().message();
  ASSERT_TRUE(here.appeals().Decide(appeal->id, /*grant=*/true, "Hospital record", As("supervisor:anna")).ok());
  ASSERT_TRUE(there.exit_checks().FollowExitBans().ok());
  EXPECT_FALSE(there.exit_checks().exit_bans().Barred(ids[0], after));
  EXPECT_TRUE(there.exit_checks().exit_bans().Barred(ids[1], after));
  int64_t last = 0;
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) {
                    MUSTER_ASSIGN_OR_RETURN(last, tx.events().LastSeq());
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(there.exit_checks().exit_bans_seq(), last);

  // A server started now loads the same bans.
  WritePath later_writes(**other_store);
  app::Domain later(later_writes, policy, clock_);
  ASSERT_TRUE(later.exit_checks().LoadExitBans().ok());
  EXPECT_EQ(later.exit_checks().exit_bans_seq(), last);
  EXPECT_EQ(later.exit_checks().exit_bans().size(), 1u);
  EXPECT_TRUE(later.exit_checks().exit_bans().Barred(ids[1], after));
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

TEST(ActorTest, ScopeByRole) {
  Actor officer = Actor::Staff("officer:olga", Role::kOfficer, {"D01"});
  EXPECT_TRUE(officer.ActsFor("D01"));
  EXPECT_FALSE(officer.ActsFor("D02"));
  EXPECT_TRUE(officer.ActsOn("12345678964", "D01"));
  EXPECT_FALSE(officer.SeesPerson("12345678964", "D02"));
  EXPECT_FALSE(officer.ActsForAll({"D01", "D02"}));
  EXPECT_FALSE(officer.ActsForAll({})) << "no district is not all of them";
  Actor auditor = Actor::Staff("auditor:ada", Role::kAuditor, {});
  EXPECT_TRUE(auditor.Sees("D02"));
  EXPECT_FALSE(auditor.ActsFor("D02")) << "auditors read, never act";
  Actor admin = Actor::Staff("admin:root", Role::kAdmin, {"D01"});
  EXPECT_FALSE(admin.ActsFor("D01")) << "offices count for officers and supervisors only";
  Actor citizen = Actor::Citizen("citizen:12345678964", "12345678964");
  EXPECT_TRUE(citizen.ActsOn("12345678964", "D01"));
  EXPECT_FALSE(citizen.ActsOn("11223344595", "D01"));
  EXPECT_FALSE(citizen.Sees("D01")) << "a citizen reads their own data, not an office's";
  EXPECT_TRUE(Actor::System("cli:root").ActsForAll({"D01", "D02"}));
  EXPECT_EQ(officer.Absent("id", "appeal 4").message(), "id: no appeal 4 in your offices");
  EXPECT_EQ(citizen.Absent("number", "such summons").message(), "number: no such summons of yours");
  EXPECT_TRUE(Actor::System("cli:root").Absent("id", "campaign 9").IsNotFound());
}

}  // namespace
}  // namespace muster

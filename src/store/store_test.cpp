// The Store contract on every backend: SQLite always; PostgreSQL when MUSTER_TEST_PG (or
// MUSTER_TEST_PG_FILE) names a server, as tests/pg/pg-harness prints it (CTest: pg.store_test),
// and skipped otherwise. Each test gets a fresh database.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "store/migrations.hpp"
#include "store/open.hpp"
#include "store/postgres/pg_conn.hpp"

namespace muster {
namespace {

std::string PgServer() {
  if (const char* url = std::getenv("MUSTER_TEST_PG"); url != nullptr && *url != '\0') return url;
  if (const char* file = std::getenv("MUSTER_TEST_PG_FILE"); file != nullptr && *file != '\0') {
    std::ifstream in(file);
    std::string url;
    std::getline(in, url);
    return url;
  }
  return "";
}

Office TestOffice(std::string code = "D01") {
  return Office{std::move(code), "Central", "Moscow", "Europe/Moscow", 200};
}

Person TestPerson(int n, std::string district = "D01") {
  Person p;
  p.national_id = fmt::format("{:011}", n);
  p.surname = "Petrov";
  p.given_name = "Ivan";
  p.birth_date = std::chrono::year{2000} / 1 / 15;
  p.district = std::move(district);
  p.category = "conscript";
  p.fitness = "A";
  return p;
}

class StoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    std::string name = fmt::format("muster_unit_{}_{}", ::getpid(), counter++);
    if (GetParam() == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / name;
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      url_ = (dir_ / "test.db").string();
      return;
    }
    server_ = PgServer();
    if (server_.empty()) GTEST_SKIP() << "no PostgreSQL server: set MUSTER_TEST_PG (tests/pg/pg-harness)";
    ASSERT_TRUE(AdminExec(fmt::format("CREATE DATABASE {}", name)).ok());
    url_ = server_.substr(0, server_.rfind('/') + 1) + name;
  }

  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!server_.empty() && !url_.empty()) {
      (void)AdminExec(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", url_.substr(url_.rfind('/') + 1)));
    }
  }

  Status AdminExec(const std::string& sql) {
    MUSTER_ASSIGN_OR_RETURN(auto conn, postgres::Connection::Open(server_));
    return conn->Exec(sql);
  }

  // Runs `sql` on the test's database behind the store's back.
  Status RawExec(const std::string& sql) {
    if (GetParam() == "sqlite") {
      sqlite3* db = nullptr;
      int rc = sqlite3_open(url_.c_str(), &db);
      char* error = nullptr;
      if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
      std::string message = error ? error : "";
      sqlite3_free(error);
      sqlite3_close(db);
      return rc == SQLITE_OK ? Status::Ok() : Status::IoError(message);
    }
    MUSTER_ASSIGN_OR_RETURN(auto conn, postgres::Connection::Open(url_));
    return conn->Exec(sql);
  }

  std::unique_ptr<Store> Open(bool create = true) {
    auto store = OpenStore(url_, StoreOptions{.create = create});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  std::filesystem::path dir_;
  std::string server_;
  std::string url_;
};

TEST_P(StoreTest, MigratesToTheLatestVersionOnce) {
  auto missing = OpenStore(url_, StoreOptions{});
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("muster init"), std::string::npos) << missing.status().message();
  auto store = Open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->SchemaVersion(), Migrations().back().version);
  EXPECT_EQ(PostgresMigrations().back().version, Migrations().back().version);
  store.reset();
  auto again = Open(/*create=*/false);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->SchemaVersion(), Migrations().back().version);
}

TEST_P(StoreTest, RefusesANewerSchema) {
  ASSERT_TRUE(Open());
  ASSERT_TRUE(RawExec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)").ok());
  auto store = OpenStore(url_, StoreOptions{});
  EXPECT_TRUE(store.status().IsFailedPrecondition()) << store.status().ToString();
  EXPECT_NE(store.status().message().find("newer than this muster knows"), std::string::npos);
}

// Migration 13 drops restrictions.person_id (SQLite builds the table again): a database at
// schema 12 keeps every restriction, its id, summons, times and lifting, and finds its person
// through the summons; the ids of new restrictions continue after the old ones.
TEST_P(StoreTest, RestrictionsSurviveLosingTheirPersonColumn) {
  const bool pg = GetParam() == "postgres";
  ASSERT_TRUE(RawExec(fmt::format("CREATE TABLE schema_migrations (version {0} PRIMARY KEY, name TEXT NOT NULL, "
                                  "applied_at {0} NOT NULL)",
                                  pg ? "BIGINT" : "INTEGER"))
                  .ok());
  for (const Migration& m : pg ? PostgresMigrations() : Migrations()) {
    if (m.version >= 13) break;
    ASSERT_TRUE(RawExec(std::string(m.sql)).ok()) << m.name;
    ASSERT_TRUE(RawExec(fmt::format("INSERT INTO schema_migrations VALUES ({}, '{}', 0)", m.version, m.name)).ok());
  }
  ASSERT_TRUE(RawExec("INSERT INTO offices (code, name, region, timezone, daily_capacity) "
                      "VALUES ('D01', 'Central', 'Moscow', 'Europe/Moscow', 200)")
                  .ok());
  ASSERT_TRUE(
      RawExec("INSERT INTO persons (id, national_id, surname, given_name, birth_date, sex, district, category, "
              "fitness) VALUES (7, '00000000007', 'Petrov', 'Ivan', '2000-01-15', 'M', 'D01', 'conscript', 'A')")
          .ok());
  ASSERT_TRUE(RawExec("INSERT INTO summonses (id, number, person_id, office, kind, appear_at, place, purpose, state, "
                      "issued_at, issued_by) VALUES (3, '26-00000003-X', 7, 'D01', 'conscription', 0, 'Room 1', "
                      "'Medical', 'no_show', 0, 'test')")
                  .ok());
  ASSERT_TRUE(RawExec("INSERT INTO restrictions (id, person_id, summons_id, kind, imposed_at, effective_at, lifted_at, "
                      "lift_reason) VALUES (5, 7, 3, 'exit_ban', 1000, 2000, NULL, ''), "
                      "(6, 7, 3, 'driving', 1000, 3000, 4000, 'appeared')")
                  .ok());
  auto store = Open(/*create=*/false);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->SchemaVersion(), Migrations().back().version);
  auto ms = [](int64_t n) { return Timestamp{std::chrono::milliseconds(n)}; };
  std::vector<Restriction> of_person;
  std::vector<int64_t> active;
  int64_t added = 0;
  ASSERT_TRUE(store
                  ->Write([&](Tx& tx) -> Status {
                    Restriction r;
                    r.summons_id = 3;
                    r.kind = "loans";
                    r.imposed_at = ms(5000);
                    r.effective_at = ms(6000);
                    MUSTER_ASSIGN_OR_RETURN(added, tx.restrictions().Insert(r));
                    MUSTER_ASSIGN_OR_RETURN(of_person, tx.restrictions().ListOfPerson("00000000007"));
                    return tx.restrictions().ForEachActive("exit_ban",
                                                           [&](const Restriction& r) { active.push_back(r.id); });
                  })
                  .ok());
  EXPECT_EQ(added, 7);
  ASSERT_EQ(of_person.size(), 3u);
  for (const Restriction& r : of_person) {
    EXPECT_EQ(r.person_id, 7) << r.id;
    EXPECT_EQ(r.national_id, "00000000007") << r.id;
    EXPECT_EQ(r.summons_id, 3) << r.id;
    EXPECT_EQ(r.summons_number, "26-00000003-X") << r.id;
  }
  EXPECT_EQ(of_person[0].id, 5);
  EXPECT_EQ(of_person[0].kind, "exit_ban");
  EXPECT_EQ(of_person[0].imposed_at, ms(1000));
  EXPECT_EQ(of_person[0].effective_at, ms(2000));
  EXPECT_FALSE(of_person[0].lifted_at);
  EXPECT_EQ(of_person[1].id, 6);
  EXPECT_EQ(of_person[1].kind, "driving");
  EXPECT_EQ(of_person[1].lifted_at, ms(4000));
  EXPECT_EQ(of_person[1].lift_reason, "appeared");
  EXPECT_EQ(of_person[2].kind, "loans");
  EXPECT_EQ(active, std::vector<int64_t>{5});
}

// A subscriber's cursor starts at 0, moves with the transaction that moves it (a rolled-back
// one leaves it where it was) and is listed by name.
TEST_P(StoreTest, KeepsTheCursorsOfSubscribers) {
  auto store = Open();
  ASSERT_TRUE(store);
  const Timestamp t0 = *ParseTimestamp("2026-12-01T10:00:00Z");
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(int64_t none, tx.events().Cursor("outbox"));
    EXPECT_EQ(none, 0);
    MUSTER_RETURN_IF_ERROR(tx.events().SetCursor("outbox", 7, t0));
    MUSTER_RETURN_IF_ERROR(tx.events().SetCursor("outbox", 9, t0 + std::chrono::seconds(1)));
    return tx.events().SetCursor("feeds", 3, t0);
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store->Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(tx.events().SetCursor("outbox", 12, t0));
    return Status::Internal("rolled back");
  });
  ASSERT_EQ(st.code(), StatusCode::kInternal);
  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(int64_t outbox, tx.events().Cursor("outbox"));
    EXPECT_EQ(outbox, 9);
    MUSTER_ASSIGN_OR_RETURN(auto all, tx.events().Cursors());
    EXPECT_EQ(all, (std::vector<SubscriberCursor>{{"feeds", 3, t0}, {"outbox", 9, t0 + std::chrono::seconds(1)}}));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// The exit-ban indexes read the restriction events after a seq: of the given types only, in seq
// order, paged; the last seq tells a reader how far it has looked when none matched.
TEST_P(StoreTest, ListsTheEventsOfSomeTypesAfterASeq) {
  auto store = Open();
  ASSERT_TRUE(store);
  const Timestamp t0 = *ParseTimestamp("2026-12-01T10:00:00Z");
  const char* types[] = {"summons.issued",     "restriction.imposed", "summons.appeared",
                         "restriction.lifted", "restriction.imposed", "summons.no_show"};
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(int64_t last, tx.events().LastSeq());
    EXPECT_EQ(last, 0);
    for (const char* type : types) {
      MUSTER_RETURN_IF_ERROR(tx.events().Append({0, type, t0, "officer:olga", "26-00000001-5", "{}"}).status());
    }
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  const std::string_view wanted[] = {"restriction.imposed", "restriction.lifted"};
  auto seqs = [](const std::vector<Event>& events) {
    std::vector<int64_t> out;
    out.reserve(events.size());
    for (const Event& e : events) out.push_back(e.seq);
    return out;
  };
  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(int64_t last, tx.events().LastSeq());
    EXPECT_EQ(last, 6);
    MUSTER_ASSIGN_OR_RETURN(auto all, tx.events().ListOfTypes(0, wanted, 10));
    EXPECT_EQ(seqs(all), (std::vector<int64_t>{2, 4, 5}));
    if (all.size() == 3) {
      EXPECT_EQ(all[1].type, "restriction.lifted");
      EXPECT_EQ(all[1].actor, "officer:olga");
      EXPECT_EQ(all[1].at, t0);
    }
    MUSTER_ASSIGN_OR_RETURN(auto page, tx.events().ListOfTypes(2, wanted, 1));
    EXPECT_EQ(seqs(page), (std::vector<int64_t>{4}));
    MUSTER_ASSIGN_OR_RETURN(auto after, tx.events().ListOfTypes(5, wanted, 10));
    EXPECT_TRUE(after.empty());
    const std::string_view one[] = {"summons.no_show"};
    MUSTER_ASSIGN_OR_RETURN(auto no_show, tx.events().ListOfTypes(0, one, 10));
    EXPECT_EQ(seqs(no_show), (std::vector<int64_t>{6}));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// Ledger tiles round-trip every byte, a partial tile grows in place, a missing one reads as
// nullopt, and the head and the tile of an event come from the level-0 tiles.
TEST_P(StoreTest, LedgerTilesRoundTripAndGrowInPlace) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::string full, partial;
  for (int i = 0; i < 256 * 32; ++i) full.push_back(static_cast<char>(i * 7 % 256));  // NUL bytes too
  for (int i = 0; i < 3 * 32; ++i) partial.push_back(static_cast<char>(255 - i));
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(LedgerHead empty, tx.ledger().Head());
    EXPECT_EQ(empty.size, 0u);
    EXPECT_EQ(empty.last_seq, 0);
    EXPECT_EQ(empty.leaf_format_2_from, 1);  // a new database: every leaf in format 2 (0016)
    std::vector<LedgerTile> tiles = {
        {{0, 0}, full, 1, 300}, {{0, 1}, partial, 302, 305}, {{1, 0}, partial.substr(0, 32), 0, 0}};
    MUSTER_RETURN_IF_ERROR(tx.ledger().PutTiles(tiles));
    partial += std::string(32, 'x');  // the partial tile grows by a leaf
    std::vector<LedgerTile> grown = {{{0, 1}, partial, 302, 309}};
    return tx.ledger().PutTiles(grown);
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
    EXPECT_EQ(head.size, 256u + 4u);
    EXPECT_EQ(head.last_seq, 309);
    EXPECT_EQ(head.leaf_format_2_from, 1);
    std::vector<LedgerTileId> ids = {{0, 1}, {2, 0}, {0, 0}};
    MUSTER_ASSIGN_OR_RETURN(auto read, tx.ledger().ReadTiles(ids));
    EXPECT_EQ(read.size(), 3u);
    if (read.size() == 3) {
      EXPECT_TRUE(read[0] && read[0]->hashes == partial && read[0]->first_seq == 302 && read[0]->last_seq == 309);
      EXPECT_FALSE(read[1]);
      EXPECT_TRUE(read[2] && read[2]->hashes == full && read[2]->count() == 256u);
    }
    MUSTER_ASSIGN_OR_RETURN(auto level0, tx.ledger().ListTiles(0, 1, 10));
    EXPECT_EQ(level0.size(), 1u);
    MUSTER_ASSIGN_OR_RETURN(auto level1, tx.ledger().ListTiles(1, 0, 10));
    EXPECT_EQ(level1.size(), 1u);
    MUSTER_ASSIGN_OR_RETURN(auto of_event, tx.ledger().FindLeafTile(301));  // between the tiles: the one before
    EXPECT_TRUE(of_event && of_event->id == (LedgerTileId{0, 0}));
    MUSTER_ASSIGN_OR_RETURN(of_event, tx.ledger().FindLeafTile(305));
    EXPECT_TRUE(of_event && of_event->id == (LedgerTileId{0, 1}));
    MUSTER_ASSIGN_OR_RETURN(of_event, tx.ledger().FindLeafTile(0));
    EXPECT_FALSE(of_event);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// A person's history is the last events about any of their subjects, in seq order; the first
// event of a type about a subject is found by seq, not by time.
TEST_P(StoreTest, ListsTheEventsAboutSubjectsAndFindsTheFirstOfAType) {
  auto store = Open();
  ASSERT_TRUE(store);
  const Timestamp t0 = *ParseTimestamp("2026-12-01T10:00:00Z");
  struct Row {
    const char* type;
    const char* subject;
  };
  const Row rows[] = {{"person.registered", "12345678964"},   {"summons.issued", "26-00000001-5"},
                      {"summons.delivered", "26-00000001-5"}, {"summons.issued", "26-00000002-3"},
                      {"summons.delivered", "26-00000001-5"}, {"summons.issued", "99-00000009-9"}};
  Status st = store->Write([&](Tx& tx) -> Status {
    int64_t expected = 1;
    for (const Row& row : rows) {
      // Later events carry earlier times: order is by seq.
      Timestamp at = t0 - std::chrono::minutes(expected);
      MUSTER_ASSIGN_OR_RETURN(int64_t seq, tx.events().Append({0, row.type, at, "officer:olga", row.subject,
                                                               fmt::format("{{\"n\":{}}}", expected)}));
      EXPECT_EQ(seq, expected++);
    }
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto seqs = [](const std::vector<Event>& events) {
    std::vector<int64_t> out;
    out.reserve(events.size());
    for (const Event& e : events) out.push_back(e.seq);
    return out;
  };
  st = store->Read([&](Tx& tx) -> Status {
    const std::vector<std::string> person = {"12345678964", "26-00000001-5", "26-00000002-3"};
    MUSTER_ASSIGN_OR_RETURN(auto all, tx.events().ListAbout(person, 10));
    EXPECT_EQ(seqs(all), (std::vector<int64_t>{1, 2, 3, 4, 5}));
    MUSTER_ASSIGN_OR_RETURN(auto last, tx.events().ListAbout(person, 2));
    EXPECT_EQ(seqs(last), (std::vector<int64_t>{4, 5}));
    if (last.size() == 2) {
      EXPECT_EQ(last[1].type, "summons.delivered");
      EXPECT_EQ(last[1].subject, "26-00000001-5");
      EXPECT_EQ(last[1].payload, "{\"n\":5}");
      EXPECT_EQ(last[1].at, t0 - std::chrono::minutes(5));
    }
    MUSTER_ASSIGN_OR_RETURN(auto none, tx.events().ListAbout({"00000000000"}, 10));
    EXPECT_TRUE(none.empty());

    MUSTER_ASSIGN_OR_RETURN(auto delivery, tx.events().FindFirst("26-00000001-5", "summons.delivered"));
    EXPECT_TRUE(delivery && delivery->seq == 3 && delivery->actor == "officer:olga");
    MUSTER_ASSIGN_OR_RETURN(delivery, tx.events().FindFirst("26-00000002-3", "summons.delivered"));
    EXPECT_FALSE(delivery);

    MUSTER_ASSIGN_OR_RETURN(auto page, tx.events().List(2, 2));
    EXPECT_EQ(seqs(page), (std::vector<int64_t>{3, 4}));
    MUSTER_ASSIGN_OR_RETURN(int64_t last_seq, tx.events().LastSeq());
    EXPECT_EQ(last_seq, 6);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  // Appending in a later write continues from the last seq.
  st = store->Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(int64_t seq,
                            tx.events().Append({0, "summons.viewed", t0, "citizen", "26-00000002-3", "{}"}));
    EXPECT_EQ(seq, 7);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// Checkpoints keep their root's every byte and their note, in the order stored; the latest is
// the one stored last.
TEST_P(StoreTest, CheckpointsRoundTripInOrder) {
  auto store = Open();
  ASSERT_TRUE(store);
  const Timestamp t0 = *ParseTimestamp("2026-12-01T10:00:00Z");
  StoredCheckpoint first;
  first.size = 256;
  for (size_t i = 0; i < first.root.size(); ++i) first.root[i] = static_cast<uint8_t>(i * 37);  // a NUL too
  first.note = "muster.example/ledger\n256\nroot\n\n— sig\n";
  first.created_at = t0;
  StoredCheckpoint second = first;
  second.size = 300;
  second.root.fill(0xFF);
  second.note = "second";
  second.created_at = t0 + std::chrono::hours(1);
  int64_t first_id = 0;
  int64_t second_id = 0;
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(auto none, tx.ledger().LatestCheckpoint());
    EXPECT_FALSE(none);
    MUSTER_ASSIGN_OR_RETURN(auto empty, tx.ledger().ListCheckpoints());
    EXPECT_TRUE(empty.empty());
    MUSTER_ASSIGN_OR_RETURN(first_id, tx.ledger().InsertCheckpoint(first));
    MUSTER_ASSIGN_OR_RETURN(second_id, tx.ledger().InsertCheckpoint(second));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_GT(second_id, first_id);
  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(auto list, tx.ledger().ListCheckpoints());
    EXPECT_EQ(list.size(), 2u);
    if (list.size() == 2) {
      EXPECT_EQ(list[0].id, first_id);
      EXPECT_EQ(list[0].size, 256u);
      EXPECT_EQ(list[0].root, first.root);
      EXPECT_EQ(list[0].note, first.note);
      EXPECT_EQ(list[0].created_at, t0);
      EXPECT_EQ(list[1].id, second_id);
      EXPECT_EQ(list[1].root, second.root);
    }
    MUSTER_ASSIGN_OR_RETURN(auto latest, tx.ledger().LatestCheckpoint());
    EXPECT_TRUE(latest && latest->id == second_id && latest->size == 300u && latest->note == "second" &&
                latest->created_at == second.created_at);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreTest, MapsConstraintViolations) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store->Write([](Tx& tx) { return tx.offices().Insert(TestOffice()); }).ok());
  Status dup = store->Write([](Tx& tx) { return tx.offices().Insert(TestOffice()); });
  EXPECT_TRUE(dup.IsAlreadyExists()) << dup.ToString();
  Status fk = store->Write([](Tx& tx) { return tx.persons().Upsert(TestPerson(1, "D99")).status(); });
  EXPECT_TRUE(fk.IsFailedPrecondition()) << fk.ToString();
}

TEST_P(StoreTest, UpsertTellsInsertUpdateAndUnchangedApart) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<UpsertOutcome> outcomes;
  ASSERT_TRUE(store
                  ->Write([&](Tx& tx) {
                    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice()));
                    Person p = TestPerson(1);
                    for (int i = 0; i < 3; ++i) {
                      if (i == 2) p.address = "Tverskaya 1";
                      MUSTER_ASSIGN_OR_RETURN(UpsertOutcome o, tx.persons().Upsert(p));
                      outcomes.push_back(o);
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(outcomes,
            (std::vector<UpsertOutcome>{UpsertOutcome::kInserted, UpsertOutcome::kUnchanged, UpsertOutcome::kUpdated}));
}

TEST_P(StoreTest, BatchUpsertReportsEachOutcomeInOrder) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<UpsertOutcome> outcomes;
  ASSERT_TRUE(store
                  ->Write([&](Tx& tx) {
                    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice()));
                    MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(TestPerson(2)).status());
                    MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(TestPerson(3)).status());
                    std::vector<Person> batch = {TestPerson(1), TestPerson(2), TestPerson(3), TestPerson(4)};
                    batch[2].address = "Tverskaya 1";
                    MUSTER_ASSIGN_OR_RETURN(outcomes, tx.persons().UpsertBatch(batch));
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(outcomes, (std::vector<UpsertOutcome>{UpsertOutcome::kInserted, UpsertOutcome::kUnchanged,
                                                  UpsertOutcome::kUpdated, UpsertOutcome::kInserted}));
  Status fk = store->Write([](Tx& tx) {
    std::vector<Person> batch = {TestPerson(5), TestPerson(6, "D99")};
    return tx.persons().UpsertBatch(batch).status();
  });
  EXPECT_TRUE(fk.IsFailedPrecondition()) << fk.ToString();
}

TEST_P(StoreTest, BatchUpsertKeepsEveryByte) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<Person> batch = {TestPerson(1), TestPerson(2)};
  batch[0].address = "Back\\slash 1\tTab\nNew line \"quoted\" \\N";
  batch[1].surname = "\xD0\x9F\xD0\xB5\xD1\x82\xD1\x80\xD0\xBE\xD0\xB2";  // Cyrillic
  Person read;
  ASSERT_TRUE(store
                  ->Write([&](Tx& tx) {
                    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice()));
                    MUSTER_RETURN_IF_ERROR(tx.persons().UpsertBatch(batch).status());
                    // A second batch in the same write sees only its own rows.
                    std::vector<Person> again = {TestPerson(3)};
                    MUSTER_ASSIGN_OR_RETURN(auto outcomes, tx.persons().UpsertBatch(again));
                    if (outcomes.size() != 1) return Status::Internal("one outcome expected");
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_TRUE(store
                  ->Read([&](Tx& tx) {
                    MUSTER_ASSIGN_OR_RETURN(read, tx.persons().Get(batch[0].national_id));
                    MUSTER_ASSIGN_OR_RETURN(Person other, tx.persons().Get(batch[1].national_id));
                    EXPECT_EQ(other.surname, batch[1].surname);
                    MUSTER_ASSIGN_OR_RETURN(int64_t count, tx.persons().Count());
                    EXPECT_EQ(count, 3);
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(read.address, batch[0].address);
}

TEST_P(StoreTest, AFailedWriteLeavesNothing) {
  auto store = Open();
  ASSERT_TRUE(store);
  Status st = store->Write([](Tx& tx) {
    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice()));
    return Status::InvalidArgument("changed my mind");
  });
  EXPECT_TRUE(st.IsInvalidArgument());
  auto offices = std::make_shared<std::vector<Office>>();
  ASSERT_TRUE(store
                  ->Read([&](Tx& tx) {
                    MUSTER_ASSIGN_OR_RETURN(*offices, tx.offices().List());
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(offices->empty());
}

// Events come by the thousand in bulk work (PostgreSQL sends them as multi-row INSERTs of
// arrays): every byte and their order survive, a read in the same write sees all of them, and
// a failed write leaves none.
TEST_P(StoreTest, EventsInBulkKeepEveryByteAndTheirOrder) {
  auto store = Open();
  ASSERT_TRUE(store);
  const std::vector<std::string> texts = {
      "",      "NULL", "\"quoted\", {braced}", "back\\slash \\\"", "\t\n\r", "\\N", "\xD0\x9F\xD0\xB5\xD1\x82\xD1\x80",
      "a,b}{c"};
  auto event = [&](size_t i) {
    return Event{0,
                 "test." + std::to_string(i % 3),
                 Timestamp{std::chrono::milliseconds(1'700'000'000'000 + i)},
                 texts[i % texts.size()],
                 texts[(i + 3) % texts.size()],
                 texts[(i + 5) % texts.size()] + std::to_string(i)};
  };
  constexpr size_t kEvents = 4500;  // more than two of PostgreSQL's batches
  ASSERT_TRUE(store
                  ->Write([&](Tx& tx) -> Status {
                    for (size_t i = 0; i < kEvents; ++i) {
                      MUSTER_RETURN_IF_ERROR(tx.events().Append(event(i)).status());
                      if (i == 9) {
                        MUSTER_ASSIGN_OR_RETURN(auto so_far, tx.events().List(0, 100));
                        EXPECT_EQ(so_far.size(), 10u);
                      }
                    }
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(store
                  ->Write([&](Tx& tx) -> Status {
                    for (size_t i = 0; i < 5; ++i) MUSTER_RETURN_IF_ERROR(tx.events().Append(event(i)).status());
                    return Status::InvalidArgument("changed my mind");
                  })
                  .IsInvalidArgument());
  std::vector<Event> read;
  ASSERT_TRUE(store
                  ->Read([&](Tx& tx) -> Status {
                    MUSTER_ASSIGN_OR_RETURN(read, tx.events().List(0, 10 * kEvents));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(read.size(), kEvents);
  for (size_t i = 0; i < kEvents; ++i) {
    Event want = event(i);
    ASSERT_EQ(read[i].seq, static_cast<int64_t>(i + 1));
    ASSERT_EQ(read[i].type, want.type) << i;
    ASSERT_EQ(read[i].at, want.at) << i;
    ASSERT_EQ(read[i].actor, want.actor) << i;
    ASSERT_EQ(read[i].subject, want.subject) << i;
    ASSERT_EQ(read[i].payload, want.payload) << i;
  }
}

// SQLite: the WAL is copied into the database file while the store stays open (by a thread of
// the store's, not in the writer's commits), and none of it is lost when the store closes.
TEST_P(StoreTest, CopiesTheWalIntoTheDatabaseWhileOpen) {
  if (GetParam() != "sqlite") GTEST_SKIP() << "PostgreSQL has no WAL file of ours to copy";
  auto store = Open();
  ASSERT_TRUE(store);
  const std::string payload = "{\"text\":\"" + std::string(1000, 'x') + "\"}";
  constexpr int kWrites = 4, kPerWrite = 4000;  // 4 x 4 MB: past the 1,000 pages (8 MB) of a checkpoint
  for (int w = 0; w < kWrites; ++w) {
    ASSERT_TRUE(
        store
            ->Write([&](Tx& tx) -> Status {
              for (int i = 0; i < kPerWrite; ++i) {
                MUSTER_RETURN_IF_ERROR(
                    tx.events()
                        .Append(Event{0, "test.bulk", Timestamp{}, "test", std::to_string(i), payload})
                        .status());
              }
              return Status::Ok();
            })
            .ok());
  }
  // The database file only grows when pages are copied into it from the WAL.
  constexpr uintmax_t kCopied = 8u << 20;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::filesystem::file_size(url_) < kCopied && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(std::filesystem::file_size(url_), kCopied) << "no checkpoint while the store was open";
  store.reset();
  EXPECT_FALSE(std::filesystem::exists(url_ + "-wal")) << "the last connection to close removes the WAL";
  store = Open(/*create=*/false);
  ASSERT_TRUE(store);
  int64_t last = 0;
  ASSERT_TRUE(store
                  ->Read([&](Tx& tx) -> Status {
                    MUSTER_ASSIGN_OR_RETURN(last, tx.events().LastSeq());
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(last, int64_t{kWrites} * kPerWrite);
}

// Every server connection killed behind the store's back (a restarted server, a failover): the
// next read and write run again on fresh connections and succeed.
TEST_P(StoreTest, SurvivesKilledConnections) {
  if (GetParam() != "postgres") GTEST_SKIP() << "SQLite has no server connection to lose";
  auto store = Open();
  ASSERT_TRUE(store);
  // Several pooled connections, idle now.
  ASSERT_TRUE(store->Write([](Tx& tx) { return tx.offices().Insert(TestOffice()); }).ok());
  ASSERT_TRUE(store->Read([](Tx& tx) { return tx.offices().List().status(); }).ok());
  ASSERT_TRUE(RawExec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                      "AND pid <> pg_backend_pid()")
                  .ok());
  int64_t offices = 0;
  Status read = store->ReadReplica([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(auto list, tx.offices().List());
    offices = static_cast<int64_t>(list.size());
    return Status::Ok();
  });
  EXPECT_TRUE(read.ok()) << read.ToString();
  EXPECT_EQ(offices, 1);
  ASSERT_TRUE(RawExec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                      "AND pid <> pg_backend_pid()")
                  .ok());
  Status write = store->Write([](Tx& tx) { return tx.offices().Insert(TestOffice("D02")); });
  EXPECT_TRUE(write.ok()) << write.ToString();
  // A write that fails for its own reasons is not run twice: its error comes back as it was.
  int runs = 0;
  Status dup = store->Write([&](Tx& tx) {
    ++runs;
    return tx.offices().Insert(TestOffice("D02"));
  });
  EXPECT_TRUE(dup.IsAlreadyExists()) << dup.ToString();
  EXPECT_EQ(runs, 1);
}

// A statement whose answer nobody waits for (PostgreSQL pipelines events) still fails its write.
TEST_P(StoreTest, ALateFailureStillFailsTheWrite) {
  if (GetParam() != "postgres") GTEST_SKIP() << "SQLite answers every statement at once";
  auto store = Open();
  ASSERT_TRUE(store);
  Status st = store->Write([](Tx& tx) {
    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice()));
    // PostgreSQL text cannot hold a NUL byte: the server refuses this event.
    MUSTER_RETURN_IF_ERROR(
        tx.events().Append(Event{0, "test.event", Timestamp{}, "cli:test", "S", std::string("a\0b", 3)}).status());
    return Status::Ok();
  });
  EXPECT_FALSE(st.ok());
  auto offices = std::make_shared<std::vector<Office>>();
  ASSERT_TRUE(store
                  ->Read([&](Tx& tx) {
                    MUSTER_ASSIGN_OR_RETURN(*offices, tx.offices().List());
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(offices->empty());
  // The connection is clean again for the next write.
  EXPECT_TRUE(store->Write([](Tx& tx) { return tx.offices().Insert(TestOffice()); }).ok());
}

// A read sees one snapshot: a write that commits while it runs stays invisible to it.
TEST_P(StoreTest, AReadIsASnapshot) {
  auto store = Open();
  ASSERT_TRUE(store);
  ASSERT_TRUE(store
                  ->Write([](Tx& tx) {
                    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice()));
                    return tx.persons().Upsert(TestPerson(1)).status();
                  })
                  .ok());
  int64_t before = -1, after = -1;
  bool wrote = false;
  ASSERT_TRUE(store
                  ->Read([&](Tx& tx) {
                    MUSTER_ASSIGN_OR_RETURN(before, tx.persons().Count());
                    auto writer = std::async(std::launch::async, [&] {
                      return store->Write([](Tx& w) { return w.persons().Upsert(TestPerson(2)).status(); });
                    });
                    wrote = writer.wait_for(std::chrono::seconds(20)) == std::future_status::ready && writer.get().ok();
                    MUSTER_ASSIGN_OR_RETURN(after, tx.persons().Count());
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_TRUE(wrote) << "a write could not commit beside a read";
  EXPECT_EQ(before, 1);
  EXPECT_EQ(after, 1);
}

// Two stores on one database (two processes, as far as the database can tell) writing at once:
// each write reads a count and inserts the next number, which collides unless writes are
// serialised by the database itself.
TEST_P(StoreTest, WritesFromTwoStoresAreSerialised) {
  auto first = Open();
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->Write([](Tx& tx) { return tx.offices().Insert(TestOffice()); }).ok());
  auto second = Open(/*create=*/false);
  ASSERT_TRUE(second);
  constexpr int kWrites = 40;
  auto writer = [](Store* store) {
    for (int i = 0; i < kWrites; ++i) {
      Status st = store->Write([](Tx& tx) {
        MUSTER_ASSIGN_OR_RETURN(int64_t n, tx.persons().Count());
        std::this_thread::yield();
        MUSTER_ASSIGN_OR_RETURN(UpsertOutcome o, tx.persons().Upsert(TestPerson(static_cast<int>(n) + 1)));
        return o == UpsertOutcome::kInserted ? Status::Ok() : Status::Internal("a write saw a stale count");
      });
      if (!st.ok()) return st;
    }
    return Status::Ok();
  };
  auto a = std::async(std::launch::async, writer, first.get());
  auto b = std::async(std::launch::async, writer, second.get());
  Status sa = a.get(), sb = b.get();
  EXPECT_TRUE(sa.ok()) << sa.ToString();
  EXPECT_TRUE(sb.ok()) << sb.ToString();
  int64_t count = 0;
  ASSERT_TRUE(first
                  ->Read([&](Tx& tx) {
                    MUSTER_ASSIGN_OR_RETURN(count, tx.persons().Count());
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(count, 2 * kWrites);
}

Timestamp Day(int64_t day, int hour = 9) {
  return Timestamp{std::chrono::milliseconds(day * 86400000 + hour * 3600000)};
}

Summons TestSummons(int64_t id, int person, std::string office, SummonsState state, int64_t issued_day) {
  Summons s;
  s.id = id;
  s.number = FormatSummonsNumber(26, id);  // a valid number, as the port reads only those
  s.national_id = fmt::format("{:011}", person);
  s.office = std::move(office);
  s.kind = "conscription";
  s.appear_at = Day(issued_day + 5);
  s.place = "Room 1";
  s.purpose = "Board";
  s.state = state;
  s.issued_at = Day(issued_day);
  s.issued_by = "officer:olga";
  s.delivered_at = Day(issued_day);
  return s;
}

// Office D01, persons 1..n and summons i for person i, in the state `state_of(i)`, issued on
// day 20000 and due on day 20005.
Status InsertSummonses(Tx& tx, int n, const std::function<SummonsState(int)>& state_of) {
  MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice("D01")));
  for (int i = 1; i <= n; ++i) {
    MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(TestPerson(i, "D01")).status());
    MUSTER_RETURN_IF_ERROR(tx.summonses().Insert(TestSummons(i, i, "D01", state_of(i), 20000)));
  }
  return Status::Ok();
}

// A sweep's writes come by the thousand too (PostgreSQL batches the summons updates, the
// restrictions and their events): a summons updated twice in one write keeps the second
// update, restriction ids follow one another, and reads in the same write see every row.
TEST_P(StoreTest, SweepWritesInBulkReadBackInOrder) {
  auto store = Open();
  ASSERT_TRUE(store);
  Status st =
      store->Write([&](Tx& tx) { return InsertSummonses(tx, 3, [](int) { return SummonsState::kDelivered; }); });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store->Write([&](Tx& tx) -> Status {
    std::vector<int64_t> ids;
    for (int i = 1; i <= 3; ++i) {
      MUSTER_ASSIGN_OR_RETURN(Summons s, tx.summonses().GetById(i));
      s.state = SummonsState::kViewed;
      s.viewed_at = Day(20001);
      MUSTER_RETURN_IF_ERROR(tx.summonses().Update(s));
      s.state = SummonsState::kNoShow;
      s.closed_at = Day(20010);
      s.close_reason = "no \"show\", {again}";
      MUSTER_RETURN_IF_ERROR(tx.summonses().Update(s));  // the same summons again, in the same write
      Restriction r;
      r.person_id = s.person_id;
      r.national_id = s.national_id;
      r.summons_id = s.id;
      r.kind = "exit_ban";
      r.imposed_at = Day(20010);
      r.effective_at = Day(20011);
      for (int n = 0; n < 2; ++n) {
        MUSTER_ASSIGN_OR_RETURN(r.id, tx.restrictions().Insert(r));
        ids.push_back(r.id);
        MUSTER_RETURN_IF_ERROR(tx.events()
                                   .Append({0, "restriction.imposed", r.imposed_at, "system:sweep", s.number,
                                            fmt::format("{{\"restriction_id\":{}}}", r.id)})
                                   .status());
      }
    }
    EXPECT_EQ(ids, (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
    MUSTER_ASSIGN_OR_RETURN(Summons second, tx.summonses().GetById(2));
    EXPECT_EQ(second.state, SummonsState::kNoShow);
    EXPECT_EQ(second.viewed_at, Day(20001));
    MUSTER_ASSIGN_OR_RETURN(auto restrictions, tx.restrictions().ListOfSummons(3));
    EXPECT_EQ(restrictions.size(), 2u);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store->Read([&](Tx& tx) -> Status {
    for (int i = 1; i <= 3; ++i) {
      MUSTER_ASSIGN_OR_RETURN(Summons s, tx.summonses().GetById(i));
      EXPECT_EQ(s.state, SummonsState::kNoShow) << i;
      EXPECT_EQ(s.closed_at, Day(20010)) << i;
      EXPECT_EQ(s.close_reason, "no \"show\", {again}") << i;
      MUSTER_ASSIGN_OR_RETURN(auto restrictions, tx.restrictions().ListOfSummons(i));
      if (restrictions.size() != 2u) {
        return Status::Internal(fmt::format("summons {}: {} restrictions", i, restrictions.size()));
      }
      EXPECT_EQ(restrictions[0].id, 2 * i - 1);
      EXPECT_EQ(restrictions[1].id, 2 * i);
    }
    const std::string_view imposed[] = {"restriction.imposed"};
    MUSTER_ASSIGN_OR_RETURN(auto events, tx.events().ListOfTypes(0, imposed, 100));
    std::vector<std::string> payloads;
    payloads.reserve(events.size());
    for (const Event& e : events) payloads.push_back(e.payload);
    EXPECT_EQ(payloads.size(), 6u);
    for (size_t i = 0; i < payloads.size(); ++i) {
      EXPECT_EQ(payloads[i], fmt::format("{{\"restriction_id\":{}}}", i + 1));
    }
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// The sweep's queries: overdue ids in id order, through the index; then, of a batch of
// ids, those still overdue (a summons closed or appealed since is left out), read and closed.
TEST_P(StoreTest, ListsOverdueSummonsByIdAndChecksThemAgain) {
  auto store = Open();
  ASSERT_TRUE(store);
  // Ids 1 to 6, due on day 20005; id 4 appeared, id 5 still issued, id 6 viewed.
  Status st = store->Write([&](Tx& tx) {
    return InsertSummonses(tx, 6, [](int i) {
      return i == 4   ? SummonsState::kAppeared
             : i == 5 ? SummonsState::kIssued
             : i == 6 ? SummonsState::kViewed
                      : SummonsState::kDelivered;
    });
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  const Timestamp after_due = Day(20006), before_due = Day(20004);
  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(auto ids, tx.summonses().ListOverdueIds(after_due));
    EXPECT_EQ(ids, (std::vector<int64_t>{1, 2, 3, 6}));
    MUSTER_ASSIGN_OR_RETURN(auto none, tx.summonses().ListOverdueIds(before_due));
    EXPECT_TRUE(none.empty());
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();

  // Between listing and marking: summons 2 gets a pending appeal, summons 3 a denied one.
  st = store->Write([&](Tx& tx) -> Status {
    Appeal pending{AppealId(), 2, "", AppealReason::kIllness, "Ill", AppealState::kPending, "citizen:2", Day(20005)};
    MUSTER_RETURN_IF_ERROR(tx.appeals().Insert(pending).status());
    Appeal denied{AppealId(), 3, "", AppealReason::kOther, "No", AppealState::kDenied, "citizen:3", Day(20005)};
    return tx.appeals().Insert(denied).status();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store->Read([&](Tx& tx) -> Status {
    std::vector<int64_t> batch = {1, 2, 3, 4, 5, 6};
    MUSTER_ASSIGN_OR_RETURN(auto overdue, tx.summonses().ListOverdue(after_due, batch));
    std::vector<int64_t> got;
    got.reserve(overdue.size());
    for (const Summons& s : overdue) got.push_back(s.id);
    EXPECT_EQ(got, (std::vector<int64_t>{1, 3, 6}));
    if (!overdue.empty()) {
      EXPECT_EQ(overdue.front().national_id, "00000000001");
      EXPECT_EQ(overdue.front().number, FormatSummonsNumber(26, 1));
    }
    MUSTER_ASSIGN_OR_RETURN(auto early, tx.summonses().ListOverdue(before_due, batch));
    EXPECT_TRUE(early.empty());
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();

  // Closing checks each again in the same statement: not yet due, none; then the overdue only.
  std::vector<int64_t> closed_early, closed, again;
  st = store->Write([&](Tx& tx) -> Status {
    std::vector<int64_t> batch = {1, 2, 3, 4, 5, 6};
    MUSTER_ASSIGN_OR_RETURN(closed_early, tx.summonses().CloseOverdue(before_due, batch, Day(20004)));
    MUSTER_ASSIGN_OR_RETURN(closed, tx.summonses().CloseOverdue(after_due, batch, Day(20006)));
    MUSTER_ASSIGN_OR_RETURN(again, tx.summonses().CloseOverdue(after_due, batch, Day(20007)));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(closed_early.empty());
  EXPECT_EQ(closed, (std::vector<int64_t>{1, 3, 6}));
  EXPECT_TRUE(again.empty()) << "closed once";
  st = store->Read([&](Tx& tx) -> Status {
    const SummonsState expected[] = {SummonsState::kNoShow,   SummonsState::kDelivered, SummonsState::kNoShow,
                                     SummonsState::kAppeared, SummonsState::kIssued,    SummonsState::kNoShow};
    for (int i = 1; i <= 6; ++i) {
      MUSTER_ASSIGN_OR_RETURN(Summons s, tx.summonses().GetById(i));
      EXPECT_EQ(s.state, expected[i - 1]) << i;
      const bool was_closed = expected[i - 1] == SummonsState::kNoShow;
      EXPECT_EQ(s.closed_at.has_value(), was_closed) << i;
      if (was_closed) {
        EXPECT_EQ(*s.closed_at, Day(20006)) << i;
      }
      EXPECT_EQ(s.delivered_at, Day(20000)) << i << ": the other fields stay as they were";
    }
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// Summonses by number, id and person; the undelivered by id; a campaign's summonses, which
// PostgreSQL sends as multi-row writes, still refuse a second summons for a person.
TEST_P(StoreTest, SummonsesRoundTripByNumberPersonAndUndelivered) {
  auto store = Open();
  ASSERT_TRUE(store);
  CampaignId campaign;
  std::vector<int64_t> max_ids;
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice("D01")));
    for (int i = 1; i <= 3; ++i) MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(TestPerson(i, "D01")).status());
    Campaign c;
    c.kind = "conscription";
    c.name = "Autumn";
    c.basis = "Order 1";
    c.districts = {"D01"};
    c.appear_from = std::chrono::year{2024} / 10 / 1;
    c.appear_until = std::chrono::year{2024} / 10 / 30;
    c.created_by = "supervisor:sam";
    MUSTER_ASSIGN_OR_RETURN(campaign, tx.campaigns().Insert(c));
    Summons first = TestSummons(1, 1, "D01", SummonsState::kIssued, 20000);
    first.delivered_at.reset();
    Summons second = TestSummons(2, 1, "D01", SummonsState::kDelivered, 20002);
    second.override_reason = "board order";
    second.override_approved_by = "supervisor:sam";
    Summons third = TestSummons(3, 2, "D01", SummonsState::kIssued, 20001);
    third.delivered_at.reset();
    Summons in_campaign = TestSummons(4, 3, "D01", SummonsState::kIssued, 20003);
    in_campaign.delivered_at.reset();
    in_campaign.campaign_id = campaign;
    MUSTER_ASSIGN_OR_RETURN(Person third_person, tx.persons().Get(in_campaign.national_id));
    in_campaign.person_id = third_person.id.value;
    for (const Summons* s : {&first, &second, &third, &in_campaign}) {
      MUSTER_ASSIGN_OR_RETURN(int64_t max, tx.summonses().MaxId());
      max_ids.push_back(max);
      MUSTER_RETURN_IF_ERROR(tx.summonses().Insert(*s));
    }
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(max_ids, (std::vector<int64_t>{0, 1, 2, 3}));

  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(int64_t max, tx.summonses().MaxId());
    EXPECT_EQ(max, 4);
    MUSTER_ASSIGN_OR_RETURN(Summons s, tx.summonses().Get(*SummonsNumber::Parse(FormatSummonsNumber(26, 2))));
    EXPECT_EQ(s.id, 2);
    EXPECT_EQ(s.national_id, "00000000001");
    EXPECT_EQ(s.office, "D01");
    EXPECT_EQ(s.kind, "conscription");
    EXPECT_FALSE(s.campaign_id);
    EXPECT_EQ(s.state, SummonsState::kDelivered);
    EXPECT_EQ(s.issued_at, Day(20002));
    EXPECT_EQ(s.appear_at, Day(20007));
    EXPECT_EQ(s.delivered_at, Day(20002));
    EXPECT_FALSE(s.viewed_at);
    EXPECT_EQ(s.place, "Room 1");
    EXPECT_EQ(s.purpose, "Board");
    EXPECT_EQ(s.issued_by, "officer:olga");
    EXPECT_EQ(s.override_reason, "board order");
    EXPECT_EQ(s.override_approved_by, "supervisor:sam");
    EXPECT_NE(s.person_id, 0);
    MUSTER_ASSIGN_OR_RETURN(Summons by_id, tx.summonses().GetById(4));
    EXPECT_EQ(by_id.number, FormatSummonsNumber(26, 4));
    EXPECT_EQ(by_id.campaign_id, campaign);
    EXPECT_EQ(by_id.national_id, "00000000003");
    EXPECT_TRUE(tx.summonses().Get(*SummonsNumber::Parse(FormatSummonsNumber(26, 99999999))).status().IsNotFound());
    EXPECT_TRUE(tx.summonses().GetById(99).status().IsNotFound());

    MUSTER_ASSIGN_OR_RETURN(auto of_person, tx.summonses().ListOfPerson("00000000001"));
    std::vector<int64_t> ids;
    ids.reserve(of_person.size());
    for (const Summons& m : of_person) ids.push_back(m.id);
    EXPECT_EQ(ids, (std::vector<int64_t>{2, 1})) << "latest issued first";
    MUSTER_ASSIGN_OR_RETURN(auto nobody, tx.summonses().ListOfPerson("00000000099"));
    EXPECT_TRUE(nobody.empty());

    auto undelivered = [&](Timestamp before, size_t limit) -> std::vector<int64_t> {
      std::vector<int64_t> out;
      auto list = tx.summonses().ListUndelivered(before, limit);
      EXPECT_TRUE(list.ok()) << list.status().ToString();
      if (list.ok()) {
        for (const Summons& m : *list) out.push_back(m.id);
      }
      return out;
    };
    EXPECT_EQ(undelivered(Day(20003), 10), (std::vector<int64_t>{1, 3, 4}));
    EXPECT_EQ(undelivered(Day(20001), 10), (std::vector<int64_t>{1, 3})) << "issued at or before";
    EXPECT_EQ(undelivered(Day(20003), 2), (std::vector<int64_t>{1, 3}));
    EXPECT_TRUE(undelivered(Day(19999), 10).empty());
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();

  // Taken numbers and a second summons of a campaign for a person fail the write.
  Status taken = store->Write([&](Tx& tx) {
    Summons again = TestSummons(5, 2, "D01", SummonsState::kIssued, 20003);
    again.number = FormatSummonsNumber(26, 1);
    return tx.summonses().Insert(again);
  });
  EXPECT_TRUE(taken.IsAlreadyExists()) << taken.ToString();
  Status twice = store->Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(Summons in_campaign, tx.summonses().GetById(4));
    in_campaign.id = 5;
    in_campaign.number = FormatSummonsNumber(26, 5);
    return tx.summonses().Insert(in_campaign);
  });
  EXPECT_TRUE(twice.IsAlreadyExists()) << twice.ToString();
  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(int64_t max, tx.summonses().MaxId());
    EXPECT_EQ(max, 4) << "nothing written";
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// Appeals: the decision is written back; lists filter by state, summons and office, in id order
// from a cursor.
TEST_P(StoreTest, AppealsRoundTripAndFilter) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<int64_t> ids;
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(InsertSummonses(tx, 2, [](int) { return SummonsState::kDelivered; }));
    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice("D02")));
    MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(TestPerson(3, "D02")).status());
    MUSTER_RETURN_IF_ERROR(tx.summonses().Insert(TestSummons(3, 3, "D02", SummonsState::kDelivered, 20000)));
    for (int64_t summons : {1, 2, 3}) {
      Appeal a{AppealId(),
               summons,
               "",
               AppealReason::kIllness,
               fmt::format("Ill {}", summons),
               AppealState::kPending,
               fmt::format("citizen:{}", summons),
               Day(20001)};
      MUSTER_ASSIGN_OR_RETURN(AppealId id, tx.appeals().Insert(a));
      ids.push_back(id.value);
    }
    MUSTER_ASSIGN_OR_RETURN(Appeal second, tx.appeals().Get(AppealId(ids[1])));
    second.state = AppealState::kGranted;
    second.decided_by = "officer:olga";
    second.decided_at = Day(20002);
    second.decision_reason = "certificate";
    return tx.appeals().Update(second);
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);

  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(Appeal a, tx.appeals().Get(AppealId(ids[1])));
    EXPECT_EQ(a.summons_id, 2);
    EXPECT_EQ(a.summons_number, FormatSummonsNumber(26, 2));
    EXPECT_EQ(a.reason, AppealReason::kIllness);
    EXPECT_EQ(a.text, "Ill 2");
    EXPECT_EQ(a.state, AppealState::kGranted);
    EXPECT_EQ(a.filed_by, "citizen:2");
    EXPECT_EQ(a.filed_at, Day(20001));
    EXPECT_EQ(a.decided_by, "officer:olga");
    EXPECT_EQ(a.decided_at, Day(20002));
    EXPECT_EQ(a.decision_reason, "certificate");
    MUSTER_ASSIGN_OR_RETURN(Appeal first, tx.appeals().Get(AppealId(ids[0])));
    EXPECT_EQ(first.state, AppealState::kPending);
    EXPECT_FALSE(first.decided_at);
    EXPECT_TRUE(tx.appeals().Get(AppealId(ids[2] + 100)).status().IsNotFound());

    auto list = [&](const AppealFilter& f) -> std::vector<int64_t> {
      std::vector<int64_t> out;
      auto got = tx.appeals().List(f);
      EXPECT_TRUE(got.ok()) << got.status().ToString();
      if (got.ok()) {
        for (const Appeal& x : *got) out.push_back(x.id.value);
      }
      return out;
    };
    EXPECT_EQ(list({}), ids);
    EXPECT_EQ(list({.state = AppealState::kPending}), (std::vector<int64_t>{ids[0], ids[2]}));
    EXPECT_EQ(list({.summons_id = 2}), (std::vector<int64_t>{ids[1]}));
    EXPECT_EQ(list({.offices = std::vector<std::string>{"D02"}}), (std::vector<int64_t>{ids[2]}));
    EXPECT_EQ(list({.offices = std::vector<std::string>{"D01", "D02"}}), ids);
    EXPECT_TRUE(list({.offices = std::vector<std::string>{}}).empty()) << "no office, no appeal";
    EXPECT_EQ(list({.state = AppealState::kPending, .offices = std::vector<std::string>{"D01"}}),
              (std::vector<int64_t>{ids[0]}));
    EXPECT_EQ(list({.after_id = ids[0], .limit = 1}), (std::vector<int64_t>{ids[1]}));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// Override requests: the decision and the summons issued are written back; lists are of some
// offices, by state, in id order from a cursor.
TEST_P(StoreTest, OverridesRoundTripAndFilter) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<int64_t> ids;
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(InsertSummonses(tx, 1, [](int) { return SummonsState::kIssued; }));
    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice("D02")));
    MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(TestPerson(2, "D02")).status());
    for (int i = 0; i < 3; ++i) {
      OverrideRequest o;
      o.national_id = i == 1 ? "00000000002" : "00000000001";
      o.office = i == 1 ? "D02" : "D01";
      o.kind = "conscription";
      o.appear_at = Day(20010);
      o.place = "Room 2";
      o.purpose = "Board";
      o.reasons = {"deferment", "age"};
      o.justification = fmt::format("Needed {}", i);
      o.requested_by = "officer:olga";
      o.requested_at = Day(20001 + i);
      MUSTER_ASSIGN_OR_RETURN(OverrideId id, tx.overrides().Insert(o));
      ids.push_back(id.value);
    }
    MUSTER_ASSIGN_OR_RETURN(OverrideRequest first, tx.overrides().Get(OverrideId(ids[0])));
    first.state = OverrideState::kApproved;
    first.decided_by = "supervisor:sam";
    first.decided_at = Day(20005);
    first.summons_id = 1;
    return tx.overrides().Update(first);
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(ids.size(), 3u);

  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(OverrideRequest o, tx.overrides().Get(OverrideId(ids[0])));
    EXPECT_EQ(o.national_id, "00000000001");
    EXPECT_EQ(o.office, "D01");
    EXPECT_EQ(o.kind, "conscription");
    EXPECT_EQ(o.appear_at, Day(20010));
    EXPECT_EQ(o.place, "Room 2");
    EXPECT_EQ(o.purpose, "Board");
    EXPECT_EQ(o.reasons, (std::vector<std::string>{"deferment", "age"}));
    EXPECT_EQ(o.justification, "Needed 0");
    EXPECT_EQ(o.requested_by, "officer:olga");
    EXPECT_EQ(o.requested_at, Day(20001));
    EXPECT_EQ(o.state, OverrideState::kApproved);
    EXPECT_EQ(o.decided_by, "supervisor:sam");
    EXPECT_EQ(o.decided_at, Day(20005));
    EXPECT_EQ(o.summons_id, 1);
    MUSTER_ASSIGN_OR_RETURN(OverrideRequest pending, tx.overrides().Get(OverrideId(ids[1])));
    EXPECT_EQ(pending.state, OverrideState::kPending);
    EXPECT_FALSE(pending.decided_at);
    EXPECT_FALSE(pending.summons_id);
    EXPECT_TRUE(tx.overrides().Get(OverrideId(ids[2] + 100)).status().IsNotFound());

    auto list = [&](const OverrideFilter& f) -> std::vector<int64_t> {
      std::vector<int64_t> out;
      auto got = tx.overrides().List(f);
      EXPECT_TRUE(got.ok()) << got.status().ToString();
      if (got.ok()) {
        for (const OverrideRequest& x : *got) out.push_back(x.id.value);
      }
      return out;
    };
    EXPECT_EQ(list({.offices = {"D01", "D02"}}), ids);
    EXPECT_EQ(list({.offices = {"D01"}}), (std::vector<int64_t>{ids[0], ids[2]}));
    EXPECT_EQ(list({.state = OverrideState::kPending, .offices = {"D01", "D02"}}),
              (std::vector<int64_t>{ids[1], ids[2]}));
    EXPECT_EQ(list({.offices = {"D02", "D01"}, .after_id = ids[0], .limit = 1}), (std::vector<int64_t>{ids[1]}));
    EXPECT_TRUE(list({}).empty()) << "no office, no request";
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
}

// Restrictions are lifted in place and leave the active ones; exit checks are recorded once
// per reference; a write that changes exit bans wakes the stores that watch them (PostgreSQL).
TEST_P(StoreTest, RestrictionsLiftAndExitChecksAreRecordedOnce) {
  auto store = Open();
  ASSERT_TRUE(store);
  auto waiter = store->WatchExitBanChanges();
  std::vector<int64_t> ids;
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(InsertSummonses(tx, 2, [](int) { return SummonsState::kNoShow; }));
    for (auto [summons, kind] : {std::pair<int64_t, const char*>{1, "exit_ban"}, {1, "driving"}, {2, "exit_ban"}}) {
      Restriction r;
      r.summons_id = summons;
      r.kind = kind;
      r.imposed_at = Day(20010);
      r.effective_at = Day(20011);
      MUSTER_ASSIGN_OR_RETURN(int64_t id, tx.restrictions().Insert(r));
      ids.push_back(id);
    }
    MUSTER_ASSIGN_OR_RETURN(auto of_summons, tx.restrictions().ListOfSummons(1));
    if (of_summons.empty()) return Status::Internal("no restriction of summons 1");
    Restriction lifted = of_summons.front();
    lifted.lifted_at = Day(20012);
    lifted.lift_reason = "appeared";
    MUSTER_RETURN_IF_ERROR(tx.restrictions().Update(lifted));
    MUSTER_RETURN_IF_ERROR(tx.restrictions().NotifyExitBanChange());
    MUSTER_RETURN_IF_ERROR(tx.restrictions().NotifyExitBanChange());  // once per write is enough
    MUSTER_RETURN_IF_ERROR(
        tx.restrictions().InsertExitCheck("check-1", "exit_ban", "00000000001", "denied", "border:post-7", Day(20013)));
    return tx.restrictions().InsertExitCheck("check-2", "driving", "00000000002", "allowed", "border:post-7",
                                             Day(20013));
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(ids, (std::vector<int64_t>{1, 2, 3}));
  if (GetParam() == "postgres") {
    auto start = std::chrono::steady_clock::now();
    waiter->Wait(std::chrono::seconds(20));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10)) << "woken by the NOTIFY";
  }

  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(auto of_summons, tx.restrictions().ListOfSummons(1));
    if (of_summons.size() != 2u) return Status::Internal(fmt::format("{} restrictions", of_summons.size()));
    EXPECT_EQ(of_summons[0].id, 1);
    EXPECT_EQ(of_summons[0].kind, "exit_ban");
    EXPECT_EQ(of_summons[0].lifted_at, Day(20012));
    EXPECT_EQ(of_summons[0].lift_reason, "appeared");
    EXPECT_EQ(of_summons[0].summons_number, FormatSummonsNumber(26, 1));
    EXPECT_EQ(of_summons[0].national_id, "00000000001");
    EXPECT_EQ(of_summons[1].kind, "driving");
    EXPECT_FALSE(of_summons[1].lifted_at);
    EXPECT_EQ(of_summons[1].imposed_at, Day(20010));
    EXPECT_EQ(of_summons[1].effective_at, Day(20011));
    std::vector<int64_t> active;
    MUSTER_RETURN_IF_ERROR(
        tx.restrictions().ForEachActive("exit_ban", [&](const Restriction& r) { active.push_back(r.id); }));
    EXPECT_EQ(active, std::vector<int64_t>{3});
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();

  // Written again (a batch whose COMMIT answer was lost): not an error, and still one row each.
  st = store->Write([&](Tx& tx) {
    return tx.restrictions().InsertExitCheck("check-1", "exit_ban", "00000000001", "allowed", "border:post-8",
                                             Day(20014));
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  Status raw = RawExec(
      "INSERT INTO exit_checks (reference, national_id, decision, asked_by, asked_at) "
      "VALUES ('check-1', '00000000001', 'denied', 'border:post-7', 0)");
  EXPECT_FALSE(raw.ok()) << "check-1 is recorded";
  raw = RawExec(
      "INSERT INTO exit_checks (reference, national_id, decision, asked_by, asked_at) "
      "VALUES ('check-3', '00000000001', 'denied', 'border:post-7', 0)");
  EXPECT_TRUE(raw.ok()) << raw.ToString();
}

// The report aggregates count the same on every backend: per office and state, per day of each
// moment (UTC days since the epoch), and restrictions in force at a moment.
TEST_P(StoreTest, TalliesSummonsPerOfficeStateAndDay) {
  auto store = Open();
  ASSERT_TRUE(store);
  CampaignId campaign;
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice("D01")));
    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice("D02")));
    for (int i = 1; i <= 3; ++i)
      MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(TestPerson(i, i < 3 ? "D01" : "D02")).status());
    Campaign c;
    c.kind = "conscription";
    c.name = "Autumn";
    c.basis = "Order 1";
    c.districts = {"D01"};
    c.appear_from = std::chrono::year{2024} / 10 / 1;
    c.appear_until = std::chrono::year{2024} / 10 / 30;
    c.created_by = "supervisor:sam";
    MUSTER_ASSIGN_OR_RETURN(campaign, tx.campaigns().Insert(c));
    Summons a = TestSummons(1, 1, "D01", SummonsState::kDelivered, 20000);
    Summons b = TestSummons(2, 2, "D01", SummonsState::kNoShow, 20000);
    a.campaign_id = b.campaign_id = campaign;
    b.closed_at = Day(20010);
    Summons c3 = TestSummons(3, 3, "D02", SummonsState::kAppeared, 20001);
    c3.viewed_at = Day(20002);
    c3.appeared_at = Day(20003);
    for (const Summons* s : {&a, &b, &c3}) MUSTER_RETURN_IF_ERROR(tx.summonses().Insert(*s));
    Restriction r{0, 0, b.national_id, 2, b.number, "exit_ban", Day(20010), Day(20010, 12)};
    MUSTER_RETURN_IF_ERROR(tx.restrictions().Insert(r).status());
    Restriction lifted{0, 0, c3.national_id, 3, c3.number, "exit_ban", Day(20001), Day(20001)};
    lifted.lifted_at = Day(20003);
    return tx.restrictions().Insert(lifted).status();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();

  using S = SummonsState;
  using M = SummonsMoment;
  auto key = [](const SummonsTally& t) { return std::tuple(t.office, t.state, t.count, t.delivered, t.viewed); };
  auto day_key = [](const DayTally& t) { return std::tuple(t.office, t.moment, t.state, t.day, t.count); };
  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(auto of_campaign, tx.reports().TallySummons({campaign.value, std::nullopt, std::nullopt}));
    std::set<std::tuple<std::string, S, int64_t, int64_t, int64_t>> got;
    for (const auto& t : of_campaign) got.insert(key(t));
    EXPECT_EQ(got, (decltype(got){{"D01", S::kDelivered, 1, 1, 0}, {"D01", S::kNoShow, 1, 1, 0}}));
    MUSTER_ASSIGN_OR_RETURN(auto all, tx.reports().TallySummons({}));
    EXPECT_EQ(all.size(), 3u);

    MUSTER_ASSIGN_OR_RETURN(auto days, tx.reports().TallySummonsByDay({}));
    std::set<std::tuple<std::string, M, S, int64_t, int64_t>> by_day;
    for (const auto& t : days) by_day.insert(day_key(t));
    EXPECT_EQ(by_day, (decltype(by_day){{"D01", M::kIssued, S::kDelivered, 20000, 1},
                                        {"D01", M::kIssued, S::kNoShow, 20000, 1},
                                        {"D01", M::kDelivered, S::kDelivered, 20000, 1},
                                        {"D01", M::kDelivered, S::kNoShow, 20000, 1},
                                        {"D01", M::kClosed, S::kNoShow, 20010, 1},
                                        {"D02", M::kIssued, S::kAppeared, 20001, 1},
                                        {"D02", M::kDelivered, S::kAppeared, 20001, 1},
                                        {"D02", M::kViewed, S::kAppeared, 20002, 1},
                                        {"D02", M::kAppeared, S::kAppeared, 20003, 1}}));
    MUSTER_ASSIGN_OR_RETURN(auto late, tx.reports().TallySummonsByDay({campaign.value, Day(20005, 0), Day(20011, 0)}));
    EXPECT_EQ(late.size(), 1u);
    if (late.size() == 1) {
      EXPECT_EQ(day_key(late[0]), std::tuple(std::string("D01"), M::kClosed, S::kNoShow, int64_t{20010}, int64_t{1}));
    }

    MUSTER_ASSIGN_OR_RETURN(auto before, tx.reports().CountRestrictionsInForce({}, Day(20010, 11)));
    EXPECT_TRUE(before.empty());
    MUSTER_ASSIGN_OR_RETURN(auto in_force, tx.reports().CountRestrictionsInForce({}, Day(20011)));
    EXPECT_EQ(in_force, (std::vector<std::pair<std::string, int64_t>>{{"D01", 1}}));
    MUSTER_ASSIGN_OR_RETURN(
        auto other, tx.reports().CountRestrictionsInForce({campaign.value + 1, std::nullopt, std::nullopt}, Day(20011)));
    EXPECT_TRUE(other.empty());
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreTest, CorrectionsRoundTripAndFilter) {
  auto store = Open();
  ASSERT_TRUE(store);
  CorrectionRequest c;
  c.national_id = TestPerson(1).national_id;
  c.field = "surname";
  c.proposed_value = "Smirnov";
  c.explanation = "Married";
  c.requested_by = "citizen:1";
  c.requested_at = Day(20000);
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice("D01")));
    MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(TestPerson(1)).status());
    MUSTER_ASSIGN_OR_RETURN(c.id, tx.corrections().Insert(c));
    CorrectionRequest other = c;
    other.field = "phone";
    return tx.corrections().Insert(other).status();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store->Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(CorrectionRequest got, tx.corrections().Get(c.id));
    EXPECT_EQ(got.field, "surname");
    EXPECT_EQ(got.proposed_value, "Smirnov");
    EXPECT_EQ(got.district, "D01");
    EXPECT_EQ(got.state, CorrectionState::kPending);
    EXPECT_FALSE(got.decided_at);
    got.state = CorrectionState::kApproved;
    got.decided_by = "officer:olga";
    got.decided_at = Day(20001);
    got.previous_value = "Petrov";
    return tx.corrections().Update(got);
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(CorrectionRequest got, tx.corrections().Get(c.id));
    EXPECT_EQ(got.state, CorrectionState::kApproved);
    EXPECT_EQ(got.previous_value, "Petrov");
    EXPECT_EQ(got.decided_at, Day(20001));
    EXPECT_TRUE(tx.corrections().Get(c.id + 100).status().IsNotFound());
    MUSTER_ASSIGN_OR_RETURN(auto pending, tx.corrections().List({CorrectionState::kPending, std::nullopt, {}, 10}));
    EXPECT_EQ(pending.size(), 1u);
    MUSTER_ASSIGN_OR_RETURN(auto mine, tx.corrections().List({std::nullopt, c.national_id, {"D01"}, 10}));
    EXPECT_EQ(mine.size(), 2u);
    MUSTER_ASSIGN_OR_RETURN(auto elsewhere, tx.corrections().List({std::nullopt, std::nullopt, {"D02"}, 10}));
    EXPECT_TRUE(elsewhere.empty());
    MUSTER_ASSIGN_OR_RETURN(auto one, tx.corrections().List({std::nullopt, std::nullopt, {}, 1}));
    EXPECT_EQ(one.size(), 1u);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreTest, OfficesUpsertAndReadBack) {
  auto store = Open();
  ASSERT_TRUE(store);
  std::vector<UpsertOutcome> outcomes;
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice("D02")));
    Office same = TestOffice("D02");
    Office renamed = same;
    renamed.name = "North";
    renamed.daily_capacity = 50;
    for (const Office* o : {&same, &renamed}) {
      MUSTER_ASSIGN_OR_RETURN(UpsertOutcome outcome, tx.offices().Upsert(*o));
      outcomes.push_back(outcome);
    }
    MUSTER_ASSIGN_OR_RETURN(UpsertOutcome added, tx.offices().Upsert(TestOffice("D01")));
    outcomes.push_back(added);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(outcomes,
            (std::vector<UpsertOutcome>{UpsertOutcome::kUnchanged, UpsertOutcome::kUpdated, UpsertOutcome::kInserted}));
  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(Office d02, tx.offices().Get("D02"));
    EXPECT_EQ(d02.name, "North");
    EXPECT_EQ(d02.region, "Moscow");
    EXPECT_EQ(d02.timezone, "Europe/Moscow");
    EXPECT_EQ(d02.daily_capacity, 50);
    EXPECT_TRUE(tx.offices().Get("D99").status().IsNotFound());
    MUSTER_ASSIGN_OR_RETURN(auto all, tx.offices().List());
    EXPECT_EQ(all.size(), 2u);
    if (all.size() == 2) {
      EXPECT_EQ(all[0], TestOffice("D01"));
      EXPECT_EQ(all[1], d02);
    }
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreTest, PersonsListSearchAndScan) {
  auto store = Open();
  ASSERT_TRUE(store);
  auto person = [](int n, std::string district, std::string surname, std::string given) {
    Person p = TestPerson(n, std::move(district));
    p.surname = std::move(surname);
    p.given_name = std::move(given);
    p.birth_date = std::chrono::year{2000 + n} / 3 / 4;
    return p;
  };
  std::vector<Person> persons = {person(1, "D01", "Petrov", "Ivan"), person(2, "D02", "Petrov", "Ivan"),
                                 person(3, "D01", "Sidorov", "Pyotr"), person(4, "D01", "petrova", "Anna"),
                                 person(5, "D02", "Ivanov", "Petr")};
  persons[2].status = PersonStatus::kExempt;
  persons[2].fitness = "B";
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice("D01")));
    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice("D02")));
    // Registered out of national-ID order: lists follow the IDs, scans the registry.
    for (int i : {3, 4, 0, 2, 1}) MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(persons[i]).status());
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto ids = [](const std::vector<Person>& list) {
    std::vector<std::string> out;
    out.reserve(list.size());
    for (const Person& p : list) out.push_back(p.national_id.substr(10));
    return out;
  };
  using Ids = std::vector<std::string>;
  st = store->Read([&](Tx& tx) -> Status {
    EXPECT_TRUE(tx.persons().Get("00000000009").status().IsNotFound());
    MUSTER_ASSIGN_OR_RETURN(Person third, tx.persons().Get(persons[2].national_id));
    EXPECT_TRUE(third.SameData(persons[2]));

    MUSTER_ASSIGN_OR_RETURN(auto all, tx.persons().List({}));
    EXPECT_EQ(ids(all), (Ids{"1", "2", "3", "4", "5"}));
    MUSTER_ASSIGN_OR_RETURN(auto d01, tx.persons().List({"D01", "", 100}));
    EXPECT_EQ(ids(d01), (Ids{"1", "3", "4"}));
    MUSTER_ASSIGN_OR_RETURN(auto page, tx.persons().List({"D01", persons[0].national_id, 1}));
    EXPECT_EQ(ids(page), (Ids{"3"}));

    // Case folds (ASCII at least); by surname as bytes, given name, national ID.
    MUSTER_ASSIGN_OR_RETURN(auto petrov, tx.persons().Search({"PETROV", {"D01", "D02"}, 50}));
    EXPECT_EQ(ids(petrov), (Ids{"1", "2", "4"}));
    MUSTER_ASSIGN_OR_RETURN(auto two, tx.persons().Search({"petrov", {"D01", "D02"}, 2}));
    EXPECT_EQ(ids(two), (Ids{"1", "2"}));
    MUSTER_ASSIGN_OR_RETURN(auto words, tx.persons().Search({"ivan, petr", {"D01", "D02"}, 50}));
    EXPECT_EQ(ids(words), (Ids{"5", "1", "2"}));
    MUSTER_ASSIGN_OR_RETURN(auto in_d01, tx.persons().Search({"ivan", {"D01"}, 50}));
    EXPECT_EQ(ids(in_d01), (Ids{"1"}));
    MUSTER_ASSIGN_OR_RETURN(auto literal, tx.persons().Search({"Pet_ov", {"D01", "D02"}, 50}));
    EXPECT_TRUE(literal.empty());

    std::vector<Candidate> candidates;
    MUSTER_RETURN_IF_ERROR(tx.persons().ScanCandidates({"D01"}, [&](const Candidate& c) { candidates.push_back(c); }));
    EXPECT_EQ(candidates.size(), 3u);
    std::vector<std::string> scanned;
    for (const Candidate& c : candidates) {
      scanned.push_back(c.national_id.substr(10));
      EXPECT_EQ(c.district, "D01");
      EXPECT_GT(c.person_id, 0);
    }
    // In registry order: persons 4, 5, 1, 3 and 2 were registered in that order.
    EXPECT_EQ(scanned, (Ids{"4", "1", "3"}));
    for (size_t i = 1; i < candidates.size(); ++i) EXPECT_LT(candidates[i - 1].person_id, candidates[i].person_id);
    if (candidates.size() == 3) {
      EXPECT_EQ(candidates[2].birth_date, persons[2].birth_date);
      EXPECT_EQ(candidates[2].category, "conscript");
      EXPECT_EQ(candidates[2].fitness, "B");
      EXPECT_EQ(candidates[2].status, PersonStatus::kExempt);
    }
    int none = 0;
    MUSTER_RETURN_IF_ERROR(tx.persons().ScanCandidates({"D09"}, [&](const Candidate&) { ++none; }));
    EXPECT_EQ(none, 0);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreTest, DefermentsEndOnceAndListOpen) {
  auto store = Open();
  ASSERT_TRUE(store);
  auto deferment = [](int person, std::string kind) {
    Deferment d;
    d.national_id = TestPerson(person).national_id;
    d.kind = std::move(kind);
    d.until = std::chrono::year{2026} / 6 / 30;
    d.basis = "Certificate 17";
    d.created_by = "officer:olga";
    d.created_at = Day(20000);
    return d;
  };
  std::vector<DefermentId> ids;
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice()));
    MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(TestPerson(1)).status());
    MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(TestPerson(2)).status());
    for (const Deferment& d : {deferment(1, "study"), deferment(2, "health"), deferment(1, "family")}) {
      MUSTER_ASSIGN_OR_RETURN(DefermentId id, tx.deferments().Insert(d));
      ids.push_back(id);
    }
    EXPECT_TRUE(tx.deferments().Insert(deferment(9, "study")).status().IsNotFound());
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(ids.size(), 3u);
  st = store->Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(tx.deferments().End(ids[0], Day(20001)));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  // Ending it again fails (in a write of its own: on PostgreSQL nothing failed there).
  st = store->Write([&](Tx& tx) { return tx.deferments().End(ids[0], Day(20002)); });
  EXPECT_TRUE(st.IsFailedPrecondition()) << st.ToString();
  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(Deferment first, tx.deferments().Get(ids[0]));
    EXPECT_EQ(first.national_id, TestPerson(1).national_id);
    EXPECT_EQ(first.kind, "study");
    EXPECT_EQ(first.until, std::chrono::year{2026} / 6 / 30);
    EXPECT_EQ(first.basis, "Certificate 17");
    EXPECT_EQ(first.created_by, "officer:olga");
    EXPECT_EQ(first.created_at, Day(20000));
    EXPECT_EQ(first.ended_at, Day(20001));
    EXPECT_TRUE(tx.deferments().Get(DefermentId{ids[2].value + 100}).status().IsNotFound());
    MUSTER_ASSIGN_OR_RETURN(auto of_first, tx.deferments().List(TestPerson(1).national_id));
    if (of_first.size() != 2) return Status::Internal(fmt::format("of_first: {} rows", of_first.size()));
    EXPECT_EQ(of_first[0].id, ids[0]);
    EXPECT_EQ(of_first[1].id, ids[2]);
    EXPECT_EQ(of_first[1].kind, "family");
    EXPECT_FALSE(of_first[1].ended_at);
    MUSTER_ASSIGN_OR_RETURN(auto unknown, tx.deferments().List("00000000009"));
    EXPECT_TRUE(unknown.empty());
    MUSTER_ASSIGN_OR_RETURN(auto open, tx.deferments().ListOpen());
    if (open.size() != 2) return Status::Internal(fmt::format("open: {} rows", open.size()));
    EXPECT_EQ(open[0].id, ids[1]);
    EXPECT_EQ(open[0].national_id, TestPerson(2).national_id);
    EXPECT_EQ(open[1].id, ids[2]);
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreTest, CampaignsRoundTripAndCountTheirSummonses) {
  auto store = Open();
  ASSERT_TRUE(store);
  Campaign c;
  c.kind = "conscription";
  c.name = "Autumn";
  c.basis = "Order 1";
  c.districts = {"D01", "D02"};
  c.age_min = 18;
  c.age_max = 30;
  c.categories = {"conscript"};
  c.fitness = {"A", "B"};
  c.quota = 100;
  c.appear_from = std::chrono::year{2024} / 10 / 1;
  c.appear_until = std::chrono::year{2024} / 10 / 30;
  c.place = "Hall 2";
  c.purpose = "Board";
  c.created_by = "supervisor:sam";
  c.created_at = Day(19990);
  Campaign spring = c;
  spring.name = "Spring";
  spring.districts = {"D01"};
  CampaignId other;
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(c.id, tx.campaigns().Insert(c));
    MUSTER_ASSIGN_OR_RETURN(other, tx.campaigns().Insert(spring));
    // Summonses 1..4 (appearing on day 20005), the first three of the campaign.
    MUSTER_RETURN_IF_ERROR(tx.offices().Insert(TestOffice("D01")));
    for (int i = 1; i <= 4; ++i) {
      MUSTER_RETURN_IF_ERROR(tx.persons().Upsert(TestPerson(i)).status());
      Summons s = TestSummons(i, i, "D01", i == 2 ? SummonsState::kCancelled : SummonsState::kDelivered, 20000);
      if (i < 4) s.campaign_id = c.id;
      if (i == 3) s.appear_at = Day(20007);
      MUSTER_RETURN_IF_ERROR(tx.summonses().Insert(s));
    }
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(Campaign got, tx.campaigns().Get(c.id));
    EXPECT_EQ(got.kind, c.kind);
    EXPECT_EQ(got.name, c.name);
    EXPECT_EQ(got.basis, c.basis);
    EXPECT_EQ(got.districts, c.districts);
    EXPECT_EQ(got.age_min, 18);
    EXPECT_EQ(got.age_max, 30);
    EXPECT_EQ(got.categories, c.categories);
    EXPECT_EQ(got.fitness, c.fitness);
    EXPECT_EQ(got.quota, 100);
    EXPECT_EQ(got.appear_from, c.appear_from);
    EXPECT_EQ(got.appear_until, c.appear_until);
    EXPECT_EQ(got.place, "Hall 2");
    EXPECT_EQ(got.purpose, "Board");
    EXPECT_EQ(got.created_by, "supervisor:sam");
    EXPECT_EQ(got.created_at, Day(19990));
    EXPECT_TRUE(tx.campaigns().Get(CampaignId(other.value + 100)).status().IsNotFound());
    MUSTER_ASSIGN_OR_RETURN(auto all, tx.campaigns().List());
    if (all.size() != 2) return Status::Internal(fmt::format("all: {} rows", all.size()));
    EXPECT_EQ(all[0].id, c.id);
    EXPECT_EQ(all[1].id, other);
    EXPECT_EQ(all[1].districts, std::vector<std::string>{"D01"});

    MUSTER_ASSIGN_OR_RETURN(auto person_ids, tx.campaigns().PersonIds(c.id));
    EXPECT_EQ(std::set<int64_t>(person_ids.begin(), person_ids.end()).size(), 3u);
    EXPECT_EQ(person_ids.size(), 3u);
    MUSTER_ASSIGN_OR_RETURN(auto none, tx.campaigns().PersonIds(other));
    EXPECT_TRUE(none.empty());

    using Counts = std::vector<std::pair<std::string, int64_t>>;
    MUSTER_ASSIGN_OR_RETURN(auto of_campaign, tx.reports().CountSummonsByState(c.id.value));
    EXPECT_EQ(of_campaign, (Counts{{"cancelled", 1}, {"delivered", 2}}));
    MUSTER_ASSIGN_OR_RETURN(auto every, tx.reports().CountSummonsByState(std::nullopt));
    EXPECT_EQ(every, (Counts{{"cancelled", 1}, {"delivered", 3}}));
    MUSTER_ASSIGN_OR_RETURN(auto of_other, tx.reports().CountSummonsByState(other.value));
    EXPECT_TRUE(of_other.empty());

    // Not cancelled, appearing in [from, to).
    std::multiset<std::pair<std::string, Timestamp>> appointments;
    MUSTER_RETURN_IF_ERROR(tx.reports().ForEachAppointment(
        Day(20005), Day(20007), [&](std::string_view office, Timestamp at) { appointments.emplace(office, at); }));
    EXPECT_EQ(appointments,
              (std::multiset<std::pair<std::string, Timestamp>>{{"D01", Day(20005)}, {"D01", Day(20005)}}));
    appointments.clear();
    MUSTER_RETURN_IF_ERROR(tx.reports().ForEachAppointment(
        Day(20006), Day(20008), [&](std::string_view office, Timestamp at) { appointments.emplace(office, at); }));
    EXPECT_EQ(appointments, (std::multiset<std::pair<std::string, Timestamp>>{{"D01", Day(20007)}}));
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreTest, AccountsChangeRoleAndEndAllTheirSessions) {
  auto store = Open();
  ASSERT_TRUE(store);
  Account staff;
  staff.login = "olga";
  staff.role = Role::kOfficer;
  staff.display_name = "Olga";
  staff.offices = {"D01"};
  staff.password_hash = "hash";
  staff.created_by = "cli:root";
  staff.created_at = Day(20000);
  Account citizen = staff;
  citizen.login = TestPerson(1).national_id;
  citizen.role = Role::kCitizen;
  citizen.national_id = citizen.login;
  citizen.offices.clear();
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(staff.id, tx.auth().InsertAccount(staff));
    MUSTER_ASSIGN_OR_RETURN(citizen.id, tx.auth().InsertAccount(citizen));
    for (int i = 0; i < 3; ++i) {
      MUSTER_RETURN_IF_ERROR(
          tx.auth().InsertSession(Session{fmt::format("s{}", i), staff.id, Day(20000), Day(20010), {}}));
    }
    MUSTER_RETURN_IF_ERROR(tx.auth().InsertSession(Session{"c0", citizen.id, Day(20000), Day(20010), {}}));
    return tx.auth().RevokeSession("s0", Day(20001));
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store->Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(int64_t revoked, tx.auth().RevokeAccountSessions(staff.id, Day(20002)));
    EXPECT_EQ(revoked, 2);  // s0 was revoked already
    MUSTER_ASSIGN_OR_RETURN(Session s0, tx.auth().GetSession("s0"));
    EXPECT_EQ(s0.revoked_at, Day(20001));
    MUSTER_ASSIGN_OR_RETURN(Session s2, tx.auth().GetSession("s2"));
    EXPECT_EQ(s2.revoked_at, Day(20002));
    MUSTER_ASSIGN_OR_RETURN(Session c0, tx.auth().GetSession("c0"));
    EXPECT_FALSE(c0.revoked_at);
    staff.role = Role::kAuditor;
    staff.offices.clear();
    staff.active = false;
    return tx.auth().UpdateAccount(staff);
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(Account got, tx.auth().GetAccountByLogin("olga"));
    EXPECT_EQ(got.role, Role::kAuditor);
    EXPECT_TRUE(got.offices.empty());
    EXPECT_FALSE(got.active);
    MUSTER_ASSIGN_OR_RETURN(auto listed, tx.auth().ListStaffAccounts());
    EXPECT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed.empty() ? "" : listed[0].login, "olga");
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreTest, ActivationCodesAndApiKeysRoundTrip) {
  auto store = Open();
  ASSERT_TRUE(store);
  ActivationCode code{"11223344595", "hash-1", "officer:olga", Day(20000), Day(20014), {}};
  ApiKey key{0, "gate1", Role::kBorder, "key-hash", "cli:root", Day(20000), {}};
  Status st = store->Write([&](Tx& tx) -> Status {
    EXPECT_TRUE(tx.auth().GetActivationCode(code.national_id).status().IsNotFound());
    MUSTER_RETURN_IF_ERROR(tx.auth().UpsertActivationCode(code));
    code.code_hash = "hash-2";  // a new code replaces the old one
    MUSTER_RETURN_IF_ERROR(tx.auth().UpsertActivationCode(code));
    MUSTER_ASSIGN_OR_RETURN(key.id, tx.auth().InsertApiKey(key));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ApiKey same_name = key;
  same_name.key_hash = "other-hash";
  Status taken = store->Write([&](Tx& tx) { return tx.auth().InsertApiKey(same_name).status(); });
  EXPECT_TRUE(taken.IsAlreadyExists()) << taken.ToString();
  EXPECT_EQ(taken.message(), "name: API key 'gate1' exists");
  ApiKey agency{0, "traffic-police", Role::kAgency, "agency-hash", "cli:root", Day(20000), {}, {"driving", "property"}};
  st = store->Write([&](Tx& tx) { return tx.auth().InsertApiKey(agency).status(); });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(ApiKey k, tx.auth().GetApiKeyByHash("agency-hash"));
    EXPECT_EQ(k.role, Role::kAgency);
    EXPECT_EQ(k.kinds, (std::vector<std::string>{"driving", "property"}));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store->Write([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(ActivationCode got, tx.auth().GetActivationCode(code.national_id));
    EXPECT_EQ(got.code_hash, "hash-2");
    EXPECT_EQ(got.expires_at, Day(20014));
    EXPECT_FALSE(got.used_at);
    got.used_at = Day(20001);
    return tx.auth().UpdateActivationCode(got);
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(ActivationCode got, tx.auth().GetActivationCode(code.national_id));
    EXPECT_EQ(got.used_at, Day(20001));
    MUSTER_ASSIGN_OR_RETURN(ApiKey k, tx.auth().GetApiKeyByHash("key-hash"));
    EXPECT_EQ(k.id, key.id);
    EXPECT_EQ(k.name, "gate1");
    EXPECT_EQ(k.role, Role::kBorder);
    EXPECT_FALSE(k.revoked_at);
    EXPECT_TRUE(k.kinds.empty());
    EXPECT_TRUE(tx.auth().GetApiKeyByHash("nope").status().IsNotFound());
    EXPECT_TRUE(tx.auth().GetAccount(999).status().IsNotFound());
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  Account missing;
  missing.login = "olga";
  missing.id = 999;
  st = store->Write([&](Tx& tx) { return tx.auth().UpdateAccount(missing); });
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
}

// The outbox: a message is claimed by one dispatcher at a time, for its lease; an expired lease
// is taken up again; finishing records the attempt and releases the lease; lists filter by
// summons, status and person.
TEST_P(StoreTest, NotificationsAreClaimedUnderALeaseAndFinishedOnce) {
  auto store = Open();
  ASSERT_TRUE(store);
  const Timestamp t0 = Day(20000, 12);
  auto message = [&](int64_t seq, std::string number, int64_t person, NotificationChannel channel, Timestamp due) {
    Notification n;
    n.event_seq = seq;
    n.summons_number = std::move(number);
    n.person_id = person;
    n.channel = channel;
    n.templ = "summons_delivered";
    n.template_version = 2;
    n.lang = "ru";
    n.address = channel == NotificationChannel::kEmail ? fmt::format("p{}@example.org", person) : "+79990000000";
    n.params = R"({"office_name":"Центральный"})";
    n.next_attempt_at = due;
    n.message_id = fmt::format("<{}.{}@muster.test>", seq, NotificationChannelName(channel));
    n.created_at = Day(20000);
    return n;
  };
  int64_t person1 = 0, person2 = 0;
  std::vector<int64_t> ids;
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(InsertSummonses(tx, 2, [](int) { return SummonsState::kDelivered; }));
    MUSTER_ASSIGN_OR_RETURN(Person p1, tx.persons().Get(fmt::format("{:011}", 1)));
    MUSTER_ASSIGN_OR_RETURN(Person p2, tx.persons().Get(fmt::format("{:011}", 2)));
    person1 = p1.id.value;
    person2 = p2.id.value;
    for (const Notification& n : {message(10, "26-00000001-0", person1, NotificationChannel::kEmail, Day(20000)),
                                  message(10, "26-00000001-0", person1, NotificationChannel::kWebhook, Day(20000)),
                                  message(11, "26-00000002-0", person2, NotificationChannel::kEmail, Day(20001)),
                                  message(12, "", person2, NotificationChannel::kEmail, Day(20000, 10))}) {
      MUSTER_ASSIGN_OR_RETURN(int64_t id, tx.notifications().Queue(n));
      ids.push_back(id);
    }
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(ids.size(), 4u);
  // One message per event and channel: a second is refused, in a write of its own.
  st = store->Write([&](Tx& tx) {
    return tx.notifications().Queue(message(10, "x", person1, NotificationChannel::kEmail, Day(20000))).status();
  });
  EXPECT_TRUE(st.IsAlreadyExists()) << st.ToString();

  auto claim = [&](std::string owner, Timestamp now, std::vector<NotificationChannel> channels, size_t limit = 10) {
    std::vector<int64_t> out;
    Status s = store->Write([&](Tx& tx) -> Status {
      MUSTER_ASSIGN_OR_RETURN(
          auto got,
          tx.notifications().Claim(
              {.owner = owner, .now = now, .lease = std::chrono::seconds(60), .limit = limit, .channels = channels}));
      for (const Notification& n : got) {
        EXPECT_EQ(n.status, NotificationStatus::kSending);
        EXPECT_EQ(n.lease_owner, owner);
        EXPECT_EQ(n.lease_until, now + std::chrono::seconds(60));
        out.push_back(n.id);
      }
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  };
  auto finish = [&](int64_t id, std::string owner, NotificationOutcome outcome) {
    return store->Write([&](Tx& tx) { return tx.notifications().Finish(id, owner, outcome); });
  };
  const std::vector<NotificationChannel> email = {NotificationChannel::kEmail};
  const std::vector<NotificationChannel> both = {NotificationChannel::kEmail, NotificationChannel::kWebhook};

  // Only what is due, of the channels asked for; held messages are nobody else's.
  EXPECT_EQ(claim("a", t0, email, 1), (std::vector<int64_t>{ids[0]}));
  EXPECT_EQ(claim("a", t0, email), (std::vector<int64_t>{ids[3]}));
  EXPECT_TRUE(claim("b", t0, email).empty());
  EXPECT_TRUE(claim("b", t0, {}).empty());
  st = finish(ids[0], "b", {.status = NotificationStatus::kDelivered, .answer = "250 OK", .at = t0});
  EXPECT_TRUE(st.IsFailedPrecondition()) << st.ToString();
  ASSERT_TRUE(finish(ids[0], "a", {.status = NotificationStatus::kDelivered, .answer = "250 2.0.0 Ok", .at = t0}).ok());
  st = finish(ids[0], "a", {.status = NotificationStatus::kDelivered, .answer = "250 OK", .at = t0});
  EXPECT_TRUE(st.IsFailedPrecondition()) << "finished once: " << st.ToString();
  ASSERT_TRUE(finish(ids[3], "a",
                     {.status = NotificationStatus::kTemporaryFailure,
                      .reason = "the mail server did not answer",
                      .answer = "connection refused",
                      .at = t0,
                      .next_attempt_at = t0 + std::chrono::minutes(2)})
                  .ok());

  // The webhook's message is claimed and never finished: its lease runs out and another
  // dispatcher takes it up, with the e-mail that is due again by then.
  EXPECT_EQ(claim("b", t0 + std::chrono::seconds(61), both), (std::vector<int64_t>{ids[1]}));
  EXPECT_TRUE(claim("c", t0 + std::chrono::seconds(90), both).empty());
  EXPECT_EQ(claim("c", t0 + std::chrono::minutes(3), both), (std::vector<int64_t>{ids[1], ids[3]}));
  ASSERT_TRUE(finish(ids[3], "c",
                     {.status = NotificationStatus::kPermanentFailure,
                      .reason = "the address does not exist",
                      .answer = "550 5.1.1 no such user",
                      .at = t0 + std::chrono::minutes(3)})
                  .ok());
  st = finish(ids[1], "b", {.status = NotificationStatus::kDelivered, .answer = "HTTP 200", .at = t0});
  EXPECT_TRUE(st.IsFailedPrecondition()) << "its lease went to c: " << st.ToString();

  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(Notification first, tx.notifications().Get(ids[0]));
    EXPECT_EQ(first.event_seq, 10);
    EXPECT_EQ(first.summons_number, "26-00000001-0");
    EXPECT_EQ(first.person_id, person1);
    EXPECT_EQ(first.channel, NotificationChannel::kEmail);
    EXPECT_EQ(first.templ, "summons_delivered");
    EXPECT_EQ(first.template_version, 2);
    EXPECT_EQ(first.lang, "ru");
    EXPECT_EQ(first.address, fmt::format("p{}@example.org", person1));
    EXPECT_EQ(first.params, R"({"office_name":"Центральный"})");
    EXPECT_EQ(first.status, NotificationStatus::kDelivered);
    EXPECT_EQ(first.attempts, 1);
    EXPECT_FALSE(first.lease_until);
    EXPECT_EQ(first.lease_owner, "");
    EXPECT_EQ(first.message_id, "<10.email@muster.test>");
    EXPECT_EQ(first.created_at, Day(20000));
    EXPECT_EQ(first.updated_at, t0);
    MUSTER_ASSIGN_OR_RETURN(Notification failed, tx.notifications().Get(ids[3]));
    EXPECT_EQ(failed.status, NotificationStatus::kPermanentFailure);
    EXPECT_EQ(failed.reason, "the address does not exist");
    EXPECT_EQ(failed.attempts, 2);
    MUSTER_ASSIGN_OR_RETURN(auto attempts, tx.notifications().Attempts(ids[3]));
    EXPECT_EQ(attempts.size(), 2u);
    if (attempts.size() == 2) {
      EXPECT_EQ(attempts[0].notification_id, ids[3]);
      EXPECT_EQ(attempts[0].at, t0);
      EXPECT_EQ(attempts[0].outcome, NotificationStatus::kTemporaryFailure);
      EXPECT_EQ(attempts[0].answer, "connection refused");
      EXPECT_EQ(attempts[1].outcome, NotificationStatus::kPermanentFailure);
      EXPECT_EQ(attempts[1].answer, "550 5.1.1 no such user");
    }
    EXPECT_TRUE(tx.notifications().Get(ids[3] + 100).status().IsNotFound());

    auto list = [&](const NotificationFilter& f) {
      std::vector<int64_t> out;
      auto got = tx.notifications().List(f);
      EXPECT_TRUE(got.ok()) << got.status().ToString();
      if (got.ok()) {
        for (const Notification& n : *got) out.push_back(n.id);
      }
      return out;
    };
    EXPECT_EQ(list({}), ids);
    EXPECT_EQ(list({.summons_number = "26-00000001-0"}), (std::vector<int64_t>{ids[0], ids[1]}));
    EXPECT_EQ(list({.status = NotificationStatus::kSending}), (std::vector<int64_t>{ids[1]}));
    EXPECT_EQ(list({.summons_number = "26-00000001-0", .status = NotificationStatus::kDelivered}),
              (std::vector<int64_t>{ids[0]}));
    EXPECT_EQ(list({.person_id = person2}), (std::vector<int64_t>{ids[2], ids[3]}));
    EXPECT_EQ(list({.after_id = ids[0], .limit = 1}), (std::vector<int64_t>{ids[1]}));
    MUSTER_ASSIGN_OR_RETURN(auto counts, tx.notifications().CountByStatus());
    std::map<std::string_view, int64_t> by_name;
    for (const auto& [status, n] : counts) by_name[NotificationStatusName(status)] = n;
    EXPECT_EQ(by_name, (std::map<std::string_view, int64_t>{
                           {"delivered", 1}, {"permanent-failure", 1}, {"queued", 1}, {"sending", 1}}));
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
}

TEST_P(StoreTest, NotificationsTakeTheReceiversReportOnceFinal) {
  auto store = Open();
  ASSERT_TRUE(store);
  const Timestamp t0 = Day(20000, 12);
  std::vector<int64_t> ids;
  Status st = store->Write([&](Tx& tx) -> Status {
    MUSTER_RETURN_IF_ERROR(InsertSummonses(tx, 1, [](int) { return SummonsState::kDelivered; }));
    MUSTER_ASSIGN_OR_RETURN(Person p, tx.persons().Get(fmt::format("{:011}", 1)));
    for (int64_t seq : {20, 21, 22}) {
      Notification n;
      n.event_seq = seq;
      n.summons_number = "26-00000001-0";
      n.person_id = p.id.value;
      n.channel = NotificationChannel::kWebhook;
      n.templ = "summons_delivered";
      n.template_version = 1;
      n.lang = "en";
      n.address = "+79990000000";
      n.next_attempt_at = Day(20000);
      n.message_id = fmt::format("<{}.webhook@muster.test>", seq);
      n.created_at = Day(20000);
      MUSTER_ASSIGN_OR_RETURN(int64_t id, tx.notifications().Queue(n));
      ids.push_back(id);
    }
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(ids.size(), 3u);
  auto report = [&](int64_t id, NotificationOutcome outcome) {
    return store->Write([&](Tx& tx) { return tx.notifications().Report(id, outcome); });
  };
  // A message held by a dispatcher is told delivered: the lease goes, the dispatcher's Finish fails.
  st = store->Write([&](Tx& tx) -> Status {
    return tx.notifications()
        .Claim({.owner = "a", .now = t0, .limit = 1, .channels = {NotificationChannel::kWebhook}})
        .status();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_TRUE(
      report(ids[0], {.status = NotificationStatus::kDelivered, .answer = "callback: delivered", .at = t0}).ok());
  st = store->Write([&](Tx& tx) {
    return tx.notifications().Finish(ids[0], "a",
                                     {.status = NotificationStatus::kDelivered, .answer = "HTTP 200", .at = t0});
  });
  EXPECT_TRUE(st.IsFailedPrecondition()) << st.ToString();
  // Told the same again: nothing changes; told otherwise: refused.
  EXPECT_TRUE(report(ids[0], {.status = NotificationStatus::kDelivered, .answer = "again", .at = t0}).ok());
  st = report(ids[0], {.status = NotificationStatus::kPermanentFailure, .reason = "no such number", .at = t0});
  EXPECT_TRUE(st.IsFailedPrecondition()) << st.ToString();
  // A temporary failure, then a permanent one, which is final.
  ASSERT_TRUE(report(ids[1], {.status = NotificationStatus::kTemporaryFailure,
                              .reason = "the phone is off",
                              .answer = "callback: temporary-failure: the phone is off",
                              .at = t0,
                              .next_attempt_at = t0 + std::chrono::minutes(5)})
                  .ok());
  ASSERT_TRUE(report(ids[1], {.status = NotificationStatus::kPermanentFailure,
                              .reason = "no such number",
                              .answer = "callback: permanent-failure: no such number",
                              .at = t0 + std::chrono::minutes(1)})
                  .ok());
  st = report(ids[1], {.status = NotificationStatus::kDelivered, .at = t0 + std::chrono::minutes(2)});
  EXPECT_TRUE(st.IsFailedPrecondition()) << st.ToString();
  st = report(ids[2] + 100, {.status = NotificationStatus::kDelivered, .at = t0});
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();

  st = store->Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(Notification first, tx.notifications().Get(ids[0]));
    EXPECT_EQ(first.status, NotificationStatus::kDelivered);
    EXPECT_EQ(first.attempts, 0) << "a report is not a send";
    EXPECT_FALSE(first.lease_until);
    EXPECT_EQ(first.lease_owner, "");
    MUSTER_ASSIGN_OR_RETURN(auto attempts, tx.notifications().Attempts(ids[0]));
    EXPECT_EQ(attempts.size(), 1u);
    if (attempts.size() == 1) {
      EXPECT_EQ(attempts[0].answer, "callback: delivered");
    }
    MUSTER_ASSIGN_OR_RETURN(Notification second, tx.notifications().Get(ids[1]));
    EXPECT_EQ(second.status, NotificationStatus::kPermanentFailure);
    EXPECT_EQ(second.reason, "no such number");
    EXPECT_EQ(second.updated_at, t0 + std::chrono::minutes(1));
    MUSTER_ASSIGN_OR_RETURN(attempts, tx.notifications().Attempts(ids[1]));
    EXPECT_EQ(attempts.size(), 2u);
    if (attempts.size() == 2) {
      EXPECT_EQ(attempts[0].outcome, NotificationStatus::kTemporaryFailure);
      EXPECT_EQ(attempts[0].answer, "callback: temporary-failure: the phone is off");
      EXPECT_EQ(attempts[1].outcome, NotificationStatus::kPermanentFailure);
    }
    MUSTER_ASSIGN_OR_RETURN(Notification third, tx.notifications().Get(ids[2]));
    EXPECT_EQ(third.status, NotificationStatus::kQueued);
    return Status::Ok();
  });
  ASSERT_TRUE(st.ok()) << st.ToString();
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace muster

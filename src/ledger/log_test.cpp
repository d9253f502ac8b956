#include "ledger/log.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <bit>
#include <filesystem>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "events/runner.hpp"
#include "ledger/canonical_json.hpp"
#include "ledger/follower.hpp"
#include "store/open.hpp"

namespace muster::ledger {
namespace {

class FixedClock final : public Clock {
 public:
  Timestamp Now() const override { return now; }
  Timestamp now = Timestamp{std::chrono::milliseconds(1'800'000'000'000)};
};

class LedgerLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("muster-log-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "test.db").string();
    auto store = OpenStore(path_, StoreOptions{.create = true});
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
    Bytes seed(32, 7);
    ledger_.emplace(*SignerKey::FromSeed("test.example/log", seed), *PseudonymKey::FromBytes(Bytes(32, 9)), clock_);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // Emits `n` events and, if `append`, appends them in the same write; returns the leaves
  // appended.
  uint64_t EmitAndAppend(Store& store, int n, bool append = true) {
    uint64_t appended = 0;
    Status st = store.Write([&](Tx& tx) {
      for (int i = 0; i < n; ++i) {
        nlohmann::json payload = {{"national_id", "12345678964"}, {"i", i}};
        MUSTER_RETURN_IF_ERROR(
            tx.events().Append(Event{0, "test.event", clock_.now, "cli:test", "S-1", payload.dump()}).status());
      }
      if (append) {
        MUSTER_ASSIGN_OR_RETURN(appended, ledger_->AppendPending(tx));
      }
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok()) << st.message();
    return appended;
  }

  // Polls `done` for up to 30 s, for what another thread does (waited for, never timed).
  static bool WaitFor(const std::function<bool()>& done) {
    for (int i = 0; i < 30000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return done();
  }

  LedgerHead Head() {
    LedgerHead head;
    EXPECT_TRUE(store_
                    ->Read([&](Tx& tx) -> Status {
                      MUSTER_ASSIGN_OR_RETURN(head, tx.ledger().Head());
                      return Status::Ok();
                    })
                    .ok());
    return head;
  }

  Result<EventAudit> VerifyAllEvents() {
    Result<EventAudit> audit = Status::Internal("not run");
    EXPECT_TRUE(store_
                    ->Read([&](Tx& tx) {
                      audit = VerifyEvents(tx, ledger_->pseudonyms());
                      return Status::Ok();
                    })
                    .ok());
    return audit;
  }

  void Sql(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  Result<LedgerAudit> Verify() {
    Result<LedgerAudit> audit = Status::Internal("not run");
    Status st = store_->Read([&](Tx& tx) {
      audit = VerifyLedger(tx, ledger_->verifier());
      return Status::Ok();
    });
    EXPECT_TRUE(st.ok());
    return audit;
  }

  std::filesystem::path dir_;
  std::string path_;
  FixedClock clock_;
  std::unique_ptr<Store> store_;
  std::optional<Ledger> ledger_;
};

TEST_F(LedgerLogTest, ProofsFromSqliteEqualMemoryTreeInOneQueryOfLogReads) {
  // Appends in uneven batches so that every size 1..70 is a stored state at some point, and
  // compares every root, inclusion and consistency proof with an in-memory tree of the leaves.
  MemoryTree memory;
  int batch = 1;
  while (memory.size() < 70) {
    ASSERT_EQ(EmitAndAppend(*store_, batch), static_cast<uint64_t>(batch));
    batch = batch % 5 + 1;
    ASSERT_TRUE(store_
                    ->Read([&](Tx& tx) {
                      MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
                      MUSTER_ASSIGN_OR_RETURN(auto leaves, ledger_->ReadLeaves(tx, memory.size(), head.size));
                      for (const Leaf& leaf : leaves) EXPECT_EQ(memory.AppendData(AsBytes(leaf.data)), leaf.index);
                      return Status::Ok();
                    })
                    .ok());
  }
  Status st = store_->Read([&](Tx& tx) -> Status {
    TxHashReader reader(tx);
    for (uint64_t size = 1; size <= memory.size(); ++size) {
      EXPECT_EQ(*RootAt(reader, size), *RootAt(memory, size)) << size;
      for (uint64_t i = 0; i < size; ++i) {
        TxHashReader fresh(tx);
        MUSTER_ASSIGN_OR_RETURN(auto proof, InclusionProof(fresh, i, size));
        EXPECT_EQ(proof, *InclusionProof(memory, i, size)) << i << " of " << size;
        EXPECT_EQ(fresh.queries(), size > 1 ? 1u : 0u);
        EXPECT_EQ(fresh.tiles_read(), size > 1 ? 1u : 0u);  // all 70 leaves are in the first tile
      }
      for (uint64_t from = 1; from <= size; ++from) {
        MUSTER_ASSIGN_OR_RETURN(auto proof, ConsistencyProof(reader, from, size));
        EXPECT_EQ(proof, *ConsistencyProof(memory, from, size)) << from << " to " << size;
      }
    }
    // A subtree that is not complete is not found.
    EXPECT_TRUE(reader.ReadSubtree({3, 100}).status().IsNotFound());
    EXPECT_TRUE(reader.ReadSubtree({6, 1}).status().IsNotFound());
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.message();
  auto audit = Verify();
  ASSERT_TRUE(audit.ok()) << audit.status().message();
  EXPECT_EQ(audit->leaves, memory.size());
  EXPECT_EQ(audit->tiles, 1u);
  EXPECT_EQ(audit->root, memory.Root());
}

TEST_F(LedgerLogTest, TilesAcrossLevelsGiveTheRfcProofs) {
  // 66,000 leaves: 258 level-0 tiles (the last partial), two at level 1 and one at level 2, in
  // batches that end on and off tile boundaries.
  MemoryTree memory;
  for (int batch : {255, 1, 256, 9000, 30000, 26024, 1, 463}) {
    ASSERT_EQ(EmitAndAppend(*store_, batch), static_cast<uint64_t>(batch));
  }
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) {
                    MUSTER_ASSIGN_OR_RETURN(auto leaves, ledger_->ReadLeaves(tx, 0, 66'000));
                    EXPECT_EQ(leaves.size(), 66'000u);
                    for (const Leaf& leaf : leaves) EXPECT_EQ(memory.AppendData(AsBytes(leaf.data)), leaf.index);
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(memory.size(), 66'000u);
  Status st = store_->Read([&](Tx& tx) -> Status {
    for (uint64_t size : {1, 255, 256, 257, 511, 512, 65'535, 65'536, 65'537, 65'792, 66'000}) {
      TxHashReader reader(tx);
      EXPECT_EQ(*RootAt(reader, size), *RootAt(memory, size)) << size;
      for (uint64_t i : {uint64_t{0}, size / 3, size / 2, size - 1}) {
        TxHashReader fresh(tx);
        MUSTER_ASSIGN_OR_RETURN(auto proof, InclusionProof(fresh, i, size));
        EXPECT_EQ(proof, *InclusionProof(memory, i, size)) << i << " of " << size;
        EXPECT_EQ(fresh.queries(), size > 1 ? 1u : 0u);
        EXPECT_LE(fresh.tiles_read(), 6u);  // at most two tiles a level
        MUSTER_ASSIGN_OR_RETURN(auto consistency, ConsistencyProof(reader, i + 1, size));
        EXPECT_EQ(consistency, *ConsistencyProof(memory, i + 1, size)) << i + 1 << " to " << size;
      }
    }
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.message();
  auto audit = Verify();
  ASSERT_TRUE(audit.ok()) << audit.status().message();
  EXPECT_EQ(audit->leaves, 66'000u);
  EXPECT_EQ(audit->tiles, 258u + 2u + 1u);
  EXPECT_EQ(audit->root, memory.Root());

  // A level-1 hash changed: the leaves below it give it away.
  Sql("UPDATE ledger_tiles SET hashes = CAST(zeroblob(32) || substr(hashes, 33) AS BLOB) WHERE level = 1 AND idx = 1");
  EXPECT_EQ(Verify().status().message(), "ledger tile 1/1: hash 0 differs from the hash of leaves 65536 to 65791");
}

TEST_F(LedgerLogTest, EachBatchEndsWithASignedCheckpoint) {
  EmitAndAppend(*store_, 3);
  EmitAndAppend(*store_, 4);
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) {
                    MUSTER_ASSIGN_OR_RETURN(auto checkpoints, tx.ledger().ListCheckpoints());
                    EXPECT_EQ(checkpoints.size(), 2u);
                    EXPECT_EQ(checkpoints.back().size, 7u);
                    auto cp = VerifyCheckpoint(checkpoints.back().note, ledger_->verifier());
                    EXPECT_TRUE(cp.ok());
                    EXPECT_EQ(cp->origin, "test.example/log");
                    EXPECT_EQ(cp->root, checkpoints.back().root);
                    return Status::Ok();
                  })
                  .ok());
  // Nothing pending: no leaves, no checkpoint.
  EXPECT_EQ(EmitAndAppend(*store_, 0), 0u);
}

TEST_F(LedgerLogTest, TickCheckpointsAtMostEveryIntervalWhileTheTreeGrows) {
  auto tick = [&] {
    bool wrote = false;
    EXPECT_TRUE(store_
                    ->Write([&](Tx& tx) {
                      MUSTER_ASSIGN_OR_RETURN(wrote, ledger_->Tick(tx));
                      return Status::Ok();
                    })
                    .ok());
    return wrote;
  };
  EXPECT_FALSE(tick());  // empty log
  // Events appended by someone who did not append them to the ledger: the tick does.
  ASSERT_TRUE(store_
                  ->Write([&](Tx& tx) {
                    return tx.events().Append(Event{0, "test.event", clock_.now, "cli:test", "S-1", "{}"}).status();
                  })
                  .ok());
  EXPECT_TRUE(tick());
  EXPECT_FALSE(tick());  // the latest checkpoint covers the tree
  // A checkpoint that lags (written before the last leaf) is refreshed after the interval.
  ASSERT_TRUE(
      store_
          ->Write([&](Tx& tx) {
            MUSTER_RETURN_IF_ERROR(tx.events().Append(Event{0, "t", clock_.now, "cli:test", "S", "{}"}).status());
            MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
            EXPECT_EQ(head.size, 1u);
            return Status::Ok();
          })
          .ok());
  EXPECT_TRUE(tick());  // appends the leaf, so checkpoints it
  EXPECT_FALSE(tick());
}

TEST_F(LedgerLogTest, TwoConnectionsKeepOneGapFreeLog) {
  auto other = OpenStore(path_, StoreOptions{});
  ASSERT_TRUE(other.ok());
  uint64_t emitted = 0;
  for (int round = 0; round < 20; ++round) {
    emitted += EmitAndAppend(*store_, round % 3 + 1);
    emitted += EmitAndAppend(**other, round % 4 + 1);
  }
  EXPECT_EQ(emitted, 89u);
  auto audit = Verify();
  ASSERT_TRUE(audit.ok()) << audit.status().message();
  EXPECT_EQ(audit->leaves, emitted);
  EXPECT_EQ(audit->checkpoints, 40u);
}

TEST_F(LedgerLogTest, HashedLeavesAreAppendedOnlyWhereTheyWereRead) {
  EmitAndAppend(*store_, 3);
  EmitAndAppend(*store_, 5, /*append=*/false);
  auto hash_pending = [&](size_t limit) {
    HashedLeaves leaves;
    EXPECT_TRUE(store_
                    ->Read([&](Tx& tx) -> Status {
                      MUSTER_ASSIGN_OR_RETURN(leaves, ledger_->HashPending(tx, limit));
                      return Status::Ok();
                    })
                    .ok());
    return leaves;
  };
  auto append_hashed = [&](const HashedLeaves& leaves) {
    uint64_t appended = 99;
    EXPECT_TRUE(store_
                    ->Write([&](Tx& tx) -> Status {
                      MUSTER_ASSIGN_OR_RETURN(appended, ledger_->AppendHashed(tx, leaves));
                      return Status::Ok();
                    })
                    .ok());
    return appended;
  };
  HashedLeaves first = hash_pending(4);
  EXPECT_EQ(first.after_seq, 3);
  EXPECT_EQ(first.seqs, (std::vector<int64_t>{4, 5, 6, 7}));
  ASSERT_EQ(first.hashes.size(), 4u);

  // Another writer appends first: the leaves hashed before are stale and nothing is appended.
  HashedLeaves stale = hash_pending(100);
  EXPECT_EQ(append_hashed(first), 4u);
  EXPECT_EQ(append_hashed(stale), 0u);
  EXPECT_EQ(append_hashed(first), 0u);
  EXPECT_EQ(Head().size, 7u);

  HashedLeaves rest = hash_pending(100);
  EXPECT_EQ(rest.after_seq, 7);
  EXPECT_EQ(rest.seqs, (std::vector<int64_t>{8}));
  EXPECT_EQ(append_hashed(rest), 1u);
  EXPECT_TRUE(hash_pending(100).seqs.empty());

  // Each append wrote a checkpoint, and every leaf is the one its event gives.
  auto audit = Verify();
  ASSERT_TRUE(audit.ok()) << audit.status().message();
  EXPECT_EQ(audit->leaves, 8u);
  EXPECT_EQ(audit->checkpoints, 3u);
  auto events = VerifyAllEvents();
  ASSERT_TRUE(events.ok()) << events.status().message();
  EXPECT_EQ(events->events, 8u);
  EXPECT_EQ(events->pending, 0u);
}

TEST_F(LedgerLogTest, FollowerAppendsWhatOtherTransactionsCommit) {
  Follower follower(*ledger_, *store_);
  events::Runner runner;
  runner.Add(follower, {.on_commit = true});
  EmitAndAppend(*store_, 700, /*append=*/false);
  runner.Committed();
  // The thread appends without Stop.
  EXPECT_TRUE(WaitFor([&] { return follower.appended() == 700; }));
  EXPECT_EQ(Head().size, 700u);

  // Writes in a row, each followed by its notice, with another writer appending in between:
  // every event ends in the log once, in order, whoever appended it.
  for (int round = 0; round < 20; ++round) {
    EmitAndAppend(*store_, 500 + round, /*append=*/false);
    if (round % 7 == 3) EmitAndAppend(*store_, 2);
    runner.Committed();
  }
  ASSERT_TRUE(runner.Stop().ok());
  EXPECT_TRUE(runner.Stop().ok());  // once is enough; again does nothing
  uint64_t emitted = 700 + 20 * 500 + 190 + 3 * 2;
  EXPECT_EQ(Head().size, emitted);
  auto audit = Verify();
  ASSERT_TRUE(audit.ok()) << audit.status().message();
  EXPECT_EQ(audit->leaves, emitted);
  auto events = VerifyAllEvents();
  ASSERT_TRUE(events.ok()) << events.status().message();
  EXPECT_EQ(events->events, emitted);
  EXPECT_EQ(events->pending, 0u);
}

TEST_F(LedgerLogTest, FollowerTriesAFailedRoundAgainAtTheNextNotice) {
  std::mutex mu;
  std::vector<std::string> reports;
  Follower follower(*ledger_, *store_);
  events::Runner runner([&](std::string_view name, const Status& st) {
    std::lock_guard lock(mu);
    reports.push_back(fmt::format("{}: {}", name, st.ok() ? "recovered" : st.message()));
  });
  runner.Add(follower, {.on_commit = true});
  auto failed_rounds = [&] { return runner.counts().at(0).failed_rounds; };
  EmitAndAppend(*store_, 3, /*append=*/false);
  Sql("UPDATE events SET payload = 'not json' WHERE seq = 2");
  runner.Committed();
  ASSERT_TRUE(WaitFor([&] { return failed_rounds() == 1; }));
  EXPECT_EQ(Head().size, 0u);
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_NE(reports[0].find("ledger follower: "), std::string::npos) << reports[0];
    EXPECT_NE(reports[0].find("event 2"), std::string::npos) << reports[0];
  }
  Sql("UPDATE events SET payload = '{\"i\":1,\"national_id\":\"12345678964\"}' WHERE seq = 2");
  EmitAndAppend(*store_, 2, /*append=*/false);
  runner.Committed();
  ASSERT_TRUE(WaitFor([&] { return follower.appended() == 5; }));
  EXPECT_EQ(failed_rounds(), 1u);
  {
    std::lock_guard lock(mu);
    ASSERT_EQ(reports.size(), 2u);  // failing said once, recovery once
    EXPECT_EQ(reports[1], "ledger follower: recovered");
  }
  ASSERT_TRUE(runner.Stop().ok());
  EXPECT_EQ(Head().size, 5u);
}

TEST_F(LedgerLogTest, FollowerFinalRoundAppendsWhatItsThreadHadNoTimeFor) {
  // No notice at all: the final round at Stop alone appends every pending event.
  EmitAndAppend(*store_, 10, /*append=*/false);
  Follower follower(*ledger_, *store_);
  events::Runner runner;
  runner.Add(follower, {.on_commit = true});
  EmitAndAppend(*store_, 20, /*append=*/false);
  EXPECT_EQ(Head().size, 0u);
  ASSERT_TRUE(runner.Stop().ok());
  EXPECT_EQ(follower.appended(), 0u);
  EXPECT_EQ(Head().size, 30u);
}

TEST_F(LedgerLogTest, MigrationMovesARowPerLeafAndSubtreeIntoTheSameTiles) {
  // 600 leaves: three level-0 tiles and a level-1 tile of two hashes.
  for (int batch : {300, 299, 1}) EmitAndAppend(*store_, batch);
  auto tiles = [&] {
    std::vector<LedgerTile> all;
    EXPECT_TRUE(store_
                    ->Read([&](Tx& tx) {
                      for (uint64_t level : {0, 1, 2}) {
                        MUSTER_ASSIGN_OR_RETURN(auto some, tx.ledger().ListTiles(level, 0, 100));
                        for (auto& t : some) all.push_back(std::move(t));
                      }
                      return Status::Ok();
                    })
                    .ok());
    return all;
  };
  std::vector<LedgerTile> before = tiles();
  ASSERT_EQ(before.size(), 4u);
  auto audit = Verify();
  ASSERT_TRUE(audit.ok()) << audit.status().message();

  // The same tree as the schema before version 9 held it.
  std::vector<Leaf> leaves;
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) {
                    MUSTER_ASSIGN_OR_RETURN(leaves, ledger_->ReadLeaves(tx, 0, 600));
                    return Status::Ok();
                  })
                  .ok());
  MemoryTree memory;
  std::string sql =
      "BEGIN; DROP TABLE ledger_tiles; DROP TABLE ledger_leaves_0008; DELETE FROM schema_migrations WHERE version = 9;"
      "CREATE TABLE ledger_leaves (idx INTEGER PRIMARY KEY, seq INTEGER NOT NULL, hash BLOB NOT NULL, data TEXT NOT "
      "NULL);"
      "CREATE TABLE ledger_subtrees (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, "
      "PRIMARY KEY (level, idx)) WITHOUT ROWID;";
  for (const Leaf& leaf : leaves) {
    memory.AppendData(AsBytes(leaf.data));
    sql += fmt::format("INSERT INTO ledger_leaves VALUES ({}, {}, x'{}', '');", leaf.index, leaf.seq,
                       HexEncode(leaf.hash));
  }
  for (uint64_t level = 1; (600u >> level) > 0; ++level) {
    for (uint64_t i = 0; i < (600u >> level); ++i) {
      sql += fmt::format("INSERT INTO ledger_subtrees VALUES ({}, {}, x'{}');", level, i,
                         HexEncode(*memory.ReadSubtree({level, i})));
    }
  }
  sql += "COMMIT;";
  store_.reset();
  Sql(sql);
  auto reopened = OpenStore(path_, StoreOptions{});
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  store_ = std::move(*reopened);

  std::vector<LedgerTile> after = tiles();
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].id, before[i].id);
    EXPECT_EQ(after[i].first_seq, before[i].first_seq);
    EXPECT_EQ(after[i].last_seq, before[i].last_seq);
    EXPECT_EQ(after[i].hashes, before[i].hashes) << i;
  }
  auto again = Verify();
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->root, audit->root);
  EXPECT_EQ(again->root, memory.Root());
  // The leaf rows are kept aside, not dropped.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* count = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM ledger_leaves_0008", -1, &count, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(count, 0), 600);
  sqlite3_finalize(count);
  sqlite3_close(db);
}

// A ledger from before format 2 goes on with format-2 leaves: every leaf is recomputed in the
// format of its position, so the old ones keep their bytes, and receipts of both verify.
TEST_F(LedgerLogTest, LeavesKeepTheFormatTheyWereAppendedIn) {
  auto deliver = [&](const std::string& number) -> nlohmann::json {
    nlohmann::json document = {{"number", number}, {"national_id", "12345678964"}};
    std::string sha = HexEncode(*CanonicalJsonSha256(document));
    nlohmann::json payload = {{"national_id", "12345678964"}, {"summons_sha256", sha}};
    Status st = store_->Write([&](Tx& tx) {
      MUSTER_RETURN_IF_ERROR(
          tx.events().Append(Event{0, "summons.delivered", clock_.now, "cli:test", number, payload.dump()}).status());
      return ledger_->AppendPending(tx).status();
    });
    EXPECT_TRUE(st.ok()) << st.message();
    return document;
  };
  auto receipt_verifies = [&](const std::string& number, const nlohmann::json& document) {
    Result<Receipt> receipt = Status::Internal("not run");
    EXPECT_TRUE(store_
                    ->Write([&](Tx& tx) {
                      receipt = ledger_->DeliveryReceipt(tx, number, document);
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_TRUE(receipt.ok()) << receipt.status().message();
    if (!receipt.ok()) return std::string();
    auto verified = VerifyReceipt(receipt->ToJson());
    EXPECT_TRUE(verified.ok()) << verified.status().message();
    return receipt->leaf;
  };
  // As before migration 0016: format 2 not yet begun.
  Sql("UPDATE ledger_leaf_formats SET first_seq = 0 WHERE version = 2");
  EmitAndAppend(*store_, 10);
  nlohmann::json first = deliver("26-00000001-5");
  // Migration 0016 on that database: format 2 from the next event on.
  Sql("UPDATE ledger_leaf_formats SET first_seq = 12 WHERE version = 2");
  EXPECT_EQ(Head().leaf_format_2_from, 12);
  EmitAndAppend(*store_, 10);
  nlohmann::json second = deliver("26-00000002-3");
  nlohmann::json third = deliver("26-00000003-1");

  std::vector<Leaf> leaves;
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) {
                    MUSTER_ASSIGN_OR_RETURN(leaves, ledger_->ReadLeaves(tx, 0, 23));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(leaves.size(), 23u);
  const PseudonymKey& key = ledger_->pseudonyms();
  for (const Leaf& leaf : leaves) {
    nlohmann::json j = nlohmann::json::parse(leaf.data);
    if (leaf.seq < 12) {
      EXPECT_FALSE(j.contains("format")) << leaf.data;
      EXPECT_EQ(j["payload"]["person"], key.Pseudonym("12345678964")) << leaf.data;
    } else {
      EXPECT_EQ(j["format"], 2) << leaf.data;
      EXPECT_EQ(j["payload"]["person"], key.Pseudonym("12345678964", j["subject"].get<std::string>())) << leaf.data;
    }
  }
  auto events = VerifyAllEvents();
  ASSERT_TRUE(events.ok()) << events.status().message();
  EXPECT_EQ(events->events, 23u);
  auto audit = Verify();
  ASSERT_TRUE(audit.ok()) << audit.status().message();

  std::string old_leaf = receipt_verifies("26-00000001-5", first);
  std::string new_leaf = receipt_verifies("26-00000002-3", second);
  EXPECT_EQ(old_leaf.find("\"format\""), std::string::npos) << old_leaf;
  EXPECT_NE(new_leaf.find("\"format\":2"), std::string::npos) << new_leaf;
  // Two summonses of one person: their receipts name different pseudonyms.
  std::string other_leaf = receipt_verifies("26-00000003-1", third);
  EXPECT_NE(nlohmann::json::parse(new_leaf)["payload"]["person"],
            nlohmann::json::parse(other_leaf)["payload"]["person"]);
}

TEST_F(LedgerLogTest, ANewDatabaseWritesFormat2FromItsFirstEvent) {
  EXPECT_EQ(Head().leaf_format_2_from, 1);
  EmitAndAppend(*store_, 3);
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) {
                    MUSTER_ASSIGN_OR_RETURN(auto leaves, ledger_->ReadLeaves(tx, 0, 3));
                    for (const Leaf& leaf : leaves)
                      EXPECT_NE(leaf.data.find("\"format\":2"), std::string::npos) << leaf.data;
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(LedgerLogTest, VerifyNamesTheFirstProblem) {
  EmitAndAppend(*store_, 5);
  EmitAndAppend(*store_, 6);
  ASSERT_TRUE(Verify().ok());
  auto events = [&] { return VerifyAllEvents(); };
  ASSERT_TRUE(events().ok());
  EXPECT_EQ(events()->events, 11u);

  // An event changed after it was recorded: only the pseudonym key's holder can tell, and the
  // leaf can no longer be read.
  Sql("UPDATE events SET payload = '{\"i\":99}' WHERE seq = 2");
  EXPECT_EQ(events().status().message(), "event 2 (test.event S-1) no longer matches its leaf 1");
  ASSERT_TRUE(Verify().ok());
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) {
                    EXPECT_EQ(ledger_->ReadLeaves(tx, 0, 3).status().message(),
                              "event 2 (test.event S-1) no longer matches its leaf 1");
                    EXPECT_TRUE(ledger_->ReadLeaves(tx, 2, 3).ok());
                    return Status::Ok();
                  })
                  .ok());
  Sql("UPDATE events SET payload = '{\"i\":1,\"national_id\":\"12345678964\"}' WHERE seq = 2");
  ASSERT_TRUE(events().ok());

  // An event removed, or one slipped in among the recorded ones.
  Sql("CREATE TABLE saved AS SELECT * FROM events WHERE seq = 7; DELETE FROM events WHERE seq = 7");
  EXPECT_EQ(events().status().message(), "event 8 (test.event S-1) no longer matches its leaf 6");
  ASSERT_TRUE(
      store_
          ->Read([&](Tx& tx) {
            EXPECT_EQ(
                ledger_->ReadLeaves(tx, 0, 1).status().message(),
                "ledger tile 0/0 records the 11 events from 1 to 11, but the events there are not those: an event "
                "was removed or added");
            return Status::Ok();
          })
          .ok());
  Sql("INSERT INTO events SELECT * FROM saved; DROP TABLE saved");
  ASSERT_TRUE(events().ok());

  // A leaf hash changed: the signed checkpoints give it away.
  Sql("UPDATE ledger_tiles SET hashes = CAST(substr(hashes, 1, 96) || zeroblob(32) || substr(hashes, 129) AS BLOB) "
      "WHERE level = 0 AND idx = 0");
  EXPECT_EQ(Verify().status().message(), "checkpoint 1 (size 5): signed root does not match the stored leaves");
  EXPECT_EQ(events().status().message(), "event 4 (test.event S-1) no longer matches its leaf 3");
  // A tile deleted.
  Sql("DELETE FROM ledger_tiles");
  EXPECT_EQ(Verify().status().message(), "checkpoint 1 (size 5): signed for 5 leaves, but the ledger holds 0");
  ASSERT_TRUE(store_
                  ->Read([&](Tx& tx) {
                    EXPECT_EQ(ledger_->ReadLeaves(tx, 0, 1).status().message(),
                              "leaf 0 is missing: ledger tile 0/0 does not hold it");
                    return Status::Ok();
                  })
                  .ok());
}

}  // namespace
}  // namespace muster::ledger

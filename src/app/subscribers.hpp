// The server's subscribers (events/subscriber.hpp), which `muster serve` adds to its App's
// runner: what used to be threads of their own, each with its own loop, now a round each on the
// one runner, which wakes them, repeats their failed rounds and says once when they fail and
// once when they recover.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "core/status.hpp"
#include "core/time.hpp"
#include "events/subscriber.hpp"
#include "ledger/log.hpp"
#include "store/store.hpp"
#include "summons/exit_check_service.hpp"
#include "summons/sweep_service.hpp"

namespace muster::app {

// How often the server appends events that reached the store without a ledger hook and
// checkpoints a tree that grew (Ledger::Tick: at least every kCheckpointInterval).
constexpr std::chrono::seconds kLedgerTick{10};
// How often the exit checks answered are written to the store: a server killed outright loses
// at most the records of the last interval (and those of a flush that was failing).
constexpr std::chrono::seconds kExitCheckFlush{1};
// How long the exit-ban index waits for a notification before it reads the events anyway.
constexpr std::chrono::seconds kExitBanPoll{1};

// Appends what is pending and checkpoints the tree (every kLedgerTick); the final round signs a
// checkpoint of the whole tree unless the latest one covers it.
class LedgerCheckpoints : public events::Subscriber {
 public:
  LedgerCheckpoints(const ledger::Ledger& ledger, Store& store) : ledger_(ledger), store_(store) {}
  std::string_view name() const override { return "ledger checkpoint"; }
  Status Round() override;
  Status Final() override;

 private:
  const ledger::Ledger& ledger_;
  Store& store_;
};

// Runs the sweep (every --sweep-interval); `said` hears of every round that changed something.
class Sweeper : public events::Subscriber {
 public:
  using Said = std::function<void(const SweepSummary&)>;
  Sweeper(SweepService& sweep, const Clock& clock, Said said) : sweep_(sweep), clock_(clock), said_(std::move(said)) {}
  std::string_view name() const override { return "sweep"; }
  Status Round() override;
  Status Final() override { return Status::Ok(); }  // the next server's sweep takes it up

 private:
  SweepService& sweep_;
  const Clock& clock_;
  const Said said_;
};

// Writes the exit checks answered to the store (every kExitCheckFlush). `dropped(n, total)`
// hears when records were dropped because the backlog was full.
class ExitCheckRecorder : public events::Subscriber {
 public:
  using Dropped = std::function<void(uint64_t n, uint64_t total)>;
  ExitCheckRecorder(ExitCheckService& checks, Dropped dropped) : checks_(checks), dropped_(std::move(dropped)) {}
  std::string_view name() const override { return "recording exit checks"; }
  Status Round() override;
  // Once no request is in flight: everything recorded, or how many were not written.
  Status Final() override;

 private:
  ExitCheckService& checks_;
  const Dropped dropped_;
  uint64_t dropped_seen_ = 0;  // the subscriber's thread's own
};

// Keeps the exit-ban index in step with the bans other processes impose and lift: its cursor is
// the index's own (the seq it has read up to), in memory, since each server has an index of its
// own and rebuilds it from the database when it starts (ExitCheckService::LoadExitBans). Woken by
// the store (NOTIFY on PostgreSQL) or every kExitBanPoll.
class ExitBanFollower : public events::Subscriber {
 public:
  explicit ExitBanFollower(ExitCheckService& checks) : checks_(checks) {}
  std::string_view name() const override { return "following exit bans"; }
  Status Round() override { return checks_.FollowExitBans(); }
  Status Final() override { return Status::Ok(); }

 private:
  ExitCheckService& checks_;
};

}  // namespace muster::app

// Shared plumbing of the `muster` subcommands: global options, opening the store and policy,
// printing results as text or JSON, and turning a Status into an exit code.
//
// Exit codes: 0 success, 1 usage error, 2 bad input (invalid, not found, not allowed now),
// 3 storage or system failure.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/actor.hpp"
#include "core/deployment.hpp"
#include "core/policy.hpp"
#include "core/status.hpp"
#include "core/time.hpp"
#include "ledger/log.hpp"
#include "store/store.hpp"

namespace muster::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitFailure = 3;

// The system clock, unless $MUSTER_NOW holds an RFC 3339 time to stand in for "now" (drills,
// tests and replaying a day's work).
class CliClock final : public Clock {
 public:
  CliClock();
  Timestamp Now() const override { return fixed_ ? *fixed_ : system_.Now(); }
  const Status& status() const { return status_; }

 private:
  SystemClock system_;
  std::optional<Timestamp> fixed_;
  Status status_;
};

struct Context {
  std::string db = "muster.db";
  std::string db_replica;   // serve --db-replica: a PostgreSQL replica for reads that may lag
  std::string policy_path;  // empty: the built-in default policy
  std::string config_path;  // the deployment file (core/deployment.hpp); empty: none
  std::string actor;        // --as; default "cli:<system user>"
  std::string ledger_key;     // --ledger-key; default "<db>.ledger.key"
  std::string ledger_secret;  // --ledger-secret; default "<db>.ledger.secret"
  std::string stoplist_key;   // --stoplist-key; default "<db>.stoplist.key"
  bool json = false;
  CliClock clock;

  Result<std::unique_ptr<Store>> Open(bool create = false) const;
  Result<Policy> LoadPolicy() const;
  // The deployment file's settings; none configured without --config.
  Result<Deployment> LoadDeployment() const;
  std::string Actor() const;
  // Actor() as services take it: the command line acts for every office (core/actor.hpp).
  muster::Actor Acting() const { return muster::Actor::System(Actor()); }
  // The database fit to print: a PostgreSQL URL's password masked as ***.
  std::string DisplayDb() const;
  ledger::LedgerKeyPaths LedgerKeyPaths() const;
  // The key the stop-list hashes national IDs under (summons/stoplist.hpp).
  std::string StopListKeyPath() const;
  // The ledger with its keys; FailedPrecondition naming the missing key file.
  Result<ledger::Ledger> LoadLedger() const;
};

// Prints `status` to stderr (or as JSON on stdout with --json) and returns its exit code.
int Fail(const Context& ctx, const Status& status);
int ExitCode(const Status& status);
// Prints `j` pretty (2-space indent) on stdout.
void PrintJson(const nlohmann::json& j);

// Loads the policy, opens the store, runs `work(store, policy)` and turns a failure into the exit
// code (printing it). The one way a command reaches the store.
template <typename Work>
void WithStore(Context& ctx, int& exit_code, Work&& work) {
  auto policy = ctx.LoadPolicy();
  if (!policy.ok()) {
    exit_code = Fail(ctx, policy.status());
    return;
  }
  auto store = ctx.Open();
  if (!store.ok()) {
    exit_code = Fail(ctx, store.status());
    return;
  }
  Status st = work(**store, *policy);
  if (!st.ok()) exit_code = Fail(ctx, st);
}

// A progress bar on standard error when it is a terminal; silent otherwise.
class Progress {
 public:
  explicit Progress(std::string label);
  ~Progress();
  void Update(size_t done, size_t total);
  void Finish();

 private:
  std::string label_;
  bool enabled_;
  bool finished_ = false;
  int last_percent_ = -1;
};

// Each area adds its subcommands; `exit_code` receives the chosen command's result.
void AddRegistryCommands(CLI::App& app, Context& ctx, int& exit_code);
void AddLedgerCommands(CLI::App& app, Context& ctx, int& exit_code);
void AddLifecycleCommands(CLI::App& app, Context& ctx, int& exit_code);
void AddUserCommands(CLI::App& app, Context& ctx, int& exit_code);
void AddServeCommand(CLI::App& app, Context& ctx, int& exit_code);
void AddNotifyCommands(CLI::App& app, Context& ctx, int& exit_code);
void AddStopListCommands(CLI::App& app, Context& ctx, int& exit_code);

}  // namespace muster::cli

#include "cli/cli.hpp"

#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "store/open.hpp"
#include "store/postgres/pg_store.hpp"

namespace muster::cli {

CliClock::CliClock() {
  const char* now = std::getenv("MUSTER_NOW");
  if (now == nullptr || *now == '\0') return;
  auto parsed = ParseTimestamp(now);
  if (parsed.ok()) {
    fixed_ = *parsed;
  } else {
    status_ = parsed.status().WithContext("MUSTER_NOW");
  }
}

Result<std::unique_ptr<Store>> Context::Open(bool create) const {
  if (!clock.status().ok()) return clock.status();
  return OpenStore(db, StoreOptions{.create = create, .replica_url = db_replica});
}

std::string Context::DisplayDb() const { return postgres::RedactUrl(db); }

Result<Deployment> Context::LoadDeployment() const {
  if (config_path.empty()) return Deployment{};
  return muster::LoadDeployment(config_path);
}

Result<Policy> Context::LoadPolicy() const {
  if (policy_path.empty()) return DefaultPolicy();
  return LoadPolicyFile(policy_path);
}

std::string Context::Actor() const {
  if (!actor.empty()) return actor;
  const char* user = std::getenv("USER");
  if (user == nullptr || *user == '\0') {
    if (const passwd* pw = getpwuid(getuid())) user = pw->pw_name;
  }
  return fmt::format("cli:{}", user ? user : "unknown");
}

ledger::LedgerKeyPaths Context::LedgerKeyPaths() const {
  // A PostgreSQL URL names no file: the keys default to <database name>.ledger.* in the
  // working directory (every server of one database needs the same two files).
  ledger::LedgerKeyPaths paths =
      ledger::DefaultLedgerKeyPaths(postgres::IsPostgresUrl(db) ? postgres::PostgresDatabaseName(db) : db);
  if (!ledger_key.empty()) paths.signer_key = ledger_key;
  if (!ledger_secret.empty()) paths.pseudonym_key = ledger_secret;
  return paths;
}

std::string Context::StopListKeyPath() const {
  if (!stoplist_key.empty()) return stoplist_key;
  return fmt::format("{}.stoplist.key", postgres::IsPostgresUrl(db) ? postgres::PostgresDatabaseName(db) : db);
}

Result<ledger::Ledger> Context::LoadLedger() const { return ledger::Ledger::Load(LedgerKeyPaths(), clock); }

int ExitCode(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kPermissionDenied:
      return kExitBadInput;
    default:
      return kExitFailure;
  }
}

int Fail(const Context& ctx, const Status& status) {
  if (ctx.json) {
    PrintJson({{"error", {{"code", std::string(StatusCodeName(status.code()))}, {"message", status.message()}}}});
  } else {
    fmt::print(stderr, "muster: {}\n", status.message());
  }
  return ExitCode(status);
}

void PrintJson(const nlohmann::json& j) { std::cout << j.dump(2) << '\n'; }

Progress::Progress(std::string label) : label_(std::move(label)), enabled_(isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() { Finish(); }

void Progress::Update(size_t done, size_t total) {
  if (!enabled_ || total == 0) return;
  int percent = static_cast<int>(std::min<size_t>(100, done * 100 / total));
  if (percent == last_percent_) return;
  last_percent_ = percent;
  constexpr int kWidth = 30;
  int filled = percent * kWidth / 100;
  fmt::print(stderr, "\r{} [{}{}] {:3}%", label_, std::string(static_cast<size_t>(filled), '#'),
             std::string(static_cast<size_t>(kWidth - filled), '.'), percent);
  std::fflush(stderr);
}

void Progress::Finish() {
  if (enabled_ && !finished_ && last_percent_ >= 0) fmt::print(stderr, "\n");
  finished_ = true;
}

}  // namespace muster::cli

// muster: the command-line interface to the registry and summons service.
#include <cstdlib>

#include "cli/cli.hpp"

int main(int argc, char** argv) {
  using namespace muster::cli;
  CLI::App app{"muster: military registration and summons service.\n"
               "Exit codes: 0 success, 1 usage error, 2 bad input, 3 storage or system failure."};
  app.name("muster");
  app.require_subcommand(1);
  app.fallthrough();
  Context ctx;
  if (const char* db = std::getenv("MUSTER_DB"); db != nullptr && *db != '\0') ctx.db = db;
  app.add_option("--db", ctx.db,
                 "database: SQLite file path or postgresql:// URL (default ./muster.db, or $MUSTER_DB)");
  app.add_option("--policy", ctx.policy_path, "policy TOML file (default: the built-in policies/default.toml)")
      ->check(CLI::ExistingFile);
  app.add_option("--config", ctx.config_path,
                 "deployment TOML file: how to reach people and other systems ([smtp], [webhook]; docs/deploy.md)")
      ->check(CLI::ExistingFile);
  app.add_option("--as", ctx.actor, "who performs a state change (default cli:<system user>)");
  app.add_flag("--json", ctx.json, "print results as JSON");
  app.add_option("--ledger-key", ctx.ledger_key, "the ledger's Ed25519 signing key file (default <db>.ledger.key)");
  app.add_option("--ledger-secret", ctx.ledger_secret,
                 "the ledger's pseudonym (HMAC) key file (default <db>.ledger.secret)");
  app.add_option("--stoplist-key", ctx.stoplist_key,
                 "the key the stop-list hashes national IDs under, for border posts (default <db>.stoplist.key)");

  int exit_code = kExitOk;
  AddRegistryCommands(app, ctx, exit_code);
  AddLedgerCommands(app, ctx, exit_code);
  AddLifecycleCommands(app, ctx, exit_code);
  AddUserCommands(app, ctx, exit_code);
  AddServeCommand(app, ctx, exit_code);
  AddNotifyCommands(app, ctx, exit_code);
  AddStopListCommands(app, ctx, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  return exit_code;
}

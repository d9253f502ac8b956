// user add, user update, user activation-code, apikey create.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "auth/auth_service.hpp"
#include "cli/cli.hpp"

namespace muster::cli {
namespace {

// WithStore, with the auth service built on that store.
template <typename Work>
void WithAuth(Context& ctx, int& exit_code, Work&& work) {
  WithStore(ctx, exit_code, [&](Store& store, const Policy& policy) {
    auth::AuthService service(store, policy, ctx.clock);
    return work(service);
  });
}

// The password from --password-file (first line), $MUSTER_PASSWORD, or --password (warned:
// other users can read a command line).
Result<std::string> ReadPassword(const std::string& file, const std::string& argv_password) {
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) return Status::IoError(fmt::format("password-file: cannot read '{}'", file));
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
  }
  if (const char* env = std::getenv("MUSTER_PASSWORD"); env != nullptr && *env != '\0') return std::string(env);
  if (!argv_password.empty()) {
    fmt::print(stderr,
               "muster: warning: --password is visible to other users of this machine; "
               "prefer --password-file or MUSTER_PASSWORD\n");
    return argv_password;
  }
  return Status::InvalidArgument("password", "give --password-file FILE or set MUSTER_PASSWORD");
}

}  // namespace

void AddUserCommands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* user = app.add_subcommand("user", "staff accounts and citizen activation codes");
  user->require_subcommand(1);

  struct AddArgs {
    std::string role, name, display_name, password_file, password;
    std::vector<std::string> offices;
  };
  auto args = std::make_shared<AddArgs>();
  auto* add = user->add_subcommand("add", "create a staff account (officer|supervisor|auditor|admin)");
  add->add_option("--role", args->role, "officer, supervisor, auditor or admin")->required();
  add->add_option("--name", args->name, "login name (lowercase letters, digits, . - _)")->required();
  add->add_option("--display-name", args->display_name, "full name (default: the login)");
  add->add_option("--office", args->offices, "office code the account acts for (repeatable; officers, supervisors)");
  add->add_option("--password-file", args->password_file, "file whose first line is the password");
  add->add_option("--password", args->password, "the password (visible to other users; prefer the file or env)");
  add->callback([&ctx, &exit_code, args] {
    WithAuth(ctx, exit_code, [&](auth::AuthService& service) -> Status {
      auto role = ParseRole(args->role);
      if (!role) return Status::InvalidArgument("role", "must be officer, supervisor, auditor or admin");
      MUSTER_ASSIGN_OR_RETURN(std::string password, ReadPassword(args->password_file, args->password));
      MUSTER_ASSIGN_OR_RETURN(Account account, service.CreateStaff(args->name, *role, args->display_name, args->offices,
                                                                   password, ctx.Actor()));
      if (ctx.json) {
        PrintJson({{"id", account.id},
                   {"login", account.login},
                   {"role", RoleName(account.role)},
                   {"offices", account.offices}});
      } else {
        fmt::print("created {} {}{}\n", RoleName(account.role), account.login,
                   account.offices.empty() ? "" : fmt::format(" for {}", fmt::join(account.offices, ", ")));
      }
      return Status::Ok();
    });
  });

  struct UpdateArgs {
    std::string login, role, display_name, password_file;
    std::vector<std::string> offices;
    bool deactivate = false, activate = false;
  };
  auto update_args = std::make_shared<UpdateArgs>();
  auto* update = user->add_subcommand(
      "update", "change a staff account; a change of role, offices, password or activity ends its sessions");
  update->add_option("LOGIN", update_args->login, "the staff account's login")->required();
  update->add_option("--role", update_args->role, "officer, supervisor, auditor or admin");
  update->add_option("--office", update_args->offices, "office code (repeatable): replaces the account's offices");
  update->add_option("--display-name", update_args->display_name, "full name");
  update->add_option("--password-file", update_args->password_file, "file whose first line is the new password");
  auto* deactivate = update->add_flag("--deactivate", update_args->deactivate, "no more logins; sessions end");
  update->add_flag("--activate", update_args->activate, "allow logins again")->excludes(deactivate);
  update->callback([&ctx, &exit_code, update_args] {
    WithAuth(ctx, exit_code, [&](auth::AuthService& service) -> Status {
      auth::StaffChange change;
      if (!update_args->role.empty()) {
        change.role = ParseRole(update_args->role);
        if (!change.role) return Status::InvalidArgument("role", "must be officer, supervisor, auditor or admin");
      }
      if (!update_args->offices.empty()) change.offices = update_args->offices;
      if (!update_args->display_name.empty()) change.display_name = update_args->display_name;
      if (!update_args->password_file.empty()) {
        MUSTER_ASSIGN_OR_RETURN(std::string password, ReadPassword(update_args->password_file, ""));
        change.password = std::move(password);
      }
      if (update_args->deactivate) change.active = false;
      if (update_args->activate) change.active = true;
      MUSTER_ASSIGN_OR_RETURN(Account account, service.UpdateStaff(update_args->login, change, ctx.Actor()));
      if (ctx.json) {
        PrintJson({{"id", account.id},
                   {"login", account.login},
                   {"role", RoleName(account.role)},
                   {"offices", account.offices},
                   {"active", account.active}});
      } else {
        fmt::print("updated {} {}{}{}\n", RoleName(account.role), account.login,
                   account.offices.empty() ? "" : fmt::format(" for {}", fmt::join(account.offices, ", ")),
                   account.active ? "" : " (deactivated)");
      }
      return Status::Ok();
    });
  });

  auto national_id = std::make_shared<std::string>();
  auto* code = user->add_subcommand("activation-code", "issue a one-time code a citizen activates an account with");
  code->add_option("NATIONAL_ID", *national_id, "the person's national ID")->required();
  code->callback([&ctx, &exit_code, national_id] {
    WithAuth(ctx, exit_code, [&](auth::AuthService& service) -> Status {
      MUSTER_ASSIGN_OR_RETURN(std::string c, service.IssueActivationCode(*national_id, ctx.Actor()));
      if (ctx.json) {
        PrintJson({{"national_id", *national_id}, {"code", c}});
      } else {
        fmt::print("{}\n", c);
      }
      return Status::Ok();
    });
  });

  auto* apikey = app.add_subcommand("apikey", "API keys for machine clients");
  apikey->require_subcommand(1);
  struct KeyArgs {
    std::string role, name;
    std::vector<std::string> kinds;
  };
  auto key_args = std::make_shared<KeyArgs>();
  auto* create = apikey->add_subcommand("create", "create a key (shown once; only its digest is stored)");
  create->add_option("--role", key_args->role, "border, auditor or agency")->required();
  create->add_option("--name", key_args->name, "a unique name for the client")->required();
  create
      ->add_option("--kinds", key_args->kinds,
                   "agency keys: the restriction kinds of the policy it may ask about, comma-separated "
                   "(driving,property)")
      ->delimiter(',');
  create->callback([&ctx, &exit_code, key_args] {
    WithAuth(ctx, exit_code, [&](auth::AuthService& service) -> Status {
      auto role = ParseRole(key_args->role);
      if (!role) return Status::InvalidArgument("role", "must be border, auditor or agency");
      MUSTER_ASSIGN_OR_RETURN(auto created, service.CreateApiKey(*role, key_args->name, ctx.Actor(), key_args->kinds));
      if (ctx.json) {
        PrintJson({{"name", created.key.name},
                   {"role", RoleName(created.key.role)},
                   {"kinds", created.key.kinds},
                   {"key", created.secret}});
      } else {
        fmt::print("{}\n", created.secret);
      }
      return Status::Ok();
    });
  });
}

}  // namespace muster::cli

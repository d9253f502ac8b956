// init, office, import, person, demo-data, backup.
#include <fmt/format.h>

#include <filesystem>
#include <memory>

#include "cli/cli.hpp"
#include "codec/json.hpp"
#include "registry/csv_reader.hpp"
#include "registry/demo_data.hpp"
#include "registry/person_import.hpp"
#include "store/postgres/pg_store.hpp"

namespace muster::cli {
namespace {

// Creates or migrates the database, then creates whichever ledger key is missing.
int Init(Context& ctx, const std::string& origin) {
  bool existed = postgres::IsPostgresUrl(ctx.db) ? ctx.Open(/*create=*/false).ok() : std::filesystem::exists(ctx.db);
  auto store = ctx.Open(/*create=*/true);
  if (!store.ok()) return Fail(ctx, store.status());
  int version = (*store)->SchemaVersion();
  ledger::LedgerKeyPaths keys = ctx.LedgerKeyPaths();
  auto created = ledger::CreateLedgerKeys(keys, origin);
  if (!created.ok()) return Fail(ctx, created.status().WithContext("ledger keys"));
  if (ctx.json) {
    PrintJson({{"database", ctx.DisplayDb()},
               {"schema_version", version},
               {"created", !existed},
               {"ledger_key", keys.signer_key},
               {"ledger_secret", keys.pseudonym_key},
               {"ledger_keys_created", *created}});
  } else {
    fmt::print("{} database {} (schema version {})\n", existed ? "Up to date:" : "Created", ctx.DisplayDb(), version);
    if (*created > 0) fmt::print("Created ledger keys {} and {} (mode 0600)\n", keys.signer_key, keys.pseudonym_key);
  }
  return kExitOk;
}

void PrintSummary(const Context& ctx, const ImportSummary& s, std::string_view what) {
  if (ctx.json) {
    PrintJson(ToJson(s));
    return;
  }
  fmt::print("{}: {} rows read, {} inserted, {} updated, {} unchanged, {} rejected\n", what, s.rows, s.inserted,
             s.updated, s.unchanged, s.rejected);
  if (!s.ignored_columns.empty()) fmt::print("ignored columns: {}\n", fmt::join(s.ignored_columns, ", "));
  constexpr size_t kShown = 20;
  for (size_t i = 0; i < s.rejections.size() && i < kShown; ++i) {
    const auto& r = s.rejections[i];
    fmt::print("  line {}{}{}: {}\n", r.line, r.column.empty() ? "" : ", ", r.column, r.reason);
  }
  if (s.rejections.size() > kShown) {
    fmt::print("  ... and {} more (use --report FILE for all)\n", s.rejections.size() - kShown);
  }
}

void AddOfficeCommands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* office = app.add_subcommand("office", "manage recruitment offices");
  office->require_subcommand(1);

  auto* add = office->add_subcommand("add", "add one office");
  auto o = std::make_shared<Office>();
  add->add_option("--code", o->code, "office code, also the district code persons carry")->required();
  add->add_option("--name", o->name, "display name")->required();
  add->add_option("--region", o->region, "region")->required();
  add->add_option("--timezone", o->timezone, "IANA time zone, e.g. Europe/Moscow")->required();
  add->add_option("--capacity", o->daily_capacity, "appointments per day a campaign may book")->capture_default_str();
  add->callback([&ctx, &exit_code, o] {
    WithStore(ctx, exit_code, [&](Store& store, const Policy&) -> Status {
      MUSTER_RETURN_IF_ERROR(CheckOffice(*o));
      MUSTER_RETURN_IF_ERROR(store.Write([&](Tx& tx) { return tx.offices().Insert(*o); }));
      if (ctx.json) {
        PrintJson(ToJson(*o));
      } else {
        fmt::print("Added office {} ({})\n", o->code, o->name);
      }
      return Status::Ok();
    });
  });

  auto* list = office->add_subcommand("list", "list offices");
  list->callback([&ctx, &exit_code] {
    WithStore(ctx, exit_code, [&](Store& store, const Policy&) -> Status {
      std::vector<Office> offices;
      MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) {
        MUSTER_ASSIGN_OR_RETURN(offices, tx.offices().List());
        return Status::Ok();
      }));
      if (ctx.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& office : offices) j.push_back(ToJson(office));
        PrintJson(j);
        return Status::Ok();
      }
      fmt::print("{:<8} {:<36} {:<20} {:<20} {:>8}\n", "CODE", "NAME", "REGION", "TIMEZONE", "PER DAY");
      for (const auto& office : offices) {
        fmt::print("{:<8} {:<36} {:<20} {:<20} {:>8}\n", office.code, office.name, office.region, office.timezone,
                   office.daily_capacity);
      }
      return Status::Ok();
    });
  });
}

void AddImportCommands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* import = app.add_subcommand("import", "load offices or persons from CSV");
  import->require_subcommand(1);

  auto offices_file = std::make_shared<std::string>();
  auto* offices =
      import->add_subcommand("offices", "import offices: columns code,name,region,timezone[,daily_capacity]");
  offices->add_option("FILE", *offices_file, "CSV file ('-' for standard input)")->required();
  offices->callback([&ctx, &exit_code, offices_file] {
    WithStore(ctx, exit_code, [&](Store& store, const Policy&) -> Status {
      MUSTER_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::Open(*offices_file));
      auto summary = ImportOffices(reader, store);
      if (!summary.ok()) return summary.status().WithContext(*offices_file);
      PrintSummary(ctx, *summary, "offices");
      if (summary->rejected > 0) {
        if (!ctx.json) fmt::print(stderr, "muster: nothing imported: fix the rejected rows and run again\n");
        exit_code = kExitBadInput;
      }
      return Status::Ok();
    });
  });

  struct PersonsArgs {
    std::string file;
    std::string report;
    size_t batch = 50000;
  };
  auto args = std::make_shared<PersonsArgs>();
  auto* persons = import->add_subcommand(
      "persons",
      "import persons: columns national_id,surname,given_name,patronymic,birth_date,sex,district,category,"
      "fitness,address,email,phone in any order; bad rows are rejected one by one, good rows load");
  persons->add_option("FILE", args->file, "CSV file ('-' for standard input)")->required();
  persons->add_option("--report", args->report, "write every rejected row (line,column,reason) to this CSV file");
  persons->add_option("--batch-size", args->batch, "rows per transaction")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  persons->callback([&ctx, &exit_code, args] {
    WithStore(ctx, exit_code, [&](Store& store, const Policy& policy) -> Status {
      MUSTER_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::Open(args->file));
      Progress progress("importing persons");
      ImportOptions options{.batch_size = args->batch,
                            .progress = [&](size_t done, size_t total) { progress.Update(done, total); }};
      auto summary = ImportPersons(reader, store, policy, ctx.clock, options);
      progress.Finish();
      if (!summary.ok()) return summary.status().WithContext(args->file);
      if (!args->report.empty()) MUSTER_RETURN_IF_ERROR(WriteRejectionReport(*summary, args->report));
      PrintSummary(ctx, *summary, "persons");
      return Status::Ok();
    });
  });
}

void PrintPerson(const Person& p, const std::vector<Deferment>& deferments) {
  fmt::print("{} {} {}\n", p.surname, p.given_name, p.patronymic);
  fmt::print("  national ID  {}\n  born         {}\n  sex          {}\n  district     {}\n", p.national_id,
             FormatCivilDate(p.birth_date), p.sex, p.district);
  fmt::print("  category     {}\n  fitness      {}\n  status       {}\n", p.category, p.fitness,
             PersonStatusName(p.status));
  fmt::print("  address      {}\n  e-mail       {}\n  phone        {}\n", p.address, p.email, p.phone);
  for (const auto& d : deferments) {
    fmt::print("  deferment    #{} {} until {}{} ({})\n", d.id.value, d.kind, FormatCivilDate(d.until),
               d.ended_at ? " (ended " + FormatTimestamp(*d.ended_at) + ")" : "", d.basis);
  }
}

void AddPersonCommands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* person = app.add_subcommand("person", "look up persons in the registry");
  person->require_subcommand(1);

  auto national_id = std::make_shared<std::string>();
  auto* show = person->add_subcommand("show", "show one person with deferments");
  show->add_option("NATIONAL_ID", *national_id, "the person's national ID")->required();
  show->callback([&ctx, &exit_code, national_id] {
    WithStore(ctx, exit_code, [&](Store& store, const Policy&) -> Status {
      Person p;
      std::vector<Deferment> deferments;
      MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) {
        MUSTER_ASSIGN_OR_RETURN(p, tx.persons().Get(*national_id));
        MUSTER_ASSIGN_OR_RETURN(deferments, tx.deferments().List(*national_id));
        return Status::Ok();
      }));
      if (ctx.json) {
        nlohmann::json j = ToJson(p);
        j["deferments"] = nlohmann::json::array();
        for (const auto& d : deferments) j["deferments"].push_back(ToJson(d));
        PrintJson(j);
      } else {
        PrintPerson(p, deferments);
      }
      return Status::Ok();
    });
  });

  auto filter = std::make_shared<PersonFilter>();
  auto district = std::make_shared<std::string>();
  auto* list = person->add_subcommand("list", "list persons ordered by national ID");
  list->add_option("--district", *district, "only this district (office code)");
  list->add_option("--limit", filter->limit, "at most this many")->check(CLI::Range(1, 100000))->capture_default_str();
  list->add_option("--after", filter->after_national_id, "start after this national ID (paging)");
  list->callback([&ctx, &exit_code, filter, district] {
    if (!district->empty()) filter->district = *district;
    WithStore(ctx, exit_code, [&](Store& store, const Policy&) -> Status {
      std::vector<Person> persons;
      MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) {
        MUSTER_ASSIGN_OR_RETURN(persons, tx.persons().List(*filter));
        return Status::Ok();
      }));
      if (ctx.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& p : persons) j.push_back(ToJson(p));
        PrintJson(j);
        return Status::Ok();
      }
      for (const auto& p : persons) {
        fmt::print("{}  {:<8} {:<10} {}  {} {} {}\n", p.national_id, p.district, p.category,
                   FormatCivilDate(p.birth_date), p.surname, p.given_name, p.patronymic);
      }
      return Status::Ok();
    });
  });
}

void AddBackupCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto out = std::make_shared<std::string>();
  auto* backup = app.add_subcommand(
      "backup", "write a consistent copy of the database to a new file while it stays in use (SQLite)");
  backup->add_option("--out", *out, "the new file")->required();
  backup->callback([&ctx, &exit_code, out] {
    WithStore(ctx, exit_code, [&](Store& store, const Policy&) -> Status {
      MUSTER_RETURN_IF_ERROR(store.Backup(*out));
      std::error_code ec;
      auto bytes = std::filesystem::file_size(*out, ec);
      if (ctx.json) {
        PrintJson({{"database", ctx.DisplayDb()}, {"backup", *out}, {"bytes", ec ? 0 : bytes}});
      } else {
        fmt::print("Backed up {} to {} ({} bytes). The ledger keys are not in it: keep copies of them apart.\n",
                   ctx.DisplayDb(), *out, ec ? 0 : bytes);
      }
      return Status::Ok();
    });
  });
}

void AddDemoDataCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto o = std::make_shared<DemoDataOptions>();
  auto out = std::make_shared<std::string>("demo");
  auto* demo = app.add_subcommand("demo-data", "write synthetic offices.csv and persons.csv (deterministic per seed)");
  demo->add_option("--persons", o->persons, "number of persons")->capture_default_str();
  demo->add_option("--offices", o->offices, "number of offices (1-999)")->capture_default_str();
  demo->add_option("--seed", o->seed, "random seed")->capture_default_str();
  demo->add_option("--out", *out, "output directory")->capture_default_str();
  demo->callback([&ctx, &exit_code, o, out] {
    auto policy = ctx.LoadPolicy();
    if (!policy.ok()) {
      exit_code = Fail(ctx, policy.status());
      return;
    }
    o->today = UtcDate(ctx.clock.Now());
    if (Status st = WriteDemoData(*o, *policy, *out); !st.ok()) {
      exit_code = Fail(ctx, st);
      return;
    }
    if (ctx.json) {
      PrintJson({{"offices", *out + "/offices.csv"},
                 {"persons", *out + "/persons.csv"},
                 {"office_count", o->offices},
                 {"person_count", o->persons}});
    } else {
      fmt::print("Wrote {0}/offices.csv ({1} offices) and {0}/persons.csv ({2} persons)\n", *out, o->offices,
                 o->persons);
    }
  });
}

}  // namespace

void AddRegistryCommands(CLI::App& app, Context& ctx, int& exit_code) {
  auto origin = std::make_shared<std::string>(ledger::kDefaultOrigin);
  auto* init = app.add_subcommand(
      "init", "create the database, or bring its schema up to date, and the ledger keys when missing");
  init->add_option("--origin", *origin, "the ledger's origin, also its key name (only when creating the key)")
      ->capture_default_str();
  init->callback([&ctx, &exit_code, origin] { exit_code = Init(ctx, *origin); });
  AddOfficeCommands(app, ctx, exit_code);
  AddImportCommands(app, ctx, exit_code);
  AddPersonCommands(app, ctx, exit_code);
  AddDemoDataCommand(app, ctx, exit_code);
  AddBackupCommand(app, ctx, exit_code);
}

}  // namespace muster::cli

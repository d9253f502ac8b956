// stoplist export, stoplist delta, stoplist check, stoplist sync, stoplist hash-key: the offline
// stop-list for border posts (summons/stoplist.hpp, summons/stoplist_service.hpp).
#include <curl/curl.h>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>

#include "app/app.hpp"
#include "cli/cli.hpp"
#include "summons/stoplist.hpp"
#include "summons/stoplist_service.hpp"

namespace muster::cli {
namespace {

struct StopListArgs {
  std::string out;
  int64_t since = 0;
  std::string file;
  std::string national_id;
  std::string hash_key;  // the posts' copy of the hash key; default the database's
  std::string pubkey;    // the verifier key file; default the ledger's
  std::string when_expired;
  std::string url;
  std::string api_key_file;
};

Result<std::string> ReadWhole(const std::string& path, bool missing_is_empty = false) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (missing_is_empty && !std::filesystem::exists(path)) return std::string();
    return Status::IoError(fmt::format("{}: cannot read", path));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IoError(fmt::format("{}: read failed", path));
  return std::move(text).str();
}

// Writes `bytes` to `path` whole or not at all: a temporary file beside it, fsynced, renamed.
Status WriteWhole(const std::string& path, std::string_view bytes) {
  const std::string temporary = path + ".partial";
  std::error_code ec;
  std::filesystem::remove(temporary, ec);
  MUSTER_RETURN_IF_ERROR(ledger::WriteFileExclusive(temporary, bytes, 0644, /*exclusive=*/true));
  std::filesystem::rename(temporary, path, ec);
  if (ec) return Status::IoError(fmt::format("{}: {}", path, ec.message()));
  return Status::Ok();
}

// The verifier key: --pubkey's file, or the ledger's own.
Result<ledger::VerifierKey> Verifier(const Context& ctx, const StopListArgs& a) {
  if (!a.pubkey.empty()) return ledger::ReadVerifierKeyFile(a.pubkey);
  MUSTER_ASSIGN_OR_RETURN(ledger::SignerKey signer, ledger::ReadSignerKeyFile(ctx.LedgerKeyPaths().signer_key));
  return signer.Verifier();
}

Result<WhenExpired> WhenExpiredOf(const Context& ctx, const std::string& option) {
  if (option.empty()) {
    MUSTER_ASSIGN_OR_RETURN(Policy policy, ctx.LoadPolicy());
    return policy.stoplist.when_expired;
  }
  if (option == "deny") return WhenExpired::kDeny;
  if (option == "allow") return WhenExpired::kAllow;
  if (option == "refuse") return WhenExpired::kRefuse;
  return Status::InvalidArgument("when-expired", "expected deny, allow or refuse");
}

// Runs `work` with the stop-list service over the database's exit bans.
template <typename Work>
void WithStopList(Context& ctx, int& exit_code, Work&& work) {
  WithStore(ctx, exit_code, [&](Store& store, const Policy& policy) -> Status {
    MUSTER_ASSIGN_OR_RETURN(
        auto app, app::App::Build(store, policy, ctx.clock, {.load_ledger = [&ctx] { return ctx.LoadLedger(); }}));
    MUSTER_ASSIGN_OR_RETURN(ledger::SignerKey signer, ledger::ReadSignerKeyFile(ctx.LedgerKeyPaths().signer_key));
    MUSTER_ASSIGN_OR_RETURN(StopListHashKey hash_key, StopListHashKey::ReadOrCreate(ctx.StopListKeyPath()));
    ExitCheckService& exit_checks = app->domain().exit_checks();
    MUSTER_RETURN_IF_ERROR(exit_checks.LoadExitBans());
    StopListService stoplist(exit_checks, policy, ctx.clock, signer, hash_key);
    return work(stoplist);
  });
}

void PrintHeader(const Context& ctx, const StopList& list, std::string_view what, size_t bytes) {
  const StopListHeader& h = list.header();
  if (ctx.json) {
    PrintJson({{"entries", list.size()},
               {"bytes", bytes},
               {"issued_at", FormatTimestamp(h.issued_at)},
               {"expires_at", FormatTimestamp(h.expires_at)},
               {"last_seq", h.last_seq}});
  } else {
    fmt::print("{}: {} entries, {} bytes, issued {}, valid until {}, through event {}\n", what, list.size(), bytes,
               FormatTimestamp(h.issued_at), FormatTimestamp(h.expires_at), h.last_seq);
  }
}

// GET `url` with the API key; the body, or an error naming the status and the problem's text.
struct Fetched {
  long status = 0;
  std::string body;
};
size_t Collect(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  constexpr size_t kMaxBytes = 512u << 20;  // 512 MB: far above any list of this world's bans
  if (out->size() + size * n > kMaxBytes) return 0;
  out->append(data, size * n);
  return size * n;
}
Result<Fetched> Get(const std::string& url, const std::string& api_key) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status::IoError("libcurl did not start");
  Fetched fetched;
  char error[CURL_ERROR_SIZE] = {};
  const std::string header = "Authorization: Bearer " + api_key;
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(curl_slist_append(nullptr, header.c_str()),
                                                             curl_slist_free_all);
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 300L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &fetched.body);
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    return Status::IoError(fmt::format("{}: {}", url, error[0] ? std::string(error) : curl_easy_strerror(rc)));
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &fetched.status);
  return fetched;
}

Status HttpError(const std::string& url, const Fetched& f) {
  std::string detail;
  auto problem = nlohmann::json::parse(f.body, nullptr, /*allow_exceptions=*/false);
  if (problem.is_object() && problem.contains("detail") && problem["detail"].is_string()) {
    detail = problem["detail"].get<std::string>();
  }
  return Status::IoError(fmt::format("{}: HTTP {}{}", url, f.status, detail.empty() ? "" : ": " + detail));
}

// One sync: a delta onto a copy that is current, or a whole snapshot when there is none, it
// has expired, or the server cannot give the delta.
Status Sync(Context& ctx, const StopListArgs& a) {
  MUSTER_ASSIGN_OR_RETURN(ledger::VerifierKey key, Verifier(ctx, a));
  MUSTER_ASSIGN_OR_RETURN(std::string api_key, ledger::ReadKeyText(a.api_key_file, /*private_file=*/true));
  std::string base = a.url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string deltas_path = a.file + ".deltas";
  MUSTER_ASSIGN_OR_RETURN(std::string snapshot, ReadWhole(a.file, /*missing_is_empty=*/true));
  MUSTER_ASSIGN_OR_RETURN(std::string deltas, ReadWhole(deltas_path, /*missing_is_empty=*/true));
  std::optional<StopList> current;
  std::string why_whole = "no copy yet";
  if (!snapshot.empty()) {
    auto loaded = StopList::Load(snapshot, deltas, key);
    if (!loaded.ok()) {
      why_whole = fmt::format("the copy does not verify ({})", loaded.status().message());
    } else if (loaded->header().expires_at <= ctx.clock.Now()) {
      why_whole = "the copy has expired";
    } else if (deltas.size() > snapshot.size()) {
      why_whole = "the deltas outgrew the snapshot";
    } else {
      current = std::move(*loaded);
    }
  }
  if (current) {
    const std::string url = fmt::format("{}/api/v1/stoplist/delta?since={}", base, current->header().last_seq);
    MUSTER_ASSIGN_OR_RETURN(Fetched f, Get(url, api_key));
    if (f.status == 200) {
      MUSTER_ASSIGN_OR_RETURN(StopListDelta delta, StopListDelta::Decode(f.body, key));
      MUSTER_ASSIGN_OR_RETURN(StopList next, current->Apply(delta));
      MUSTER_RETURN_IF_ERROR(WriteWhole(deltas_path, deltas + f.body));
      if (ctx.json) {
        PrintHeader(ctx, next, "synced", snapshot.size() + deltas.size() + f.body.size());
      } else {
        fmt::print("applied a delta of {} changes; ", delta.entries.size());
        PrintHeader(ctx, next, "stop-list", snapshot.size() + deltas.size() + f.body.size());
      }
      return Status::Ok();
    }
    if (f.status != 400 && f.status != 409) return HttpError(url, f);
    why_whole = fmt::format("the server gave no delta (HTTP {})", f.status);
  }
  const std::string url = base + "/api/v1/stoplist";
  MUSTER_ASSIGN_OR_RETURN(Fetched f, Get(url, api_key));
  if (f.status != 200) return HttpError(url, f);
  MUSTER_ASSIGN_OR_RETURN(StopList list, StopList::Decode(f.body, key));
  // The snapshot first, then the deltas it replaces: a crash between leaves deltas that no
  // longer follow it, which the next sync notices and replaces.
  MUSTER_RETURN_IF_ERROR(WriteWhole(a.file, f.body));
  std::error_code ec;
  std::filesystem::remove(deltas_path, ec);
  if (ec) return Status::IoError(fmt::format("{}: {}", deltas_path, ec.message()));
  if (!ctx.json) fmt::print("fetched the whole list ({}); ", why_whole);
  PrintHeader(ctx, list, "stop-list", f.body.size());
  return Status::Ok();
}

}  // namespace

void AddStopListCommands(CLI::App& app, Context& ctx, int& exit_code) {
  auto a = std::make_shared<StopListArgs>();
  auto* cmd = app.add_subcommand(
      "stoplist",
      "the offline stop-list for border posts: a signed file of keyed hashes of the exit-banned, checked without a "
      "database or a network");
  cmd->require_subcommand(1);

  auto* exp = cmd->add_subcommand("export", "write the signed stop-list of everyone barred now or within its validity");
  exp->add_option("--out", a->out, "the file to write")->required();
  exp->callback([&ctx, &exit_code, a] {
    WithStopList(ctx, exit_code, [&](StopListService& stoplist) -> Status {
      MUSTER_ASSIGN_OR_RETURN(std::string file, stoplist.Snapshot());
      MUSTER_RETURN_IF_ERROR(WriteWhole(a->out, file));
      MUSTER_ASSIGN_OR_RETURN(ledger::SignerKey signer, ledger::ReadSignerKeyFile(ctx.LedgerKeyPaths().signer_key));
      MUSTER_ASSIGN_OR_RETURN(StopList list, StopList::Decode(file, signer.Verifier()));
      PrintHeader(ctx, list, a->out, file.size());
      return Status::Ok();
    });
  });

  auto* delta = cmd->add_subcommand("delta", "write the signed changes since the stop-list that ends at event SEQ");
  delta->add_option("--since", a->since, "the last_seq of the list the delta applies to")->required();
  delta->add_option("--out", a->out, "the file to write")->required();
  delta->callback([&ctx, &exit_code, a] {
    WithStopList(ctx, exit_code, [&](StopListService& stoplist) -> Status {
      MUSTER_ASSIGN_OR_RETURN(std::string file, stoplist.Delta(a->since));
      MUSTER_RETURN_IF_ERROR(WriteWhole(a->out, file));
      if (!ctx.json) fmt::print("{}: {} bytes\n", a->out, file.size());
      return Status::Ok();
    });
  });

  auto* check = cmd->add_subcommand(
      "check", "may this person leave? answered from a stop-list file (and FILE.deltas), with no database or network");
  check->add_option("FILE", a->file, "the stop-list file")->required();
  check->add_option("NATIONAL_ID", a->national_id)->required();
  check->add_option("--hash-key", a->hash_key, "the stop-list's hash key file (default the database's)");
  check->add_option("--pubkey", a->pubkey, "the verifier key file (default the one of --ledger-key)");
  check->add_option("--when-expired", a->when_expired,
                    "deny, allow or refuse for an expired list (default the policy's [stoplist] when_expired)");
  check->callback([&ctx, &exit_code, a] {
    Status st = [&]() -> Status {
      MUSTER_ASSIGN_OR_RETURN(ledger::VerifierKey key, Verifier(ctx, *a));
      MUSTER_ASSIGN_OR_RETURN(StopListHashKey hash_key,
                              StopListHashKey::Read(a->hash_key.empty() ? ctx.StopListKeyPath() : a->hash_key));
      MUSTER_ASSIGN_OR_RETURN(WhenExpired when_expired, WhenExpiredOf(ctx, a->when_expired));
      MUSTER_ASSIGN_OR_RETURN(Policy policy, ctx.LoadPolicy());
      MUSTER_RETURN_IF_ERROR(policy.national_id.Validate(a->national_id).WithField("national_id"));
      MUSTER_ASSIGN_OR_RETURN(std::string snapshot, ReadWhole(a->file));
      MUSTER_ASSIGN_OR_RETURN(std::string deltas, ReadWhole(a->file + ".deltas", /*missing_is_empty=*/true));
      auto list = StopList::Load(snapshot, deltas, key);
      if (!list.ok()) {
        // A file that is not what the key signed is bad input here (exit 2), not a failing store.
        const Status& st = list.status();
        return (st.code() == StatusCode::kCorruption ? Status::InvalidArgument(std::string(st.message())) : st)
            .WithContext(a->file);
      }
      MUSTER_ASSIGN_OR_RETURN(bool allow, list->Allow(hash_key, a->national_id, ctx.clock.Now(), when_expired));
      const bool expired = ctx.clock.Now() >= list->header().expires_at;
      if (ctx.json) {
        PrintJson({{"decision", allow ? "allow" : "deny"},
                   {"expired", expired},
                   {"expires_at", FormatTimestamp(list->header().expires_at)}});
      } else {
        fmt::print("{}{}\n", allow ? "allow" : "deny", expired ? " (the stop-list has expired)" : "");
      }
      return Status::Ok();
    }();
    if (!st.ok()) exit_code = Fail(ctx, st);
  });

  auto* sync = cmd->add_subcommand(
      "sync", "bring a post's stop-list file up to date from a muster server: a delta, or the whole list when needed");
  sync->add_option("URL", a->url, "the server, e.g. https://muster.example.gov")->required();
  sync->add_option("--file", a->file, "the post's stop-list file (FILE.deltas beside it)")->required();
  sync->add_option("--api-key-file", a->api_key_file, "a file holding the border API key (mode 0600)")->required();
  sync->add_option("--pubkey", a->pubkey, "the verifier key file (default the one of --ledger-key)");
  sync->callback([&ctx, &exit_code, a] {
    Status st = Sync(ctx, *a);
    if (!st.ok()) exit_code = Fail(ctx, st);
  });

  cmd->add_subcommand("hash-key", "print the stop-list's hash key, for the border posts (keep it from anyone else)")
      ->callback([&ctx, &exit_code] {
        auto key = StopListHashKey::ReadOrCreate(ctx.StopListKeyPath());
        if (!key.ok()) {
          exit_code = Fail(ctx, key.status());
          return;
        }
        fmt::print("{}\n", key->Encode());
      });
}

}  // namespace muster::cli

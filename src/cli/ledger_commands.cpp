// ledger root|prove-inclusion|prove-consistency (over a file of leaves, no database),
// ledger pubkey|checkpoint|verify|entries and receipt (on the database), and verify-receipt
// (offline).
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/cli.hpp"
#include "ledger/checkpoint.hpp"
#include "ledger/log.hpp"
#include "ledger/merkle.hpp"
#include "ledger/receipt.hpp"
#include "summons/document.hpp"
#include "core/summons_number.hpp"

namespace muster::cli {
namespace {

using ledger::Hash;
using ledger::MemoryTree;

Result<std::string> ReadAll(const std::string& path) {
  if (path == "-") {
    std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    if (std::cin.bad()) return Status::IoError("standard input: read failed");
    return text;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(fmt::format("{}: cannot open", path));
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return Status::IoError(fmt::format("{}: read failed", path));
  return out.str();
}

// One hex-encoded leaf per line; an empty line is the empty leaf. The last line need not end
// in a newline; a carriage return before the newline is ignored.
Result<MemoryTree> ReadLeaves(const std::string& path) {
  MUSTER_ASSIGN_OR_RETURN(std::string text, ReadAll(path));
  MemoryTree tree;
  std::string_view rest = text;
  size_t line_number = 0;
  while (!rest.empty()) {
    ++line_number;
    size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    auto data = ledger::HexDecode(line);
    if (!data.ok()) return data.status().WithContext(fmt::format("{}: line {}", path, line_number));
    tree.AppendData(*data);
  }
  return tree;
}

// The leaves of `path` and the tree size that `size` names (all leaves when unset), which must
// not exceed what the file holds; `flag` names the option in messages.
Result<std::pair<MemoryTree, uint64_t>> LeavesUpTo(const std::string& path, std::optional<uint64_t> size,
                                                   std::string_view flag) {
  MUSTER_ASSIGN_OR_RETURN(MemoryTree tree, ReadLeaves(path));
  uint64_t n = size.value_or(tree.size());
  if (n > tree.size()) {
    return Status::InvalidArgument(fmt::format("{} {} is more than the {} leaves in {}", flag, n, tree.size(), path));
  }
  return std::pair<MemoryTree, uint64_t>(std::move(tree), n);
}

// Runs `work` and reports its failure as the exit code.
template <typename Work>
void Run(Context& ctx, int& exit_code, Work&& work) {
  Status st = work();
  if (!st.ok()) exit_code = Fail(ctx, st);
}

void PrintHashes(const Context& ctx, const std::vector<Hash>& hashes) {
  if (ctx.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const Hash& h : hashes) j.push_back(ledger::HexEncode(h));
    PrintJson(j);
    return;
  }
  for (const Hash& h : hashes) fmt::print("{}\n", ledger::HexEncode(h));
}

struct LeafArgs {
  std::string leaves;
  uint64_t index = 0;
  std::optional<uint64_t> size;
  uint64_t from = 0;
  std::optional<uint64_t> to;
};

void AddTreeCommands(CLI::App& ledger_cmd, Context& ctx, int& exit_code) {
  auto args = std::make_shared<LeafArgs>();

  auto* root = ledger_cmd.add_subcommand("root", "print the RFC 6962 root hash of a file of leaves");
  root->add_option("--leaves", args->leaves, "file with one hex-encoded leaf per line ('-' for standard input)")
      ->required();
  root->add_option("--size", args->size, "use only the first N leaves (default: all)");
  root->callback([&ctx, &exit_code, args] {
    Run(ctx, exit_code, [&]() -> Status {
      MUSTER_ASSIGN_OR_RETURN(auto leaves, LeavesUpTo(args->leaves, args->size, "--size"));
      MUSTER_ASSIGN_OR_RETURN(Hash hash, ledger::RootAt(leaves.first, leaves.second));
      if (ctx.json) {
        PrintJson({{"tree_size", leaves.second}, {"root", ledger::HexEncode(hash)}});
      } else {
        fmt::print("{}\n", ledger::HexEncode(hash));
      }
      return Status::Ok();
    });
  });

  auto* inclusion = ledger_cmd.add_subcommand(
      "prove-inclusion", "print the inclusion proof of leaf I in the tree of the first N leaves, one hash per line");
  inclusion->add_option("--leaves", args->leaves, "file with one hex-encoded leaf per line ('-' for standard input)")
      ->required();
  inclusion->add_option("--index", args->index, "0-based leaf index")->required();
  inclusion->add_option("--size", args->size, "tree size (default: all leaves)");
  inclusion->callback([&ctx, &exit_code, args] {
    Run(ctx, exit_code, [&]() -> Status {
      MUSTER_ASSIGN_OR_RETURN(auto leaves, LeavesUpTo(args->leaves, args->size, "--size"));
      MUSTER_ASSIGN_OR_RETURN(auto proof, ledger::InclusionProof(leaves.first, args->index, leaves.second));
      PrintHashes(ctx, proof);
      return Status::Ok();
    });
  });

  auto* consistency = ledger_cmd.add_subcommand("prove-consistency",
                                                "print the consistency proof from tree size M to N, one hash per line");
  consistency->add_option("--leaves", args->leaves, "file with one hex-encoded leaf per line ('-' for standard input)")
      ->required();
  consistency->add_option("--from", args->from, "the earlier tree size M (at least 1)")->required();
  consistency->add_option("--to", args->to, "the later tree size N (default: all leaves)");
  consistency->callback([&ctx, &exit_code, args] {
    Run(ctx, exit_code, [&]() -> Status {
      MUSTER_ASSIGN_OR_RETURN(auto leaves, LeavesUpTo(args->leaves, args->to, "--to"));
      MUSTER_ASSIGN_OR_RETURN(auto proof, ledger::ConsistencyProof(leaves.first, args->from, leaves.second));
      PrintHashes(ctx, proof);
      return Status::Ok();
    });
  });
}

struct VerifyArgs {
  std::string receipt;
  std::string pubkey;
};

void AddVerifyReceiptCommand(CLI::App& app, Context& ctx, int& exit_code) {
  auto args = std::make_shared<VerifyArgs>();
  auto* verify = app.add_subcommand(
      "verify-receipt",
      "check a delivery receipt offline: checkpoint signature, tree size, inclusion proof, summons hash");
  verify->add_option("FILE", args->receipt, "receipt JSON file ('-' for standard input)")->required();
  verify->add_option("--pubkey", args->pubkey, "trusted verifier key file (default: the key in the receipt)");
  verify->callback([&ctx, &exit_code, args] {
    std::optional<ledger::VerifierKey> trusted;
    if (!args->pubkey.empty()) {
      auto key = ledger::ReadVerifierKeyFile(args->pubkey);
      if (!key.ok()) {
        exit_code = Fail(ctx, key.status());
        return;
      }
      trusted = std::move(*key);
    }
    auto text = ReadAll(args->receipt);
    if (!text.ok()) {
      exit_code = Fail(ctx, text.status());
      return;
    }
    auto verified = ledger::VerifyReceiptText(*text, trusted);
    if (!verified.ok()) {
      Fail(ctx, verified.status().WithContext("receipt not verified"));
      exit_code = kExitBadInput;
      return;
    }
    const auto& v = *verified;
    std::string number = v.summons_number.empty() ? "(no number)" : v.summons_number;
    std::string time = v.time.empty() ? "(no time)" : v.time;
    if (ctx.json) {
      PrintJson({{"verified", true},
                 {"summons", v.summons_number},
                 {"event", v.event_type},
                 {"time", v.time},
                 {"leaf_index", v.leaf_index},
                 {"tree_size", v.tree_size},
                 {"origin", v.checkpoint.origin},
                 {"root", ledger::HexEncode(v.checkpoint.root)},
                 {"key", v.key_name}});
    } else {
      // A delivery's receipt, or one of a message's sending (notify/proof.hpp).
      const std::string what = v.event_type.empty() || v.event_type == "summons.delivered"
                                   ? std::string("delivered")
                                   : fmt::format("{}", v.event_type);
      fmt::print("receipt verified: summons {} {} at {}, leaf {} of {}\n", number, what, time, v.leaf_index,
                 v.tree_size);
    }
  });
}


void PrintCheckpoint(const Context& ctx, const StoredCheckpoint& c) {
  if (ctx.json) {
    PrintJson({{"id", c.id},
               {"tree_size", c.size},
               {"root", ledger::HexEncode(c.root)},
               {"created_at", FormatTimestamp(c.created_at)},
               {"checkpoint", c.note}});
  } else {
    fmt::print("{}", c.note);
  }
}

struct StoreArgs {
  std::string pubkey;
  uint64_t from = 0;
  std::optional<uint64_t> to;
  std::string number;
  int64_t notification = 0;
  int64_t lifted = 0;
};

void AddStoreCommands(CLI::App& app, CLI::App& ledger_cmd, Context& ctx, int& exit_code) {
  auto args = std::make_shared<StoreArgs>();

  ledger_cmd.add_subcommand("pubkey", "print the ledger's verifier key (publish it; receipts are checked with it)")
      ->callback([&ctx, &exit_code] {
        auto ledger = ctx.LoadLedger();
        if (!ledger.ok()) {
          exit_code = Fail(ctx, ledger.status());
          return;
        }
        if (ctx.json) {
          PrintJson({{"origin", ledger->origin()}, {"public_key", ledger->verifier().Encode()}});
        } else {
          fmt::print("{}\n", ledger->verifier().Encode());
        }
      });

  ledger_cmd.add_subcommand("checkpoint", "append pending events, then write and print a signed checkpoint")
      ->callback([&ctx, &exit_code] {
        auto ledger = ctx.LoadLedger();
        if (!ledger.ok()) {
          exit_code = Fail(ctx, ledger.status());
          return;
        }
        WithStore(ctx, exit_code, [&](Store& store, const Policy&) -> Status {
          StoredCheckpoint checkpoint;
          MUSTER_RETURN_IF_ERROR(store.Write([&](Tx& tx) {
            MUSTER_RETURN_IF_ERROR(ledger->AppendPending(tx).status());
            MUSTER_ASSIGN_OR_RETURN(checkpoint, ledger->WriteCheckpoint(tx));
            return Status::Ok();
          }));
          PrintCheckpoint(ctx, checkpoint);
          return Status::Ok();
        });
      });

  auto* verify = ledger_cmd.add_subcommand(
      "verify",
      "recompute the tree from the leaf hashes; check every tile, every checkpoint and (with the pseudonym "
      "key) every event against its leaf");
  verify->add_option("--pubkey", args->pubkey, "verifier key file (default: the one of --ledger-key)");
  verify->callback([&ctx, &exit_code, args] {
    ledger::VerifierKey key;
    if (!args->pubkey.empty()) {
      auto read = ledger::ReadVerifierKeyFile(args->pubkey);
      if (!read.ok()) {
        exit_code = Fail(ctx, read.status());
        return;
      }
      key = *read;
    } else {
      auto signer = ledger::ReadSignerKeyFile(ctx.LedgerKeyPaths().signer_key);
      if (!signer.ok()) {
        exit_code = Fail(ctx, signer.status().WithContext("ledger key (or pass --pubkey)"));
        return;
      }
      key = signer->Verifier();
    }
    // With the pseudonym key (the operator's, not an auditor's), the events are checked too.
    std::optional<ledger::PseudonymKey> pseudonyms;
    if (args->pubkey.empty()) {
      auto secret = ledger::ReadPseudonymKeyFile(ctx.LedgerKeyPaths().pseudonym_key);
      if (secret.ok()) pseudonyms = std::move(*secret);
    }
    WithStore(ctx, exit_code, [&](Store& store, const Policy&) -> Status {
      ledger::LedgerAudit audit;
      std::optional<ledger::EventAudit> events;
      MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) {
        auto result = ledger::VerifyLedger(tx, key);
        if (!result.ok()) return result.status().WithContext("ledger verification failed");
        audit = *result;
        if (pseudonyms) {
          auto checked = ledger::VerifyEvents(tx, *pseudonyms);
          if (!checked.ok()) return checked.status().WithContext("ledger verification failed");
          events = *checked;
        }
        return Status::Ok();
      }));
      if (ctx.json) {
        nlohmann::json j = {{"verified", true},
                            {"leaves", audit.leaves},
                            {"tiles", audit.tiles},
                            {"checkpoints", audit.checkpoints},
                            {"root", ledger::HexEncode(audit.root)}};
        if (events) j["events"] = {{"checked", events->events}, {"pending", events->pending}};
        PrintJson(j);
      } else {
        fmt::print("ledger verified: {} leaves, {} tiles, {} checkpoints; root {}\n", audit.leaves, audit.tiles,
                   audit.checkpoints, ledger::HexEncode(audit.root));
        if (events) {
          fmt::print("events verified: {} match their leaves, {} not yet in the ledger\n", events->events,
                     events->pending);
        } else {
          fmt::print("events not checked (needs the pseudonym key)\n");
        }
      }
      return Status::Ok();
    });
    if (exit_code == kExitFailure) exit_code = kExitBadInput;
  });

  auto* entries = ledger_cmd.add_subcommand("entries", "print the leaves with index in [A, B)");
  entries->add_option("--from", args->from, "first leaf index")->capture_default_str();
  entries->add_option("--to", args->to, "end leaf index, exclusive (default: the end of the log)");
  entries->callback([&ctx, &exit_code, args] {
    // The leaves are recomputed from the events, which needs the pseudonym key.
    auto ledger = ctx.LoadLedger();
    if (!ledger.ok()) {
      exit_code = Fail(ctx, ledger.status());
      return;
    }
    WithStore(ctx, exit_code, [&](Store& store, const Policy&) -> Status {
      std::vector<ledger::Leaf> leaves;
      MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) {
        MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
        uint64_t to = std::min(args->to.value_or(head.size), head.size);
        if (args->from > to) {
          return Status::InvalidArgument(fmt::format("--from {} is past --to {}", args->from, to));
        }
        MUSTER_ASSIGN_OR_RETURN(leaves, ledger->ReadLeaves(tx, args->from, to));
        return Status::Ok();
      }));
      if (ctx.json) {
        nlohmann::json j = nlohmann::json::array();
        for (const ledger::Leaf& l : leaves) {
          j.push_back({{"index", l.index},
                       {"hash", ledger::HexEncode(l.hash)},
                       {"leaf", l.data}});
        }
        PrintJson(j);
      } else {
        for (const ledger::Leaf& l : leaves) fmt::print("{}\t{}\n", l.index, l.data);
      }
      return Status::Ok();
    });
  });

  auto* receipt = app.add_subcommand(
      "receipt", "print the delivery receipt of a summons (JSON; check it with `muster verify-receipt`)");
  receipt->add_option("NUMBER", args->number, "summons number")->required();
  receipt->add_option("--notification", args->notification,
                      "the receipt of this message's sending (notify list) instead of the delivery's");
  receipt
      ->add_option("--lifted", args->lifted,
                   "the receipt of the lifting of this restriction (restriction list) instead of the delivery's")
      ->excludes("--notification");
  receipt->callback([&ctx, &exit_code, args] {
    auto number = SummonsNumber::Parse(args->number);
    if (!number.ok()) {
      exit_code = Fail(ctx, number.status());
      return;
    }
    auto ledger = ctx.LoadLedger();
    if (!ledger.ok()) {
      exit_code = Fail(ctx, ledger.status());
      return;
    }
    WithStore(ctx, exit_code, [&](Store& store, const Policy&) -> Status {
      ledger::Receipt r;
      MUSTER_RETURN_IF_ERROR(store.Write([&](Tx& tx) {
        MUSTER_ASSIGN_OR_RETURN(Summons s, tx.summonses().Get(*number));
        if (args->lifted != 0) {
          MUSTER_ASSIGN_OR_RETURN(r, ledger->LiftedReceipt(tx, s.number, args->lifted, SummonsDocument(s)));
        } else if (args->notification != 0) {
          MUSTER_ASSIGN_OR_RETURN(r, ledger->NotificationReceipt(tx, s.number, args->notification, SummonsDocument(s)));
        } else {
          MUSTER_ASSIGN_OR_RETURN(r, ledger->DeliveryReceipt(tx, s.number, SummonsDocument(s)));
        }
        return Status::Ok();
      }));
      PrintJson(r.ToJson());
      return Status::Ok();
    });
  });
}

}  // namespace

void AddLedgerCommands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* ledger_cmd = app.add_subcommand("ledger", "the tamper-evident ledger: keys, checkpoints, audit, proofs (RFC 9162)");
  ledger_cmd->require_subcommand(1);
  AddTreeCommands(*ledger_cmd, ctx, exit_code);
  AddStoreCommands(app, *ledger_cmd, ctx, exit_code);
  AddVerifyReceiptCommand(app, ctx, exit_code);
}

}  // namespace muster::cli

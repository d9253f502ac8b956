// ledger root|prove-inclusion|prove-consistency (over a file of leaves, no database) and
// verify-receipt (offline).
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/cli.hpp"
#include "ledger/checkpoint.hpp"
#include "ledger/merkle.hpp"
#include "ledger/receipt.hpp"

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
    auto tree = ReadLeaves(args->leaves);
    if (!tree.ok()) {
      exit_code = Fail(ctx, tree.status());
      return;
    }
    uint64_t size = args->size.value_or(tree->size());
    if (size > tree->size()) {
      exit_code = Fail(ctx, Status::InvalidArgument(fmt::format("--size {} is more than the {} leaves in {}", size,
                                                                tree->size(), args->leaves)));
      return;
    }
    auto hash = ledger::RootAt(*tree, size);
    if (!hash.ok()) {
      exit_code = Fail(ctx, hash.status());
      return;
    }
    if (ctx.json) {
      PrintJson({{"tree_size", size}, {"root", ledger::HexEncode(*hash)}});
    } else {
      fmt::print("{}\n", ledger::HexEncode(*hash));
    }
  });

  auto* inclusion = ledger_cmd.add_subcommand(
      "prove-inclusion", "print the inclusion proof of leaf I in the tree of the first N leaves, one hash per line");
  inclusion->add_option("--leaves", args->leaves, "file with one hex-encoded leaf per line ('-' for standard input)")
      ->required();
  inclusion->add_option("--index", args->index, "0-based leaf index")->required();
  inclusion->add_option("--size", args->size, "tree size (default: all leaves)");
  inclusion->callback([&ctx, &exit_code, args] {
    auto tree = ReadLeaves(args->leaves);
    if (!tree.ok()) {
      exit_code = Fail(ctx, tree.status());
      return;
    }
    uint64_t size = args->size.value_or(tree->size());
    if (size > tree->size()) {
      exit_code = Fail(ctx, Status::InvalidArgument(fmt::format("--size {} is more than the {} leaves in {}", size,
                                                                tree->size(), args->leaves)));
      return;
    }
    auto proof = ledger::InclusionProof(*tree, args->index, size);
    if (!proof.ok()) {
      exit_code = Fail(ctx, proof.status());
      return;
    }
    PrintHashes(ctx, *proof);
  });

  auto* consistency = ledger_cmd.add_subcommand("prove-consistency",
                                                "print the consistency proof from tree size M to N, one hash per line");
  consistency->add_option("--leaves", args->leaves, "file with one hex-encoded leaf per line ('-' for standard input)")
      ->required();
  consistency->add_option("--from", args->from, "the earlier tree size M (at least 1)")->required();
  consistency->add_option("--to", args->to, "the later tree size N (default: all leaves)");
  consistency->callback([&ctx, &exit_code, args] {
    auto tree = ReadLeaves(args->leaves);
    if (!tree.ok()) {
      exit_code = Fail(ctx, tree.status());
      return;
    }
    uint64_t to = args->to.value_or(tree->size());
    if (to > tree->size()) {
      exit_code = Fail(ctx, Status::InvalidArgument(fmt::format("--to {} is more than the {} leaves in {}", to,
                                                                tree->size(), args->leaves)));
      return;
    }
    auto proof = ledger::ConsistencyProof(*tree, args->from, to);
    if (!proof.ok()) {
      exit_code = Fail(ctx, proof.status());
      return;
    }
    PrintHashes(ctx, *proof);
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
      fmt::print("receipt verified: summons {} delivered at {}, leaf {} of {}\n", number, time, v.leaf_index,
                 v.tree_size);
    }
  });
}

}  // namespace

void AddLedgerCommands(CLI::App& app, Context& ctx, int& exit_code) {
  auto* ledger_cmd = app.add_subcommand("ledger", "the tamper-evident ledger: roots and proofs (RFC 9162)");
  ledger_cmd->require_subcommand(1);
  AddTreeCommands(*ledger_cmd, ctx, exit_code);
  AddVerifyReceiptCommand(app, ctx, exit_code);
}

}  // namespace muster::cli

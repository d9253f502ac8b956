// /api/v1/ledger/...: what an auditor reads of the tamper-evident ledger (ledger/log.hpp): the
// latest signed checkpoint, inclusion and consistency proofs (RFC 9162 §2.1) and the leaves.
// Hashes are 64 lower-case hex digits; leaves are given as the exact text that was hashed.
//
// GET ledger/checkpoint answers the C2SP signed note as text/plain, or, when the Accept header
// names application/json, {origin, tree_size, root, created_at, checkpoint, public_key}.
#include <fmt/format.h>

#include <algorithm>

#include "api/handlers.hpp"
#include "ledger/bytes.hpp"

namespace muster::api {
namespace {

// Leaves per answer of ledger/entries.
constexpr uint64_t kMaxEntries = 1000;

bool HaveLedger(Call& call) {
  if (call.services.ledger) return true;
  http::WriteProblem(call.response, 503, "the ledger is not configured on this server");
  return false;
}

nlohmann::json HexList(const std::vector<ledger::Hash>& hashes) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& h : hashes) j.push_back(ledger::HexEncode(h));
  return j;
}

// True when the Accept header asks for JSON (any application/json entry).
bool WantsJson(const http::Request& request) {
  std::string_view accept = request.Header("accept");
  while (!accept.empty()) {
    size_t comma = accept.find(',');
    std::string_view item = accept.substr(0, comma);
    accept = comma == std::string_view::npos ? std::string_view{} : accept.substr(comma + 1);
    item = item.substr(0, item.find(';'));
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (http::EqualsIgnoreCase(item, "application/json")) return true;
  }
  return false;
}

}  // namespace

void LedgerCheckpoint(Call& call) {
  if (!HaveLedger(call)) return;
  std::optional<StoredCheckpoint> latest;
  Status st = call.services.store.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(latest, tx.ledger().LatestCheckpoint());
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
  if (!latest) return Fail(call, Status::NotFound("the ledger has no checkpoint yet"));
  call.response.SetHeader("Vary", "Accept");
  call.response.SetHeader("Cache-Control", "no-cache");
  if (!WantsJson(call.request)) {
    call.response.status = 200;
    call.response.content_type.assign("text/plain; charset=utf-8");
    call.response.body = latest->note;
    return;
  }
  Reply(call, 200,
        {{"origin", call.services.ledger->origin()},
         {"tree_size", latest->size},
         {"root", ledger::HexEncode(latest->root)},
         {"created_at", FormatTimestamp(latest->created_at)},
         {"checkpoint", latest->note},
         {"public_key", call.services.ledger->verifier().Encode()}});
}

void LedgerInclusionProof(Call& call) {
  uint64_t index = 0, size = 0;
  if (!UintQuery(call, "index", index, true) || !UintQuery(call, "size", size, true)) return;
  if (index >= size) return http::WriteProblem(call.response, 400, "index: must be below size", "index");
  nlohmann::json answer;
  Status st = call.services.store.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
    if (size > head.size) {
      return Status::InvalidArgument("size", fmt::format("the ledger holds {} leaves", head.size));
    }
    ledger::TxHashReader reader(tx);
    MUSTER_ASSIGN_OR_RETURN(ledger::Hash leaf, reader.ReadSubtree({0, index}));
    MUSTER_ASSIGN_OR_RETURN(ledger::Hash root, ledger::RootAt(reader, size));
    MUSTER_ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof, ledger::InclusionProof(reader, index, size));
    answer = {{"index", index},
              {"tree_size", size},
              {"leaf_hash", ledger::HexEncode(leaf)},
              {"root", ledger::HexEncode(root)},
              {"proof", HexList(proof)}};
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
  Reply(call, 200, answer);
}

void LedgerConsistencyProof(Call& call) {
  uint64_t from = 0, to = 0;
  if (!UintQuery(call, "from", from, true) || !UintQuery(call, "to", to, true)) return;
  if (from == 0) return http::WriteProblem(call.response, 400, "from: must be at least 1", "from");
  if (from > to) return http::WriteProblem(call.response, 400, "from: must not be above to", "from");
  nlohmann::json answer;
  Status st = call.services.store.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
    if (to > head.size) return Status::InvalidArgument("to", fmt::format("the ledger holds {} leaves", head.size));
    ledger::TxHashReader reader(tx);
    MUSTER_ASSIGN_OR_RETURN(ledger::Hash root1, ledger::RootAt(reader, from));
    MUSTER_ASSIGN_OR_RETURN(ledger::Hash root2, ledger::RootAt(reader, to));
    MUSTER_ASSIGN_OR_RETURN(std::vector<ledger::Hash> proof, ledger::ConsistencyProof(reader, from, to));
    answer = {{"from", from},
              {"to", to},
              {"root_from", ledger::HexEncode(root1)},
              {"root_to", ledger::HexEncode(root2)},
              {"proof", HexList(proof)}};
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
  Reply(call, 200, answer);
}

void LedgerEntries(Call& call) {
  uint64_t from = 0, to = 0;
  bool to_given = false;
  if (!UintQuery(call, "from", from, false) || !UintQuery(call, "to", to, false, &to_given)) return;
  if (to_given && from > to) return http::WriteProblem(call.response, 400, "from: must not be above to", "from");
  nlohmann::json answer;
  Status st = call.services.store.Read([&](Tx& tx) -> Status {
    MUSTER_ASSIGN_OR_RETURN(LedgerHead head, tx.ledger().Head());
    uint64_t want = std::min(to_given ? to : head.size, head.size);
    uint64_t begin = std::min(from, want);
    uint64_t end = std::min(want, begin + kMaxEntries);
    MUSTER_ASSIGN_OR_RETURN(std::vector<ledger::Leaf> leaves, call.services.ledger->ReadLeaves(tx, begin, end));
    nlohmann::json items = nlohmann::json::array();
    for (const ledger::Leaf& l : leaves) {
      items.push_back({{"index", l.index}, {"hash", ledger::HexEncode(l.hash)}, {"leaf", l.data}});
    }
    answer = {{"tree_size", head.size},
              {"from", begin},
              {"to", end},
              {"items", std::move(items)},
              {"next_from", end < want ? nlohmann::json(end) : nlohmann::json(nullptr)}};
    return Status::Ok();
  });
  if (!st.ok()) return Fail(call, st);
  Reply(call, 200, answer);
}

}  // namespace muster::api

// GET /api/v1/stoplist and GET /api/v1/stoplist/delta?since=SEQ: the offline stop-list for
// border posts (summons/stoplist.hpp has the format), signed by the ledger's key. Binary
// answers, application/octet-stream; the hashes mean nothing without the posts' hash key.
#include "api/handlers.hpp"

namespace muster::api {
namespace {

bool HaveStopList(Call& call) {
  if (call.services.stoplist != nullptr) return true;
  Fail(call, Status::IoError("the stop-list is not served here (no ledger key)"));
  return false;
}

void Send(Call& call, Result<std::string> file) {
  if (!file.ok()) return Fail(call, file.status());
  call.response.status = 200;
  call.response.content_type.assign("application/octet-stream");
  call.response.SetHeader("Cache-Control", "no-store");
  call.response.body = std::move(*file);
}

}  // namespace

void StopListSnapshot(Call& call) {
  if (!HaveStopList(call)) return;
  Send(call, call.services.stoplist->Snapshot());
}

void StopListDelta(Call& call) {
  if (!HaveStopList(call)) return;
  uint64_t since = 0;
  if (!UintQuery(call, "since", since, /*required=*/true)) return;
  if (since > static_cast<uint64_t>(INT64_MAX)) return Fail(call, Status::InvalidArgument("since", "too large"));
  Send(call, call.services.stoplist->Delta(static_cast<int64_t>(since)));
}

}  // namespace muster::api

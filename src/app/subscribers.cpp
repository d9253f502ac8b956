#include "app/subscribers.hpp"

#include <fmt/format.h>

namespace muster::app {

Status LedgerCheckpoints::Round() {
  return store_.Write([this](Tx& tx) { return ledger_.Tick(tx).status(); });
}

Status LedgerCheckpoints::Final() {
  return store_.Write([this](Tx& tx) { return ledger_.Tick(tx, std::chrono::seconds(0)).status(); });
}

Status Sweeper::Round() {
  MUSTER_ASSIGN_OR_RETURN(SweepSummary done, sweep_.Sweep(clock_.Now()));
  if ((done.no_show > 0 || done.delivered > 0) && said_) said_(done);
  return Status::Ok();
}

Status ExitCheckRecorder::Round() {
  Status st = checks_.FlushExitChecks();
  ExitCheckBacklog::Counts counts = checks_.exit_check_records();
  if (counts.dropped > dropped_seen_) {
    if (dropped_) dropped_(counts.dropped - dropped_seen_, counts.dropped);
    dropped_seen_ = counts.dropped;
  }
  if (!st.ok()) return st.WithContext(fmt::format("{} waiting", counts.pending));
  return Status::Ok();
}

Status ExitCheckRecorder::Final() {
  Status st = checks_.FlushExitChecks();
  if (st.ok()) return st;
  return st.WithContext(fmt::format("{} not written", checks_.exit_check_records().pending));
}

}  // namespace muster::app

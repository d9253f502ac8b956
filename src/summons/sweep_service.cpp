#include "summons/sweep_service.hpp"

#include <algorithm>
#include <future>
#include <span>
#include <vector>

#include "summons/deadline.hpp"

namespace muster {

using Writes = SummonsLifecycle::ExitBanWrites;

Result<SweepSummary> SweepService::Sweep(Timestamp now, std::string_view actor,
                                         const std::function<void(size_t, size_t)>& progress, size_t batch) {
  const Policy& policy = life_.policy();
  Store& store = life_.store();
  SweepSummary summary;
  // 1. after_days delivery that fell due.
  if (policy.delivery_mode == DeliveryMode::kAfterDays) {
    Timestamp issued_before = now - std::chrono::days(policy.delivery_days);
    while (true) {
      size_t done = 0;
      MUSTER_RETURN_IF_ERROR(life_.Write(
          [&](Tx& tx, Writes& changes) {
            MUSTER_ASSIGN_OR_RETURN(auto due, tx.summonses().ListUndelivered(issued_before, batch));
            for (Summons& s : due) {
              MUSTER_RETURN_IF_ERROR(
                  life_.Deliver(tx, s, s.issued_at + std::chrono::days(policy.delivery_days), actor, changes));
            }
            done = due.size();
            return Status::Ok();
          },
          SummonsLifecycle::WriteKind::kBulk));
      summary.delivered += done;
      if (done < batch) break;
    }
  }
  // 2. no-shows: past appear_at + grace, not appeared, no appeal pending or granted. Taken in id
  // order, a batch per transaction: neighbouring ids share pages (of the summonses, their
  // restrictions and their events), so a large sweep writes each page about once instead of once
  // per batch. The rows of the next batch are read on another thread, outside the write lock,
  // while this one writes; a write closes only those of its batch still overdue then
  // (SummonsPort::CloseOverdue), and what the events and restrictions take from the rows read (number,
  // person, deadline) never changes.
  Timestamp appear_before = OverdueIfAppearBefore(now, policy);
  auto read_batch = [&store, appear_before](std::span<const int64_t> chunk) -> Result<std::vector<Summons>> {
    std::vector<Summons> rows;
    MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) {
      MUSTER_ASSIGN_OR_RETURN(rows, tx.summonses().ListOverdue(appear_before, chunk));
      return Status::Ok();
    }));
    return rows;
  };
  std::vector<int64_t> ids;
  MUSTER_RETURN_IF_ERROR(store.Read([&](Tx& tx) {
    MUSTER_ASSIGN_OR_RETURN(ids, tx.summonses().ListOverdueIds(appear_before));
    return Status::Ok();
  }));
  auto chunk_at = [&](size_t start) {
    return std::span<const int64_t>(ids.data() + start, std::min(batch, ids.size() - start));
  };
  std::future<Result<std::vector<Summons>>> next;
  if (!ids.empty()) next = std::async(std::launch::async, read_batch, chunk_at(0));
  for (size_t start = 0; start < ids.size(); start += batch) {
    MUSTER_ASSIGN_OR_RETURN(std::vector<Summons> rows, next.get());
    if (start + batch < ids.size()) next = std::async(std::launch::async, read_batch, chunk_at(start + batch));
    std::vector<int64_t> row_ids;
    row_ids.reserve(rows.size());
    for (const Summons& s : rows) row_ids.push_back(s.id);
    size_t done = 0, imposed = 0;
    MUSTER_RETURN_IF_ERROR(life_.Write(
        [&](Tx& tx, Writes& changes) {
          done = imposed = 0;
          MUSTER_ASSIGN_OR_RETURN(std::vector<int64_t> closed,
                                  tx.summonses().CloseOverdue(appear_before, row_ids, now));
          auto still = closed.begin();  // both in id order
          for (const Summons& s : rows) {
            if (still == closed.end() || *still != s.id) continue;
            ++still;
            MUSTER_ASSIGN_OR_RETURN(size_t n, life_.MarkNoShow(tx, s, now, actor, changes));
            imposed += n;
          }
          done = closed.size();
          return Status::Ok();
        },
        SummonsLifecycle::WriteKind::kBulk));
    summary.no_show += done;
    summary.restrictions_imposed += imposed;
    // Of those listed; a summons appealed or closed since it was listed is not counted. Reported
    // once this batch is written and the next one read (the next write waits for that anyway),
    // so that whatever happens in the callback happens between the read and the write.
    if (next.valid()) next.wait();
    if (progress) progress(start + chunk_at(start).size(), ids.size());
  }
  return summary;
}

}  // namespace muster

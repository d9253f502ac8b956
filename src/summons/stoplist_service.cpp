#include "summons/stoplist_service.hpp"

#include <fmt/format.h>

#include <vector>

namespace muster {
namespace {

int64_t Seconds(Timestamp t) { return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count(); }

// A ban's time as the file keeps it (Unix seconds, 32 bits unsigned; before 1970 counts as 0).
uint32_t EntryTime(Timestamp t) {
  const int64_t s = Seconds(t);
  return s <= 0 ? 0 : s >= kStopListRemoved ? kStopListRemoved - 1 : static_cast<uint32_t>(s);
}

}  // namespace

StopListService::StopListService(ExitCheckService& exit_checks, const Policy& policy, const Clock& clock,
                                 const ledger::SignerKey& signer, const StopListHashKey& hash_key)
    : exit_checks_(exit_checks), policy_(policy), clock_(clock), signer_(signer), hash_key_(hash_key) {}

Timestamp StopListService::ExpiryOf(Timestamp issued) const {
  return issued + std::chrono::hours(policy_.stoplist.valid_hours);
}

Result<std::string> StopListService::Snapshot() {
  MUSTER_RETURN_IF_ERROR(exit_checks_.FollowExitBans(/*from_replica=*/false));
  const Timestamp issued = clock_.Now();
  const Timestamp expires = ExpiryOf(issued);
  std::vector<StopListEntry> entries;
  const int64_t seq = exit_checks_.ForEachExitBan([&](std::string_view national_id, Timestamp earliest) {
    if (earliest <= expires) entries.push_back({hash_key_.Hash(national_id), EntryTime(earliest)});
  });
  return EncodeStopList({issued, expires, seq}, std::move(entries), signer_);
}

Result<std::string> StopListService::Delta(int64_t since) {
  MUSTER_RETURN_IF_ERROR(exit_checks_.FollowExitBans(/*from_replica=*/false));
  const int64_t through = exit_checks_.exit_bans_seq();
  if (since < 0 || since > through) {
    return Status::InvalidArgument(
        "since", fmt::format("{} is not the last event of a stop-list (the latest is {})", since, through));
  }
  MUSTER_ASSIGN_OR_RETURN(std::vector<std::string> changed,
                          exit_checks_.ExitBansChanged(since, through, kMaxDeltaPersons));
  const Timestamp issued = clock_.Now();
  const Timestamp expires = ExpiryOf(issued);
  // Everyone whose ban starts within the new window (a list not yet expired holds those of the
  // window before), then every person changed: as the index has them now, or removed. For one
  // hash the last entry counts.
  std::vector<StopListEntry> entries;
  exit_checks_.ForEachExitBan([&](std::string_view national_id, Timestamp earliest) {
    if (earliest > issued && earliest <= expires) entries.push_back({hash_key_.Hash(national_id), EntryTime(earliest)});
  });
  for (const std::string& national_id : changed) {
    std::optional<Timestamp> earliest = exit_checks_.exit_bans().Earliest(national_id);
    entries.push_back(
        {hash_key_.Hash(national_id), earliest && *earliest <= expires ? EntryTime(*earliest) : kStopListRemoved});
  }
  return EncodeStopListDelta({issued, expires, since, through}, std::move(entries), signer_);
}

}  // namespace muster

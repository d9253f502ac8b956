// The offline stop-list's server side: signed snapshots and deltas of the exit bans, for border
// posts that must go on checking when their link is down (summons/stoplist.hpp has the format).
//
// A snapshot holds everyone the exit-ban index bars now or within the policy's
// [stoplist] valid_hours, as keyed hashes of their national IDs and the time each is barred
// from: a post learns nothing an exit check over the window would not tell it. A delta since
// a list's last event holds, for every person whose exit bans changed since, the time they are
// barred from now (or that they are not barred within the window), and everyone whose ban starts
// within the new window, so that the list it extends bars whom a snapshot of the same moment would.
#pragma once

#include <cstdint>
#include <string>

#include "core/policy.hpp"
#include "core/status.hpp"
#include "core/time.hpp"
#include "ledger/checkpoint.hpp"
#include "summons/exit_check_service.hpp"
#include "summons/stoplist.hpp"

namespace muster {

class StopListService {
 public:
  // `signer`: the key posts check the files with (the ledger's); `hash_key`: the key national IDs
  // are hashed under, which the posts hold. Both must outlive the service.
  StopListService(ExitCheckService& exit_checks, const Policy& policy, const Clock& clock,
                  const ledger::SignerKey& signer, const StopListHashKey& hash_key);

  // The signed snapshot, valid for the policy's valid_hours. The index must be loaded; it is
  // brought up to date from the primary first.
  Result<std::string> Snapshot();
  // The signed delta since the list that ends at event `since`. InvalidArgument naming "since"
  // for a negative one or one after the last event; FailedPrecondition naming "since" when too
  // much changed since (fetch a snapshot).
  Result<std::string> Delta(int64_t since);

  // At most this many persons' changes in one delta.
  static constexpr size_t kMaxDeltaPersons = 200000;

 private:
  Timestamp ExpiryOf(Timestamp issued) const;

  ExitCheckService& exit_checks_;
  const Policy& policy_;
  const Clock& clock_;
  const ledger::SignerKey& signer_;
  const StopListHashKey& hash_key_;
};

}  // namespace muster

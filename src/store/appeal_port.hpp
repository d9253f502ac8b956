// Appeals against summonses (migration 0002_summons.sql), as summons/service.hpp keeps them.
// Reached from a transaction as tx.appeals(); used by the thread that owns the transaction.
// Every method fails with IoError when the database does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.hpp"
#include "core/summons.hpp"

namespace muster {

struct AppealFilter {
  std::optional<AppealState> state;                 // all states when nullopt
  std::optional<int64_t> summons_id;                // of one summons
  std::optional<std::vector<std::string>> offices;  // on summonses of these offices
  int64_t after_id = 0;                             // cursor: only ids greater than this
  size_t limit = 0;                                 // 0: no limit
};

class AppealPort {
 public:
  virtual ~AppealPort() = default;

  // Stores the summons, reason, text, state, filer and filing time of `appeal`; returns the new
  // id.
  virtual Result<AppealId> Insert(const Appeal& appeal) = 0;
  // Writes the state and the decision (by, at, reason) of the appeal with its id.
  virtual Status Update(const Appeal& appeal) = 0;
  // With its summons' number; NotFound when there is no such appeal.
  virtual Result<Appeal> Get(AppealId id) = 0;
  // The appeals matching `filter`, lowest id first, at most filter.limit (all when 0).
  virtual Result<std::vector<Appeal>> List(const AppealFilter& filter) = 0;
};

}  // namespace muster

// What an upsert did, shared by the ports that have one (offices, persons).
#pragma once

namespace muster {

enum class UpsertOutcome { kInserted, kUpdated, kUnchanged };

}  // namespace muster

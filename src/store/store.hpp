// The storage interface every service uses. Implementations: store/sqlite (embedded default)
// and, later, store/postgres. Services never see SQL.
//
// All access happens inside a transaction: Store::Write runs a function with a Tx and commits
// when it returns Ok, rolls back otherwise, so a failed operation leaves nothing half-written.
// Store::Read runs a function on a consistent snapshot. A Tx must not escape its function.
// Store is thread-safe; a Tx is used by one thread.
#pragma once

#include <fmt/format.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/account.hpp"
#include "core/correction.hpp"
#include "core/person.hpp"
#include "core/status.hpp"
#include "core/summons.hpp"
#include "store/appeal_port.hpp"
#include "store/auth_port.hpp"
#include "store/override_port.hpp"
#include "store/restriction_port.hpp"
#include "store/summons_port.hpp"

namespace muster {

enum class UpsertOutcome { kInserted, kUpdated, kUnchanged };

struct PersonFilter {
  std::optional<std::string> district;
  std::string after_national_id;  // cursor: only IDs greater than this
  size_t limit = 100;
};

// Persons whose name contains every word of `text` (in surname, given name or patronymic),
// in `districts` only, by surname, given name and national ID. Letters match regardless of
// case (in SQLite only the ASCII ones: its LIKE folds no other case); at most four words count.
struct PersonSearch {
  std::string text;
  std::vector<std::string> districts;
  size_t limit = 50;
};

// The four LIKE patterns a store matches a PersonSearch with (escape character: backslash):
// "%word%" for each of its first four words, "%" for the rest (store/person_search.cpp).
std::array<std::string, 4> PersonSearchPatterns(std::string_view text);

// The part of a person that campaign planning reads.
struct Candidate {
  int64_t person_id = 0;
  std::string national_id;
  CivilDate birth_date;
  std::string district;
  std::string category;
  std::string fitness;
  PersonStatus status = PersonStatus::kActive;
};

// The ledger's rows (ledger/log.hpp). The Merkle tree is stored as tiles, as in C2SP
// tlog-tiles: tile `index` at `level` L holds the hashes of the complete subtrees of height 8L
// numbered [256 * index, 256 * index + count), so level 0 holds the leaf hashes. Only the last
// tile of a level is partial; it is rewritten as it fills. The leaves themselves are not stored
// twice: leaf i is the encoding of the i-th event (ledger/leaf.hpp), and a level-0 tile names
// the events its first and last leaves record.
inline constexpr uint64_t kLedgerTileWidth = 256;
inline constexpr size_t kLedgerHashSize = 32;             // ledger::kHashSize: SHA-256
using LedgerHash = std::array<uint8_t, kLedgerHashSize>;  // ledger::Hash
struct LedgerTileId {
  uint64_t level = 0;
  uint64_t index = 0;
  friend bool operator==(const LedgerTileId&, const LedgerTileId&) = default;
};
struct LedgerTile {
  LedgerTileId id;
  std::string hashes;     // count() hashes of kLedgerHashSize bytes, in order
  int64_t first_seq = 0;  // level 0: the event recorded by the tile's first leaf
  int64_t last_seq = 0;   // level 0: by its last leaf
  uint64_t count() const { return hashes.size() / kLedgerHashSize; }
};

struct LedgerHead {
  uint64_t size = 0;     // leaves in the log
  int64_t last_seq = 0;  // seq of the last event recorded; 0 when empty
  // The first event whose leaf is in format 2 (ledger/leaf.hpp; the table ledger_leaf_formats
  // of migration 0016: the first event after those in the ledger then); 0 when the database
  // names none, and every leaf is in format 1.
  int64_t leaf_format_2_from = 0;
};

struct StoredCheckpoint {
  int64_t id = 0;
  uint64_t size = 0;
  LedgerHash root{};
  std::string note;  // the signed note
  Timestamp created_at;
};

// Reports (summons/report.hpp gives these counts their meaning). Summonses are counted per
// office (the district that issued them) and state; a campaign or every summons.
struct SummonsTally {
  std::string office;
  SummonsState state = SummonsState::kIssued;
  int64_t count = 0;      // summonses in `state`
  int64_t delivered = 0;  // of them, with delivered_at set
  int64_t viewed = 0;     // of them, with viewed_at set
};

// The moments a summons records, for counting per day.
enum class SummonsMoment { kIssued, kDelivered, kViewed, kAppeared, kClosed };

// Summonses whose `moment` fell on `day` (days since 1970-01-01, UTC), per office and the
// summons' current state.
struct DayTally {
  std::string office;
  SummonsMoment moment = SummonsMoment::kIssued;
  SummonsState state = SummonsState::kIssued;
  int64_t day = 0;
  int64_t count = 0;
};

struct TallyFilter {
  std::optional<int64_t> campaign;  // nullopt: every summons
  std::optional<Timestamp> from;    // DayTally: moments at or after
  std::optional<Timestamp> to;      // DayTally: moments before
};

// Correction requests (registry/correction.hpp) in `state` (all when nullopt), of one person
// when `national_id` is set, of persons registered in `districts` when it is not empty; oldest
// first.
struct CorrectionFilter {
  std::optional<CorrectionState> state;
  std::optional<std::string> national_id;
  std::vector<std::string> districts;  // of the person; all when empty
  size_t limit = 500;
  int64_t after_id = 0;  // cursor: only ids greater than this
};

class Tx {
 public:
  virtual ~Tx() = default;

  // Offices.
  virtual Status InsertOffice(const Office& office) = 0;  // AlreadyExists when the code is taken
  virtual Result<UpsertOutcome> UpsertOffice(const Office& office) = 0;
  virtual Result<std::vector<Office>> ListOffices() = 0;
  virtual Result<Office> GetOffice(std::string_view code) = 0;  // NotFound

  // Persons, keyed by national ID.
  virtual Result<UpsertOutcome> UpsertPerson(const Person& person) = 0;
  // UpsertPerson for each of `persons` (their national IDs distinct), outcomes in the same order.
  // This default runs them one by one; a backend where each statement is a round trip sends the
  // batch at once.
  virtual Result<std::vector<UpsertOutcome>> UpsertPersons(std::span<const Person> persons) {
    std::vector<UpsertOutcome> outcomes;
    outcomes.reserve(persons.size());
    for (const Person& person : persons) {
      MUSTER_ASSIGN_OR_RETURN(UpsertOutcome outcome, UpsertPerson(person));
      outcomes.push_back(outcome);
    }
    return outcomes;
  }
  virtual Result<Person> GetPerson(std::string_view national_id) = 0;               // NotFound
  virtual Result<std::vector<Person>> ListPersons(const PersonFilter& filter) = 0;  // by national ID
  virtual Result<int64_t> CountPersons() = 0;
  virtual Result<std::vector<Person>> SearchPersons(const PersonSearch& search) = 0;

  // Deferments.
  virtual Result<DefermentId> InsertDeferment(const Deferment& deferment) = 0;
  virtual Result<Deferment> GetDeferment(DefermentId id) = 0;  // NotFound
  virtual Result<std::vector<Deferment>> ListDeferments(std::string_view national_id) = 0;
  virtual Status EndDeferment(DefermentId id, Timestamp ended_at) = 0;
  // Deferments not ended early (expired ones included), for planning.
  virtual Result<std::vector<Deferment>> ListOpenDeferments() = 0;

  // Campaigns.
  virtual Result<int64_t> InsertCampaign(const Campaign& campaign) = 0;
  virtual Result<Campaign> GetCampaign(int64_t id) = 0;  // NotFound
  virtual Result<std::vector<Campaign>> ListCampaigns() = 0;
  // Persons in `districts`, in registry order.
  virtual Status ScanCandidates(const std::vector<std::string>& districts,
                                const std::function<void(const Candidate&)>& fn) = 0;
  virtual Result<std::vector<int64_t>> CampaignPersonIds(int64_t campaign_id) = 0;
  // Every summons not cancelled with appear_at in [from, to), as (office, appear_at).
  virtual Status ForEachAppointment(Timestamp from, Timestamp to,
                                    const std::function<void(std::string_view office, Timestamp at)>& fn) = 0;
  // Counts of summonses per state, for one campaign or (nullopt) all.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> CountSummonsByState(std::optional<int64_t> campaign) = 0;

  // Summonses, appeals, eligibility overrides, restrictions and exit checks
  // (summons/service.hpp).
  virtual SummonsPort& summonses() = 0;
  virtual AppealPort& appeals() = 0;
  virtual OverridePort& overrides() = 0;
  virtual RestrictionPort& restrictions() = 0;

  // Reports: SQL aggregates over summonses and restrictions.
  virtual Result<std::vector<SummonsTally>> TallySummons(const TallyFilter& filter) = 0;
  virtual Result<std::vector<DayTally>> TallySummonsByDay(const TallyFilter& filter) = 0;
  // Restrictions in force at `at` (not lifted, effective by then: Restriction::ActiveAt) on
  // summonses of the filter's campaign, counted per office of the summons.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> CountRestrictionsInForce(const TallyFilter& filter,
                                                                                        Timestamp at) = 0;

  // Requests to correct a person's registry data.
  virtual Result<int64_t> InsertCorrection(const CorrectionRequest& request) = 0;
  virtual Status UpdateCorrection(const CorrectionRequest& request) = 0;  // the decision, previous_value
  virtual Result<CorrectionRequest> GetCorrection(int64_t id) = 0;        // NotFound
  virtual Result<std::vector<CorrectionRequest>> ListCorrections(const CorrectionFilter& filter) = 0;

  // Domain events, in order. Writers are serialised, so a smaller seq never commits later: a
  // reader that has read every event up to seq N and reads those after N in a later snapshot
  // misses none.
  virtual Result<int64_t> AppendEvent(const Event& event) = 0;  // returns seq
  virtual Result<std::vector<Event>> ListEvents(int64_t after_seq, size_t limit) = 0;
  // The events of one of `types` with seq > `after_seq`, by seq, at most `limit`.
  virtual Result<std::vector<Event>> ListEventsOfTypes(int64_t after_seq, std::span<const std::string_view> types,
                                                       size_t limit) = 0;
  // The highest seq written; 0 when none.
  virtual Result<int64_t> LastEventSeq() = 0;
  // The last `limit` events whose subject is one of `subjects` (a national ID, summons
  // numbers: a person's history), in order.
  virtual Result<std::vector<Event>> ListEventsAbout(const std::vector<std::string>& subjects, size_t limit) = 0;

  // --- Ledger (ledger/log.hpp): tiles of the Merkle tree, checkpoints. ---
  // The size of the log and the last event it records, from the last level-0 tile.
  virtual Result<LedgerHead> GetLedgerHead() = 0;
  // Inserts each tile, or replaces the stored tile of the same (level, index) (a partial tile
  // that grew).
  virtual Status PutLedgerTiles(std::span<const LedgerTile> tiles) = 0;
  // The tiles `ids`, in order; nullopt for a tile not stored.
  virtual Result<std::vector<std::optional<LedgerTile>>> ReadLedgerTiles(std::span<const LedgerTileId> ids) = 0;
  // Up to `limit` tiles of `level` with index >= `from`, by index (a deleted row leaves a gap).
  virtual Result<std::vector<LedgerTile>> ListLedgerTiles(uint64_t level, uint64_t from, size_t limit) = 0;
  // The level-0 tile with the greatest first_seq <= `seq`; nullopt when none.
  virtual Result<std::optional<LedgerTile>> FindLeafTile(int64_t seq) = 0;
  virtual Result<int64_t> InsertCheckpoint(const StoredCheckpoint& checkpoint) = 0;
  virtual Result<std::vector<StoredCheckpoint>> ListCheckpoints() = 0;  // oldest first
  virtual Result<std::optional<StoredCheckpoint>> LatestCheckpoint() = 0;
  // The first event of `type` about `subject` (a summons's delivery, for its receipt); nullopt.
  virtual Result<std::optional<Event>> FindFirstEvent(std::string_view subject, std::string_view type) = 0;
  // --- end Ledger ---

  // Accounts, activation codes, sessions, API keys (auth/auth_service.hpp).
  virtual AuthPort& auth() = 0;
};

// Wakes a follower of the exit bans when another process may have imposed or lifted one. Used
// by one thread.
class ChangeWaiter {
 public:
  virtual ~ChangeWaiter() = default;
  // Returns when a change may have been committed, or after `timeout` at the latest.
  virtual void Wait(std::chrono::milliseconds timeout) = 0;
};

// Read-your-writes across requests, for a store that reads from a replica. A write position is
// where a write ended in the primary's log ("16/B374D848" on PostgreSQL). While a ReadAfter is in
// scope on a thread, that thread's ReadReplica reads from the replica only once the replica has
// replayed up to its position, and from the primary until then.
class ReadAfter {
 public:
  explicit ReadAfter(std::string position);
  ~ReadAfter();
  ReadAfter(const ReadAfter&) = delete;
  ReadAfter& operator=(const ReadAfter&) = delete;
  // The position in force on this thread; empty outside any ReadAfter.
  static const std::string& Current();

 private:
  std::string previous_;
};

// Whether `text` has the form of a write position: two groups of 1 to 8 hex digits and a slash.
bool IsWritePosition(std::string_view text);

class Store {
 public:
  virtual ~Store() = default;

  virtual Status Write(const std::function<Status(Tx&)>& work) = 0;
  // A consistent snapshot that includes every write committed before the call (the primary).
  virtual Status Read(const std::function<Status(Tx&)>& work) = 0;
  // A consistent snapshot that may lag behind the latest commits: a read replica when the store
  // has one, otherwise the same as Read. For read-only work that need not see what the caller
  // has just written (lists, a citizen's cabinet, following the exit bans).
  virtual Status ReadReplica(const std::function<Status(Tx&)>& work) { return Read(work); }
  // The write position of the last write this thread committed since the last call, then
  // forgets it; empty when there was none, or when the store has no replica to wait for.
  virtual std::string TakeWritePosition() { return {}; }

  // A waiter woken by exit-ban changes of any process; this default only sleeps out the
  // timeout (the follower then polls).
  virtual std::unique_ptr<ChangeWaiter> WatchExitBanChanges();

  // The highest migration applied to the database.
  virtual int SchemaVersion() = 0;

  // Writes a consistent copy of the whole database to the new file `path` while the store stays
  // in use; on failure no file is left behind. Backends with their own backup tools (PostgreSQL:
  // pg_basebackup and WAL archiving, docs/deploy.md) answer FailedPrecondition.
  virtual Status Backup(const std::string& path) {
    return Status::FailedPrecondition(
        fmt::format("cannot back up to '{}' here: this database is backed up with its own tools", path));
  }
};

}  // namespace muster

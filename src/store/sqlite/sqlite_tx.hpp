// Internal to store/sqlite: the SQLite implementation of Tx, split across files by area
// (sqlite_registry.cpp, sqlite_summons.cpp, ...), and the row helpers they share.
#pragma once

#include <fmt/format.h>

#include <concepts>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/appeal_sql.hpp"
#include "store/sql/auth_sql.hpp"
#include "store/sql/override_sql.hpp"
#include "store/sql/restriction_sql.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_sql.hpp"
#include "store/sqlite/sqlite_summonses.hpp"
#include "store/store.hpp"

namespace muster::sqlite {

// How values are stored, shared with the queries written once (store/sql.hpp).
using sql::FromMillis;
using sql::Join;
using sql::Millis;
using sql::OptMillis;
using sql::Split;

inline CivilDate DateColumn(const Statement& s, int column) {
  auto date = ParseCivilDate(s.Text(column));
  return date.ok() ? *date : CivilDate{};
}

inline std::optional<Timestamp> OptColumn(const Statement& s, int column) {
  if (s.IsNull(column)) return std::nullopt;
  return FromMillis(s.Int(column));
}

// `items` as a JSON array of strings, for `IN (SELECT value FROM json_each(?))`; the items are
// codes of [A-Za-z0-9_.-] (districts, event types) and need no escaping.
template <typename Strings>
requires std::convertible_to<std::ranges::range_value_t<Strings>, std::string_view> std::string JsonList(
    const Strings& items) {
  std::string list = "[";
  for (std::string_view item : items) {
    if (list.size() > 1) list += ',';
    list += '"';
    list += item;
    list += '"';
  }
  return list + ']';
}

// `ids` as a JSON array of numbers, for the same use.
inline std::string JsonList(std::span<const int64_t> ids) {
  std::string list = "[";
  for (int64_t id : ids) {
    if (list.size() > 1) list += ',';
    list += std::to_string(id);
  }
  return list + ']';
}

// Every row of `s`, read by `read`.
template <typename T, typename Read>
Result<std::vector<T>> Collect(Statement& s, Read read) {
  std::vector<T> out;
  while (true) {
    MUSTER_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(read(s));
  }
  return out;
}

// The one row of `s`, or NotFound with `missing`.
template <typename T, typename Read>
Result<T> One(Statement& s, Read read, std::string missing) {
  MUSTER_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Status::NotFound(std::move(missing));
  T value = read(s);
  s.Reset();
  return value;
}

inline constexpr std::string_view kDefermentColumns =
    "d.id, p.national_id, d.kind, d.until_date, d.basis, d.ended_at, d.created_by, d.created_at";

inline Deferment ReadDeferment(const Statement& s) {
  Deferment d;
  d.id = DefermentId{s.Int(0)};
  d.national_id = s.Text(1);
  d.kind = s.Text(2);
  d.until = DateColumn(s, 3);
  d.basis = s.Text(4);
  if (!s.IsNull(5)) d.ended_at = FromMillis(s.Int(5));
  d.created_by = s.Text(6);
  d.created_at = FromMillis(s.Int(7));
  return d;
}

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Database& db) : db_(db) {}

  Status InsertOffice(const Office& o) override;
  Result<UpsertOutcome> UpsertOffice(const Office& o) override;
  Result<std::vector<Office>> ListOffices() override;
  Result<Office> GetOffice(std::string_view code) override;
  Result<UpsertOutcome> UpsertPerson(const Person& p) override;
  Result<Person> GetPerson(std::string_view national_id) override;
  Result<std::vector<Person>> ListPersons(const PersonFilter& f) override;
  Result<int64_t> CountPersons() override;
  Result<std::vector<Person>> SearchPersons(const PersonSearch& search) override;
  Result<DefermentId> InsertDeferment(const Deferment& d) override;
  Result<Deferment> GetDeferment(DefermentId id) override;
  Result<std::vector<Deferment>> ListDeferments(std::string_view national_id) override;
  Status EndDeferment(DefermentId id, Timestamp ended_at) override;

  Result<std::vector<Deferment>> ListOpenDeferments() override;
  Result<int64_t> InsertCampaign(const Campaign& c) override;
  Result<Campaign> GetCampaign(int64_t id) override;
  Result<std::vector<Campaign>> ListCampaigns() override;
  Status ScanCandidates(const std::vector<std::string>& districts,
                        const std::function<void(const Candidate&)>& fn) override;
  Result<std::vector<int64_t>> CampaignPersonIds(int64_t campaign_id) override;
  Status ForEachAppointment(Timestamp from, Timestamp to,
                            const std::function<void(std::string_view, Timestamp)>& fn) override;
  Result<std::vector<std::pair<std::string, int64_t>>> CountSummonsByState(std::optional<int64_t> campaign) override;
  SummonsPort& summonses() override { return summonses_; }
  AppealPort& appeals() override { return appeals_; }
  OverridePort& overrides() override { return overrides_; }
  RestrictionPort& restrictions() override { return restrictions_; }
  // Reports and corrections: sqlite_reports.cpp.
  Result<std::vector<SummonsTally>> TallySummons(const TallyFilter& filter) override;
  Result<std::vector<DayTally>> TallySummonsByDay(const TallyFilter& filter) override;
  Result<std::vector<std::pair<std::string, int64_t>>> CountRestrictionsInForce(const TallyFilter& filter,
                                                                                Timestamp at) override;
  Result<int64_t> InsertCorrection(const CorrectionRequest& request) override;
  Status UpdateCorrection(const CorrectionRequest& request) override;
  Result<CorrectionRequest> GetCorrection(int64_t id) override;
  Result<std::vector<CorrectionRequest>> ListCorrections(const CorrectionFilter& filter) override;
  Result<int64_t> AppendEvent(const Event& e) override;
  Result<std::vector<Event>> ListEvents(int64_t after_seq, size_t limit) override;
  Result<std::vector<Event>> ListEventsOfTypes(int64_t after_seq, std::span<const std::string_view> types,
                                               size_t limit) override;
  Result<int64_t> LastEventSeq() override;
  Result<std::vector<Event>> ListEventsAbout(const std::vector<std::string>& subjects, size_t limit) override;

  // Ledger: sqlite_ledger.cpp.
  Result<LedgerHead> GetLedgerHead() override;
  Status PutLedgerTiles(std::span<const LedgerTile> tiles) override;
  Result<std::vector<std::optional<LedgerTile>>> ReadLedgerTiles(std::span<const LedgerTileId> ids) override;
  Result<std::vector<LedgerTile>> ListLedgerTiles(uint64_t level, uint64_t from, size_t limit) override;
  Result<std::optional<LedgerTile>> FindLeafTile(int64_t seq) override;
  Result<int64_t> InsertCheckpoint(const StoredCheckpoint& checkpoint) override;
  Result<std::vector<StoredCheckpoint>> ListCheckpoints() override;
  Result<std::optional<StoredCheckpoint>> LatestCheckpoint() override;
  Result<std::optional<Event>> FindFirstEvent(std::string_view subject, std::string_view type) override;

  AuthPort& auth() override { return auth_; }

 private:
  Database& db_;
  SqliteConnection sql_{db_};
  sql::SqlAuth auth_{sql_};
  SqliteSummons summonses_{sql_, db_};
  sql::SqlAppeals appeals_{sql_};
  sql::SqlOverrides overrides_{sql_};
  sql::SqlRestrictions restrictions_{sql_};
};

}  // namespace muster::sqlite

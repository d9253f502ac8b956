// Internal to store/sqlite: the SQLite implementation of Tx, split across files by area
// (sqlite_summons.cpp, sqlite_ledger.cpp, ...), and the row helpers they share.
#pragma once

#include <fmt/format.h>

#include <concepts>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/sql/auth_sql.hpp"
#include "store/sql/campaign_sql.hpp"
#include "store/sql/correction_sql.hpp"
#include "store/sql/deferment_sql.hpp"
#include "store/sql/office_sql.hpp"
#include "store/sql/person_sql.hpp"
#include "store/sql/report_sql.hpp"
#include "store/sql/ledger_sql.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_events.hpp"
#include "store/sqlite/sqlite_sql.hpp"
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

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Database& db) : db_(db) {}

  OfficePort& offices() override { return offices_; }
  PersonPort& persons() override { return persons_; }
  DefermentPort& deferments() override { return deferments_; }
  CorrectionPort& corrections() override { return corrections_; }
  CampaignPort& campaigns() override { return campaigns_; }
  ReportPort& reports() override { return reports_; }

  Result<int64_t> MaxSummonsId() override;
  Status InsertSummons(const Summons& m) override;
  Status UpdateSummons(const Summons& m) override;
  Result<Summons> GetSummons(std::string_view number) override;
  Result<Summons> GetSummonsById(int64_t id) override;
  Result<std::vector<Summons>> ListSummonsOfPerson(std::string_view national_id) override;
  Result<std::vector<Summons>> ListUndelivered(Timestamp issued_before, size_t limit) override;
  Result<std::vector<int64_t>> ListOverdueIds(Timestamp appear_before) override;
  Result<std::vector<Summons>> ListOverdue(Timestamp appear_before, std::span<const int64_t> ids) override;
  Result<std::vector<int64_t>> CloseOverdue(Timestamp appear_before, std::span<const int64_t> ids,
                                            Timestamp closed_at) override;
  Result<int64_t> InsertAppeal(const Appeal& a) override;
  Status UpdateAppeal(const Appeal& a) override;
  Result<Appeal> GetAppeal(int64_t id) override;
  Result<std::vector<Appeal>> ListAppeals(const AppealFilter& filter) override;
  Result<int64_t> InsertRestriction(const Restriction& r) override;
  Status UpdateRestriction(const Restriction& r) override;
  Result<std::vector<Restriction>> ListRestrictionsOfSummons(int64_t summons_id) override;
  Result<std::vector<Restriction>> ListRestrictionsOfPerson(std::string_view national_id) override;
  Status ForEachActiveRestriction(std::string_view kind, const std::function<void(const Restriction&)>& fn) override;
  Result<int64_t> InsertOverride(const OverrideRequest& o) override;
  Status UpdateOverride(const OverrideRequest& o) override;
  Result<OverrideRequest> GetOverride(int64_t id) override;
  Result<std::vector<OverrideRequest>> ListOverrides(const OverrideFilter& filter) override;
  Status InsertExitCheck(std::string_view reference, std::string_view national_id, std::string_view decision,
                         std::string_view asked_by, Timestamp asked_at) override;
  Status NotifyExitBanChange() override;

  AuthPort& auth() override { return auth_; }
  EventPort& events() override { return events_; }
  LedgerPort& ledger() override { return ledger_; }

 private:
  Database& db_;
  SqliteConnection sql_{db_};
  sql::SqlAuth auth_{sql_};
  sql::SqlOffices offices_{sql_};
  sql::SqlPersons persons_{sql_};
  sql::SqlDeferments deferments_{sql_};
  sql::SqlCorrections corrections_{sql_};
  sql::SqlCampaigns campaigns_{sql_};
  sql::SqlReports reports_{sql_};
  SqliteEvents events_{db_, sql_};
  sql::SqlLedger ledger_{sql_};
};

}  // namespace muster::sqlite

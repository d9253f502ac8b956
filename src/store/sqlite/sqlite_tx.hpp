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

#include "store/sql/appeal_sql.hpp"
#include "store/sql/auth_sql.hpp"
#include "store/sql/campaign_sql.hpp"
#include "store/sql/correction_sql.hpp"
#include "store/sql/deferment_sql.hpp"
#include "store/sql/ledger_sql.hpp"
#include "store/sql/office_sql.hpp"
#include "store/sql/override_sql.hpp"
#include "store/sql/person_sql.hpp"
#include "store/sql/report_sql.hpp"
#include "store/sql/restriction_sql.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_events.hpp"
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

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Database& db) : db_(db) {}

  OfficePort& offices() override { return offices_; }
  PersonPort& persons() override { return persons_; }
  DefermentPort& deferments() override { return deferments_; }
  CorrectionPort& corrections() override { return corrections_; }
  CampaignPort& campaigns() override { return campaigns_; }
  ReportPort& reports() override { return reports_; }

  SummonsPort& summonses() override { return summonses_; }
  AppealPort& appeals() override { return appeals_; }
  OverridePort& overrides() override { return overrides_; }
  RestrictionPort& restrictions() override { return restrictions_; }

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
  SqliteSummons summonses_{sql_, db_};
  sql::SqlAppeals appeals_{sql_};
  sql::SqlOverrides overrides_{sql_};
  sql::SqlRestrictions restrictions_{sql_};
  SqliteEvents events_{db_, sql_};
  sql::SqlLedger ledger_{sql_};
};

}  // namespace muster::sqlite

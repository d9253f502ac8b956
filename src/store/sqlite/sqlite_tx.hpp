// Internal to store/sqlite: the SQLite Tx: the ports of store/sql on its connection, and the two
// that SQLite does its own way (sqlite_summonses.hpp, sqlite_events.hpp).
#pragma once

#include "store/sql/appeal_sql.hpp"
#include "store/sql/auth_sql.hpp"
#include "store/sql/campaign_sql.hpp"
#include "store/sql/correction_sql.hpp"
#include "store/sql/deferment_sql.hpp"
#include "store/sql/ledger_sql.hpp"
#include "store/sql/notification_sql.hpp"
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
  NotificationPort& notifications() override { return notifications_; }

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
  sql::SqlNotifications notifications_{sql_};
};

}  // namespace muster::sqlite

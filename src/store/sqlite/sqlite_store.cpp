#include "store/sqlite/sqlite_store.hpp"

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <mutex>
#include <vector>

#include "store/migrations.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/sqlite_tx.hpp"

namespace muster::sqlite {
namespace {

// The page size applies when a database is created, and must be set before WAL mode is. 8 KB
// pages hold twice the rows of SQLite's default 4 KB: a bulk issue or a sweep, which write rows
// in id order, touch and log half as many pages (measured: a sweep of 300,000 summonses 9% faster).
// An existing database keeps its page size (VACUUM in rollback-journal mode changes it).
constexpr std::string_view kPragmas =
    "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
    "PRAGMA busy_timeout = 10000; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;";
constexpr size_t kMaxIdleReaders = 16;

// One writer connection, used under a mutex (SQLite allows one writer at a time), and a pool of
// read-only connections, each reading a consistent snapshot of the WAL database in parallel
// with the writer and with each other.
class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<Database> db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

  Status Write(const std::function<Status(Tx&)>& work) override {
    std::lock_guard lock(mu_);
    return Transact(*db_, "BEGIN IMMEDIATE", work);
  }

  Status Read(const std::function<Status(Tx&)>& work) override {
    MUSTER_ASSIGN_OR_RETURN(std::unique_ptr<Database> reader, AcquireReader());
    Status st = Transact(*reader, "BEGIN", work);
    ReleaseReader(std::move(reader));
    return st;
  }

  // SQLite's online backup from a read-only connection: a consistent snapshot, copied while
  // writers go on; written to "<path>.partial" and renamed into place only when complete.
  Status Backup(const std::string& path) override {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      return Status::AlreadyExists(fmt::format("'{}' already exists: back up to a new file", path));
    }
    const std::string partial = path + ".partial";
    auto remove_partial = [&] {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(partial + suffix, ec);
    };
    remove_partial();
    Status st;
    {
      MUSTER_ASSIGN_OR_RETURN(auto dest, Database::Open(partial, /*create=*/true));
      MUSTER_ASSIGN_OR_RETURN(std::unique_ptr<Database> source, AcquireReader());
      sqlite3_backup* backup = sqlite3_backup_init(dest->handle(), "main", source->handle(), "main");
      if (backup == nullptr) {
        st = FromSqlite(sqlite3_errcode(dest->handle()), dest->handle(), "backup");
      } else {
        int rc = sqlite3_backup_step(backup, -1);
        int finish = sqlite3_backup_finish(backup);
        st = FromSqlite(rc != SQLITE_DONE ? rc : finish, dest->handle(), "backup");
      }
      ReleaseReader(std::move(source));
    }
    if (st.ok()) {
      std::filesystem::rename(partial, path, ec);
      if (ec) st = Status::IoError(fmt::format("cannot rename '{}' to '{}': {}", partial, path, ec.message()));
    }
    if (!st.ok()) remove_partial();
    return st;
  }

  int SchemaVersion() override {
    std::lock_guard lock(mu_);
    return CurrentVersion();
  }

  Status Migrate() {
    std::lock_guard lock(mu_);
    MUSTER_RETURN_IF_ERROR(
        db_->Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                  "applied_at INTEGER NOT NULL)"));
    int current = CurrentVersion();
    auto migrations = Migrations();
    int known = migrations.empty() ? 0 : migrations.back().version;
    if (current > known) {
      return Status::FailedPrecondition(
          fmt::format("the database schema is at version {}, newer than this muster knows ({}); use a newer muster",
                      current, known));
    }
    MUSTER_ASSIGN_OR_RETURN(std::set<int64_t> applied, AppliedVersions());
    while (const Migration* pending = PendingMigration(migrations, applied)) {
      const Migration& m = *pending;
      MUSTER_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
      Status st = db_->Exec(m.sql);
      if (st.ok()) {
        auto s = db_->Prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)");
        if (!s.ok()) {
          st = s.status();
        } else {
          (*s)->Bind(1, int64_t{m.version}).Bind(2, m.name).Bind(3, Millis(SystemClock().Now()));
          st = (*s)->Run();
        }
      }
      if (!st.ok()) {
        (void)db_->Exec("ROLLBACK");
        return st.WithContext(fmt::format("migration {:04}_{}", m.version, m.name));
      }
      MUSTER_RETURN_IF_ERROR(db_->Exec("COMMIT"));
      applied.insert(m.version);
    }
    return Status::Ok();
  }

 private:
  Result<std::set<int64_t>> AppliedVersions() {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_->Prepare("SELECT version FROM schema_migrations"));
    std::set<int64_t> versions;
    while (true) {
      MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      versions.insert(s->Int(0));
    }
    return versions;
  }

  int CurrentVersion() {
    auto s = db_->Prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
    if (!s.ok()) return 0;
    auto row = (*s)->Step();
    int v = (row.ok() && *row) ? static_cast<int>((*s)->Int(0)) : 0;
    (*s)->Reset();
    return v;
  }

  static Status Transact(Database& db, std::string_view begin, const std::function<Status(Tx&)>& work) {
    MUSTER_RETURN_IF_ERROR(db.Run(begin));
    SqliteTx tx(db);
    Status st;
    try {
      st = work(tx);
    } catch (...) {
      (void)db.Run("ROLLBACK");
      throw;
    }
    if (!st.ok()) {
      (void)db.Run("ROLLBACK");
      return st;
    }
    st = db.Run("COMMIT");
    if (!st.ok()) (void)db.Run("ROLLBACK");
    return st;
  }

  Result<std::unique_ptr<Database>> AcquireReader() {
    {
      std::lock_guard lock(pool_mu_);
      if (!readers_.empty()) {
        auto reader = std::move(readers_.back());
        readers_.pop_back();
        return reader;
      }
    }
    MUSTER_ASSIGN_OR_RETURN(auto reader, Database::Open(path_, /*create=*/false));
    MUSTER_RETURN_IF_ERROR(reader->Exec(kPragmas).WithContext(path_));
    MUSTER_RETURN_IF_ERROR(reader->Exec("PRAGMA query_only = ON"));
    return reader;
  }

  void ReleaseReader(std::unique_ptr<Database> reader) {
    std::lock_guard lock(pool_mu_);
    if (readers_.size() < kMaxIdleReaders) readers_.push_back(std::move(reader));
  }

  std::mutex mu_;  // guards db_, the writer
  std::unique_ptr<Database> db_;
  const std::string path_;
  std::mutex pool_mu_;  // guards readers_
  std::vector<std::unique_ptr<Database>> readers_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const StoreOptions& options) {
  struct stat st {};
  if (!options.create && ::stat(path.c_str(), &st) != 0) {
    return Status::NotFound(fmt::format("no database at '{}'; run `muster init` first (or pass --db)", path));
  }
  MUSTER_ASSIGN_OR_RETURN(auto db, Database::Open(path, options.create));
  MUSTER_RETURN_IF_ERROR(db->Exec(kPragmas).WithContext(path));
  auto store = std::make_unique<SqliteStore>(std::move(db), path);
  MUSTER_RETURN_IF_ERROR(store->Migrate());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace muster::sqlite

#include "store/sqlite/sqlite_store.hpp"

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <filesystem>
#include <thread>
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
// The busy timeout comes first: setting the journal mode reads the database, which another
// process may hold locked for a moment (opening it, checkpointing).
constexpr std::string_view kPragmas =
    "PRAGMA busy_timeout = 10000; PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
    "PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; "
    "PRAGMA journal_size_limit = 67108864;";
constexpr size_t kMaxIdleReaders = 16;

// Copies the WAL into the database file on a thread of its own, so that no commit waits for it.
// SQLite's automatic checkpoint runs inside the commit that takes the WAL past 1,000 pages and
// copies every page committed since the last one, syncing both files, on the thread that writes:
// in a sweep of 300,000 summonses that was 0.3 s of 3.3 s.
//
// The writer's WAL hook, which takes the place of that automatic checkpoint, wakes the thread
// once the WAL holds kCheckpointPages; the thread runs a PASSIVE checkpoint on a connection of
// its own. That takes no lock a writer or a reader waits for: it copies what no reader still
// needs, and the first write after all of it is copied starts the WAL over. During bulk work the
// WAL grows while the thread copies behind it; journal_size_limit trims the file again when it
// starts over. A store that closes runs the checkpoint last asked for before it stops the thread;
// then the writer, closed last, checkpoints whatever is left when no other process has the
// database open, as SQLite always does.
class Checkpointer {
 public:
  static constexpr int kCheckpointPages = 1000;  // SQLite's default for its automatic checkpoint

  explicit Checkpointer(std::unique_ptr<Database> db) : db_(std::move(db)) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Checkpointer() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    wake_.Signal();
    thread_.join();
  }
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Makes `writer` hand its checkpoints to this thread, until Detach.
  void Attach(Database& writer) { sqlite3_wal_hook(writer.handle(), &Checkpointer::Hook, this); }
  void Detach(Database& writer) { sqlite3_wal_hook(writer.handle(), nullptr, nullptr); }

 private:
  static int Hook(void* self, sqlite3*, const char*, int pages) {
    if (pages >= kCheckpointPages) static_cast<Checkpointer*>(self)->Wake();
    return SQLITE_OK;
  }
  void Wake() {
    {
      absl::MutexLock lock(&mu_);
      requested_ = true;
    }
    wake_.Signal();
  }
  void Run() {
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        while (!requested_ && !stopping_) wake_.Wait(&mu_);
        // A checkpoint asked for is run even when the store is closing: another process may keep
        // the database open, and without it the WAL could not start over at its next write.
        if (!requested_) return;
        requested_ = false;
      }
      // SQLITE_BUSY (another process checkpointing) or an I/O error: the next commit past the
      // threshold asks again, and the last connection to close checkpoints in any case.
      (void)sqlite3_wal_checkpoint_v2(db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
  }

  std::unique_ptr<Database> db_;
  absl::Mutex mu_;
  absl::CondVar wake_;
  bool requested_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

// One writer connection, used under a mutex (SQLite allows one writer at a time), and a pool of
// read-only connections, each reading a consistent snapshot of the WAL database in parallel
// with the writer and with each other.
class SqliteStore final : public Store {
 public:
  SqliteStore(std::unique_ptr<Database> db, std::string path, std::unique_ptr<Database> checkpoint_db)
      : db_(std::move(db)), path_(std::move(path)), checkpointer_(std::move(checkpoint_db)) {
    checkpointer_.Attach(*db_);
  }
  ~SqliteStore() override { checkpointer_.Detach(*db_); }

  Status Write(const std::function<Status(Tx&)>& work) override {
    absl::MutexLock lock(&mu_);
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
    absl::MutexLock lock(&mu_);
    return CurrentVersion();
  }

  Status Migrate() {
    absl::MutexLock lock(&mu_);
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
          (*s)->Bind(1, int64_t{m.version}).Bind(2, m.name).Bind(3, sql::Millis(SystemClock().Now()));
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
  Result<std::set<int64_t>> AppliedVersions() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    MUSTER_ASSIGN_OR_RETURN(Statement * s, db_->Prepare("SELECT version FROM schema_migrations"));
    std::set<int64_t> versions;
    while (true) {
      MUSTER_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      versions.insert(s->Int(0));
    }
    return versions;
  }

  int CurrentVersion() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
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
      absl::MutexLock lock(&pool_mu_);
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
    absl::MutexLock lock(&pool_mu_);
    if (readers_.size() < kMaxIdleReaders) readers_.push_back(std::move(reader));
  }

  absl::Mutex mu_;
  std::unique_ptr<Database> db_ ABSL_PT_GUARDED_BY(mu_);  // the writer
  const std::string path_;
  absl::Mutex pool_mu_;
  std::vector<std::unique_ptr<Database>> readers_ ABSL_GUARDED_BY(pool_mu_);
  Checkpointer checkpointer_;  // destroyed first: the writer is the last to close
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, const StoreOptions& options) {
  struct stat st {};
  if (!options.create && ::stat(path.c_str(), &st) != 0) {
    return Status::NotFound(fmt::format("no database at '{}'; run `muster init` first (or pass --db)", path));
  }
  MUSTER_ASSIGN_OR_RETURN(auto db, Database::Open(path, options.create));
  MUSTER_RETURN_IF_ERROR(db->Exec(kPragmas).WithContext(path));
  MUSTER_ASSIGN_OR_RETURN(auto checkpoint_db, Database::Open(path, /*create=*/false));
  MUSTER_RETURN_IF_ERROR(checkpoint_db->Exec(kPragmas).WithContext(path));
  auto store = std::make_unique<SqliteStore>(std::move(db), path, std::move(checkpoint_db));
  MUSTER_RETURN_IF_ERROR(store->Migrate());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace muster::sqlite

#include "store/postgres/pg_store.hpp"

#include <fmt/format.h>

#include <condition_variable>
#include <mutex>
#include <vector>

#include "store/migrations.hpp"
#include "store/postgres/pg_conn.hpp"
#include "store/postgres/pg_tx.hpp"

namespace muster::postgres {
namespace {

// The advisory lock every write and every migration holds until it commits: "muster" in ASCII.
constexpr int64_t kWriteLock = 0x6d7573746572;
// Connections opened at most; more concurrent transactions wait for one to come back.
constexpr size_t kMaxConnections = 8;

constexpr std::string_view kBeginWrite = "BEGIN ISOLATION LEVEL READ COMMITTED";
constexpr std::string_view kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

class PgStore final : public Store {
 public:
  explicit PgStore(std::string url) : url_(std::move(url)) {}

  Status Write(const std::function<Status(Tx&)>& work) override { return Transact(/*write=*/true, work); }
  Status Read(const std::function<Status(Tx&)>& work) override { return Transact(/*write=*/false, work); }

  int SchemaVersion() override {
    auto conn = Acquire();
    if (!conn.ok()) return 0;
    auto version = CurrentVersion(**conn);
    Release(std::move(*conn));
    return version.ok() ? *version : 0;
  }

  // Applies pending migrations, one transaction each, under the write lock so that processes
  // starting together migrate once.
  Status Migrate(bool create) {
    MUSTER_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Acquire());
    Status st = MigrateOn(*conn, create);
    if (conn->InTransaction()) (void)conn->Exec("ROLLBACK");
    Release(std::move(conn));
    return st;
  }

 private:
  static Result<int> CurrentVersion(Connection& conn) {
    MUSTER_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT coalesce(max(version), 0) FROM schema_migrations"));
    return static_cast<int>(rows.Int(0, 0));
  }

  Status MigrateOn(Connection& conn, bool create) {
    MUSTER_ASSIGN_OR_RETURN(Rows exists, conn.Query("SELECT to_regclass('schema_migrations') IS NOT NULL"));
    if (exists.View(0, 0) != "t" && !create) {
      return Status::NotFound(fmt::format("no muster schema in PostgreSQL database '{}'; run `muster init` first",
                                          PostgresDatabaseName(url_)));
    }
    auto migrations = PostgresMigrations();
    int known = migrations.empty() ? 0 : migrations.back().version;
    for (size_t next = 0;; ++next) {
      MUSTER_RETURN_IF_ERROR(conn.Exec(kBeginWrite));
      MUSTER_RETURN_IF_ERROR(conn.Query("SELECT pg_advisory_xact_lock($1)", Params().Add(kWriteLock)).status());
      MUSTER_RETURN_IF_ERROR(
          conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
                    "applied_at BIGINT NOT NULL)"));
      MUSTER_ASSIGN_OR_RETURN(int current, CurrentVersion(conn));
      if (current > known) {
        return Status::FailedPrecondition(
            fmt::format("the database schema is at version {}, newer than this muster knows ({}); use a newer muster",
                        current, known));
      }
      const Migration* pending = nullptr;
      for (const Migration& m : migrations) {
        if (m.version > current) {
          pending = &m;
          break;
        }
      }
      if (pending == nullptr) return conn.Exec("COMMIT");
      const Migration& m = *pending;
      Status st = conn.Exec(m.sql);
      if (st.ok()) {
        st = conn.Query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                        Params().Add(int64_t{m.version}).Add(m.name).Add(Millis(SystemClock().Now())))
                 .status();
      }
      if (st.ok()) st = conn.Exec("COMMIT");
      if (!st.ok()) return st.WithContext(fmt::format("migration {:04}_{}", m.version, m.name));
    }
  }

  Status Transact(bool write, const std::function<Status(Tx&)>& work) {
    MUSTER_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Acquire());
    Status st = conn->Exec(write ? kBeginWrite : kBeginRead);
    if (st.ok() && write) st = conn->Query("SELECT pg_advisory_xact_lock($1)", Params().Add(kWriteLock)).status();
    if (st.ok()) {
      PgTx tx(*conn);
      try {
        st = work(tx);
      } catch (...) {
        if (conn->InTransaction()) (void)conn->Exec("ROLLBACK");
        Release(std::move(conn));
        throw;
      }
      // A statement that failed aborts the whole transaction: COMMIT would silently roll back.
      if (st.ok() && conn->InFailedTransaction()) {
        st = Status::IoError("PostgreSQL: a statement of this transaction failed; nothing was written");
      }
      if (st.ok()) st = conn->Exec("COMMIT");
    }
    if (conn->InTransaction()) (void)conn->Exec("ROLLBACK");
    Release(std::move(conn));
    return st;
  }

  Result<std::unique_ptr<Connection>> Acquire() {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return !idle_.empty() || open_ < kMaxConnections; });
      if (!idle_.empty()) {
        std::unique_ptr<Connection> conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      }
      ++open_;
    }
    auto conn = Connection::Open(url_);
    if (!conn.ok()) {
      std::lock_guard lock(mu_);
      --open_;
      cv_.notify_one();
    }
    return conn;
  }

  // Returns `conn` to the pool; one whose server connection is lost is closed instead.
  void Release(std::unique_ptr<Connection> conn) {
    std::lock_guard lock(mu_);
    if (conn->healthy()) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
    cv_.notify_one();
  }

  const std::string url_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  size_t open_ = 0;                                // guarded by mu_: idle and in use
};

}  // namespace

bool IsPostgresUrl(std::string_view url) { return url.starts_with("postgresql://") || url.starts_with("postgres://"); }

std::string PostgresDatabaseName(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find('?'));
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return "";
  return std::string(rest.substr(slash + 1));
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url, const StoreOptions& options) {
  auto store = std::make_unique<PgStore>(url);
  MUSTER_RETURN_IF_ERROR(store->Migrate(options.create));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace muster::postgres

#include "store/postgres/pg_store.hpp"

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <fmt/format.h>

#include <set>
#include <thread>
#include <vector>

#include "core/text.hpp"
#include "store/migrations.hpp"
#include "store/postgres/pg_conn.hpp"
#include "store/postgres/pg_tx.hpp"

namespace muster::postgres {
namespace {

// The advisory lock every write and every migration holds until it commits: "muster" in ASCII.
constexpr int64_t kWriteLock = 0x6d7573746572;
// Connections to one server opened at most.
constexpr size_t kMaxConnections = 8;

constexpr std::string_view kBeginWrite = "BEGIN ISOLATION LEVEL READ COMMITTED";
constexpr std::string_view kBeginRead = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";

// Connections to one server, opened on demand, at most kMaxConnections at once; more
// concurrent transactions wait for one to come back. Thread-safe.
class Pool {
 public:
  explicit Pool(std::string url) : url_(std::move(url)) {}

  const std::string& url() const { return url_; }

  Result<std::unique_ptr<Connection>> Acquire() {
    {
      absl::MutexLock lock(&mu_);
      while (idle_.empty() && open_ >= kMaxConnections) cv_.Wait(&mu_);
      if (!idle_.empty()) {
        std::unique_ptr<Connection> conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      }
      ++open_;
    }
    auto conn = Connection::Open(url_);
    if (!conn.ok()) {
      absl::MutexLock lock(&mu_);
      --open_;
      cv_.Signal();
    }
    return conn;
  }

  // Returns `conn` to the pool; one whose server connection is lost is closed instead, and so
  // are the idle ones then: a lost connection usually means the others are lost too (a restarted
  // server, a failover), and each would cost a failed transaction to find out.
  void Release(std::unique_ptr<Connection> conn) {
    std::vector<std::unique_ptr<Connection>> closing;
    absl::MutexLock lock(&mu_);
    if (conn->healthy()) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
      open_ -= idle_.size();
      closing.swap(idle_);
    }
    cv_.SignalAll();
  }

 private:
  const std::string url_;
  absl::Mutex mu_;
  absl::CondVar cv_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  size_t open_ ABSL_GUARDED_BY(mu_) = 0;  // idle and in use
};

// Wakes the exit-ban follower on NOTIFY kExitBanChannel, on a connection of its own to the
// primary (a replica delivers no notifications). Reconnects at the next Wait after a loss;
// while the server cannot be reached, Wait sleeps out its timeout, so the follower still polls.
class PgChangeWaiter final : public ChangeWaiter {
 public:
  explicit PgChangeWaiter(std::string url) : url_(std::move(url)) {}

  void Wait(std::chrono::milliseconds timeout) override {
    if (conn_ == nullptr || !conn_->healthy()) {
      conn_.reset();
      auto conn = Connection::Open(url_);
      if (conn.ok() && (*conn)->Listen(kExitBanChannel).ok()) {
        conn_ = std::move(*conn);
        return;  // changes may have been missed while not listening: the follower reads now
      }
      std::this_thread::sleep_for(timeout);
      return;
    }
    auto woken = conn_->WaitForNotification(timeout);
    if (!woken.ok()) conn_.reset();
  }

 private:
  const std::string url_;
  std::unique_ptr<Connection> conn_;
};

class PgStore final : public Store {
 public:
  PgStore(std::string url, const std::string& replica_url)
      : primary_(std::move(url)), replica_(replica_url.empty() ? nullptr : std::make_unique<Pool>(replica_url)) {}

  Status Write(const std::function<Status(Tx&)>& work) override {
    MUSTER_RETURN_IF_ERROR(Transact(primary_, /*write=*/true, work));
    if (replica_) NoteWritePosition();
    return Status::Ok();
  }
  Status Read(const std::function<Status(Tx&)>& work) override { return Transact(primary_, /*write=*/false, work); }
  Status ReadReplica(const std::function<Status(Tx&)>& work) override {
    if (!replica_) return Transact(primary_, /*write=*/false, work);
    const std::string& after = ReadAfter::Current();
    if (!after.empty() && !ReplicaHasReplayed(after)) return Transact(primary_, /*write=*/false, work);
    return Transact(*replica_, /*write=*/false, work);
  }
  std::string TakeWritePosition() override { return std::exchange(write_position, {}); }

  std::unique_ptr<ChangeWaiter> WatchExitBanChanges() override {
    return std::make_unique<PgChangeWaiter>(primary_.url());
  }

  int SchemaVersion() override {
    auto conn = primary_.Acquire();
    if (!conn.ok()) return 0;
    auto version = CurrentVersion(**conn);
    primary_.Release(std::move(*conn));
    return version.ok() ? *version : 0;
  }

  // Applies pending migrations, one transaction each, under the write lock so that processes
  // starting together migrate once.
  Status Migrate(bool create) {
    MUSTER_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, primary_.Acquire());
    Status st = MigrateOn(*conn, create);
    if (conn->InTransaction()) (void)conn->Rollback();
    primary_.Release(std::move(conn));
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
                                          PostgresDatabaseName(primary_.url())));
    }
    auto migrations = PostgresMigrations();
    int known = migrations.empty() ? 0 : migrations.back().version;
    while (true) {
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
      MUSTER_ASSIGN_OR_RETURN(Rows applied, conn.Query("SELECT version FROM schema_migrations"));
      std::set<int64_t> done;
      for (int i = 0; i < applied.size(); ++i) done.insert(applied.Int(i, 0));
      const Migration* pending = PendingMigration(migrations, done);
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

  // Runs `work` in a transaction; once more, from the start, when it failed for a reason worth
  // retrying (Connection::Retryable: a lost connection, a serialization failure) before its
  // COMMIT was sent, since the server then rolled it back. A write whose connection is lost
  // during COMMIT may or may not have committed: that is reported, never retried.
  Status Transact(Pool& pool, bool write, const std::function<Status(Tx&)>& work) {
    bool retry = false;
    Status st = TransactOnce(pool, write, work, &retry);
    if (st.ok() || !retry) return st;
    return TransactOnce(pool, write, work, &retry);
  }

  Status TransactOnce(Pool& pool, bool write, const std::function<Status(Tx&)>& work, bool* retry) {
    *retry = false;
    auto acquired = pool.Acquire();
    if (!acquired.ok()) {
      *retry = true;  // nothing was sent; the server may be back (a restart, a failover)
      return acquired.status();
    }
    std::unique_ptr<Connection> conn = std::move(*acquired);
    conn->ClearError();
    bool committing = false;
    Status st = conn->Exec(write ? kBeginWrite : kBeginRead);
    if (st.ok() && write) st = conn->Query("SELECT pg_advisory_xact_lock($1)", Params().Add(kWriteLock)).status();
    if (st.ok()) {
      PgTx tx(*conn);
      try {
        st = work(tx);
      } catch (...) {
        if (conn->InTransaction()) (void)conn->Rollback();
        pool.Release(std::move(conn));
        throw;
      }
      // A statement that failed aborts the whole transaction: COMMIT would silently roll back.
      if (st.ok() && conn->InFailedTransaction()) {
        st = Status::IoError("PostgreSQL: a statement of this transaction failed; nothing was written");
      }
      if (st.ok()) {
        committing = true;
        st = conn->Exec("COMMIT");
      }
    }
    if (!st.ok() && conn->Retryable()) {
      if (committing && write && !conn->healthy()) {
        st = Status::IoError(fmt::format(
            "{} (the connection was lost while committing: the write may or may not have been applied)",
            st.message()));
      } else {
        *retry = true;
      }
    }
    if (conn->healthy() && conn->InTransaction()) (void)conn->Rollback();
    pool.Release(std::move(conn));
    return st;
  }

  // The primary's log insert position now, which is past the commit record just made, written
  // out or not (with synchronous_commit off COMMIT returns first): where a replica must have
  // replayed to for a read to see it. Not knowing it only costs the read-your-writes.
  void NoteWritePosition() {
    if (auto position = Scalar(primary_, "SELECT pg_current_wal_insert_lsn()::text", Params())) {
      write_position = std::move(*position);
    }
  }

  // Whether the replica has replayed the primary's log up to `position` (a server that is not in
  // recovery, as after a failover, has everything). When it cannot tell, it says no: the read
  // then goes to the primary.
  bool ReplicaHasReplayed(const std::string& position) {
    return Scalar(*replica_, "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::text::pg_lsn, true)",
                  Params().Add(position)) == "t";
  }

  // The one value `sql` answers, on a connection of `pool` outside any transaction; nullopt when
  // it fails.
  static std::optional<std::string> Scalar(Pool& pool, std::string_view sql, const Params& params) {
    auto conn = pool.Acquire();
    if (!conn.ok()) return std::nullopt;
    (*conn)->ClearError();
    auto rows = (*conn)->Query(sql, params);
    std::optional<std::string> value;
    if (rows.ok() && !rows->empty()) value = rows->Text(0, 0);
    pool.Release(std::move(*conn));
    return value;
  }

  static thread_local std::string write_position;

  Pool primary_;
  std::unique_ptr<Pool> replica_;  // null: ReadReplica reads from the primary
};

thread_local std::string PgStore::write_position;
}  // namespace

bool IsPostgresUrl(std::string_view url) { return url.starts_with("postgresql://") || url.starts_with("postgres://"); }

std::string PostgresDatabaseName(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return "";
  // %XX decoded, as libpq decodes every part of a URI; a malformed escape is kept as written.
  std::string_view name = rest.substr(slash + 1);
  std::string decoded;
  return PercentDecode(name, decoded, /*plus_is_space=*/false) ? decoded : std::string(name);
}

std::string RedactUrl(std::string_view url) {
  if (!IsPostgresUrl(url)) return std::string(url);
  std::string out(url);
  // The password: between the first ':' and the last '@' of the authority part.
  size_t authority = out.find("://") + 3;
  size_t end = out.find_first_of("/?#", authority);
  if (end == std::string::npos) end = out.size();
  size_t at = out.rfind('@', end);
  if (at != std::string::npos && at >= authority) {
    size_t colon = out.find(':', authority);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  // password=... among the query parameters.
  size_t query = out.find('?');
  while (query != std::string::npos) {
    size_t key = query + 1;
    if (out.compare(key, 9, "password=") == 0) {
      size_t value = key + 9;
      size_t next = out.find('&', value);
      out.replace(value, (next == std::string::npos ? out.size() : next) - value, "***");
    }
    query = out.find('&', key);
  }
  return out;
}

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url, const StoreOptions& options) {
  if (!options.replica_url.empty() && !IsPostgresUrl(options.replica_url)) {
    return Status::InvalidArgument(
        fmt::format("db-replica: '{}' is not a postgresql:// URL", RedactUrl(options.replica_url)));
  }
  auto store = std::make_unique<PgStore>(url, options.replica_url);
  MUSTER_RETURN_IF_ERROR(store->Migrate(options.create));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace muster::postgres

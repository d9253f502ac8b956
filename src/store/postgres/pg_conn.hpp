// A thin RAII layer over libpq: one connection, statements prepared once per connection,
// parameters always bound. Not thread-safe: the owner (the store's pool) hands a connection to
// one transaction at a time.
//
// Wire formats: integers are sent as decimal text, strings and byte strings in binary (their
// raw bytes, so a string_view needs no terminating NUL and is never copied); results come back
// as text, bytea as "\x" + hex.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

struct pg_conn;
struct pg_result;

namespace muster::postgres {

// The parameters of one statement, $1, $2, ... in the order added. Strings and bytes are
// referenced, not copied: they must stay alive until the statement has run.
class Params {
 public:
  Params& Add(int64_t value);
  Params& Add(const std::optional<int64_t>& value);
  Params& Add(std::string_view value);
  Params& Add(const std::string& value) { return Add(std::string_view(value)); }
  Params& Add(std::string&& value) = delete;  // a temporary would dangle before the statement runs
  Params& Add(const char* value) { return Add(std::string_view(value)); }
  Params& Add(const std::optional<std::string>& value);
  Params& Null();
  Params& Bytes(const void* data, size_t size);  // a bytea

  int size() const { return static_cast<int>(kinds_.size()); }

 private:
  friend class Connection;
  enum class Kind { kNull, kInt, kBinary };
  std::vector<Kind> kinds_;
  std::vector<std::string_view> views_;
  std::vector<int64_t> ints_;
};

// One result, freed on destruction. Row and column indexes are 0-based.
class Rows {
 public:
  Rows() = default;
  explicit Rows(pg_result* result);
  Rows(Rows&&) noexcept;
  Rows& operator=(Rows&&) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  ~Rows();

  int size() const;
  bool empty() const { return size() == 0; }
  int64_t affected() const;  // rows changed by INSERT, UPDATE, DELETE

  bool IsNull(int row, int column) const;
  int64_t Int(int row, int column) const;
  std::string Text(int row, int column) const;
  std::string_view View(int row, int column) const;  // valid while this Rows lives
  // A bytea column decoded; false when it is not "\x" + hex.
  bool Bytes(int row, int column, std::string* out) const;

 private:
  pg_result* result_ = nullptr;
};

class Connection {
 public:
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects to `url` (a libpq connection URI).
  static Result<std::unique_ptr<Connection>> Open(const std::string& url);

  // Runs `sql` (one or more statements, no parameters) with the simple query protocol.
  Status Exec(std::string_view sql);
  // Runs `sql`, prepared on this connection at its first use, with `params`.
  Result<Rows> Query(std::string_view sql, const Params& params = Params());
  // Runs `sql` and calls `fn` for each row as it arrives (single-row mode), so a large result
  // is never held whole. `fn` returning an error stops the scan; the rest is discarded.
  Status ForEach(std::string_view sql, const Params& params, const std::function<Status(const Rows&)>& fn);

  // Runs `sql`, a COPY ... FROM STDIN, sending `data` (in COPY's format) as its input.
  Status CopyIn(std::string_view sql, std::string_view data);

  // Sends `sql` without waiting for its result (pipeline mode), for statements whose result
  // nobody needs. An error among them is returned by the next Exec, Query, ForEach or Sync, and
  // aborts the transaction as any failed statement does.
  Status Send(std::string_view sql, const Params& params);
  // Waits for every statement sent; the first error among them.
  Status Sync();

  // Adds a row to a multi-row INSERT that takes each column as an array, such as
  // "INSERT INTO t (a, b) SELECT * FROM unnest($1::text::bigint[], $2::text::text[])", with
  // `row` holding the row's values (integers, strings or nulls) in column order, so that a bulk
  // write costs PostgreSQL a statement per batch rather than one per row. The rows of each such
  // INSERT are kept, and all are sent as pipelined statements (as Send, and with its errors)
  // once one INSERT has kMaxRows, or before anything else is sent on this connection (a
  // statement, a query, COMMIT). Each INSERT keeps its rows' order, and they all run before
  // whatever was issued after them, but the INSERTs run one after the other in the order of
  // their `rank`: a row may refer (a foreign key) only to rows of a lower rank, or already sent.
  // A statement that matches rows by a key (an UPDATE ... FROM unnest(...) WHERE id = ...)
  // passes the row's `key`: a row whose key is already kept sends the kept rows first, so that
  // each row is updated once per statement, in order.
  Status AddRow(int rank, std::string_view sql, const Params& row, std::optional<int64_t> key = std::nullopt);
  // Rolls the transaction back; rows added and not yet sent are dropped.
  Status Rollback();

  // False once the connection to the server is lost.
  bool healthy() const;
  // True when the last failure is worth running the whole transaction again for: the
  // connection was lost, or the server reported a serialization failure, a deadlock or a
  // conflict with a replica's recovery.
  bool Retryable() const;
  // Forgets the last failure, so that Retryable() speaks of what runs next.
  void ClearError() { last_sqlstate_.clear(); }

  // LISTEN on `channel` (a plain identifier).
  Status Listen(std::string_view channel);
  // Waits up to `timeout` for a notification on a channel this connection listens on; true when
  // one or more came (all consumed), false on timeout. An error when the connection is lost.
  Result<bool> WaitForNotification(std::chrono::milliseconds timeout);
  // True inside a transaction that a failed statement has aborted.
  bool InFailedTransaction() const;
  // True inside a transaction, failed or not.
  bool InTransaction() const;

 private:
  explicit Connection(pg_conn* conn) : conn_(conn) {}
  struct Wire;
  static void ToWire(const Params& params, Wire* wire);
  Result<const std::string*> Prepared(std::string_view sql, int nparams);
  // FromPg, remembering the SQLSTATE for Retryable().
  Status Error(pg_result* result, std::string_view what);

  // Statements sent and not yet synced; bounded so that their results never fill the socket
  // buffers while nobody reads them.
  static constexpr int kMaxPending = 256;
  // Rows AddRow keeps before it sends them.
  static constexpr size_t kMaxRows = 2000;

  // Sends `sql` pipelined; Send without sending the rows AddRow keeps.
  Status SendNow(std::string_view sql, const Params& params);
  // Sends the rows AddRow keeps, if any.
  Status SendRows();

  // The rows AddRow keeps for one INSERT: per column, the array literal so far.
  struct RowBatch {
    std::string sql;
    int rank = 0;
    std::vector<std::string> columns;
    size_t rows = 0;
    std::set<int64_t> keys;
  };

  pg_conn* conn_;
  std::map<std::string, std::string, std::less<>> prepared_;  // SQL -> statement name
  int pending_ = 0;
  std::vector<RowBatch> batches_;  // by rank, then in the order of their first rows
  std::string last_sqlstate_;  // of the last failure; "" when it had none
};

// Appends `value` to `out` as one field of COPY's text format (backslash, tab, newline and
// carriage return escaped).
void AppendCopyField(std::string& out, std::string_view value);

// The Status for a failed result: unique violation (23505) is AlreadyExists; other integrity
// violations (class 23: foreign key, check, not null) FailedPrecondition; a serialization
// failure or deadlock (40001, 40P01) is IoError like everything else, naming `what`.
Status FromPg(pg_result* result, pg_conn* conn, std::string_view what);

}  // namespace muster::postgres

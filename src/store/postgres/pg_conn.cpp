#include "store/postgres/pg_conn.hpp"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "core/text.hpp"

namespace muster::postgres {
namespace {

std::string TrimmedError(const char* text) {
  std::string msg = text ? text : "";
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg;
}

}  // namespace

// The pointer arrays PQexecPrepared and PQsendQueryPrepared take.
struct Connection::Wire {
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  std::vector<std::array<char, 24>> ints;
};

Params& Params::Add(int64_t value) {
  kinds_.push_back(Kind::kInt);
  views_.emplace_back();
  ints_.push_back(value);
  return *this;
}

Params& Params::Add(const std::optional<int64_t>& value) { return value ? Add(*value) : Null(); }

Params& Params::Add(std::string_view value) {
  kinds_.push_back(Kind::kBinary);
  views_.push_back(value);
  ints_.push_back(0);
  return *this;
}

Params& Params::Add(const std::optional<std::string>& value) { return value ? Add(*value) : Null(); }

Params& Params::Null() {
  kinds_.push_back(Kind::kNull);
  views_.emplace_back();
  ints_.push_back(0);
  return *this;
}

Params& Params::Bytes(const void* data, size_t size) {
  return Add(std::string_view(static_cast<const char*>(data), size));
}

Rows::Rows(pg_result* result) : result_(result) {}
Rows::Rows(Rows&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
Rows& Rows::operator=(Rows&& other) noexcept {
  if (this != &other) {
    if (result_) PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}
Rows::~Rows() {
  if (result_) PQclear(result_);
}

int Rows::size() const { return result_ ? PQntuples(result_) : 0; }

int64_t Rows::affected() const {
  if (!result_) return 0;
  const char* n = PQcmdTuples(result_);
  int64_t value = 0;
  if (n && *n) std::from_chars(n, n + std::strlen(n), value);
  return value;
}

bool Rows::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

int64_t Rows::Int(int row, int column) const {
  std::string_view text = View(row, column);
  int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::string Rows::Text(int row, int column) const { return std::string(View(row, column)); }

std::string_view Rows::View(int row, int column) const {
  return {PQgetvalue(result_, row, column), static_cast<size_t>(PQgetlength(result_, row, column))};
}

bool Rows::Bytes(int row, int column, std::string* out) const {
  std::string_view text = View(row, column);
  out->clear();
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x' || text.size() % 2 != 0) return false;
  out->reserve((text.size() - 2) / 2);
  for (size_t i = 2; i < text.size(); i += 2) {
    int hi = HexDigitValue(text[i]);
    int lo = HexDigitValue(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

Status FromPg(pg_result* result, pg_conn* conn, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string detail = TrimmedError(result ? PQresultErrorMessage(result) : PQerrorMessage(conn));
  if (detail.empty()) detail = TrimmedError(PQerrorMessage(conn));
  std::string msg = fmt::format("{}: {}", what, detail);
  std::string_view code = state ? state : "";
  if (code == "23505") return Status::AlreadyExists(msg);
  if (code.substr(0, 2) == "23") return Status::FailedPrecondition(msg);
  if (code == "XX001" || code == "XX002") return Status::Corruption(msg);
  return Status::IoError(msg);
}

Connection::~Connection() { PQfinish(conn_); }

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url) {
  pg_conn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr) return Status::IoError("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    // The URL may hold a password: name only the server.
    const char* host = PQhost(conn);
    const char* port = PQport(conn);
    const char* db = PQdb(conn);
    Status st =
        Status::IoError(fmt::format("cannot connect to PostgreSQL at {}:{} database '{}': {}", host ? host : "?",
                                    port ? port : "?", db ? db : "?", TrimmedError(PQerrorMessage(conn))));
    PQfinish(conn);
    return st;
  }
  std::unique_ptr<Connection> c(new Connection(conn));
  // Quiet notices (e.g. "relation already exists, skipping"); UTC for anything time-related.
  MUSTER_RETURN_IF_ERROR(c->Exec("SET client_min_messages = warning; SET TIME ZONE 'UTC'"));
  return c;
}

bool Connection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

Status Connection::Error(pg_result* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state ? state : "";
  return FromPg(result, conn_, what);
}

bool Connection::Retryable() const {
  std::string_view state = last_sqlstate_;
  // Lost (a killed backend, a restarted server), a serialization failure or deadlock, a
  // replica's conflict with recovery (40001 too), or a server shutting down.
  return !healthy() || state == "40001" || state == "40P01" || state.substr(0, 2) == "08" ||
         state.substr(0, 3) == "57P";
}

Status Connection::Listen(std::string_view channel) {
  return Exec(fmt::format("LISTEN {}", channel));
}

Result<bool> Connection::WaitForNotification(std::chrono::milliseconds timeout) {
  auto drain = [this] {
    bool any = false;
    while (PGnotify* n = PQnotifies(conn_)) {
      PQfreemem(n);
      any = true;
    }
    return any;
  };
  if (drain()) return true;
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  if (fd.fd < 0) return Error(nullptr, "postgres: waiting for notifications");
  int ready = ::poll(&fd, 1, static_cast<int>(timeout.count()));
  if (ready < 0) {
    if (errno == EINTR) return false;
    return Status::IoError(fmt::format("postgres: waiting for notifications: {}", std::strerror(errno)));
  }
  if (ready == 0) return false;
  if (!PQconsumeInput(conn_)) return Error(nullptr, "postgres: waiting for notifications");
  return drain();
}

bool Connection::InFailedTransaction() const { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }

bool Connection::InTransaction() const {
  PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

Status Connection::Exec(std::string_view sql) {
  // Runs even when a pipelined statement failed, so that COMMIT or ROLLBACK still ends the
  // transaction; that failure is what is reported.
  Status synced = Sync();
  std::string text(sql);
  pg_result* result = PQexec(conn_, text.c_str());
  Rows owner(result);
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (!synced.ok()) return synced;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return Error(result, sql.substr(0, 60));
  return Status::Ok();
}

Result<const std::string*> Connection::Prepared(std::string_view sql, int nparams) {
  auto it = prepared_.find(sql);
  if (it != prepared_.end()) return &it->second;
  std::string name = fmt::format("m{}", prepared_.size() + 1);
  std::string text(sql);
  pg_result* result = PQprepare(conn_, name.c_str(), text.c_str(), nparams, nullptr);
  Rows owner(result);
  if (result == nullptr || PQresultStatus(result) != PGRES_COMMAND_OK) {
    return Error(result, fmt::format("prepare '{}'", sql.substr(0, 80)));
  }
  auto [inserted, ok] = prepared_.emplace(std::move(text), std::move(name));
  return &inserted->second;
}

void Connection::ToWire(const Params& params, Wire* wire) {
  size_t n = params.kinds_.size();
  wire->values.resize(n);
  wire->lengths.resize(n);
  wire->formats.resize(n);
  wire->ints.resize(n);
  for (size_t i = 0; i < n; ++i) {
    switch (params.kinds_[i]) {
      case Params::Kind::kNull:
        wire->values[i] = nullptr;
        wire->lengths[i] = 0;
        wire->formats[i] = 0;
        break;
      case Params::Kind::kInt: {  // NUL-terminated decimal text
        auto& buf = wire->ints[i];
        auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size() - 1, params.ints_[i]);
        *end = '\0';
        wire->values[i] = buf.data();
        wire->lengths[i] = static_cast<int>(end - buf.data());
        wire->formats[i] = 0;
        break;
      }
      case Params::Kind::kBinary: {  // raw bytes; an empty string still needs a non-null pointer
        std::string_view v = params.views_[i];
        wire->values[i] = v.data() ? v.data() : "";
        wire->lengths[i] = static_cast<int>(v.size());
        wire->formats[i] = 1;
        break;
      }
    }
  }
}

Result<Rows> Connection::Query(std::string_view sql, const Params& params) {
  MUSTER_RETURN_IF_ERROR(Sync());
  MUSTER_ASSIGN_OR_RETURN(const std::string* name, Prepared(sql, params.size()));
  Wire wire;
  ToWire(params, &wire);
  pg_result* result = PQexecPrepared(conn_, name->c_str(), params.size(), wire.values.data(), wire.lengths.data(),
                                     wire.formats.data(), 0);
  Rows rows(result);
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) return Error(result, "postgres");
  return rows;
}

Status Connection::ForEach(std::string_view sql, const Params& params, const std::function<Status(const Rows&)>& fn) {
  MUSTER_RETURN_IF_ERROR(Sync());
  MUSTER_ASSIGN_OR_RETURN(const std::string* name, Prepared(sql, params.size()));
  Wire wire;
  ToWire(params, &wire);
  if (!PQsendQueryPrepared(conn_, name->c_str(), params.size(), wire.values.data(), wire.lengths.data(),
                           wire.formats.data(), 0)) {
    return Error(nullptr, "postgres");
  }
  PQsetSingleRowMode(conn_);
  Status st;
  while (pg_result* result = PQgetResult(conn_)) {
    Rows row(result);
    ExecStatusType status = PQresultStatus(result);
    if (status == PGRES_SINGLE_TUPLE) {
      if (st.ok()) st = fn(row);
    } else if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && st.ok()) {
      st = Error(result, "postgres");
    }
  }
  return st;
}

Status Connection::CopyIn(std::string_view sql, std::string_view data) {
  MUSTER_RETURN_IF_ERROR(Sync());
  std::string text(sql);
  pg_result* started = PQexec(conn_, text.c_str());
  Rows start_owner(started);
  if (started == nullptr || PQresultStatus(started) != PGRES_COPY_IN) return Error(started, sql.substr(0, 60));
  // In pieces: libpq buffers what it cannot send at once, and a piece never exceeds an int.
  constexpr size_t kPiece = size_t{1} << 20;
  bool sent = true;
  for (size_t offset = 0; offset < data.size() && sent; offset += kPiece) {
    size_t n = std::min(kPiece, data.size() - offset);
    sent = PQputCopyData(conn_, data.data() + offset, static_cast<int>(n)) == 1;
  }
  if (PQputCopyEnd(conn_, sent ? nullptr : "muster: sending the COPY data failed") != 1) sent = false;
  Status st = sent ? Status::Ok() : Error(nullptr, "postgres: COPY");
  while (pg_result* result = PQgetResult(conn_)) {
    Rows owner(result);
    if (PQresultStatus(result) != PGRES_COMMAND_OK && st.ok()) st = Error(result, sql.substr(0, 60));
  }
  return st;
}

void AppendCopyField(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

Status Connection::Send(std::string_view sql, const Params& params) {
  MUSTER_RETURN_IF_ERROR(SendRows());
  return SendNow(sql, params);
}

Status Connection::AddRow(int rank, std::string_view sql, const Params& row, std::optional<int64_t> key) {
  auto batch = std::find_if(batches_.begin(), batches_.end(), [&](const RowBatch& b) { return b.sql == sql; });
  if (batch != batches_.end() && (batch->rows >= kMaxRows || (key && batch->keys.count(*key) > 0))) {
    MUSTER_RETURN_IF_ERROR(SendRows());
    batch = batches_.end();
  }
  if (batch == batches_.end()) {
    auto after = std::find_if(batches_.begin(), batches_.end(), [&](const RowBatch& b) { return b.rank > rank; });
    batch = batches_.insert(after, RowBatch{std::string(sql), rank, std::vector<std::string>(row.kinds_.size(), "{"),
                                            0, {}});
  }
  if (key) batch->keys.insert(*key);
  if (row.kinds_.size() != batch->columns.size()) {
    return Status::Internal(
        fmt::format("postgres: a row of {} values for {} columns", row.kinds_.size(), batch->columns.size()));
  }
  // Array literals: integers bare, strings double-quoted with '"' and '\\' escaped, NULL bare.
  for (size_t i = 0; i < batch->columns.size(); ++i) {
    std::string& out = batch->columns[i];
    if (batch->rows > 0) out += ',';
    switch (row.kinds_[i]) {
      case Params::Kind::kNull:
        out += "NULL";
        break;
      case Params::Kind::kInt: {
        char digits[24];
        auto [end, ec] = std::to_chars(digits, digits + sizeof digits, row.ints_[i]);
        out.append(digits, end);
        break;
      }
      case Params::Kind::kBinary:
        out += '"';
        for (char c : row.views_[i]) {
          if (c == '"' || c == '\\') out += '\\';
          out += c;
        }
        out += '"';
        break;
    }
  }
  ++batch->rows;
  return Status::Ok();
}

Status Connection::SendRows() {
  if (batches_.empty()) return Status::Ok();
  std::vector<RowBatch> batches = std::move(batches_);
  batches_.clear();
  for (RowBatch& batch : batches) {
    Params params;
    for (std::string& column : batch.columns) {
      column += '}';
      params.Add(column);
    }
    MUSTER_RETURN_IF_ERROR(SendNow(batch.sql, params));
  }
  return Status::Ok();
}

Status Connection::Rollback() {
  batches_.clear();
  return Exec("ROLLBACK");
}

Status Connection::SendNow(std::string_view sql, const Params& params) {
  if (pending_ >= kMaxPending) MUSTER_RETURN_IF_ERROR(Sync());
  if (prepared_.find(sql) == prepared_.end()) {
    MUSTER_RETURN_IF_ERROR(Sync());  // PQprepare waits for its answer: not in pipeline mode
    MUSTER_RETURN_IF_ERROR(Prepared(sql, params.size()).status());
  }
  const std::string& name = prepared_.find(sql)->second;
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && !PQenterPipelineMode(conn_)) {
    return Error(nullptr, "postgres: pipeline mode");
  }
  Wire wire;
  ToWire(params, &wire);
  if (!PQsendQueryPrepared(conn_, name.c_str(), params.size(), wire.values.data(), wire.lengths.data(),
                           wire.formats.data(), 0)) {
    return Error(nullptr, "postgres");
  }
  ++pending_;
  return Status::Ok();
}

Status Connection::Sync() {
  MUSTER_RETURN_IF_ERROR(SendRows());
  if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF) return Status::Ok();
  Status first;
  if (pending_ > 0) {
    if (!PQpipelineSync(conn_)) return Error(nullptr, "postgres: pipeline sync");
    // Each statement's results end with a null; the sync point comes last.
    while (true) {
      pg_result* result = PQgetResult(conn_);
      if (result == nullptr) {
        if (PQstatus(conn_) != CONNECTION_OK) return Error(nullptr, "postgres");
        continue;
      }
      Rows owner(result);
      ExecStatusType status = PQresultStatus(result);
      if (status == PGRES_PIPELINE_SYNC) break;
      if (status == PGRES_FATAL_ERROR && first.ok()) first = Error(result, "postgres");
    }
  }
  pending_ = 0;
  if (!PQexitPipelineMode(conn_)) {
    return first.ok() ? Error(nullptr, "postgres: leaving pipeline mode") : first;
  }
  return first;
}

}  // namespace muster::postgres

// The one SQL interface both backends implement, so that a query is written once
// (src/store/sql/*.cpp) and runs on SQLite and PostgreSQL alike.
//
// A query's parameters are written $1, $2, ... as PostgreSQL writes them; SQLite binds them by
// those names. Values are 64-bit integers, text or NULL; times are stored as milliseconds since
// the epoch, lists of codes as comma-separated text, so no value needs a backend's own type.
// Bytes (Args::Blob, Row::Blob) are a BLOB on SQLite and bytea on PostgreSQL.
// Only the statements where the engines really differ stay in a backend (the write lock, COPY
// and pipelining, SQLite's update hook, DDL types in migrations).
//
// Not thread-safe: a Connection belongs to the transaction that is using it.
#pragma once

#include <absl/container/inlined_vector.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ids.hpp"
#include "core/status.hpp"
#include "core/time.hpp"

namespace muster::sql {

// The parameters of one statement, $1, $2, ... in the order added. Text is referenced, not
// copied: it must stay alive until the statement has run.
class Args {
 public:
  struct Value {
    enum Kind { kNull, kInt, kText, kBlob } kind = kNull;
    int64_t number = 0;
    std::string_view text;
  };

  Args& Add(int64_t value) {
    values_.push_back({Value::kInt, value, {}});
    return *this;
  }
  Args& Add(bool value) { return Add(int64_t{value ? 1 : 0}); }
  Args& Add(int value) { return Add(int64_t{value}); }
  Args& Add(std::string_view value) {
    values_.push_back({Value::kText, 0, value});
    return *this;
  }
  Args& Add(const std::string& value) { return Add(std::string_view(value)); }
  Args& Add(std::string&& value) = delete;  // a temporary would dangle before the statement runs
  Args& Add(const char* value) { return Add(std::string_view(value)); }
  Args& Add(const std::optional<int64_t>& value) { return value ? Add(*value) : Null(); }
  template <typename Tag>
  Args& Add(Id<Tag> id) {
    return Add(id.value);
  }
  template <typename Tag>
  Args& Add(const std::optional<Id<Tag>>& id) {
    return id ? Add(id->value) : Null();
  }
  // Bytes, bound as a BLOB on SQLite and as bytea on PostgreSQL (read back with Row::Blob).
  Args& Blob(std::string_view bytes) {
    values_.push_back({Value::kBlob, 0, bytes});
    return *this;
  }
  Args& Null() {
    values_.push_back({});
    return *this;
  }

  const absl::InlinedVector<Value, 16>& values() const { return values_; }

 private:
  // Inline: a statement of up to 16 parameters (a person has 13) allocates nothing.
  absl::InlinedVector<Value, 16> values_;
};

// One row of a result; columns are 0-based. Valid only inside the callback it is given to.
class Row {
 public:
  virtual ~Row() = default;
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  virtual std::string Text(int column) const = 0;
  // The column's text, valid until the callback returns.
  virtual std::string_view View(int column) const = 0;
  // The bytes of a BLOB (SQLite) or bytea (PostgreSQL) column; empty when malformed.
  virtual std::string Blob(int column) const = 0;
};

// The engines, for the few statements whose text must differ (index hints, list parameters).
enum class Dialect { kSqlite, kPostgres };

// What a list parameter holds.
enum class ListOf { kText, kInt };

class Connection {
 public:
  virtual ~Connection() = default;

  virtual Dialect dialect() const = 0;

  // "is one of the list in parameter $n", to follow a column: "IN (SELECT value FROM
  // json_each($n))" on SQLite, "= ANY (ARRAY(SELECT unnest($n::text::bigint[])))" on PostgreSQL
  // (the array parsed once per statement, not per row).
  virtual std::string InList(int n, ListOf kind) const = 0;
  // The value to bind for such a parameter: a JSON array on SQLite, an array literal on
  // PostgreSQL. Text items may hold any character.
  virtual std::string EncodeList(std::span<const std::string> items) const = 0;
  virtual std::string EncodeList(std::span<const std::string_view> items) const = 0;
  virtual std::string EncodeList(std::span<const int64_t> ids) const = 0;

  // Runs one statement with `args`, calling `each` for every row it returns (a callback that
  // returns an error stops it). Returns the number of rows an INSERT, UPDATE or DELETE changed
  // (unspecified for a SELECT). Errors: AlreadyExists for a unique or primary key violation, IoError when
  // the database fails.
  virtual Result<int64_t> Run(std::string_view sql, const Args& args = Args(),
                              const std::function<Status(const Row&)>& each = {}) = 0;
};

// Every row, read by `read` (a function of const Row& to T).
template <typename T, typename Read>
Result<std::vector<T>> Collect(Connection& c, std::string_view sql, const Args& args, Read read) {
  std::vector<T> out;
  MUSTER_RETURN_IF_ERROR(c.Run(sql, args, [&](const Row& r) {
                            out.push_back(read(r));
                            return Status::Ok();
                          }).status());
  return out;
}

// The first row, or NotFound with `missing`.
template <typename T, typename Read>
Result<T> One(Connection& c, std::string_view sql, const Args& args, Read read, std::string missing) {
  std::optional<T> out;
  MUSTER_RETURN_IF_ERROR(c.Run(sql, args, [&](const Row& r) {
                            if (!out) out = read(r);
                            return Status::Ok();
                          }).status());
  if (!out) return Status::NotFound(std::move(missing));
  return std::move(*out);
}

// How values are stored, the same on every backend.
inline int64_t Millis(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromMillis(int64_t ms) { return Timestamp{std::chrono::milliseconds(ms)}; }
inline std::optional<int64_t> OptMillis(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return Millis(*t);
}
inline std::optional<Timestamp> OptTime(const Row& r, int column) {
  if (r.IsNull(column)) return std::nullopt;
  return FromMillis(r.Int(column));
}

// A list of codes (offices, categories) as one comma-separated column.
inline std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

inline std::vector<std::string> Split(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    out.emplace_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace muster::sql

// Status and Result<T>: the error values that cross every layer boundary.
//
// Expected failures (bad input, a missing row, a forbidden transition) are returned, never
// thrown. A message names what was wrong: the field, the line, the id. An error about one input
// also carries that input's name as field() (an API answer names it without reading the
// message), and may carry structured reasons (why a person may not be summoned). Status is
// cheap to copy when ok (no allocation) and is safe to pass between threads.
#pragma once

#include <cassert>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace muster {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is malformed or breaks a rule
  kNotFound,            // the named thing does not exist
  kAlreadyExists,       // the named thing exists and must not be created again
  kFailedPrecondition,  // the state does not allow the operation (e.g. a forbidden transition)
  kPermissionDenied,    // the actor may not do this
  kIoError,             // a file or the database could not be read or written
  kCorruption,          // stored data is inconsistent or has been tampered with
  kInternal,            // a bug: an invariant did not hold
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) { return {StatusCode::kFailedPrecondition, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) { return {StatusCode::kPermissionDenied, std::move(msg)}; }
  static Status IoError(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  // An error about the input `field`: the message is "<field>: <msg>", field() is `field`.
  static Status InvalidArgument(std::string_view field, std::string_view msg) {
    return Status(StatusCode::kInvalidArgument, msg).WithField(field);
  }
  static Status NotFound(std::string_view field, std::string_view msg) {
    return Status(StatusCode::kNotFound, msg).WithField(field);
  }
  static Status AlreadyExists(std::string_view field, std::string_view msg) {
    return Status(StatusCode::kAlreadyExists, msg).WithField(field);
  }
  static Status FailedPrecondition(std::string_view field, std::string_view msg) {
    return Status(StatusCode::kFailedPrecondition, msg).WithField(field);
  }
  static Status PermissionDenied(std::string_view field, std::string_view msg) {
    return Status(StatusCode::kPermissionDenied, msg).WithField(field);
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  bool IsInvalidArgument() const { return code_ == StatusCode::kInvalidArgument; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsAlreadyExists() const { return code_ == StatusCode::kAlreadyExists; }
  bool IsFailedPrecondition() const { return code_ == StatusCode::kFailedPrecondition; }

  // The input the error is about ("national_id", "appear_at"); empty when it names none.
  const std::string& field() const;
  // Structured details: the codes of the rules a request broke ("deferment:study"), in order.
  const std::vector<std::string>& reasons() const;

  // A copy whose message is prefixed with `context: `, for adding the line or file name; the
  // field and reasons stay.
  Status WithContext(std::string_view context) const;
  // A copy about the input `field`: its message prefixed with `field: `, field() set to it
  // (unless an inner field is set already: "person.national_id" stays the more precise one).
  Status WithField(std::string_view field) const;
  // A copy carrying `reasons`.
  Status WithReasons(std::vector<std::string> reasons) const;

  // "invalid argument: <message>", or "ok".
  std::string ToString() const;

 private:
  struct Details {
    std::string field;
    std::vector<std::string> reasons;
  };

  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Status(StatusCode code, std::string_view msg) : code_(code), message_(msg) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::shared_ptr<const Details> details_;  // null when there are none
};

// Either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(data_).ok() && "Result built from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }

  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace muster

#define MUSTER_CONCAT_INNER_(a, b) a##b
#define MUSTER_CONCAT_(a, b) MUSTER_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function when `expr` is not ok.
#define MUSTER_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::muster::Status muster_status_ = (expr);        \
    if (!muster_status_.ok()) return muster_status_; \
  } while (0)

// `MUSTER_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result or returns its Status.
#define MUSTER_ASSIGN_OR_RETURN(lhs, expr) \
  MUSTER_ASSIGN_OR_RETURN_IMPL_(MUSTER_CONCAT_(muster_result_, __LINE__), lhs, expr)
#define MUSTER_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                                  \
  if (!result.ok()) return result.status();              \
  lhs = std::move(result).value()

#include "core/status.hpp"

#include <memory>

namespace muster {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kAlreadyExists:
      return "already exists";
    case StatusCode::kFailedPrecondition:
      return "failed precondition";
    case StatusCode::kPermissionDenied:
      return "permission denied";
    case StatusCode::kIoError:
      return "I/O error";
    case StatusCode::kCorruption:
      return "corruption";
    case StatusCode::kInternal:
      return "internal error";
  }
  return "unknown";
}

namespace {

const std::string kNoField;
const std::vector<std::string> kNoReasons;

}  // namespace

const std::string& Status::field() const { return details_ ? details_->field : kNoField; }

const std::vector<std::string>& Status::reasons() const { return details_ ? details_->reasons : kNoReasons; }

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  msg += ": ";
  msg += message_;
  Status out(code_, std::move(msg));
  out.details_ = details_;
  return out;
}

Status Status::WithField(std::string_view field) const {
  if (ok()) return *this;
  Status out = WithContext(field);
  if (out.field().empty()) {
    Details d = details_ ? *details_ : Details{};
    d.field = std::string(field);
    out.details_ = std::make_shared<const Details>(std::move(d));
  }
  return out;
}

Status Status::WithReasons(std::vector<std::string> reasons) const {
  if (ok()) return *this;
  Status out = *this;
  Details d = details_ ? *details_ : Details{};
  d.reasons = std::move(reasons);
  out.details_ = std::make_shared<const Details>(std::move(d));
  return out;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(StatusCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

}  // namespace muster

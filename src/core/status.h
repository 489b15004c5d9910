// Status and Result<T>: how every Figurant library reports success and failure.
//
// One vocabulary of codes travels from a library to the CLI exit code and to the HTTP status
// (google.rpc mapping: kNotFound→404, kPermissionDenied→403, kUnauthenticated→401,
// kInvalidArgument→400, kFailedPrecondition→409). Libraries never throw across their boundary and
// never assert on user input; they return a Status whose message names the file, field or request
// and what was expected.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace figurant {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is malformed or out of range
  kNotFound,            // a named entity (performer, licence, file...) does not exist
  kAlreadyExists,       // creating something that is already there
  kPermissionDenied,    // a policy decision said no (a licence does not allow a use)
  kUnauthenticated,     // the caller could not be identified
  kFailedPrecondition,  // the system is not in the state the operation needs (e.g. already signed)
  kDataLoss,            // stored data is corrupt or was tampered with
  kUnavailable,         // a resource (database, file system) could not be reached
  kInternal,            // a bug or an unexpected failure of a dependency
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "INVALID_ARGUMENT: terms.json: field 'uses': ..." — for logs and stderr.
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status Unauthenticated(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// A value of type T, or the Status explaining why there is none. Never holds an OK status without
// a value. Accessing value() of an error Result is a programmer error (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : data_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(data_).ok() && "Result constructed from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(data_);
  }

  T& value() & {
    assert(ok());
    return std::get<T>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(data_);
  }
  // By value from an rvalue, so `for (auto& x : *MakeList())` never iterates a dead temporary.
  T value() && {
    assert(ok());
    return std::get<T>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace figurant

#define FIGURANT_CONCAT_INNER(a, b) a##b
#define FIGURANT_CONCAT(a, b) FIGURANT_CONCAT_INNER(a, b)

// Returns the Status from the enclosing function when `expr` (a Status) is not OK.
#define FIGURANT_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::figurant::Status figurant_status_ = (expr);        \
    if (!figurant_status_.ok()) return figurant_status_; \
  } while (false)

// `FIGURANT_ASSIGN_OR_RETURN(auto x, MakeX());` — binds the value or returns the error.
#define FIGURANT_ASSIGN_OR_RETURN(lhs, expr) \
  FIGURANT_ASSIGN_OR_RETURN_IMPL(FIGURANT_CONCAT(figurant_result_, __LINE__), lhs, expr)
// NOLINTBEGIN(bugprone-macro-parentheses): `lhs` is a declaration, `tmp` a name.
#define FIGURANT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.status();                  \
  lhs = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)

// Request bodies and error replies (docs/api.md, "Requests" and "Errors"). Safe for untrusted
// input: every body goes through ParseBody and the typed readers of BodyFields, which never throw
// or crash and refuse bad input with an InvalidArgument whose message names the field —
// "request body: field 'terms.uses': ..." — so that the reply's `field` can name it too.
// Fuzzed by src/api/fuzz/body_fuzz.cpp.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "core/status.h"

namespace figurant::api {

// Largest request body accepted. [Units: bytes]
inline constexpr size_t kMaxBodyBytes = 64 * 1024;
// Longest string any field holds (names, notes, ids). [Units: bytes]
inline constexpr size_t kMaxFieldBytes = 1000;
// How a body is named in messages.
inline constexpr std::string_view kBodySource = "request body";

// The body as a JSON object. An empty body is {}. InvalidArgument for a body over kMaxBodyBytes
// (naming the limit), text that is not JSON, JSON that core/json_input.h's ParseJson refuses (deep
// nesting, a repeated key, a number out of range, bad UTF-8) or a value that is not an object.
Result<nlohmann::json> ParseBody(std::string_view body);

// Typed, named reads of one body object. Each read records the field as known; Finish() refuses
// any field that was not read, so a misspelt optional field is an error rather than ignored.
class BodyFields {
 public:
  explicit BodyFields(const nlohmann::json& object) : object_(object) {}

  // A string of 1..max_bytes bytes. InvalidArgument "field 'name': ..." when missing or not one.
  Result<std::string> RequiredString(std::string_view name, size_t max_bytes = kMaxFieldBytes);
  // As RequiredString, or nullopt when absent (null counts as a value: refused).
  Result<std::optional<std::string>> OptionalString(std::string_view name,
                                                    size_t max_bytes = kMaxFieldBytes);
  Result<std::optional<bool>> OptionalBool(std::string_view name);
  // An integer in min..max.
  Result<int64_t> RequiredInteger(std::string_view name, int64_t min, int64_t max);
  // A JSON object (e.g. licence terms), as given.
  Result<nlohmann::json> RequiredObject(std::string_view name);
  // `count` bytes given as 2*count hex digits.
  Result<std::string> RequiredHex(std::string_view name, size_t count);

  // InvalidArgument naming the first field that no read asked for.
  Status Finish() const;

 private:
  const nlohmann::json* Find(std::string_view name);

  const nlohmann::json& object_;
  std::set<std::string, std::less<>> read_;
};

// "request body: field '<name>': <why>"
Status FieldError(std::string_view name, std::string_view why);

// The field an InvalidArgument message names — the first "field '<path>'" in it — or "".
std::string FieldOf(std::string_view message);

// The HTTP status for a Status code (the google.rpc mapping of STYLE.md): InvalidArgument 400,
// Unauthenticated 401, PermissionDenied 403, NotFound 404, AlreadyExists and FailedPrecondition
// 409, Unavailable 503, anything else 500.
int HttpStatusFor(StatusCode code);

// The body of every error reply: {"error": {"code", "message", "field"}}, `field` null unless the
// message names one.
nlohmann::json ErrorJson(std::string_view code, std::string_view message);

}  // namespace figurant::api

// Reading the small JSON documents a signer's device and the bank exchange (offers, statement
// requests, signature files) strictly, one field at a time: every field required, read once by
// name and type, and anything left unread an unknown field. The first refusal is kept and
// reported as "<file>: field '<path>': <why>" (InvalidArgument). Safe for untrusted input.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

#include "core/crypto.h"
#include "core/status.h"

namespace figurant::consent::internal {

// True when `s` holds a control character a terminal could act on (move the cursor, erase,
// recolour) rather than print — C0, DEL or C1 (U+0080..U+009F) — so that a text shown to a signer
// would not be the text signed. `allow_newline` keeps '\n'.
bool HasTerminalControl(std::string_view s, bool allow_newline);

// ParseJson (core/json_input.h), then InvalidArgument unless the document is an object.
Result<nlohmann::json> ParseObject(std::string_view text, std::string_view file);

class FieldReader {
 public:
  // Reads the object `doc` of `file`; `prefix` is prepended to field names in messages
  // ("fields[2]." for an object inside a list). `doc` and `file` must outlive the reader.
  FieldReader(const nlohmann::json& doc, std::string_view file, std::string prefix = "");

  // The string field `name` ("" once anything was refused).
  std::string String(const char* name);
  // A string field `check` accepts; `expected` says what that is.
  template <typename Check>
  std::string Checked(const char* name, Check check, std::string_view expected) {
    std::string s = String(name);
    if (status_.ok() && !check(s)) Refuse(name, "expected " + std::string(expected));
    return s;
  }
  // An id "<prefix>_<16 lowercase hex>" (core/ids.h).
  std::string Id(const char* name, std::string_view id_prefix);
  // Exactly `format`.
  void Format(std::string_view format);
  // Lowercase hex of exactly `bytes` bytes; `what` names the value in messages.
  Bytes HexBytes(const char* name, size_t bytes, std::string_view what);
  // One of a closed set of names: `parse` returns the value a name stands for, or nullopt.
  template <typename T, typename ParseFn>
  T Enumerated(const char* name, ParseFn parse, std::string_view expected) {
    const std::string s = Checked(
        name, [&](const std::string& v) { return parse(v).has_value(); }, expected);
    return parse(s).value_or(T{});
  }
  // The array field `name`, or nullptr (refused) when it is missing or not an array.
  const nlohmann::json* Array(const char* name);

  // Refuses `field` (a name under the prefix) for `why`, unless something was refused already.
  void Refuse(std::string_view field, std::string_view why);
  // A refusal that already names its file and field (a nested reader's), kept as it is.
  void Keep(const Status& status);
  bool ok() const { return status_.ok(); }
  // OK, or the first refusal; an unread field of the object is refused as unknown.
  Status Finish();

 private:
  const nlohmann::json& doc_;
  std::string_view file_;
  std::string prefix_;
  std::set<std::string, std::less<>> read_;
  Status status_;
};

}  // namespace figurant::consent::internal

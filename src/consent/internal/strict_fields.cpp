#include "consent/internal/strict_fields.h"

#include <utility>

#include "consent/internal/lower_hex.h"
#include "core/ids.h"
#include "core/json_input.h"

namespace figurant::consent::internal {
namespace {

using nlohmann::json;

// C1 control characters (U+0080..U+009F) are encoded in UTF-8 as 0xC2 followed by 0x80..0x9F.
constexpr unsigned char kUtf8C1Lead = 0xC2;
constexpr unsigned char kUtf8C1First = 0x80;
constexpr unsigned char kUtf8C1Last = 0x9F;
constexpr unsigned char kAsciiDelete = 0x7F;

}  // namespace

bool HasTerminalControl(std::string_view s, bool allow_newline) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n' && allow_newline) continue;
    if (c < ' ' || c == kAsciiDelete) return true;
    if (c == kUtf8C1Lead && i + 1 < s.size()) {
      const auto next = static_cast<unsigned char>(s[i + 1]);
      if (next >= kUtf8C1First && next <= kUtf8C1Last) return true;
    }
  }
  return false;
}

Result<json> ParseObject(std::string_view text, std::string_view file) {
  FIGURANT_ASSIGN_OR_RETURN(json doc, ParseJson(text, file));
  if (!doc.is_object()) return InvalidArgument(std::string(file) + ": expected a JSON object");
  return doc;
}

FieldReader::FieldReader(const json& doc, std::string_view file, std::string prefix)
    : doc_(doc), file_(file), prefix_(std::move(prefix)) {}

std::string FieldReader::String(const char* name) {
  read_.insert(name);
  if (!status_.ok()) return {};
  const auto it = doc_.find(name);
  if (it == doc_.end()) {
    Refuse(name, "missing");
    return {};
  }
  auto s = JsonString(*it);
  if (!s.ok()) {
    Refuse(name, s.status().message());
    return {};
  }
  return *std::move(s);
}

std::string FieldReader::Id(const char* name, std::string_view id_prefix) {
  return Checked(
      name, [id_prefix](const std::string& s) { return HasIdForm(s, id_prefix); },
      std::string(id_prefix) + "_ followed by 16 lowercase hex digits");
}

void FieldReader::Format(std::string_view format) {
  Checked(
      "format", [format](const std::string& s) { return s == format; },
      "\"" + std::string(format) + "\"");
}

Bytes FieldReader::HexBytes(const char* name, size_t bytes, std::string_view what) {
  const std::string hex = Checked(
      name, [bytes](const std::string& s) { return IsLowerHex(s, 2 * bytes); },
      std::string(what) + ", " + std::to_string(2 * bytes) + " lowercase hex digits");
  auto raw = FromHex(hex);
  return raw.ok() && raw->size() == bytes ? *std::move(raw) : Bytes{};
}

const json* FieldReader::Array(const char* name) {
  read_.insert(name);
  if (!status_.ok()) return nullptr;
  const auto it = doc_.find(name);
  if (it == doc_.end() || !it->is_array()) {
    Refuse(name, it == doc_.end() ? "missing" : "expected a list, got " + JsonExcerpt(*it));
    return nullptr;
  }
  return &*it;
}

void FieldReader::Refuse(std::string_view field, std::string_view why) {
  if (status_.ok()) {
    status_ = InvalidArgument(std::string(file_) + ": field '" + prefix_ + std::string(field) +
                              "': " + std::string(why));
  }
}

void FieldReader::Keep(const Status& status) {
  if (status_.ok()) status_ = status;
}

Status FieldReader::Finish() {
  if (!status_.ok()) return status_;
  for (const auto& [key, value] : doc_.items()) {
    if (read_.count(key) == 0) Refuse(key, "unknown field");
  }
  return status_;
}

}  // namespace figurant::consent::internal

#include "registry/internal/row_reader.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace figurant::registry::internal {
namespace {

// A found text value is quoted up to this many bytes in a message. [Units: bytes]
constexpr size_t kQuotedTextLimit = 60;

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

RowReader::RowReader(const Statement& row, std::string_view table) : row_(row), table_(table) {
  const int n = row.ColumnCount();
  types_.reserve(static_cast<size_t>(n));
  for (int c = 0; c < n; ++c) types_.push_back(row.Type(c));
}

void RowReader::Fail(int column, std::string_view expected) {
  if (!status_.ok()) return;
  status_ = DataLoss(std::string(table_) + " row '" + row_.Text(0) + "' column '" +
                     std::string(row_.ColumnName(column)) + "': expected " + std::string(expected) +
                     ", found " + Found(column) + " (registry " + row_.database().path() + ")");
}

std::string RowReader::Found(int column) const {
  switch (Type(column)) {
    case SQLITE_NULL:
      return "NULL";
    case SQLITE_INTEGER:
      return "INTEGER " + row_.Text(column);
    case SQLITE_FLOAT:
      return "REAL " + row_.Text(column);
    case SQLITE_BLOB:
      return "a " + std::to_string(row_.Blob(column).size()) + "-byte BLOB";
    default: {
      const std::string text = row_.Text(column);
      if (text.size() <= kQuotedTextLimit) return "'" + text + "'";
      return "'" + text.substr(0, kQuotedTextLimit) + "...' (" + std::to_string(text.size()) +
             " bytes)";
    }
  }
}

UnixSeconds RowReader::Timestamp(int column) {
  if (Type(column) != SQLITE_INTEGER) Fail(column, "an INTEGER Unix time");
  return row_.Int(column);
}

std::optional<UnixSeconds> RowReader::OptionalTimestamp(int column) {
  if (Type(column) == SQLITE_NULL) return std::nullopt;
  return Timestamp(column);
}

Date RowReader::CalendarDate(int column) {
  if (Type(column) == SQLITE_TEXT) {
    auto date = Date::Parse(row_.Text(column));
    if (date.ok()) return *date;
  }
  Fail(column, "a date YYYY-MM-DD");
  return {};
}

std::optional<Date> RowReader::OptionalCalendarDate(int column) {
  if (Type(column) == SQLITE_NULL) return std::nullopt;
  return CalendarDate(column);
}

bool RowReader::Flag(int column) {
  const int64_t v = row_.Int(column);
  if (Type(column) != SQLITE_INTEGER || (v != 0 && v != 1)) Fail(column, "0 or 1");
  return v == 1;
}

int RowReader::SmallInt(int column, int min, int max) {
  const int64_t v = row_.Int(column);
  if (Type(column) != SQLITE_INTEGER || v < min || v > max) {
    Fail(column, "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    return min;
  }
  return static_cast<int>(v);
}

double RowReader::Measure(int column) {
  const int type = Type(column);
  if (type != SQLITE_FLOAT && type != SQLITE_INTEGER && type != SQLITE_NULL) {
    Fail(column, "a number");
  }
  return row_.Double(column);
}

std::string RowReader::JsonDocument(int column) {
  std::string text = row_.Text(column);
  if (Type(column) != SQLITE_TEXT || !nlohmann::json::accept(text)) {
    Fail(column, "a JSON document");
  }
  return text;
}

std::string RowReader::JsonDocumentOrEmpty(int column) {
  if (row_.Text(column).empty() && Type(column) != SQLITE_BLOB) return "";
  return JsonDocument(column);
}

std::vector<std::string> RowReader::JsonStringList(int column) {
  std::vector<std::string> out;
  const nlohmann::json j = nlohmann::json::parse(row_.Text(column), nullptr, false);
  const bool is_list = Type(column) == SQLITE_TEXT && j.is_array() &&
                       std::all_of(j.begin(), j.end(), [](const auto& x) { return x.is_string(); });
  if (!is_list) {
    Fail(column, "a JSON array of strings");
    return out;
  }
  for (const auto& x : j) out.push_back(x.template get<std::string>());
  return out;
}

Bytes RowReader::FixedBlob(int column, size_t size) {
  Bytes b = row_.Blob(column);
  if (Type(column) != SQLITE_BLOB || b.size() != size) {
    Fail(column, "a " + std::to_string(size) + "-byte BLOB");
  }
  return b;
}

Bytes RowReader::OptionalFixedBlob(int column, size_t size) {
  if (Type(column) == SQLITE_NULL) return {};
  return FixedBlob(column, size);
}

Bytes RowReader::Blob(int column, size_t min, size_t max) {
  Bytes b = row_.Blob(column);
  if (Type(column) != SQLITE_BLOB || b.size() < min || b.size() > max) {
    Fail(column, "a BLOB of " + std::to_string(min) + " to " + std::to_string(max) + " bytes");
  }
  return b;
}

int64_t RowReader::Integer(int column, int64_t min, int64_t max) {
  const int64_t v = row_.Int(column);
  if (Type(column) != SQLITE_INTEGER || v < min || v > max) {
    Fail(column, "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]");
    return min;
  }
  return v;
}

std::optional<FrameRate> RowReader::OptionalFrameRate(int column) {
  if (Type(column) == SQLITE_NULL) return std::nullopt;
  const std::string text = row_.Text(column);
  auto rate = ParseFrameRate(text);
  if (Type(column) != SQLITE_TEXT || !rate.ok() || rate->Text() != text) {
    Fail(column, "a standard frame rate FRAMES/SECONDS (24/1, 24000/1001, ...)");
    return std::nullopt;
  }
  return *rate;
}

std::string RowReader::Hex(int column, size_t digits) {
  std::string text = row_.Text(column);
  if (Type(column) != SQLITE_TEXT || text.size() != digits ||
      !std::all_of(text.begin(), text.end(), IsLowerHex)) {
    Fail(column, std::to_string(digits) + " lowercase hex digits");
  }
  return text;
}

std::string RowReader::Code(int column, std::span<const std::string_view> codes) {
  std::string text = row_.Text(column);
  if (Type(column) != SQLITE_TEXT || std::find(codes.begin(), codes.end(), text) == codes.end()) {
    std::string expected = "one of ";
    for (size_t i = 0; i < codes.size(); ++i) expected += (i ? "|" : "") + std::string(codes[i]);
    Fail(column, expected);
  }
  return text;
}

}  // namespace figurant::registry::internal

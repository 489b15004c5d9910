// Strict reading of one row of a registry SELECT. Each accessor checks that the stored value is
// what its column holds and converts it; the first column that is not makes the whole row
// DataLoss, with a message naming the table, the row's id (the SELECT's first column), the column
// (as the SELECT names it), what was expected and what was found:
//
//   licences row 'lic_0123456789abcdef' column 'state': expected one of
//   draft|active|revoked|erased, found 'suspended' (registry BANK/figurant.db)
//
// A bad stored value is never replaced by a default (an empty list, nullopt, 1970): the accessors
// return a placeholder only while the reader holds an error, and Finish() then returns the error
// instead of the row. Private to the registry module.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/crypto.h"
#include "core/frame_rate.h"
#include "core/status.h"
#include "registry/internal/enum_names.h"
#include "registry/internal/sqlite.h"

namespace figurant::registry::internal {

class RowReader {
 public:
  // `row` is a statement positioned on a row (Step() returned true), none of whose values has
  // been read yet; it must outlive the reader.
  RowReader(const Statement& row, std::string_view table);

  // Any stored value as text; NULL reads as "". For free text (names, ids, JSON documents).
  std::string Text(int column) const { return row_.Text(column); }
  std::optional<std::string> OptionalText(int column) const {
    if (Type(column) == SQLITE_NULL) return std::nullopt;
    return row_.Text(column);
  }

  // INTEGER Unix seconds.
  UnixSeconds Timestamp(int column);
  // INTEGER Unix seconds, or NULL.
  std::optional<UnixSeconds> OptionalTimestamp(int column);
  // TEXT 'YYYY-MM-DD', a real calendar day.
  Date CalendarDate(int column);
  // TEXT 'YYYY-MM-DD', or NULL.
  std::optional<Date> OptionalCalendarDate(int column);
  // INTEGER 0 or 1.
  bool Flag(int column);
  // INTEGER in [min, max] (small closed ranges: a message version).
  int SmallInt(int column, int min, int max);
  // REAL or INTEGER. NULL reads as 0: rows written before the column was added hold NULL
  // (docs/registry.md: measurements are 0 for placeholders).
  double Measure(int column);
  // TEXT holding a JSON document (its meaning is checked by whoever reads it).
  std::string JsonDocument(int column);
  // As JsonDocument, or '' or NULL (read as "") where the column may hold nothing.
  std::string JsonDocumentOrEmpty(int column);
  // TEXT holding a JSON array whose items are all strings.
  std::vector<std::string> JsonStringList(int column);
  // BLOB of exactly `size` bytes (keys, signatures).
  Bytes FixedBlob(int column, size_t size);
  // As FixedBlob, or NULL (read as no bytes) where the column may hold nothing.
  Bytes OptionalFixedBlob(int column, size_t size);
  // BLOB of `min` to `max` bytes (passkey credential ids, keys and assertions).
  Bytes Blob(int column, size_t min, size_t max);
  // INTEGER in [min, max] (64-bit: a passkey's sign count).
  int64_t Integer(int column, int64_t min, int64_t max);
  // Whether the stored value is NULL (for groups of columns that are all set or all NULL).
  bool IsNull(int column) const { return Type(column) == SQLITE_NULL; }
  // TEXT holding a standard frame rate's exact text ("24/1", "24000/1001"), or NULL.
  std::optional<FrameRate> OptionalFrameRate(int column);
  // TEXT of exactly `digits` lowercase hexadecimal digits (SHA-256 hashes).
  std::string Hex(int column, size_t digits);
  // TEXT equal to one of `codes` (e.g. kLanguageCodes).
  std::string Code(int column, std::span<const std::string_view> codes);
  // TEXT naming a value of E in `names`.
  template <typename E, size_t N>
  E Enum(int column, const Entry<E, std::string_view> (&names)[N]) {
    if (Type(column) == SQLITE_TEXT) {
      const std::string text = row_.Text(column);
      if (auto value = KeyOf(names, text)) return *value;
    }
    Fail(column, "one of " + Alternatives(names));
    return names[0].key;
  }

  // `value` when every column read so far held what it should; DataLoss for the first that did
  // not.
  template <typename T>
  Result<T> Finish(T value) const {
    if (!status_.ok()) return status_;
    return value;
  }

 private:
  // Records (the first) DataLoss for `column`: expected `expected`, found what is stored.
  void Fail(int column, std::string_view expected);
  // The stored value as a message shows it: 'text', INTEGER 5, REAL 1.5, a 31-byte BLOB, NULL.
  std::string Found(int column) const;
  // The stored type of `column`, as it was before any value was read (reading a value converts
  // it, after which sqlite3_column_type is undefined).
  int Type(int column) const { return types_.at(static_cast<size_t>(column)); }

  const Statement& row_;
  std::string_view table_;
  std::vector<int> types_;
  Status status_;
};

}  // namespace figurant::registry::internal

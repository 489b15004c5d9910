// ISO 3166-1 alpha-2 countries and ISO 4217 currencies with English and French names. The tables
// are constant data written by scripts/gen-iso-tables.py (iso_tables.cpp); they live for the whole
// program and are safe to read from any thread.
#pragma once

#include <algorithm>
#include <functional>
#include <span>
#include <string_view>

namespace figurant::consent::internal {

struct IsoEntry {
  std::string_view code;  // "FR", "EUR"
  std::string_view en;    // "France", "Euro"
  std::string_view fr;    // "France", "euro"
};

std::span<const IsoEntry> Countries();   // sorted by code, each code once
std::span<const IsoEntry> Currencies();  // sorted by code, each code once

// True when every code is greater than the one before it (sorted, no code twice), which
// FindByCode relies on; the generated tables check it at compile time.
constexpr bool IsSortedByCode(std::span<const IsoEntry> table) {
  return std::ranges::adjacent_find(table, std::ranges::greater_equal{}, &IsoEntry::code) ==
         table.end();
}

// The entry of `table` (one of the above) whose code is exactly `code`, or nullptr.
inline const IsoEntry* FindByCode(std::span<const IsoEntry> table, std::string_view code) {
  const auto it = std::ranges::lower_bound(table, code, {}, &IsoEntry::code);
  return it != table.end() && it->code == code ? &*it : nullptr;
}

}  // namespace figurant::consent::internal

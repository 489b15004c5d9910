// ISO 3166-1 alpha-2 countries and ISO 4217 currencies with English and French names.
#pragma once

#include <string_view>
#include <vector>

namespace figurant::consent::internal {

struct IsoEntry {
  std::string_view code;  // "FR", "EUR"
  std::string_view en;    // "France", "Euro"
  std::string_view fr;    // "France", "euro"
};

const std::vector<IsoEntry>& Countries();   // sorted by code
const std::vector<IsoEntry>& Currencies();  // sorted by code

}  // namespace figurant::consent::internal

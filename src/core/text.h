// Small text helpers shared by the libraries and the CLI. Header-only and pure.
#pragma once

#include <string>
#include <string_view>

namespace figurant {

// `s` without leading and trailing spaces, tabs, CRs and LFs ("" when nothing else is left).
// How a name, a title or a hex line is normalised wherever it is read or signed.
inline std::string TrimSpace(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace figurant

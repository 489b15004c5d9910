// The one spelling Figurant writes hashes, keys and signatures in: lowercase hex. A value a
// signature covers must have one spelling, so readers refuse upper case rather than fold it.
#pragma once

#include <cstddef>
#include <string_view>

namespace figurant::consent::internal {

// True when `s` is exactly `digits` characters of 0-9 and a-f.
inline bool IsLowerHex(std::string_view s, size_t digits) {
  if (s.size() != digits) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace figurant::consent::internal

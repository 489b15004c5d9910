// File names Figurant makes from what a user wrote (a scene's render.output, a shot name): POSIX's
// portable filename character set (IEEE Std 1003.1-2017, definition 3.282: A–Z a–z 0–9 . _ -), and
// never hidden or option-like. Such a name stays in the directory it is created in (no '/', never
// "." or ".."), cannot hide beside Figurant's own dot-files (lock and temporary files), and reads
// the same on every file system and in every shell. Safe for untrusted input.
#pragma once

#include <cstddef>
#include <string_view>

namespace figurant {

// Longest portable name Figurant creates, leaving room in NAME_MAX (255) for the temporary name
// it is written under first. [Units: bytes]
inline constexpr size_t kMaxPortableNameBytes = 200;

inline bool IsPortableNameChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

// True when `name` is 1..kMaxPortableNameBytes portable characters and does not start with '.' or
// '-'.
inline bool IsPortableFileName(std::string_view name) {
  if (name.empty() || name.size() > kMaxPortableNameBytes) return false;
  if (name.front() == '.' || name.front() == '-') return false;
  for (const char c : name) {
    if (!IsPortableNameChar(c)) return false;
  }
  return true;
}

}  // namespace figurant

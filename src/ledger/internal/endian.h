// Little-endian integers, the ledger's byte order (docs/ledger.md, "Records"), whatever the host's.
//
// Written byte by byte rather than with memcpy of the host representation, so the file is the same
// on any machine; GCC and Clang turn both loops into a single load or store on little-endian hosts
// (x86, ARM), where the bytes are exactly what memcpy wrote before.
#pragma once

#include <concepts>
#include <cstddef>
#include <string>
#include <type_traits>

namespace figurant::ledger::internal {

// Appends `value` to `out` as sizeof(T) bytes, least significant first (two's complement for
// signed types).
template <std::integral T>
void AppendLittleEndian(std::string& out, T value) {
  auto bits = static_cast<std::make_unsigned_t<T>>(value);
  for (size_t i = 0; i < sizeof(T); ++i) {
    out.push_back(static_cast<char>(bits & 0xffU));
    bits = static_cast<std::make_unsigned_t<T>>(bits >> 8U);
  }
}

// Reads sizeof(T) bytes at `p`, least significant first. The caller guarantees they are there.
template <std::integral T>
T LoadLittleEndian(const char* p) {
  using U = std::make_unsigned_t<T>;
  U bits = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    bits = static_cast<U>(
        bits | static_cast<U>(static_cast<U>(static_cast<unsigned char>(p[i])) << (8 * i)));
  }
  return static_cast<T>(bits);
}

}  // namespace figurant::ledger::internal

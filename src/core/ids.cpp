#include "core/ids.h"

#include <array>

#include "core/crypto.h"

namespace figurant {

constexpr size_t kIdRandomBytes = 8;

std::string NewId(std::string_view prefix) {
  std::array<uint8_t, kIdRandomBytes> raw;
  RandomBytes(raw.data(), raw.size());
  std::string out(prefix);
  out += '_';
  out += ToHex(raw);
  return out;
}

bool HasIdForm(std::string_view id, std::string_view prefix) {
  if (id.size() != prefix.size() + 1 + 2 * kIdRandomBytes) return false;
  if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '_') return false;
  for (char c : id.substr(prefix.size() + 1)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace figurant

#include "render/cryptomatte.h"

#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

namespace figurant::render {
namespace {

uint32_t Rotl(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

uint32_t FMix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h;
}

}  // namespace

uint32_t MurmurHash3_x86_32(std::string_view data, uint32_t seed) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(data.data());
  const size_t len = data.size();
  const size_t nblocks = len / 4;
  uint32_t h1 = seed;
  constexpr uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  for (size_t i = 0; i < nblocks; ++i) {
    uint32_t k1;
    std::memcpy(&k1, bytes + i * 4, 4);  // little-endian, as the reference on x86
    k1 *= c1;
    k1 = Rotl(k1, 15);
    k1 *= c2;
    h1 ^= k1;
    h1 = Rotl(h1, 13);
    h1 = h1 * 5 + 0xe6546b64;
  }
  const uint8_t* tail = bytes + nblocks * 4;
  uint32_t k1 = 0;
  switch (len & 3) {
    case 3:
      k1 ^= static_cast<uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      k1 ^= static_cast<uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      k1 ^= tail[0];
      k1 *= c1;
      k1 = Rotl(k1, 15);
      k1 *= c2;
      h1 ^= k1;
      break;
    default:
      break;
  }
  h1 ^= static_cast<uint32_t>(len);
  return FMix(h1);
}

uint32_t CryptomatteHash(std::string_view name) {
  uint32_t h = MurmurHash3_x86_32(name, 0);
  // Keep the float exponent off 0 and 255 (spec: "uint32_to_float32" conversion).
  const uint32_t exponent = (h >> 23) & 255;
  if (exponent == 0 || exponent == 255) h ^= 1u << 23;
  return h;
}

float CryptomatteId(std::string_view name) {
  const uint32_t h = CryptomatteHash(name);
  float f;
  std::memcpy(&f, &h, sizeof f);
  return f;
}

std::string HashHex(uint32_t h) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", h);
  return buf;
}

std::string CryptomatteKeyPrefix(std::string_view layer_name) {
  return "cryptomatte/" + HashHex(MurmurHash3_x86_32(layer_name, 0)).substr(0, 7) + "/";
}

std::string ManifestJson(const std::map<std::string, uint32_t>& name_to_hash) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, h] : name_to_hash) j[name] = HashHex(h);
  return j.dump();
}

}  // namespace figurant::render

// Cryptomatte v1.1 (Friedman & Jones, Psyop, "Cryptomatte: Automatic ID Mattes", specification
// 1.2.0, github.com/Psyop/Cryptomatte/specification): object names hashed with MurmurHash3_x86_32,
// the hash stored in a float32 channel bit for bit (with the exponent kept away from 0 and 255 so
// it is never a denormal, infinity or NaN), ranked (id, coverage) pairs per pixel in layers
// `<Name>00`, `<Name>01`, ... (two pairs per RGBA layer), and a manifest of name → hex id in the
// EXR header under `cryptomatte/<key>/…`, where key = the first 7 hex digits of the hash of the
// layer name.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace figurant::render {

// MurmurHash3_x86_32 (Austin Appleby, public domain), seed 0 as Cryptomatte requires.
uint32_t MurmurHash3_x86_32(std::string_view data, uint32_t seed = 0);

// The Cryptomatte id of a name: the hash with the float exponent fixed up, as the float to store.
float CryptomatteId(std::string_view name);
uint32_t CryptomatteHash(std::string_view name);  // the fixed-up 32 bits
std::string HashHex(uint32_t h);                  // 8 lowercase hex digits

// Header attribute prefix for a layer: "cryptomatte/<7 hex>/".
std::string CryptomatteKeyPrefix(std::string_view layer_name);

// {"name": "hexid", ...} for the header's manifest attribute.
std::string ManifestJson(const std::map<std::string, uint32_t>& name_to_hash);

}  // namespace figurant::render

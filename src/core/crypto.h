// Thin, value-returning wrappers over libsodium for the primitives every module shares:
// SHA-256, Ed25519 signatures, secure random bytes and hex. Nothing here invents cryptography.
// All functions are thread-safe once InitCrypto() has returned OK (it is idempotent).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace figurant {

using Bytes = std::vector<uint8_t>;

// Initialises libsodium. Safe to call many times and from many threads.
Status InitCrypto();

constexpr size_t kSha256Bytes = 32;
using Sha256Digest = std::array<uint8_t, kSha256Bytes>;

Sha256Digest Sha256(std::string_view data);
Sha256Digest Sha256(const uint8_t* data, size_t size);
std::string Sha256Hex(std::string_view data);

// Incremental SHA-256 for streams (scan files, ledger batches).
class Sha256Hasher {
 public:
  Sha256Hasher();
  void Update(const uint8_t* data, size_t size);
  void Update(std::string_view data);
  Sha256Digest Finish();

 private:
  alignas(64) unsigned char state_[128];  // crypto_hash_sha256_state, opaque here
};

std::string ToHex(const uint8_t* data, size_t size);
template <size_t N>
std::string ToHex(const std::array<uint8_t, N>& a) {
  return ToHex(a.data(), a.size());
}
inline std::string ToHex(const Bytes& b) { return ToHex(b.data(), b.size()); }
// Decodes lowercase or uppercase hex; InvalidArgument on odd length or a non-hex character.
Result<Bytes> FromHex(std::string_view hex);

// Fills `size` bytes from the OS CSPRNG.
void RandomBytes(uint8_t* out, size_t size);

constexpr size_t kEd25519PublicKeyBytes = 32;
constexpr size_t kEd25519SecretKeyBytes = 64;
constexpr size_t kEd25519SignatureBytes = 64;

struct SigningKeyPair {
  std::array<uint8_t, kEd25519PublicKeyBytes> public_key;
  std::array<uint8_t, kEd25519SecretKeyBytes> secret_key;  // libsodium's seed||pk form
};

SigningKeyPair GenerateSigningKeyPair();
std::array<uint8_t, kEd25519SignatureBytes> SignDetached(std::string_view message,
                                                         const SigningKeyPair& key);
// True only when `signature` is a valid Ed25519 signature of `message` by `public_key`.
bool VerifyDetached(std::string_view message, const uint8_t* signature, size_t signature_size,
                    const uint8_t* public_key, size_t public_key_size);

// Overwrites memory in a way the compiler cannot elide.
void SecureZero(void* data, size_t size);

}  // namespace figurant

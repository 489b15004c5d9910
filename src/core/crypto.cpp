#include "core/crypto.h"

#include <sodium.h>

#include <cstring>

namespace figurant {

static_assert(sizeof(crypto_hash_sha256_state) <= 128, "Sha256Hasher state buffer too small");

Status InitCrypto() {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  return Status::Ok();
}

Sha256Digest Sha256(const uint8_t* data, size_t size) {
  Sha256Digest out;
  crypto_hash_sha256(out.data(), data, size);
  return out;
}

Sha256Digest Sha256(std::string_view data) {
  return Sha256(reinterpret_cast<const uint8_t*>(data.data()), data.size());
}

std::string Sha256Hex(std::string_view data) { return ToHex(Sha256(data)); }

Sha256Hasher::Sha256Hasher() {
  crypto_hash_sha256_init(reinterpret_cast<crypto_hash_sha256_state*>(state_));
}

void Sha256Hasher::Update(const uint8_t* data, size_t size) {
  crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(state_), data, size);
}

void Sha256Hasher::Update(std::string_view data) {
  Update(reinterpret_cast<const uint8_t*>(data.data()), data.size());
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest out;
  crypto_hash_sha256_final(reinterpret_cast<crypto_hash_sha256_state*>(state_), out.data());
  return out;
}

std::string ToHex(const uint8_t* data, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

Result<Bytes> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgument("hex string has odd length");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return InvalidArgument("hex string has a non-hex character");
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

void RandomBytes(uint8_t* out, size_t size) { randombytes_buf(out, size); }

SigningKeyPair GenerateSigningKeyPair() {
  SigningKeyPair kp;
  crypto_sign_keypair(kp.public_key.data(), kp.secret_key.data());
  return kp;
}

std::array<uint8_t, kEd25519SignatureBytes> SignDetached(std::string_view message,
                                                         const SigningKeyPair& key) {
  std::array<uint8_t, kEd25519SignatureBytes> sig;
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const uint8_t*>(message.data()),
                       message.size(), key.secret_key.data());
  return sig;
}

bool VerifyDetached(std::string_view message, const uint8_t* signature, size_t signature_size,
                    const uint8_t* public_key, size_t public_key_size) {
  if (signature_size != crypto_sign_BYTES || public_key_size != crypto_sign_PUBLICKEYBYTES) {
    return false;
  }
  return crypto_sign_verify_detached(signature, reinterpret_cast<const uint8_t*>(message.data()),
                                     message.size(), public_key) == 0;
}

void SecureZero(void* data, size_t size) { sodium_memzero(data, size); }

}  // namespace figurant

#include "ledger/internal/sha256.h"

#include <openssl/evp.h>

#include <cstring>

namespace figurant::ledger::internal {

struct Sha256Engine::Impl {
  EVP_MD* md = nullptr;
  EVP_MD_CTX* ctx = nullptr;
  ~Impl() {
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
  }
};

Sha256Engine::Sha256Engine() : impl_(std::make_unique<Impl>()) {
  // Fetching once (rather than EVP_sha256() per call) avoids OpenSSL 3's per-init provider lookup,
  // which costs more than hashing a 200-byte entry.
  impl_->md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  impl_->ctx = EVP_MD_CTX_new();
}

Sha256Engine::~Sha256Engine() = default;
Sha256Engine::Sha256Engine(Sha256Engine&&) noexcept = default;
Sha256Engine& Sha256Engine::operator=(Sha256Engine&&) noexcept = default;

Sha256Digest Sha256Engine::Hash(int prefix, const uint8_t* data, size_t size) {
  Sha256Digest out{};
  // A libcrypto without SHA-256 (never on Debian) falls back to libsodium: same digest.
  if (impl_->md == nullptr || impl_->ctx == nullptr ||
      EVP_DigestInit_ex2(impl_->ctx, impl_->md, nullptr) != 1) {
    Sha256Hasher h;
    if (prefix >= 0) {
      const auto p = static_cast<uint8_t>(prefix);
      h.Update(&p, 1);
    }
    h.Update(data, size);
    return h.Finish();
  }
  if (prefix >= 0) {
    const auto p = static_cast<uint8_t>(prefix);
    EVP_DigestUpdate(impl_->ctx, &p, 1);
  }
  EVP_DigestUpdate(impl_->ctx, data, size);
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, out.data(), &len);
  return out;
}

Sha256Digest Sha256Engine::Node(const Sha256Digest& left, const Sha256Digest& right) {
  uint8_t buf[2 * kSha256Bytes];
  std::memcpy(buf, left.data(), kSha256Bytes);
  std::memcpy(buf + kSha256Bytes, right.data(), kSha256Bytes);
  return Hash(0x01, buf, sizeof buf);
}

}  // namespace figurant::ledger::internal

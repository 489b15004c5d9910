// SHA-256 for the ledger's hot loops (leaf and node hashes of RFC 6962), from OpenSSL's libcrypto.
//
// Why not core/crypto.h (libsodium): libsodium 1.0.18's SHA-256 is portable C (≈280 MB/s on the
// bench machine) while libcrypto uses the CPU's SHA extensions (≈1.5 GB/s); verification hashes
// every entry twice (leaf and node), so this is the difference between ≈0.5 M and >1 M entries/s.
// Digests are identical (FIPS 180-4); sha256_test checks it against core's Sha256.
//
// A Sha256Engine owns one fetched digest and one context: create one per thread and reuse it.
// Not thread-safe; movable, not copyable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/crypto.h"

namespace figurant::ledger::internal {

class Sha256Engine {
 public:
  Sha256Engine();
  ~Sha256Engine();
  Sha256Engine(Sha256Engine&&) noexcept;
  Sha256Engine& operator=(Sha256Engine&&) noexcept;
  Sha256Engine(const Sha256Engine&) = delete;
  Sha256Engine& operator=(const Sha256Engine&) = delete;

  // SHA-256(prefix ‖ data[0, size)); `prefix` < 0 means no prefix byte.
  Sha256Digest Hash(int prefix, const uint8_t* data, size_t size);
  // RFC 6962 leaf hash SHA-256(0x00 ‖ data).
  Sha256Digest Leaf(const uint8_t* data, size_t size) { return Hash(0x00, data, size); }
  // RFC 6962 node hash SHA-256(0x01 ‖ left ‖ right).
  Sha256Digest Node(const Sha256Digest& left, const Sha256Digest& right);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace figurant::ledger::internal

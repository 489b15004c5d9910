// Merkle tree hashes and proofs as Certificate Transparency defines them (RFC 6962 §2.1; proof
// verification as RFC 9162 §2.1.3.2 and §2.1.4.2): leaf hash SHA-256(0x00 ‖ data), node hash
// SHA-256(0x01 ‖ left ‖ right), a tree of n leaves split at the largest power of two below n.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "core/crypto.h"

namespace figurant::ledger {

using Hash = Sha256Digest;

namespace internal {
class Sha256Engine;
}

// The right edge of a Merkle tree built leaf by leaf: a binary counter of complete subtrees (their
// height and hash). Folding it from the right gives exactly the RFC 6962 split at the largest power
// of two, so Root() equals MerkleRoot of the same leaves, in O(log n) memory. Not thread-safe.
class MerkleFrontier {
 public:
  void Push(const Hash& leaf, internal::Sha256Engine& sha);
  // The Merkle tree hash of every leaf pushed; SHA-256 of the empty string when none was.
  Hash Root(internal::Sha256Engine& sha) const;

 private:
  std::vector<std::pair<int, Hash>> subtrees_;  // (height, hash), tallest first
};

Hash LeafHash(const uint8_t* data, size_t size);
Hash NodeHash(const Hash& left, const Hash& right);
// The Merkle tree hash of leaf hashes [0, n). n = 0 gives SHA-256 of the empty string.
Hash MerkleRoot(std::span<const Hash> leaves);

// Audit path of leaf `index` in the tree of `leaves` (index < leaves.size()).
std::vector<Hash> InclusionProof(std::span<const Hash> leaves, uint64_t index);
bool VerifyInclusion(const Hash& leaf, uint64_t index, uint64_t tree_size,
                     const std::vector<Hash>& proof, const Hash& root);

// Proof that the tree of the first `old_size` leaves is a prefix of the tree of all `leaves`.
std::vector<Hash> ConsistencyProof(std::span<const Hash> leaves, uint64_t old_size);
bool VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                       const Hash& new_root, const std::vector<Hash>& proof);

}  // namespace figurant::ledger

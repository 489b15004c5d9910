#include "ledger/merkle.h"

#include <cstring>

#include "ledger/internal/sha256.h"

namespace figurant::ledger {
namespace {

uint64_t LargestPowerOfTwoBelow(uint64_t n) {  // n >= 2
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

void SubProof(std::span<const Hash> d, uint64_t m, bool b, std::vector<Hash>& out) {
  const uint64_t n = d.size();
  if (m == n) {
    if (!b) out.push_back(MerkleRoot(d));
    return;
  }
  const uint64_t k = LargestPowerOfTwoBelow(n);
  if (m <= k) {
    SubProof(d.subspan(0, k), m, b, out);
    out.push_back(MerkleRoot(d.subspan(k)));
  } else {
    SubProof(d.subspan(k), m - k, false, out);
    out.push_back(MerkleRoot(d.subspan(0, k)));
  }
}

void Path(std::span<const Hash> d, uint64_t m, std::vector<Hash>& out) {
  const uint64_t n = d.size();
  if (n <= 1) return;
  const uint64_t k = LargestPowerOfTwoBelow(n);
  if (m < k) {
    Path(d.subspan(0, k), m, out);
    out.push_back(MerkleRoot(d.subspan(k)));
  } else {
    Path(d.subspan(k), m - k, out);
    out.push_back(MerkleRoot(d.subspan(0, k)));
  }
}

}  // namespace

Hash LeafHash(const uint8_t* data, size_t size) {
  return internal::Sha256Engine().Leaf(data, size);
}

Hash NodeHash(const Hash& left, const Hash& right) {
  return internal::Sha256Engine().Node(left, right);
}

Hash MerkleRoot(std::span<const Hash> leaves) {
  if (leaves.empty()) return Sha256(std::string_view());
  // Left-to-right with a stack of complete subtrees (a binary counter); folding the stack from the
  // right gives exactly the RFC 6962 split at the largest power of two.
  internal::Sha256Engine sha;
  std::vector<std::pair<int, Hash>> stack;
  for (const Hash& leaf : leaves) {
    std::pair<int, Hash> cur{0, leaf};
    while (!stack.empty() && stack.back().first == cur.first) {
      cur = {cur.first + 1, sha.Node(stack.back().second, cur.second)};
      stack.pop_back();
    }
    stack.push_back(cur);
  }
  Hash acc = stack.back().second;
  for (size_t i = stack.size() - 1; i-- > 0;) acc = sha.Node(stack[i].second, acc);
  return acc;
}

std::vector<Hash> InclusionProof(std::span<const Hash> leaves, uint64_t index) {
  std::vector<Hash> out;
  if (index < leaves.size()) Path(leaves, index, out);
  return out;
}

bool VerifyInclusion(const Hash& leaf, uint64_t index, uint64_t tree_size,
                     const std::vector<Hash>& proof, const Hash& root) {
  if (index >= tree_size) return false;
  uint64_t fn = index, sn = tree_size - 1;
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

std::vector<Hash> ConsistencyProof(std::span<const Hash> leaves, uint64_t old_size) {
  std::vector<Hash> out;
  if (old_size == 0 || old_size > leaves.size()) return out;
  SubProof(leaves, old_size, true, out);
  return out;
}

bool VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                       const Hash& new_root, const std::vector<Hash>& proof_in) {
  if (old_size > new_size) return false;
  if (old_size == new_size) return proof_in.empty() && old_root == new_root;
  if (old_size == 0) return proof_in.empty();
  std::vector<Hash> proof = proof_in;
  if ((old_size & (old_size - 1)) == 0) proof.insert(proof.begin(), old_root);
  if (proof.empty()) return false;
  uint64_t fn = old_size - 1, sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = proof[0], sr = proof[0];
  for (size_t i = 1; i < proof.size(); ++i) {
    const Hash& c = proof[i];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

}  // namespace figurant::ledger

#include "ledger/merkle.h"

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

// The walk up the tree that both RFC 9162 verifiers make (§2.1.3.2 and §2.1.4.2): `fn` is the
// current node's index and `sn` the last node's index at the current level.
struct PathWalk {
  uint64_t fn = 0, sn = 0;

  // Whether the next proof hash is the current node's left sibling.
  bool SiblingOnLeft() const { return (fn & 1) != 0 || fn == sn; }
  void Up() {
    fn >>= 1;
    sn >>= 1;
  }
  // After combining with a sibling: a left sibling may have been the root of a right edge, so
  // climb past the levels where the node has none, then one level.
  void Climb(bool sibling_was_left) {
    if (sibling_was_left) {
      while ((fn & 1) == 0 && fn != 0) Up();
    }
    Up();
  }
};

}  // namespace

Hash LeafHash(const uint8_t* data, size_t size) {
  return internal::Sha256Engine().Leaf(data, size);
}

Hash NodeHash(const Hash& left, const Hash& right) {
  return internal::Sha256Engine().Node(left, right);
}

void MerkleFrontier::Push(const Hash& leaf, internal::Sha256Engine& sha) {
  std::pair<int, Hash> cur{0, leaf};
  while (!subtrees_.empty() && subtrees_.back().first == cur.first) {
    cur = {cur.first + 1, sha.Node(subtrees_.back().second, cur.second)};
    subtrees_.pop_back();
  }
  subtrees_.push_back(cur);
}

Hash MerkleFrontier::Root(internal::Sha256Engine& sha) const {
  if (subtrees_.empty()) return Sha256(std::string_view());
  Hash acc = subtrees_.back().second;
  for (size_t i = subtrees_.size() - 1; i-- > 0;) acc = sha.Node(subtrees_[i].second, acc);
  return acc;
}

Hash MerkleRoot(std::span<const Hash> leaves) {
  internal::Sha256Engine sha;
  MerkleFrontier frontier;
  for (const Hash& leaf : leaves) frontier.Push(leaf, sha);
  return frontier.Root(sha);
}

std::vector<Hash> InclusionProof(std::span<const Hash> leaves, uint64_t index) {
  std::vector<Hash> out;
  if (index < leaves.size()) Path(leaves, index, out);
  return out;
}

bool VerifyInclusion(const Hash& leaf, uint64_t index, uint64_t tree_size,
                     const std::vector<Hash>& proof, const Hash& root) {
  if (index >= tree_size) return false;
  PathWalk walk{index, tree_size - 1};
  Hash r = leaf;
  for (const Hash& p : proof) {
    if (walk.sn == 0) return false;
    const bool left = walk.SiblingOnLeft();
    r = left ? NodeHash(p, r) : NodeHash(r, p);
    walk.Climb(left);
  }
  return walk.sn == 0 && r == root;
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
  PathWalk walk{old_size - 1, new_size - 1};
  while ((walk.fn & 1) != 0) walk.Up();
  Hash fr = proof[0], sr = proof[0];
  for (size_t i = 1; i < proof.size(); ++i) {
    const Hash& c = proof[i];
    if (walk.sn == 0) return false;
    const bool left = walk.SiblingOnLeft();
    if (left) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
    } else {
      sr = NodeHash(sr, c);
    }
    walk.Climb(left);
  }
  return fr == old_root && sr == new_root && walk.sn == 0;
}

}  // namespace figurant::ledger

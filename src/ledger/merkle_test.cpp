#include "ledger/merkle.h"

#include <gtest/gtest.h>

#include <random>

namespace figurant::ledger {
namespace {

// The RFC 6962 definition, written recursively, as the reference.
Hash ReferenceRoot(std::span<const Hash> d) {
  if (d.empty()) return Sha256(std::string_view());
  if (d.size() == 1) return d[0];
  size_t k = 1;
  while (k * 2 < d.size()) k *= 2;
  return NodeHash(ReferenceRoot(d.subspan(0, k)), ReferenceRoot(d.subspan(k)));
}

std::vector<Hash> Leaves(size_t n) {
  std::vector<Hash> out;
  for (size_t i = 0; i < n; ++i) {
    const std::string s = "leaf " + std::to_string(i);
    out.push_back(LeafHash(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
  }
  return out;
}

TEST(MerkleTest, RootMatchesTheRecursiveDefinition) {
  for (size_t n : {0, 1, 2, 3, 4, 5, 7, 8, 9, 31, 64, 100, 1000}) {
    const auto l = Leaves(n);
    EXPECT_EQ(MerkleRoot(l), ReferenceRoot(l)) << n;
  }
  // RFC 6962 leaf and node prefixes: the empty-string tree and a one-leaf tree.
  EXPECT_EQ(ToHex(MerkleRoot({})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(MerkleTest, InclusionProofsVerifyAndRejectTampering) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 200; ++trial) {
    const size_t n = 1 + rng() % 300;
    const auto l = Leaves(n);
    const Hash root = MerkleRoot(l);
    const uint64_t i = rng() % n;
    auto proof = InclusionProof(l, i);
    ASSERT_TRUE(VerifyInclusion(l[i], i, n, proof, root)) << n << " " << i;
    EXPECT_FALSE(VerifyInclusion(l[(i + 1) % n], i, n, proof, root) && n > 1);
    if (!proof.empty()) {
      proof[rng() % proof.size()][0] ^= 1;
      EXPECT_FALSE(VerifyInclusion(l[i], i, n, proof, root));
    }
  }
}

TEST(MerkleTest, ConsistencyProofsVerifyAndRejectRewrites) {
  std::mt19937 rng(6);
  for (int trial = 0; trial < 200; ++trial) {
    const size_t n = 1 + rng() % 300;
    const size_t m = 1 + rng() % n;
    auto l = Leaves(n);
    const Hash old_root = MerkleRoot(std::span<const Hash>(l).subspan(0, m));
    const Hash new_root = MerkleRoot(l);
    const auto proof = ConsistencyProof(l, m);
    ASSERT_TRUE(VerifyConsistency(m, n, old_root, new_root, proof)) << m << " of " << n;
    // Rewrite one of the first m leaves: the new tree no longer extends the old one.
    auto rewritten = l;
    rewritten[rng() % m][3] ^= 0x10;
    const auto bad_proof = ConsistencyProof(rewritten, m);
    EXPECT_FALSE(VerifyConsistency(m, n, old_root, MerkleRoot(rewritten), bad_proof));
  }
}

}  // namespace
}  // namespace figurant::ledger

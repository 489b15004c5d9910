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

Hash H(std::string_view hex) {
  auto b = FromHex(hex);
  Hash h{};
  EXPECT_TRUE(b.ok() && b->size() == h.size()) << hex;
  if (b.ok() && b->size() == h.size()) std::copy(b->begin(), b->end(), h.begin());
  return h;
}

// The reference vectors of Certificate Transparency's RFC 6962 test suite (kept by
// transparency-dev/merkle, proof/verify_test.go): eight leaves, the root of each prefix, and
// consistency proofs between prefixes.
struct ReferenceTree {
  std::vector<Hash> leaves;
  std::vector<Hash> roots;  // roots[k] is the root of the first k + 1 leaves
};

ReferenceTree Rfc6962Tree() {
  ReferenceTree t;
  for (const char* data : {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                           "606162636465666768696a6b6c6d6e6f"}) {
    const Bytes b = *FromHex(data);
    t.leaves.push_back(LeafHash(b.data(), b.size()));
  }
  for (const char* root : {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                           "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                           "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                           "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                           "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                           "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                           "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                           "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"}) {
    t.roots.push_back(H(root));
  }
  return t;
}

// Every way the CT suite corrupts a good consistency proof: wrong sizes, wrong or swapped roots,
// an empty, truncated or padded proof, one bit flipped in any hash. None may verify.
void ExpectCorruptionsRejected(uint64_t m, uint64_t n, const Hash& r1, const Hash& r2,
                               const std::vector<Hash>& proof) {
  const Hash wrong = H("abacaba000000000000000000000000000000000000000000060061e00123456");
  auto with = [&](std::vector<Hash> p, bool front, const Hash& h) {
    p.insert(front ? p.begin() : p.end(), h);
    return p;
  };
  EXPECT_FALSE(VerifyConsistency(m - 1, n, r1, r2, proof)) << m << "," << n;
  EXPECT_FALSE(VerifyConsistency(m + 1, n, r1, r2, proof)) << m << "," << n;
  EXPECT_FALSE(VerifyConsistency(m ^ 2, n, r1, r2, proof)) << m << "," << n;
  EXPECT_FALSE(VerifyConsistency(m, n * 2, r1, r2, proof)) << m << "," << n;
  EXPECT_FALSE(VerifyConsistency(m, n / 2, r1, r2, proof)) << m << "," << n;
  EXPECT_FALSE(VerifyConsistency(m, n, wrong, r2, proof)) << m << "," << n;
  EXPECT_FALSE(VerifyConsistency(m, n, r1, wrong, proof)) << m << "," << n;
  EXPECT_FALSE(VerifyConsistency(m, n, r2, r1, proof)) << m << "," << n;
  EXPECT_FALSE(VerifyConsistency(m, n, r1, r2, {})) << m << "," << n;
  for (const Hash& extra : {Hash{}, r1, r2, proof[0]}) {
    EXPECT_FALSE(VerifyConsistency(m, n, r1, r2, with(proof, false, extra))) << m << "," << n;
    EXPECT_FALSE(VerifyConsistency(m, n, r1, r2, with(proof, true, extra))) << m << "," << n;
  }
  EXPECT_FALSE(VerifyConsistency(m, n, r1, r2, {proof.begin(), proof.end() - 1}));
  for (size_t i = 0; i < proof.size(); ++i) {
    std::vector<Hash> flipped = proof;
    flipped[i][0] ^= 16;
    EXPECT_FALSE(VerifyConsistency(m, n, r1, r2, flipped)) << m << "," << n << " proof[" << i;
  }
}

TEST(MerkleTest, RootsAndConsistencyProofsMatchTheRfc6962ReferenceVectors) {
  const ReferenceTree t = Rfc6962Tree();
  for (size_t k = 0; k < t.leaves.size(); ++k) {
    EXPECT_EQ(MerkleRoot(std::span<const Hash>(t.leaves).subspan(0, k + 1)), t.roots[k]) << k + 1;
  }
  const struct {
    uint64_t m, n;
    std::vector<const char*> proof;
  } vectors[] = {
      {1, 1, {}},
      {1,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6,
       8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
      {6,
       7,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
  };
  for (const auto& v : vectors) {
    std::vector<Hash> expected;
    for (const char* h : v.proof) expected.push_back(H(h));
    const auto prefix = std::span<const Hash>(t.leaves).subspan(0, v.n);
    EXPECT_EQ(ConsistencyProof(prefix, v.m), expected) << v.m << " to " << v.n;
    const Hash& r1 = t.roots[v.m - 1];
    const Hash& r2 = t.roots[v.n - 1];
    EXPECT_TRUE(VerifyConsistency(v.m, v.n, r1, r2, expected)) << v.m << " to " << v.n;
    if (!expected.empty()) ExpectCorruptionsRejected(v.m, v.n, r1, r2, expected);
  }
  // The edge cases of the suite: sizes always consistent, time travel, mismatched roots.
  const Hash a = H("abacaba000000000000000000000000000000000000000000060061e00123456");
  const Hash empty = Sha256(std::string_view());
  EXPECT_TRUE(VerifyConsistency(0, 0, a, a, {}));
  EXPECT_TRUE(VerifyConsistency(0, 1, a, empty, {}));
  EXPECT_FALSE(VerifyConsistency(1, 1, a, empty, {}));
  EXPECT_FALSE(VerifyConsistency(1, 0, a, empty, {}));
  EXPECT_FALSE(VerifyConsistency(2, 1, a, empty, {}));
  EXPECT_FALSE(VerifyConsistency(1, 2, a, empty, {}));
  EXPECT_FALSE(VerifyConsistency(0, 1, empty, empty, {empty}));
  EXPECT_FALSE(VerifyConsistency(1, 1, empty, empty, {empty}));
}

// Brute force over every pair of sizes up to 40: the proof between the true trees verifies and
// survives no corruption; against a tree whose first m leaves differ in any one leaf, no proof the
// rewritten log can produce verifies.
TEST(MerkleTest, ConsistencyHoldsExactlyForPrefixesBruteForce) {
  const auto l = Leaves(40);
  for (uint64_t n = 1; n <= l.size(); ++n) {
    const auto tree = std::span<const Hash>(l).subspan(0, n);
    for (uint64_t m = 1; m <= n; ++m) {
      const Hash old_root = ReferenceRoot(tree.subspan(0, m));
      const auto proof = ConsistencyProof(tree, m);
      ASSERT_TRUE(VerifyConsistency(m, n, old_root, ReferenceRoot(tree), proof)) << m << "," << n;
      if (m < n) ExpectCorruptionsRejected(m, n, old_root, ReferenceRoot(tree), proof);
      for (uint64_t changed = 0; changed < m; ++changed) {
        std::vector<Hash> forked(tree.begin(), tree.end());
        forked[changed][0] ^= 1;
        EXPECT_FALSE(
            VerifyConsistency(m, n, old_root, ReferenceRoot(forked), ConsistencyProof(forked, m)))
            << m << "," << n << " leaf " << changed;
      }
    }
  }
}

}  // namespace
}  // namespace figurant::ledger

#include "ledger/internal/sha256.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace figurant::ledger::internal {
namespace {

// libcrypto and libsodium must agree on every input, prefix or not: the ledger's bytes are
// hashed by one and may be checked by tools using the other.
TEST(Sha256EngineTest, MatchesLibsodiumOnRandomInputs) {
  ASSERT_TRUE(InitCrypto().ok());
  Sha256Engine sha;
  std::mt19937 rng(7);
  for (int trial = 0; trial < 500; ++trial) {
    std::string data(rng() % 700, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    const auto* p = reinterpret_cast<const uint8_t*>(data.data());
    EXPECT_EQ(sha.Hash(-1, p, data.size()), Sha256(data));
    EXPECT_EQ(sha.Leaf(p, data.size()), Sha256(std::string(1, '\0') + data));
  }
  const Sha256Digest a = Sha256("a"), b = Sha256("b");
  std::string node(1, '\x01');
  node.append(reinterpret_cast<const char*>(a.data()), a.size());
  node.append(reinterpret_cast<const char*>(b.data()), b.size());
  EXPECT_EQ(sha.Node(a, b), Sha256(node));
  // FIPS 180-4 test vector.
  EXPECT_EQ(ToHex(sha.Hash(-1, reinterpret_cast<const uint8_t*>("abc"), 3)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace figurant::ledger::internal

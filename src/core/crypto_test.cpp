#include "core/crypto.h"

#include <gtest/gtest.h>

#include "core/ids.h"

namespace figurant {
namespace {

class CryptoTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
};

TEST_F(CryptoTest, Sha256KnownVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256Hasher h;
  h.Update("a");
  h.Update("bc");
  EXPECT_EQ(ToHex(h.Finish()), Sha256Hex("abc"));
}

TEST_F(CryptoTest, HexRoundTripAndErrors) {
  Bytes b = {0x00, 0x7f, 0xff, 0x10};
  EXPECT_EQ(ToHex(b), "007fff10");
  EXPECT_EQ(*FromHex("007FFF10"), b);
  EXPECT_FALSE(FromHex("abc").ok());
  EXPECT_FALSE(FromHex("zz").ok());
}

TEST_F(CryptoTest, SignatureVerifiesAndRejectsTampering) {
  SigningKeyPair kp = GenerateSigningKeyPair();
  auto sig = SignDetached("I consent", kp);
  EXPECT_TRUE(VerifyDetached("I consent", sig.data(), sig.size(), kp.public_key.data(),
                             kp.public_key.size()));
  EXPECT_FALSE(VerifyDetached("I consenT", sig.data(), sig.size(), kp.public_key.data(),
                              kp.public_key.size()));
  sig[5] ^= 1;
  EXPECT_FALSE(VerifyDetached("I consent", sig.data(), sig.size(), kp.public_key.data(),
                              kp.public_key.size()));
  SigningKeyPair other = GenerateSigningKeyPair();
  auto sig2 = SignDetached("I consent", other);
  EXPECT_FALSE(VerifyDetached("I consent", sig2.data(), sig2.size(), kp.public_key.data(),
                              kp.public_key.size()));
}

TEST_F(CryptoTest, IdsHaveTheirPrefixAndAreDistinct) {
  std::string a = NewId(id_prefix::kPerformer);
  std::string b = NewId(id_prefix::kPerformer);
  EXPECT_NE(a, b);
  EXPECT_TRUE(HasIdForm(a, "per"));
  EXPECT_FALSE(HasIdForm(a, "stu"));
  EXPECT_FALSE(HasIdForm("per_XYZ", "per"));
}

}  // namespace
}  // namespace figurant

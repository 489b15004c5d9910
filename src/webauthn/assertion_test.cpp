// The assertion check of docs/passkeys.md against assertions made as an authenticator makes them
// (webauthn/test_authenticator.h: keys from OpenSSL and libsodium, bytes built independently of
// src/webauthn). Each step's refusal is shown by breaking exactly that step.
#include "webauthn/assertion.h"

#include <gtest/gtest.h>

#include "webauthn/test_authenticator.h"

namespace figurant::webauthn {
namespace {

using testonly::Authenticator;
const std::string& kOrigin = testonly::kTestOrigin;
const std::string& kRpId = testonly::kTestRpId;

class AssertionTest : public ::testing::TestWithParam<Algorithm> {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
  Expected Want() const { return {challenge_, kOrigin, kRpId}; }
  Bytes challenge_ = Bytes(32, 0x5C);
};

TEST_P(AssertionTest, AGoodAssertionVerifiesAndReturnsItsCounter) {
  const Authenticator device(GetParam());
  Credential stored = device.Stored();
  ASSERT_TRUE(CheckCredential(stored).ok()) << CheckCredential(stored).ToString();
  Authenticator::Options o;
  o.count = 7;
  auto v = VerifyAssertion(stored, Want(), device.Sign(challenge_, o));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->sign_count, 7u);
  stored.sign_count = 7;
  o.count = 0;
  EXPECT_EQ(VerifyAssertion(stored, Want(), device.Sign(challenge_, o)).status().code(),
            StatusCode::kPermissionDenied)
      << "a counter that went back";
  stored.sign_count = 0;
  EXPECT_TRUE(VerifyAssertion(stored, Want(), device.Sign(challenge_, o)).ok())
      << "an authenticator that keeps no counter";
}

// Breaking one step at a time: each is refused, naming what it found.
TEST_P(AssertionTest, EachStepRefusesWhatBreaksIt) {
  const Authenticator device(GetParam());
  const Credential stored = device.Stored();
  const auto refused = [&](const Assertion& a, const std::string& says) {
    const auto v = VerifyAssertion(stored, Want(), a);
    EXPECT_EQ(v.status().code(), StatusCode::kPermissionDenied) << says;
    EXPECT_NE(v.status().message().find(says), std::string::npos) << v.status().message();
  };
  Authenticator::Options o;
  Assertion other_id = device.Sign(challenge_, o);
  other_id.credential_id[0] ^= 1;
  refused(other_id, "another credential");
  o.type = "webauthn.create";
  refused(device.Sign(challenge_, o), "clientDataJSON.type");
  o = {};
  refused(device.Sign(Bytes(32, 0x5D), o), "clientDataJSON.challenge");
  o.origin = "https://evil.example";
  refused(device.Sign(challenge_, o), "clientDataJSON.origin is \"https://evil.example\"");
  o = {};
  o.extra = R"(,"crossOrigin":true)";
  refused(device.Sign(challenge_, o), "crossOrigin");
  o = {};
  o.rp_id = "evil.example";
  refused(device.Sign(challenge_, o), "rpIdHash");
  o = {};
  o.flags = 0x04;
  refused(device.Sign(challenge_, o), "UP (user present)");
  o.flags = 0x01;
  refused(device.Sign(challenge_, o), "UV (user verified)");
  o.flags = 0x45;
  refused(device.Sign(challenge_, o), "flag AT");
  o = {};
  Assertion forged = device.Sign(challenge_, o);
  forged.client_data_json.insert(forged.client_data_json.size() - 1, R"(,"x":1)");
  refused(forged, "does not verify");
  o.extra = R"(,"crossOrigin":false)";
  EXPECT_TRUE(VerifyAssertion(stored, Want(), device.Sign(challenge_, o)).ok());
}

TEST_P(AssertionTest, MalformedPartsAreBadInputNotACrash) {
  const Authenticator device(GetParam());
  const Credential stored = device.Stored();
  Assertion a = device.Sign(challenge_, {});
  a.client_data_json = "{not json";
  EXPECT_EQ(VerifyAssertion(stored, Want(), a).status().code(), StatusCode::kInvalidArgument);
  a = device.Sign(challenge_, {});
  a.authenticator_data.resize(36);
  EXPECT_EQ(VerifyAssertion(stored, Want(), a).status().code(), StatusCode::kInvalidArgument);
  a = device.Sign(challenge_, {});
  a.authenticator_data.push_back(0);  // trailing bytes without the ED flag
  EXPECT_EQ(VerifyAssertion(stored, Want(), a).status().code(), StatusCode::kInvalidArgument);
  a = device.Sign(challenge_, {});
  a.signature.clear();
  EXPECT_EQ(VerifyAssertion(stored, Want(), a).status().code(), StatusCode::kPermissionDenied);
}

INSTANTIATE_TEST_SUITE_P(Es256AndEdDsa, AssertionTest, testonly::kBothAlgorithms,
                         testonly::AlgorithmParamName);

TEST(CredentialTest, AKeyOfTheWrongTypeOrAnOddIdIsRefused) {
  ASSERT_TRUE(InitCrypto().ok());
  const Authenticator p256(Algorithm::kEs256);
  Credential c = p256.Stored();
  c.algorithm = Algorithm::kEdDsa;
  EXPECT_EQ(CheckCredential(c).code(), StatusCode::kInvalidArgument);
  c = p256.Stored();
  c.id.resize(8);
  EXPECT_EQ(CheckCredential(c).code(), StatusCode::kInvalidArgument);
  c = p256.Stored();
  c.public_key_spki.pop_back();
  EXPECT_EQ(CheckCredential(c).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(AlgorithmFromCose(-257).status().code(), StatusCode::kInvalidArgument) << "RS256";
  EXPECT_EQ(*AlgorithmFromCose(-8), Algorithm::kEdDsa);
  EXPECT_EQ(Base64Url({0xfb, 0xff}), "-_8");
}

}  // namespace
}  // namespace figurant::webauthn

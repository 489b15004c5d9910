// The registration check of docs/passkeys.md against registrations made as an authenticator makes
// them (webauthn/test_authenticator.h). Each step's refusal is shown by breaking exactly that
// step; a good registration gives back the credential an assertion then verifies under.
#include "webauthn/registration.h"

#include <gtest/gtest.h>

#include "webauthn/test_authenticator.h"

namespace figurant::webauthn {
namespace {

using testonly::Authenticator;

class RegistrationTest : public ::testing::TestWithParam<Algorithm> {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
  Expected Want() const { return {challenge_, testonly::kTestOrigin, testonly::kTestRpId}; }
  Bytes challenge_ = Bytes(32, 0x7E);
};

TEST_P(RegistrationTest, AGoodRegistrationGivesTheCredentialAnAssertionVerifiesUnder) {
  const Authenticator device(GetParam());
  Authenticator::Options o = Authenticator::RegisterOptions();
  o.count = 3;
  const auto credential = VerifyRegistration(Want(), device.Register(challenge_, o));
  ASSERT_TRUE(credential.ok()) << credential.status().ToString();
  EXPECT_EQ(credential->id, device.id());
  EXPECT_EQ(credential->algorithm, GetParam());
  EXPECT_EQ(credential->public_key_spki, device.Spki());
  EXPECT_EQ(credential->sign_count, 3u);
  Authenticator::Options get;
  get.count = 4;
  const Bytes consent_challenge(32, 0x11);
  EXPECT_TRUE(VerifyAssertion(*credential, {consent_challenge, Want().origin, Want().rp_id},
                              device.Sign(consent_challenge, get))
                  .ok());
}

TEST_P(RegistrationTest, EachStepRefusesWhatBreaksIt) {
  const Authenticator device(GetParam());
  const auto refused = [&](const Registration& r, StatusCode code, const std::string& says) {
    const auto v = VerifyRegistration(Want(), r);
    EXPECT_EQ(v.status().code(), code) << says << ": " << v.status().ToString();
    EXPECT_NE(v.status().message().find(says), std::string::npos) << v.status().message();
  };
  Authenticator::Options o = Authenticator::RegisterOptions();
  o.type = "webauthn.get";
  refused(device.Register(challenge_, o), StatusCode::kPermissionDenied,
          R"(clientDataJSON.type is "webauthn.get", expected "webauthn.create")");
  o = Authenticator::RegisterOptions();
  refused(device.Register(Bytes(32, 0x7F), o), StatusCode::kPermissionDenied,
          "clientDataJSON.challenge");
  o.origin = "https://evil.example";
  refused(device.Register(challenge_, o), StatusCode::kPermissionDenied, "clientDataJSON.origin");
  o = Authenticator::RegisterOptions();
  o.extra = R"(,"crossOrigin":true)";
  refused(device.Register(challenge_, o), StatusCode::kPermissionDenied, "crossOrigin");
  o = Authenticator::RegisterOptions();
  o.rp_id = "evil.example";
  refused(device.Register(challenge_, o), StatusCode::kPermissionDenied, "rpIdHash");
  o = Authenticator::RegisterOptions();
  o.flags = 0x44;
  refused(device.Register(challenge_, o), StatusCode::kPermissionDenied, "UP (user present)");
  o.flags = 0x41;
  refused(device.Register(challenge_, o), StatusCode::kPermissionDenied, "UV (user verified)");
  o.flags = 0x05;
  refused(device.Register(challenge_, o), StatusCode::kPermissionDenied, "flag AT");
  o = Authenticator::RegisterOptions();
  Registration other = device.Register(challenge_, o);
  other.raw_id[19] ^= 1;
  refused(other, StatusCode::kPermissionDenied, "the attested credential id is not rawId");
  Registration cut = device.Register(challenge_, o);
  cut.authenticator_data.resize(37 + 16 + 2 + 5);
  refused(cut, StatusCode::kInvalidArgument, "runs past its end");
  cut.authenticator_data.resize(40);
  refused(cut, StatusCode::kInvalidArgument, "too short");
  Registration rsa = device.Register(challenge_, o);
  rsa.algorithm = -257;
  refused(rsa, StatusCode::kInvalidArgument, "COSE -257");
  Registration wrong_key = device.Register(challenge_, o);
  wrong_key.algorithm = GetParam() == Algorithm::kEs256 ? -8 : -7;
  refused(wrong_key, StatusCode::kInvalidArgument, "public_key");
  Registration bad_json = device.Register(challenge_, o);
  bad_json.client_data_json = "{";
  refused(bad_json, StatusCode::kInvalidArgument, "not a JSON object");
}

INSTANTIATE_TEST_SUITE_P(Es256AndEdDsa, RegistrationTest, testonly::kBothAlgorithms,
                         testonly::AlgorithmParamName);

TEST(Base64UrlTest, RoundTripsAndRefusesWhatIsNotBase64Url) {
  ASSERT_TRUE(InitCrypto().ok());
  for (size_t n = 0; n < 40; ++n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 37 + n);
    const auto back = FromBase64Url(testonly::Base64UrlByOpenSsl(b));
    ASSERT_TRUE(back.ok()) << n;
    EXPECT_EQ(*back, b);
  }
  EXPECT_FALSE(FromBase64Url("ab+c").ok());
  EXPECT_FALSE(FromBase64Url("abc=").ok());
  EXPECT_FALSE(FromBase64Url("a").ok());
  EXPECT_EQ(Fingerprint({}), Sha256(""));
}

}  // namespace
}  // namespace figurant::webauthn

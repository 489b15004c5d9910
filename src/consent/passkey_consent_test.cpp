// A consent signed with a passkey (docs/passkeys.md) verifies exactly when the assertion is the
// enrolled credential's over the consent's challenge at the enrolled origin and relying party;
// every bound field, the fingerprint and each byte of the proof are covered.
#include <gtest/gtest.h>

#include "consent/consent_record.h"
#include "consent/test_terms.h"
#include "webauthn/test_authenticator.h"

namespace figurant::consent {
namespace {

using webauthn::testonly::Authenticator;

class PasskeyConsentTest : public ::testing::TestWithParam<webauthn::Algorithm> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    device_ = std::make_unique<Authenticator>(GetParam());
    passkey_ = {device_->Stored(), webauthn::testonly::kTestOrigin, webauthn::testonly::kTestRpId};
    terms_text_ = CanonicalTermsText(*ParseTerms(testing::ExampleTermsJson(), "t", "stu_1"));
    record_.licence_id = "lic_1";
    record_.performer_id = "per_1";
    record_.studio_id = "stu_1";
    record_.disclosure_text = "LICENCE TO USE YOUR DIGITAL DOUBLE\n...";
    record_.terms_sha256 = Sha256Hex(terms_text_);
    record_.disclosure_sha256 = Sha256Hex(record_.disclosure_text);
    record_.signed_at = 1790000000;
    record_.signer_id = "per_1";
    const Sha256Digest fingerprint = webauthn::Fingerprint(passkey_.credential.public_key_spki);
    record_.public_key.assign(fingerprint.begin(), fingerprint.end());
    Sign(5);
  }
  // The browser's part: the passkey signs the record's challenge.
  void Sign(uint32_t count) {
    const auto challenge = ConsentChallenge(record_);
    Authenticator::Options o;
    o.count = count;
    const webauthn::Assertion a = device_->Sign(Bytes(challenge.begin(), challenge.end()), o);
    record_.passkey = PasskeyProof{a.authenticator_data, a.client_data_json, a.signature};
  }
  std::unique_ptr<Authenticator> device_;
  webauthn::Passkey passkey_;
  std::string terms_text_;
  ConsentRecord record_;
};

TEST_P(PasskeyConsentTest, TheEnrolledPasskeysAssertionVerifiesWithItsCount) {
  const auto v = VerifyPasskeyConsent(record_, terms_text_, passkey_);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->sign_count, 5u);
  passkey_.credential.sign_count = 5;
  EXPECT_EQ(VerifyPasskeyConsent(record_, terms_text_, passkey_).status().code(),
            StatusCode::kPermissionDenied)
      << "the same assertion again: the counter did not advance";
}

TEST_P(PasskeyConsentTest, EveryBoundFieldAndEachPartOfTheProofIsCovered) {
  const auto fails = [&](const ConsentRecord& r, const std::string& says) {
    const auto v = VerifyPasskeyConsent(r, terms_text_, passkey_);
    EXPECT_FALSE(v.ok()) << says;
    EXPECT_NE(v.status().message().find(says), std::string::npos) << v.status().message();
  };
  ConsentRecord r = record_;
  r.signed_at += 1;
  fails(r, "clientDataJSON.challenge");
  r = record_;
  r.representation = Representation::kCounsel;
  fails(r, "clientDataJSON.challenge");
  r = record_;
  r.public_key[0] ^= 1;
  fails(r, "not the fingerprint");
  r = record_;
  r.passkey.reset();
  fails(r, "no passkey assertion");
  r = record_;
  r.disclosure_text += ".";
  fails(r, "disclosure text");
  r = record_;
  r.passkey->signature.back() ^= 1;
  fails(r, "does not verify");
  r = record_;
  r.passkey->authenticator_data.back() ^= 1;  // the counter's last byte
  fails(r, "does not verify");
  r = record_;
  r.passkey->client_data_json.back() = ' ';
  fails(r, "clientDataJSON");
  webauthn::Passkey elsewhere = passkey_;
  elsewhere.origin = "https://other.example";
  EXPECT_NE(VerifyPasskeyConsent(record_, terms_text_, elsewhere)
                .status()
                .message()
                .find("clientDataJSON.origin"),
            std::string::npos);
  EXPECT_EQ(VerifyPasskeyConsent(record_, terms_text_ + " ", passkey_).status().code(),
            StatusCode::kDataLoss);
}

TEST_P(PasskeyConsentTest, AnErasedDisclosureIsCheckedByItsHash) {
  ConsentRecord r = record_;
  r.disclosure_text.clear();
  EXPECT_FALSE(VerifyPasskeyConsent(r, terms_text_, passkey_).ok());
  EXPECT_TRUE(VerifyPasskeyConsentByHash(r, terms_text_, passkey_).ok());
}

INSTANTIATE_TEST_SUITE_P(Es256AndEdDsa, PasskeyConsentTest, webauthn::testonly::kBothAlgorithms,
                         webauthn::testonly::AlgorithmParamName);

}  // namespace
}  // namespace figurant::consent

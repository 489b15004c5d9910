// Passkeys in the ledger (docs/ledger.md, "Passkeys"): key_enrolled and licence_signed payloads
// with a passkey round-trip and are parsed strictly, and the consent audit re-verifies each
// passkey consent with the enrolled credential, origin and relying party, its counter advancing
// through the log. The test plays the performer's authenticator (webauthn/test_authenticator.h)
// and the bank (it writes the entries).
#include <gtest/gtest.h>

#include "ledger/consent_audit.h"
#include "ledger/test_entries.h"
#include "webauthn/test_authenticator.h"

namespace figurant::ledger {
namespace {

using nlohmann::json;
using webauthn::testonly::Authenticator;

constexpr int64_t kEnrolledAt = 1790000000;

class PasskeyAuditTest : public ::testing::TestWithParam<webauthn::Algorithm>,
                         protected testonly::EntrySequence {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    device_ = std::make_unique<Authenticator>(GetParam());
  }

  KeyEnrolledEvent Enrolment() const {
    KeyEnrolledEvent k;
    k.signer_id = "per_1";
    k.performer_id = "per_1";
    k.public_key = webauthn::Fingerprint(device_->Spki());
    k.valid_from = kEnrolledAt;
    k.passkey = webauthn::Passkey{device_->Stored(), webauthn::testonly::kTestOrigin,
                                  webauthn::testonly::kTestRpId};
    k.passkey->credential.sign_count = 1;
    return k;
  }

  // A licence_signed entry whose consent the passkey signed at counter `count`.
  LicenceSignedEvent Signed(const std::string& licence, uint32_t count) const {
    LicenceSignedEvent e;
    e.licence_id = licence;
    e.performer_id = "per_1";
    e.studio_id = "stu_1";
    e.signed_at = kEnrolledAt + 600;
    e.terms = terms_;
    SignedConsent c;
    c.signer_id = "per_1";
    c.public_key = webauthn::Fingerprint(device_->Spki());
    c.terms_sha256 = Sha256Hex(terms_.dump());
    c.disclosure_sha256 = Sha256Hex("You agree that ...");
    c.version = consent::kConsentMessageV2;
    e.consent = c;
    const auto challenge = consent::ConsentChallenge(RecordOf(e));
    Authenticator::Options o;
    o.count = count;
    const webauthn::Assertion a = device_->Sign(Bytes(challenge.begin(), challenge.end()), o);
    e.consent->passkey =
        consent::PasskeyProof{a.authenticator_data, a.client_data_json, a.signature};
    return e;
  }

  // The entry with one byte of one passkey_assertion member flipped.
  Entry Flipped(const LicenceSignedEvent& e, const char* member) {
    json j = json::parse(Payload(e));
    Bytes bytes = *webauthn::FromBase64Url(j["passkey_assertion"][member].get<std::string>());
    bytes[bytes.size() / 2] ^= 0x01;
    j["passkey_assertion"][member] = webauthn::Base64Url(bytes);
    return Next(EntryType::kLicenceSigned, j.dump());
  }

  std::unique_ptr<Authenticator> device_;
  json terms_ = json::parse(R"({"productions":["prd_1"],"uses":["background"]})");
};

TEST_P(PasskeyAuditTest, PayloadsRoundTrip) {
  const KeyEnrolledEvent k = Enrolment();
  const auto back = ParseKeyEnrolled(Next(k));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_TRUE(back->passkey.has_value());
  EXPECT_EQ(back->passkey->credential.id, k.passkey->credential.id);
  EXPECT_EQ(back->passkey->credential.algorithm, GetParam());
  EXPECT_EQ(back->passkey->credential.public_key_spki, device_->Spki());
  EXPECT_EQ(back->passkey->credential.sign_count, 1u);
  EXPECT_EQ(back->passkey->origin, "https://bank.example");
  EXPECT_EQ(back->passkey->rp_id, "bank.example");
  EXPECT_EQ(Payload(*back), Payload(k));

  const LicenceSignedEvent s = Signed("lic_1", 2);
  const json j = json::parse(Payload(s));
  EXPECT_FALSE(j.contains("signature")) << "a passkey consent has no Ed25519 signature";
  const auto signed_back = ParseLicenceSigned(Next(s));
  ASSERT_TRUE(signed_back.ok()) << signed_back.status().ToString();
  ASSERT_TRUE(signed_back->consent && signed_back->consent->passkey);
  EXPECT_EQ(signed_back->consent->passkey->client_data_json, s.consent->passkey->client_data_json);
  EXPECT_EQ(Payload(*signed_back), Payload(s));
}

TEST_P(PasskeyAuditTest, BadPasskeyFieldsAreDataLossNamingThem) {
  const auto refused = [&](const json& j, EntryType type, const std::string& says) {
    const Entry e = Next(type, j.dump());
    const Status s = type == EntryType::kKeyEnrolled ? ParseKeyEnrolled(e).status()
                                                     : ParseLicenceSigned(e).status();
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << says;
    EXPECT_NE(s.message().find(says), std::string::npos) << s.message();
  };
  const json k = json::parse(Payload(Enrolment()));
  json bad = k;
  bad["public_key"] = ToHex(Sha256("another key"));
  refused(bad, EntryType::kKeyEnrolled, "field \"passkey.public_key_spki\": expected the key");
  bad = k;
  bad["passkey"].erase("rp_id");
  refused(bad, EntryType::kKeyEnrolled, "field \"passkey.rp_id\" is missing");
  bad = k;
  bad["passkey"]["algorithm"] = -257;
  refused(bad, EntryType::kKeyEnrolled, "field \"passkey.algorithm\"");
  bad = k;
  bad["passkey"]["algorithm"] = GetParam() == webauthn::Algorithm::kEs256 ? -8 : -7;
  refused(bad, EntryType::kKeyEnrolled, "field \"passkey.public_key_spki\": expected a credential");
  bad = k;
  bad["passkey"]["credential_id"] = "AAAA";
  refused(bad, EntryType::kKeyEnrolled, "field \"passkey.credential_id\"");
  bad = k;
  bad["passkey"]["origin"] = "";
  refused(bad, EntryType::kKeyEnrolled, "field \"passkey.origin\"");
  bad = k;
  bad["passkey"]["credential_id"] = "not base64url!";
  refused(bad, EntryType::kKeyEnrolled, "field \"passkey.credential_id\": expected bytes");

  const json s = json::parse(Payload(Signed("lic_1", 2)));
  bad = s;
  bad["signature"] = std::string(128, '0');
  refused(bad, EntryType::kLicenceSigned, "field \"passkey_assertion\"");
  bad = s;
  bad["passkey_assertion"].erase("client_data_json");
  refused(bad, EntryType::kLicenceSigned, "field \"passkey_assertion.client_data_json\"");
}

TEST_P(PasskeyAuditTest, PasskeyConsentsVerifyAndTheirCounterMustAdvance) {
  ConsentAuditor audit;
  ASSERT_TRUE(audit.Add(Next(Enrolment())).ok());
  Status s = audit.Add(Next(Signed("lic_1", 2)));
  ASSERT_TRUE(s.ok()) << s.ToString();
  s = audit.Add(Next(Signed("lic_2", 5)));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(audit.report().verified, 2u);
  EXPECT_EQ(audit.report().passkey_verified, 2u);
  s = audit.Add(Next(Signed("lic_3", 5)));
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("ledger entry 3 (licence_signed): licence lic_3: the passkey consent "
                             "does not verify"),
            std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("did not advance past 5"), std::string::npos) << s.message();
}

TEST_P(PasskeyAuditTest, TheRegistrationCounterBindsTheFirstConsent) {
  ConsentAuditor audit;
  ASSERT_TRUE(audit.Add(Next(Enrolment())).ok());  // registered at count 1
  EXPECT_NE(audit.Add(Next(Signed("lic_1", 1))).message().find("did not advance past 1"),
            std::string::npos);
}

TEST_P(PasskeyAuditTest, OneFlippedByteOfTheAssertionFailsNamingTheEntry) {
  for (const char* member : {"authenticator_data", "client_data_json", "signature"}) {
    ConsentAuditor audit;
    Restart();
    ASSERT_TRUE(audit.Add(Next(Enrolment())).ok());
    const Status s = audit.Add(Flipped(Signed("lic_1", 2), member));
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << member;
    EXPECT_NE(s.message().find("ledger entry 1 (licence_signed): licence lic_1: the passkey "
                               "consent does not verify"),
              std::string::npos)
        << member << ": " << s.message();
  }
}

TEST_P(PasskeyAuditTest, AConsentMustUseTheFormOfItsKey) {
  ConsentAuditor audit;
  ASSERT_TRUE(audit.Add(Next(Enrolment())).ok());
  LicenceSignedEvent ed = Signed("lic_1", 2);
  ed.consent->passkey.reset();  // an Ed25519 "signature" under a passkey's fingerprint
  Status s = audit.Add(Next(ed));
  EXPECT_NE(s.message().find("carries no passkey_assertion"), std::string::npos) << s.message();

  ConsentAuditor plain;
  Restart();
  KeyEnrolledEvent not_passkey = Enrolment();
  not_passkey.passkey.reset();
  ASSERT_TRUE(plain.Add(Next(not_passkey)).ok());
  s = plain.Add(Next(Signed("lic_1", 2)));
  EXPECT_NE(s.message().find("the signer's key is not a passkey"), std::string::npos)
      << s.message();
}

TEST_P(PasskeyAuditTest, AnotherOriginInTheEnrolmentFailsTheConsent) {
  ConsentAuditor audit;
  KeyEnrolledEvent k = Enrolment();
  k.passkey->origin = "https://other.example";
  ASSERT_TRUE(audit.Add(Next(k)).ok());
  EXPECT_NE(audit.Add(Next(Signed("lic_1", 2))).message().find("clientDataJSON.origin"),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Es256AndEdDsa, PasskeyAuditTest, webauthn::testonly::kBothAlgorithms,
                         webauthn::testonly::AlgorithmParamName);

}  // namespace
}  // namespace figurant::ledger

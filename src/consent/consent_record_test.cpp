#include "consent/consent_record.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <sstream>

#include "consent/test_terms.h"

namespace figurant::consent {
namespace {

class ConsentRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    key_ = GenerateSigningKeyPair();
    terms_text_ = CanonicalTermsText(*ParseTerms(testing::ExampleTermsJson(), "t", "stu_1"));
    record_.licence_id = "lic_1";
    record_.performer_id = "per_1";
    record_.studio_id = "stu_1";
    record_.disclosure_text = "LICENCE TO USE YOUR DIGITAL DOUBLE\n...";
    record_.signed_at = 1790000000;
    record_.signer_id = "per_1";
    record_.representation = Representation::kUnion;
    ASSERT_TRUE(SignConsent(record_, terms_text_, key_).ok());
    public_key_.assign(key_.public_key.begin(), key_.public_key.end());
  }
  SigningKeyPair key_;
  std::string terms_text_;
  ConsentRecord record_;
  Bytes public_key_;
};

TEST_F(ConsentRecordTest, FreshSignatureVerifies) {
  EXPECT_TRUE(VerifyConsent(record_, terms_text_, public_key_).ok());
}

TEST_F(ConsentRecordTest, TamperedTermsFail) {
  std::string changed = terms_text_;
  changed.replace(changed.find("180.0"), 5, "18.00");
  Status s = VerifyConsent(record_, changed, public_key_);
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("terms do not match"), std::string::npos);
}

TEST_F(ConsentRecordTest, TamperedDisclosureFails) {
  record_.disclosure_text[3] = 'X';
  EXPECT_NE(VerifyConsent(record_, terms_text_, public_key_).message().find("disclosure"),
            std::string::npos);
}

TEST_F(ConsentRecordTest, TamperedHashesStillFailOnTheSignature) {
  // Rewriting both the terms and their recorded hash leaves the signature behind.
  std::string changed = terms_text_;
  changed.replace(changed.find("180.0"), 5, "18.00");
  record_.terms_sha256 = Sha256Hex(changed);
  EXPECT_NE(VerifyConsent(record_, changed, public_key_).message().find("signature"),
            std::string::npos);
}

TEST_F(ConsentRecordTest, EveryBoundFieldIsCovered) {
  auto fails = [&](auto mutate) {
    ConsentRecord r = record_;
    mutate(r);
    return !VerifyConsent(r, terms_text_, public_key_).ok();
  };
  EXPECT_TRUE(fails([](ConsentRecord& r) { r.signed_at += 1; }));
  EXPECT_TRUE(fails([](ConsentRecord& r) { r.language = Language::kFrench; }));
  EXPECT_TRUE(fails([](ConsentRecord& r) { r.representation = Representation::kNone; }));
  EXPECT_TRUE(fails([](ConsentRecord& r) { r.studio_id = "stu_2"; }));
  EXPECT_TRUE(fails([](ConsentRecord& r) { r.licence_id = "lic_2"; }));
  EXPECT_TRUE(fails([](ConsentRecord& r) { r.signer = Signer::kEstate; }));
  EXPECT_TRUE(fails([](ConsentRecord& r) { r.signature[0] ^= 0x80; }));
}

TEST_F(ConsentRecordTest, AnotherKeyFails) {
  SigningKeyPair other = GenerateSigningKeyPair();
  Bytes other_pk(other.public_key.begin(), other.public_key.end());
  EXPECT_FALSE(VerifyConsent(record_, terms_text_, other_pk).ok());
}

TEST_F(ConsentRecordTest, NewRecordsAreSignedAsVersionTwo) {
  EXPECT_EQ(record_.version, kConsentMessageV2);
  EXPECT_EQ(ConsentMessage(record_).rfind("figurant-consent-v2\n", 0), 0u);
}

TEST_F(ConsentRecordTest, SignerIdAndRepresentationAreBound) {
  auto fails = [&](auto mutate) {
    ConsentRecord r = record_;
    mutate(r);
    return !VerifyConsent(r, terms_text_, public_key_).ok();
  };
  EXPECT_TRUE(fails([](ConsentRecord& r) { r.signer_id = "est_1"; }));
  EXPECT_TRUE(fails([](ConsentRecord& r) { r.performer_id = "per_2"; }));
  EXPECT_TRUE(fails([](ConsentRecord& r) { r.representation = Representation::kCounsel; }));
  EXPECT_TRUE(fails([](ConsentRecord& r) { r.version = kConsentMessageV1; }));
}

// A value with a line break could forge a second line ("studio=stu_1\nsigner=..."): refused at
// signing and at verification, never escaped.
TEST_F(ConsentRecordTest, LineBreaksInValuesAreRefusedNotEscaped) {
  for (auto mutate : {+[](ConsentRecord& r) { r.studio_id = "stu_1\nsigner=estate"; },
                      +[](ConsentRecord& r) { r.licence_id = "lic_1\r"; },
                      +[](ConsentRecord& r) { r.signer_id = "per_1\n"; },
                      +[](ConsentRecord& r) { r.performer_id.clear(); }}) {
    ConsentRecord r = record_;
    mutate(r);
    const Status signed_status = SignConsent(r, terms_text_, key_);
    EXPECT_EQ(signed_status.code(), StatusCode::kInvalidArgument);
    EXPECT_TRUE(r.signature.empty());
    EXPECT_EQ(ConsentMessage(r), "");
    ConsentRecord tampered = record_;
    mutate(tampered);
    EXPECT_EQ(VerifyConsent(tampered, terms_text_, public_key_).code(), StatusCode::kDataLoss);
  }
  ConsentRecord bad_hash = record_;
  bad_hash.terms_sha256[0] = 'A';  // upper case: the same hash written two ways
  EXPECT_NE(CheckConsentFields(bad_hash).message().find("terms_sha256"), std::string::npos);
  ConsentRecord bad_version = record_;
  bad_version.version = 3;
  EXPECT_EQ(CheckConsentFields(bad_version).code(), StatusCode::kInvalidArgument);
}

TEST_F(ConsentRecordTest, ChallengeIsTheMessagesSha256) {
  EXPECT_EQ(ConsentChallenge(record_), Sha256(ConsentMessage(record_)));
}

// A consent a bank signed before version 2 (its message byte for byte as it was) still verifies.
TEST_F(ConsentRecordTest, VersionOneRecordsStillVerify) {
  ConsentRecord old = record_;
  old.version = kConsentMessageV1;
  const std::string message = ConsentMessage(old);
  EXPECT_EQ(message,
            "figurant-consent-v1\nlicence=lic_1\nperformer=per_1\nstudio=stu_1\nterms_sha256=" +
                old.terms_sha256 + "\ndisclosure_sha256=" + old.disclosure_sha256 +
                "\nlanguage=en\nsigned_at=2026-09-21T14:13:20Z\nsigner=performer:per_1\n"
                "representation=union\n");
  const auto sig = SignDetached(message, key_);
  old.signature.assign(sig.begin(), sig.end());
  EXPECT_TRUE(VerifyConsent(old, terms_text_, public_key_).ok());
  old.version = kConsentMessageV2;  // the same signature read as the other version
  EXPECT_FALSE(VerifyConsent(old, terms_text_, public_key_).ok());
}

// The test vector of docs/licence.md, "The signed payload": every value recomputed from the
// inputs the page gives, and the page checked to print the same values.
namespace vector {

constexpr char kTermsText[] =
    R"({"alterations":["wardrobe_tint"],"compensation":{"currency":"EUR","minimum_per_production":0.0,"per_production_fee":180.0,"per_screen_second":0.0,"scan_fee":180.0},"excluded_content":["nudity","political"],"max_screen_height_fraction":0.2,"media":["streaming","theatrical"],"productions":["prd_0000000000000001"],"revocable":true,"revocation_notice_days":30,"studio":"stu_fedcba9876543210","territories":["worldwide"],"uses":["background"],"valid_from":"2026-01-01","valid_until":"2027-12-31"})";
constexpr char kDisclosure[] =
    "LICENCE D'UTILISATION DE VOTRE DOUBLE NUMÉRIQUE\nTexte du vecteur de test.\n";
constexpr char kMessage[] =
    "figurant-consent-v2\n"
    "licence=lic_0123456789abcdef\n"
    "performer=per_0a1b2c3d4e5f6071\n"
    "studio=stu_fedcba9876543210\n"
    "terms_sha256=2e14f192ea808836210f0d36e19ee0cbfc5a61c2b04420482715770beeacc829\n"
    "disclosure_sha256=f71fc7cd2f594c113d35cbec62ad091c4b319c32a8b46fff1bbf8546e9d3a688\n"
    "language=fr\n"
    "signed_at=2026-06-01T12:00:00Z\n"
    "representation=union\n"
    "signer_role=performer\n"
    "signer=per_0a1b2c3d4e5f6071\n";
constexpr char kSha256[] = "76a7126f411bbda786736f4fbeed13fee825fe6e90685d8795414b1a1319e0a6";
constexpr char kSignature[] =
    "8d8db738749478868bb5b7c8348bf8cad1b3c3f6aaf54ff7a74b4bc892cf0205"
    "32969c13b706b9636b2257c5502a759f33bc997533cdc19a028b0fe4bde08a01";
constexpr char kPublicKey[] = "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664";

}  // namespace vector

TEST(ConsentVectorTest, DocumentedVectorIsReproduced) {
  ASSERT_TRUE(InitCrypto().ok());
  std::array<uint8_t, crypto_sign_SEEDBYTES> seed{};
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(i + 1);  // 0x01..0x20
  SigningKeyPair key{};
  ASSERT_EQ(crypto_sign_seed_keypair(key.public_key.data(), key.secret_key.data(), seed.data()), 0);

  // The terms are canonical: what ParseTerms and CanonicalTermsText make of them is themselves.
  auto terms = ParseTermsText(vector::kTermsText, "vector", "stu_fedcba9876543210");
  ASSERT_TRUE(terms.ok()) << terms.status().message();
  EXPECT_EQ(CanonicalTermsText(*terms), vector::kTermsText);

  ConsentRecord r;
  r.licence_id = "lic_0123456789abcdef";
  r.performer_id = "per_0a1b2c3d4e5f6071";
  r.studio_id = "stu_fedcba9876543210";
  r.disclosure_text = vector::kDisclosure;
  r.language = Language::kFrench;
  r.signed_at = 1780315200;  // 2026-06-01T12:00:00Z
  r.representation = Representation::kUnion;
  r.signer = Signer::kPerformer;
  r.signer_id = "per_0a1b2c3d4e5f6071";
  ASSERT_TRUE(SignConsent(r, vector::kTermsText, key).ok());

  EXPECT_EQ(ToHex(r.public_key), vector::kPublicKey);
  EXPECT_EQ(ConsentMessage(r), vector::kMessage);
  EXPECT_EQ(ToHex(ConsentChallenge(r)), vector::kSha256);
  EXPECT_EQ(ToHex(r.signature), vector::kSignature);
  EXPECT_TRUE(VerifyConsent(r, vector::kTermsText, r.public_key).ok());

  std::ifstream doc(std::string(FIGURANT_SOURCE_DIR) + "/docs/licence.md");
  ASSERT_TRUE(doc.good());
  std::stringstream page;
  page << doc.rdbuf();
  for (const char* value : {vector::kTermsText, vector::kMessage, vector::kSha256,
                            vector::kSignature, vector::kPublicKey}) {
    EXPECT_NE(page.str().find(value), std::string::npos)
        << "docs/licence.md does not print the vector's value:\n"
        << value;
  }
}

}  // namespace
}  // namespace figurant::consent

#include "consent/consent_record.h"

#include <gtest/gtest.h>

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
    SignConsent(record_, terms_text_, key_);
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

}  // namespace
}  // namespace figurant::consent

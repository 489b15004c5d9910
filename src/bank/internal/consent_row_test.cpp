#include "bank/internal/consent_row.h"

#include <gtest/gtest.h>

namespace figurant::bank::internal {
namespace {

class ConsentRowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    key_ = GenerateSigningKeyPair();
    licence_.id = "lic_00000000000000a1";
    licence_.performer_id = "per_00000000000000a2";
    licence_.studio_id = "stu_00000000000000a3";
    licence_.terms_json = R"({"productions": "any"})";
    record_.licence_id = licence_.id;
    record_.performer_id = licence_.performer_id;
    record_.studio_id = licence_.studio_id;
    record_.disclosure_text = "Vous autorisez...";
    record_.language = consent::Language::kFrench;
    record_.signed_at = 1790000000;
    record_.signer = consent::Signer::kEstate;
    record_.signer_id = "est_00000000000000a4";
    record_.representation = consent::Representation::kCounsel;
    ASSERT_TRUE(consent::SignConsent(record_, licence_.terms_json, key_).ok());
  }

  Bytes PublicKey() const { return {key_.public_key.begin(), key_.public_key.end()}; }

  SigningKeyPair key_;
  registry::Licence licence_;
  consent::ConsentRecord record_;
};

TEST_F(ConsentRowTest, StoredRowGivesBackTheSignedRecord) {
  const registry::Consent row = RowOf(record_);
  EXPECT_EQ(row.licence_id, licence_.id);
  EXPECT_EQ(row.language, "fr");
  EXPECT_EQ(row.signer, registry::SignerKind::kEstate);
  EXPECT_EQ(row.representation, registry::Representation::kCounsel);
  auto back = RecordOf(licence_, row);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(consent::ConsentMessage(*back), consent::ConsentMessage(record_));
  EXPECT_EQ(back->signature, record_.signature);
  EXPECT_TRUE(consent::VerifyConsent(*back, licence_.terms_json, PublicKey()).ok());
}

TEST_F(ConsentRowTest, TheLicenceSuppliesTheParties) {
  // The row does not store the parties: a row read against another licence no longer verifies.
  registry::Licence other = licence_;
  other.studio_id = "stu_00000000000000ff";
  auto moved = RecordOf(other, RowOf(record_));
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(moved->studio_id, other.studio_id);
  EXPECT_FALSE(consent::VerifyConsent(*moved, licence_.terms_json, PublicKey()).ok());
}

TEST_F(ConsentRowTest, UnknownLanguageIsDataLossNotEnglish) {
  registry::Consent row = RowOf(record_);
  row.language = "de";
  auto rec = RecordOf(licence_, row);
  EXPECT_EQ(rec.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(rec.status().message().find("consents row '" + licence_.id + "'"), std::string::npos);
  EXPECT_EQ(LanguageOf("", "x").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(*LanguageOf("en", "x"), consent::Language::kEnglish);
}

TEST_F(ConsentRowTest, EnumsMapOneToOneByName) {
  for (auto r : {consent::Representation::kUnion, consent::Representation::kCounsel,
                 consent::Representation::kNone}) {
    EXPECT_EQ(ToConsent(ToRegistry(r)), r);
    EXPECT_EQ(registry::RepresentationName(ToRegistry(r)), consent::RepresentationName(r));
  }
  for (auto s : {consent::Signer::kPerformer, consent::Signer::kEstate}) {
    EXPECT_EQ(ToConsent(ToRegistry(s)), s);
  }
  for (auto s : {registry::LicenceState::kDraft, registry::LicenceState::kActive,
                 registry::LicenceState::kRevoked, registry::LicenceState::kErased}) {
    EXPECT_EQ(consent::LicenceStateName(ToConsent(s)), registry::LicenceStateName(s));
  }
}

}  // namespace
}  // namespace figurant::bank::internal

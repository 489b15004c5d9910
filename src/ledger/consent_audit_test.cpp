// The consent audit against entries made here: the test plays the performer's device (it holds the
// private keys and signs with consent::SignConsent) and the bank (it writes the entries).
#include "ledger/consent_audit.h"

#include <gtest/gtest.h>

#include "ledger/test_entries.h"

namespace figurant::ledger {
namespace {

using nlohmann::json;

constexpr int64_t kEnrolledAt = 1790000000;
constexpr int64_t kSignedAt = kEnrolledAt + 600;

class ConsentAuditTest : public ::testing::Test, protected testonly::EntrySequence {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }

  KeyEnrolledEvent Enrolment(const SigningKeyPair& key, int64_t at) const {
    KeyEnrolledEvent k;
    k.signer_id = "per_1";
    k.performer_id = "per_1";
    k.public_key = key.public_key;
    k.valid_from = at;
    return k;
  }

  // A licence_signed entry whose consent the performer signed with `key` at `at`.
  LicenceSignedEvent Signed(const std::string& licence, const SigningKeyPair& key,
                            int64_t at) const {
    LicenceSignedEvent e;
    e.licence_id = licence;
    e.performer_id = "per_1";
    e.studio_id = "stu_1";
    e.signed_at = at;
    e.terms = terms_;
    consent::ConsentRecord r;
    r.licence_id = licence;
    r.performer_id = "per_1";
    r.studio_id = "stu_1";
    r.disclosure_text = "You agree that ...";
    r.signed_at = at;
    r.signer_id = "per_1";
    r.representation = consent::Representation::kUnion;
    EXPECT_TRUE(consent::SignConsent(r, terms_.dump(), key).ok());
    SignedConsent c;
    c.signer_id = "per_1";
    std::copy(r.public_key.begin(), r.public_key.end(), c.public_key.begin());
    std::copy(r.signature.begin(), r.signature.end(), c.signature.begin());
    c.terms_sha256 = r.terms_sha256;
    c.disclosure_sha256 = r.disclosure_sha256;
    c.representation = r.representation;
    c.version = r.version;
    e.consent = c;
    return e;
  }

  json terms_ = json::parse(R"({"productions":["prd_1"],"uses":["background"]})");
};

TEST_F(ConsentAuditTest, ConsentsSignedWithTheEnrolledKeyVerifyAndCustodialOnesAreCounted) {
  const SigningKeyPair key = GenerateSigningKeyPair();
  ConsentAuditor audit;
  LicenceSignedEvent old;  // written before consent records were carried
  old.licence_id = "lic_0";
  old.performer_id = "per_1";
  old.studio_id = "stu_1";
  ASSERT_TRUE(audit.Add(Next(old)).ok());
  ASSERT_TRUE(audit.Add(Next(Enrolment(key, kEnrolledAt))).ok());
  const Status s = audit.Add(Next(Signed("lic_1", key, kSignedAt)));
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(audit.report().consents, 2u);
  EXPECT_EQ(audit.report().verified, 1u);
  EXPECT_EQ(audit.report().custodial, 1u);
  EXPECT_EQ(audit.report().custodial_licences, std::vector<std::string>{"lic_0"});
  EXPECT_EQ(audit.report().keys_enrolled, 1u);
}

TEST_F(ConsentAuditTest, AKeyNeverEnrolledFailsNamingTheEntry) {
  const SigningKeyPair enrolled = GenerateSigningKeyPair();
  const SigningKeyPair other = GenerateSigningKeyPair();
  ConsentAuditor audit;
  ASSERT_TRUE(audit.Add(Next(Enrolment(enrolled, kEnrolledAt))).ok());
  const Status s = audit.Add(Next(Signed("lic_1", other, kSignedAt)));
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("ledger entry 1 (licence_signed): licence lic_1: consent signed with "
                             "a key not valid for its signer then: key " +
                             ToHex(other.public_key) + " was never enrolled"),
            std::string::npos)
      << s.message();
}

TEST_F(ConsentAuditTest, ARevokedKeySignsNothingAfterItsPeriodButEarlierConsentsStayValid) {
  const SigningKeyPair old_key = GenerateSigningKeyPair();
  const SigningKeyPair new_key = GenerateSigningKeyPair();
  ConsentAuditor audit;
  ASSERT_TRUE(audit.Add(Next(Enrolment(old_key, kEnrolledAt))).ok());
  ASSERT_TRUE(audit.Add(Next(Signed("lic_1", old_key, kSignedAt))).ok());
  const int64_t lost_at = kSignedAt + 3600;
  ASSERT_TRUE(audit
                  .Add(Next(KeyRevokedEvent{consent::Signer::kPerformer, "per_1", "per_1",
                                            old_key.public_key, lost_at, "lost"}))
                  .ok());
  ASSERT_TRUE(audit.Add(Next(Enrolment(new_key, lost_at))).ok());
  ASSERT_TRUE(audit.Add(Next(Signed("lic_2", new_key, lost_at + 60))).ok());
  EXPECT_EQ(audit.report().verified, 2u);
  const auto periods = audit.keys().PeriodsOf(consent::Signer::kPerformer, "per_1");
  ASSERT_EQ(periods.size(), 2u);
  EXPECT_EQ(periods[0].revoked_from, lost_at);
  EXPECT_FALSE(periods[1].revoked_from.has_value());

  const Status late = audit.Add(Next(Signed("lic_3", old_key, lost_at + 120)));
  EXPECT_EQ(late.code(), StatusCode::kDataLoss);
  EXPECT_NE(late.message().find("ledger entry 5 (licence_signed): licence lic_3"),
            std::string::npos);
  EXPECT_NE(late.message().find("was revoked from"), std::string::npos) << late.message();
}

TEST_F(ConsentAuditTest, AlteredTermsOrSignatureFail) {
  const SigningKeyPair key = GenerateSigningKeyPair();
  ConsentAuditor audit;
  ASSERT_TRUE(audit.Add(Next(Enrolment(key, kEnrolledAt))).ok());
  LicenceSignedEvent wider = Signed("lic_1", key, kSignedAt);
  wider.terms["uses"] = json::array({"background", "featured"});
  Status s = audit.Add(Next(wider));
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("do not hash to the signed terms_sha256"), std::string::npos);
  LicenceSignedEvent forged = Signed("lic_2", key, kSignedAt);
  forged.consent->representation = consent::Representation::kCounsel;
  s = audit.Add(Next(forged));
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("licence lic_2: the consent signature does not verify"),
            std::string::npos)
      << s.message();
}

TEST_F(ConsentAuditTest, KeyEntriesThatContradictTheHistoryAreRefused) {
  const SigningKeyPair a = GenerateSigningKeyPair();
  const SigningKeyPair b = GenerateSigningKeyPair();
  KeyHistory keys;
  ASSERT_TRUE(keys.Add(Next(Enrolment(a, kEnrolledAt))).ok());
  EXPECT_EQ(keys.Add(Next(Enrolment(b, kEnrolledAt))).code(), StatusCode::kDataLoss)
      << "a second current key without revoking the first";
  EXPECT_EQ(keys.Add(Next(KeyRevokedEvent{consent::Signer::kEstate, "per_1", "per_1", a.public_key,
                                          kSignedAt, "lost"}))
                .code(),
            StatusCode::kDataLoss)
      << "revoked for another signer";
  EXPECT_EQ(
      keys.CheckValidAt(consent::Signer::kPerformer, "per_1", a.public_key, kEnrolledAt - 1).code(),
      StatusCode::kPermissionDenied);
  EXPECT_TRUE(
      keys.CheckValidAt(consent::Signer::kPerformer, "per_1", a.public_key, kEnrolledAt).ok());
  EXPECT_EQ(keys.CheckValidAt(consent::Signer::kEstate, "est_1", a.public_key, kSignedAt).code(),
            StatusCode::kPermissionDenied);
}

// A lost key replaced: the union's confirmation travels in the key_enrolled entry and is
// re-verified against the union's registered key and the keys the history holds.
TEST_F(ConsentAuditTest, AReplacementCountsOnlyWithTheRepresentativesConfirmation) {
  const SigningKeyPair old_key = GenerateSigningKeyPair();
  const SigningKeyPair new_key = GenerateSigningKeyPair();
  const SigningKeyPair union_key = GenerateSigningKeyPair();
  const SigningKeyPair stranger = GenerateSigningKeyPair();
  const int64_t lost_at = kSignedAt + 3600;
  const std::string code_sha256(64, 'c');
  RepresentativeRegisteredEvent rep;
  rep.representative_id = "rep_1";
  rep.name = "Union";
  rep.public_key = union_key.public_key;
  const auto replacement = [&](const SigningKeyPair& confirmer) {
    KeyEnrolledEvent k = Enrolment(new_key, lost_at);
    k.how = KeyOrigin::kReplacement;
    k.confirmed_by = "rep_1";
    k.code_sha256 = code_sha256;
    const std::string message = *consent::StatementMessage(
        consent::StatementKind::kKeyReplacement,
        KeyReplacementFields(consent::Signer::kPerformer, "per_1", "per_1", old_key.public_key,
                             new_key.public_key, code_sha256));
    k.confirmation = SignDetached(message, confirmer);
    return k;
  };
  const auto history = [&] {
    KeyHistory keys;
    EXPECT_TRUE(keys.Add(Next(rep)).ok());
    EXPECT_TRUE(keys.Add(Next(Enrolment(old_key, kEnrolledAt))).ok());
    EXPECT_TRUE(keys.Add(Next(KeyRevokedEvent{consent::Signer::kPerformer, "per_1", "per_1",
                                              old_key.public_key, lost_at, "lost"}))
                    .ok());
    return keys;
  };
  KeyHistory confirmed = history();
  ASSERT_TRUE(confirmed.Add(Next(replacement(union_key))).ok());
  EXPECT_EQ(confirmed.replacements(), 1u);

  KeyHistory forged = history();
  const Status s = forged.Add(Next(replacement(stranger)));
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("does not verify under representative rep_1"), std::string::npos)
      << s.message();
  EXPECT_EQ(forged.Find(new_key.public_key), nullptr) << "a refused entry enrols nothing";

  KeyHistory unknown;  // no representative_registered entry
  ASSERT_TRUE(unknown.Add(Next(Enrolment(old_key, kEnrolledAt))).ok());
  ASSERT_TRUE(unknown
                  .Add(Next(KeyRevokedEvent{consent::Signer::kPerformer, "per_1", "per_1",
                                            old_key.public_key, lost_at, "lost"}))
                  .ok());
  EXPECT_EQ(unknown.Add(Next(replacement(union_key))).code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace figurant::ledger

// Bank::EnrolPasskey, PasskeyConsentChallenge and SignLicenceWithPasskey with real passkeys made
// as an authenticator makes them (webauthn/test_authenticator.h): the enrolment is atomic with the
// performer's log-in user, the consent is stored and appended with its assertion, the ledger's
// audit re-verifies it, and each refusal writes nothing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "bank/bank.h"
#include "bank/test_studio.h"
#include "core/file.h"
#include "core/ids.h"
#include "ledger/consent_audit.h"
#include "webauthn/test_authenticator.h"

namespace figurant::bank {
namespace {
namespace fs = std::filesystem;
using webauthn::testonly::Authenticator;

constexpr UnixSeconds kNow = 1790000000;

class PasskeyBankTest : public ::testing::TestWithParam<webauthn::Algorithm> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    device_ = std::make_unique<Authenticator>(GetParam());
    dir_ = fs::temp_directory_path() / ("figurant-passkey-test-" + std::to_string(::getpid()) +
                                        "-" + std::to_string(static_cast<int>(GetParam())));
    fs::remove_all(dir_);
    fs::remove_all(DefaultKeysDir(dir_));
    auto bank = Bank::Init(dir_, clock_);
    ASSERT_TRUE(bank.ok()) << bank.status().ToString();
    bank_ = *std::move(bank);
    auto performer = bank_->AddPerformer(
        {"Amina Diallo", "amina@example.org", consent::Language::kFrench, false});
    ASSERT_TRUE(performer.ok()) << performer.status().ToString();
    performer_ = *performer;
    auto studio = testonly::AddTestStudio(*bank_);
    ASSERT_TRUE(studio.ok()) << studio.status().ToString();
    studio_ = studio->studio;
    production_ = studio->production;
  }
  void TearDown() override {
    bank_.reset();
    fs::remove_all(dir_);
    fs::remove_all(DefaultKeysDir(dir_));
  }

  webauthn::Expected Server(const Bytes& challenge) const {
    return {challenge, webauthn::testonly::kTestOrigin, webauthn::testonly::kTestRpId};
  }
  Result<PasskeyEnrolment> Enrol(uint32_t count = 1) {
    FIGURANT_ASSIGN_OR_RETURN(const Invitation inv,
                              bank_->InviteSigner(performer_.id, consent::Signer::kPerformer));
    Authenticator::Options o = Authenticator::RegisterOptions();
    o.count = count;
    return bank_->EnrolPasskey(inv.code, device_->Register(registration_challenge_, o),
                               Server(registration_challenge_));
  }
  std::string Draft() {
    auto d = bank_->DraftLicence(performer_.id, studio_.id, testonly::TestTerms(production_.id),
                                 "terms.json");
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d->licence.id;
  }
  // The browser's part of signing: the passkey signs the challenge the bank gave.
  webauthn::Assertion SignChallenge(const std::string& licence, uint32_t count) {
    auto request = bank_->PasskeyConsentChallenge(licence, kNow, consent::Representation::kUnion);
    EXPECT_TRUE(request.ok()) << request.status().ToString();
    Authenticator::Options o;
    o.count = count;
    return device_->Sign(request->challenge, o);
  }
  Result<LicenceView> Sign(const std::string& licence, const webauthn::Assertion& a) {
    return bank_->SignLicenceWithPasskey(licence, kNow, consent::Representation::kUnion, a);
  }
  Result<ledger::ConsentAuditReport> Audit() {
    FIGURANT_ASSIGN_OR_RETURN(const auto key, bank_->PublicKey());
    FIGURANT_ASSIGN_OR_RETURN(const std::string log,
                              ReadFile(bank_->paths().dir / "ledger" / "ledger.log"));
    return ledger::AuditConsents(log, key);
  }

  FixedClock clock_{kNow};
  fs::path dir_;
  std::unique_ptr<Authenticator> device_;
  std::unique_ptr<Bank> bank_;
  registry::Performer performer_;
  registry::Studio studio_;
  registry::Production production_;
  Bytes registration_challenge_ = Bytes(32, 0x42);
};

TEST_P(PasskeyBankTest, EnrolmentStoresTheKeyTheUserAndTheLedgerEntryTogether) {
  const auto enrolled = Enrol();
  ASSERT_TRUE(enrolled.ok()) << enrolled.status().ToString();
  const Sha256Digest fingerprint = webauthn::Fingerprint(device_->Spki());
  EXPECT_EQ(enrolled->key.public_key, Bytes(fingerprint.begin(), fingerprint.end()));
  ASSERT_TRUE(enrolled->key.passkey.has_value());
  EXPECT_EQ(enrolled->key.passkey->credential.id, device_->id());
  EXPECT_EQ(enrolled->key.passkey->credential.sign_count, 1u);
  EXPECT_EQ(enrolled->key.passkey->origin, "https://bank.example");
  ASSERT_TRUE(enrolled->user.has_value());
  EXPECT_EQ(enrolled->user->subject_id, performer_.id);
  EXPECT_EQ(enrolled->user->public_key, enrolled->key.public_key);
  const auto login = registry::FindUserPasskey(bank_->registry(), device_->id());
  ASSERT_TRUE(login.ok() && login->has_value());
  EXPECT_EQ((*login)->user_id, enrolled->user->id);
  EXPECT_EQ((*login)->credential.public_key_spki, device_->Spki());
  const auto keys = bank_->KeysOf(consent::Signer::kPerformer, performer_.id);
  ASSERT_TRUE(keys.ok() && keys->size() == 1);
  EXPECT_EQ((*keys)[0].passkey->rp_id, "bank.example");
  const auto audit = Audit();
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  EXPECT_EQ(audit->keys_enrolled, 1u);
}

TEST_P(PasskeyBankTest, ARefusedRegistrationLeavesTheCodeUnused) {
  const Invitation inv = *bank_->InviteSigner(performer_.id, consent::Signer::kPerformer);
  Authenticator::Options o = Authenticator::RegisterOptions();
  o.origin = "https://evil.example";
  const Status s = bank_
                       ->EnrolPasskey(inv.code, device_->Register(registration_challenge_, o),
                                      Server(registration_challenge_))
                       .status();
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("clientDataJSON.origin"), std::string::npos) << s.message();
  const auto ok = bank_->EnrolPasskey(
      inv.code, device_->Register(registration_challenge_, Authenticator::RegisterOptions()),
      Server(registration_challenge_));
  EXPECT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(Enrol().status().code(), StatusCode::kFailedPrecondition) << "a second current key";
  EXPECT_TRUE(registry::ListUsers(bank_->registry())->size() == 1);
}

TEST_P(PasskeyBankTest, AConsentSignedWithThePasskeyIsStoredAppendedAndAudited) {
  ASSERT_TRUE(Enrol().ok());
  const std::string licence = Draft();
  const auto signed_view = Sign(licence, SignChallenge(licence, 2));
  ASSERT_TRUE(signed_view.ok()) << signed_view.status().ToString();
  EXPECT_EQ(signed_view->licence.state, registry::LicenceState::kActive);
  EXPECT_TRUE(signed_view->signature_valid) << signed_view->signature_problem;
  ASSERT_TRUE(signed_view->consent && signed_view->consent->passkey);
  EXPECT_TRUE(signed_view->consent->signature.empty());
  const auto keys = bank_->KeysOf(consent::Signer::kPerformer, performer_.id);
  EXPECT_EQ((*keys)[0].passkey->credential.sign_count, 2u) << "the sign count advanced";
  const auto audit = Audit();
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  EXPECT_EQ(audit->verified, 1u);
  EXPECT_EQ(audit->passkey_verified, 1u);
  // Reopened, the stored consent still verifies (MakeView re-verifies it from the registry).
  bank_.reset();
  bank_ = *Bank::Open(dir_, clock_);
  const auto again = bank_->GetLicence(licence);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->signature_valid) << again->signature_problem;
}

TEST_P(PasskeyBankTest, RefusedAssertionsWriteNothing) {
  ASSERT_TRUE(Enrol(3).ok());
  const std::string licence = Draft();
  webauthn::Assertion replayed = SignChallenge(licence, 3);  // not past the registration's 3
  Status s = Sign(licence, replayed).status();
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("did not advance"), std::string::npos) << s.message();
  webauthn::Assertion forged = SignChallenge(licence, 4);
  forged.signature.back() ^= 1;
  EXPECT_EQ(Sign(licence, forged).status().code(), StatusCode::kPermissionDenied);
  webauthn::Assertion other = SignChallenge(licence, 4);
  other.credential_id[0] ^= 1;
  EXPECT_NE(Sign(licence, other).status().message().find("another credential"), std::string::npos);
  // An assertion over the challenge of another record (the signer said "union", not "counsel").
  const webauthn::Assertion good = SignChallenge(licence, 4);
  s = bank_->SignLicenceWithPasskey(licence, kNow, consent::Representation::kCounsel, good)
          .status();
  EXPECT_NE(s.message().find("clientDataJSON.challenge"), std::string::npos) << s.message();
  EXPECT_EQ(bank_->GetLicence(licence)->licence.state, registry::LicenceState::kDraft);
  EXPECT_TRUE(Sign(licence, good).ok());
  EXPECT_EQ(Sign(licence, good).status().code(), StatusCode::kFailedPrecondition)
      << "signed already";
}

TEST_P(PasskeyBankTest, ASignerWithoutAPasskeyGetsNoChallenge) {
  const std::string licence = Draft();
  EXPECT_EQ(
      bank_->PasskeyConsentChallenge(licence, kNow, consent::Representation::kNone).status().code(),
      StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Enrol().ok());
  EXPECT_EQ(
      bank_->PasskeyConsentChallenge(licence, kNow - 3 * 24 * 3600, consent::Representation::kNone)
          .status()
          .code(),
      StatusCode::kInvalidArgument)
      << "signed_at outside the window";
}

INSTANTIATE_TEST_SUITE_P(Es256AndEdDsa, PasskeyBankTest, webauthn::testonly::kBothAlgorithms,
                         webauthn::testonly::AlgorithmParamName);

}  // namespace
}  // namespace figurant::bank

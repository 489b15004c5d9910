// Schema v8 (docs/registry.md, "Passkeys (version 8)") on a real SQLite file: passkey signer keys,
// consents with a passkey proof and users' log-in passkeys round-trip; the database refuses
// partial or changed passkeys, and reads are strict.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/ids.h"
#include "registry/internal/sqlite.h"
#include "registry/registry.h"
#include "registry/users.h"

namespace figurant::registry {
namespace {
namespace fs = std::filesystem;

class PasskeyRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = fs::temp_directory_path() /
           ("figurant-passkey-registry-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    reg_ = *Registry::Open(dir_ / "figurant.db", true, clock_);
    performer_.id = NewId(id_prefix::kPerformer);
    performer_.name = "A";
    performer_.public_key.assign(32, 0);
    performer_.created_at = clock_.Now();
    ASSERT_TRUE(reg_->InsertPerformer(performer_).ok());
  }
  void TearDown() override {
    reg_.reset();
    fs::remove_all(dir_);
  }

  static SignerPasskey Passkey(uint8_t id_byte) {
    return {{Bytes(20, id_byte), kCoseEs256, Bytes(91, 0x30), 1},
            "https://bank.example",
            "bank.example"};
  }
  SignerKey Key(uint8_t id_byte) const {
    SignerKey k;
    k.signer_id = performer_.id;
    k.performer_id = performer_.id;
    k.public_key.assign(32, id_byte);  // stands in for the fingerprint
    k.valid_from = clock_.Now();
    k.passkey = Passkey(id_byte);
    return k;
  }
  Status Exec(const std::string& sql) { return reg_->database().Exec(sql); }

  FixedClock clock_{1790000000};
  fs::path dir_;
  std::unique_ptr<Registry> reg_;
  Performer performer_;
};

TEST_F(PasskeyRegistryTest, APasskeySignerKeyRoundTripsAndOnlyItsCountAdvances) {
  const auto seq = reg_->InsertSignerKey(Key(1));
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  auto keys = reg_->ListSignerKeys(SignerKind::kPerformer, performer_.id);
  ASSERT_TRUE(keys.ok() && keys->size() == 1) << keys.status().ToString();
  ASSERT_TRUE((*keys)[0].passkey.has_value());
  EXPECT_EQ((*keys)[0].passkey->credential.id, Bytes(20, 1));
  EXPECT_EQ((*keys)[0].passkey->credential.algorithm, kCoseEs256);
  EXPECT_EQ((*keys)[0].passkey->rp_id, "bank.example");
  EXPECT_TRUE(reg_->SetSignerPasskeySignCount(*seq, 5).ok());
  EXPECT_EQ(reg_->SetSignerPasskeySignCount(*seq, 5).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(reg_->ListSignerKeys(SignerKind::kPerformer, performer_.id)
                ->at(0)
                .passkey->credential.sign_count,
            5u);
  EXPECT_FALSE(Exec("UPDATE signer_keys SET passkey_origin = 'https://evil.example'").ok());
  EXPECT_FALSE(Exec("UPDATE signer_keys SET passkey_spki = x'3000'").ok());
  EXPECT_FALSE(Exec("UPDATE signer_keys SET passkey_sign_count = NULL").ok());
  ASSERT_TRUE(reg_->RevokeSignerKey(*seq, clock_.Now(), "lost").ok());
  EXPECT_EQ(reg_->SetSignerPasskeySignCount(*seq, 6).code(), StatusCode::kFailedPrecondition);
  SignerKey again = Key(2);
  again.passkey->credential.id = Bytes(20, 1);
  EXPECT_EQ(reg_->InsertSignerKey(again).status().code(), StatusCode::kAlreadyExists)
      << "the same credential twice";
}

TEST_F(PasskeyRegistryTest, ThePasskeyColumnsAreAllSetOrAllNull) {
  ASSERT_TRUE(reg_->InsertSignerKey(Key(1)).ok());
  EXPECT_FALSE(Exec("INSERT INTO signer_keys (signer, signer_id, performer_id, public_key, how, "
                    "valid_from, passkey_credential_id) VALUES ('performer', '" +
                    performer_.id + "', '" + performer_.id +
                    "', zeroblob(32), 'enrolment_code', 1, zeroblob(20))")
                   .ok());
  EXPECT_FALSE(Exec("UPDATE signer_keys SET passkey_algorithm = -257").ok());
}

TEST_F(PasskeyRegistryTest, APasskeyConsentKeepsItsProofByteForByteAndReadsStrictly) {
  Studio s{NewId(id_prefix::kStudio), "S", clock_.Now()};
  ASSERT_TRUE(reg_->InsertStudio(s).ok());
  Licence l;
  l.id = NewId(id_prefix::kLicence);
  l.performer_id = performer_.id;
  l.studio_id = s.id;
  l.terms_json = "{}";
  l.language = "en";
  l.disclosure = "text";
  l.valid_from = *Date::Parse("2026-01-01");
  l.created_at = clock_.Now();
  ASSERT_TRUE(reg_->InsertLicence(l).ok());
  Consent c;
  c.licence_id = l.id;
  c.disclosure_text = "text";
  c.disclosure_sha256 = std::string(64, 'a');
  c.terms_sha256 = std::string(64, 'b');
  c.language = "en";
  c.signer_id = performer_.id;
  c.public_key = Bytes(32, 1);
  c.passkey = ConsentPasskeyProof{Bytes(37, 5), std::string("{\"type\":\"webauthn.get\"}\xff", 24),
                                  Bytes(71, 6)};
  ASSERT_TRUE(reg_->InsertConsent(c).ok());
  auto back = reg_->GetConsent(l.id);
  ASSERT_TRUE(back.ok() && back->has_value()) << back.status().ToString();
  ASSERT_TRUE((*back)->passkey.has_value());
  EXPECT_EQ((*back)->passkey->client_data_json, c.passkey->client_data_json);
  EXPECT_EQ((*back)->passkey->signature, Bytes(71, 6));
  EXPECT_TRUE((*back)->signature.empty());
  ASSERT_TRUE(Exec("DROP TRIGGER consents_immutable").ok());
  EXPECT_FALSE(Exec("UPDATE consents SET passkey_signature = NULL").ok()) << "all or none";
  EXPECT_FALSE(Exec("UPDATE consents SET signature = randomblob(64)").ok())
      << "a passkey consent's Ed25519 column holds zeros";
  // What a hand edit could leave with the checks switched off: strict reads refuse it.
  ASSERT_TRUE(Exec("PRAGMA ignore_check_constraints = ON; "
                   "UPDATE consents SET passkey_signature = 'text'")
                  .ok());
  const Status bad = reg_->GetConsent(l.id).status();
  EXPECT_EQ(bad.code(), StatusCode::kDataLoss);
  EXPECT_NE(bad.message().find("column 'passkey_signature'"), std::string::npos) << bad.message();
  ASSERT_TRUE(Exec("UPDATE consents SET passkey_signature = NULL").ok());
  EXPECT_EQ(reg_->GetConsent(l.id).status().code(), StatusCode::kDataLoss) << "a partial proof";
}

TEST_F(PasskeyRegistryTest, UsersLogInPasskeysAreFoundByCredentialAndCountForward) {
  const User user{"usr_0123456789abcdef", UserRole::kPerformer, performer_.id, Bytes(32, 1),
                  clock_.Now()};
  ASSERT_TRUE(InsertUser(*reg_, user).ok());
  const UserPasskey p{user.id, Passkey(9).credential, clock_.Now()};
  ASSERT_TRUE(InsertUserPasskey(*reg_, p).ok());
  EXPECT_EQ(InsertUserPasskey(*reg_, p).code(), StatusCode::kAlreadyExists);
  auto found = FindUserPasskey(*reg_, Bytes(20, 9));
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status().ToString();
  EXPECT_EQ((*found)->user_id, user.id);
  EXPECT_EQ((*found)->credential.public_key_spki, Bytes(91, 0x30));
  EXPECT_FALSE(FindUserPasskey(*reg_, Bytes(20, 8))->has_value());
  EXPECT_TRUE(SetUserPasskeySignCount(*reg_, Bytes(20, 9), 2).ok());
  EXPECT_EQ(SetUserPasskeySignCount(*reg_, Bytes(20, 9), 2).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(SetUserPasskeySignCount(*reg_, Bytes(20, 8), 3).code(), StatusCode::kNotFound);
  EXPECT_EQ(ListUserPasskeys(*reg_, user.id)->at(0).credential.sign_count, 2u);
  UserPasskey odd = p;
  odd.credential.id = Bytes(8, 1);
  EXPECT_EQ(InsertUserPasskey(*reg_, odd).code(), StatusCode::kInvalidArgument);
  odd = p;
  odd.user_id = "usr_ffffffffffffffff";
  EXPECT_EQ(InsertUserPasskey(*reg_, odd).code(), StatusCode::kNotFound);
  EXPECT_FALSE(Exec("UPDATE user_passkeys SET user_id = 'usr_ffffffffffffffff'").ok());
}

}  // namespace
}  // namespace figurant::registry

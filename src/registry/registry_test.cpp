#include "registry/registry.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/ids.h"
#include "registry/appearance_crops.h"
#include "registry/internal/sqlite.h"
#include "registry/migrations.h"
#include "registry/users.h"

namespace figurant::registry {
namespace {
namespace fs = std::filesystem;

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = fs::temp_directory_path() /
           ("figurant-registry-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto r = Registry::Open(dir_ / "figurant.db", true, clock_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    reg_ = std::move(r).value();
  }
  void TearDown() override {
    reg_.reset();
    fs::remove_all(dir_);
  }

  Performer NewPerformer(const std::string& name) {
    Performer p;
    p.id = NewId(id_prefix::kPerformer);
    p.name = name;
    p.public_key.assign(32, 7);
    p.created_at = clock_.Now();
    EXPECT_TRUE(reg_->InsertPerformer(p).ok());
    return p;
  }

  Licence NewDraft(const Performer& p, const Studio& s) {
    Licence l;
    l.id = NewId(id_prefix::kLicence);
    l.performer_id = p.id;
    l.studio_id = s.id;
    l.terms_json = "{}";
    l.language = "en";
    l.disclosure = "text";
    l.valid_from = *Date::Parse("2026-01-01");
    l.created_at = clock_.Now();
    EXPECT_TRUE(reg_->InsertLicence(l).ok());
    return l;
  }

  Studio NewStudio(const std::string& name) {
    Studio s{NewId(id_prefix::kStudio), name, clock_.Now()};
    EXPECT_TRUE(reg_->InsertStudio(s).ok());
    return s;
  }

  FixedClock clock_{1790000000};
  fs::path dir_;
  std::unique_ptr<Registry> reg_;
};

TEST_F(RegistryTest, CreatesSchemaAtLatestVersionWithWalAndForeignKeys) {
  EXPECT_EQ(reg_->SchemaVersion(), Migrations().back().version);
  auto mode = reg_->database().Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(mode->Step().value());
  EXPECT_EQ(mode->Text(0), "wal");
  auto fk = reg_->database().Prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(fk->Step().value());
  EXPECT_EQ(fk->Int(0), 1);
  EXPECT_TRUE(reg_->CheckIntegrity().ok());
}

TEST_F(RegistryTest, ReopenKeepsDataAndDoesNotReapplyMigrations) {
  Performer p = NewPerformer("Amina Diallo");
  reg_.reset();
  auto r = Registry::Open(dir_ / "figurant.db", false, clock_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->GetPerformer(p.id)->name, "Amina Diallo");
}

TEST_F(RegistryTest, MissingFileIsNotFoundWithoutCreate) {
  auto r = Registry::Open(dir_ / "nope.db", false, clock_);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(fs::exists(dir_ / "nope.db"));
}

TEST_F(RegistryTest, GarbageFileIsDataLoss) {
  std::ofstream(dir_ / "junk.db") << std::string(4096, 'x');
  auto r = Registry::Open(dir_ / "junk.db", false, clock_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << r.status().ToString();
}

TEST_F(RegistryTest, PerformerRoundTrip) {
  Performer p = NewPerformer("Jean Dupont");
  ASSERT_TRUE(reg_->SetPerformerDeceased(p.id, *Date::Parse("2026-03-01")).ok());
  auto got = reg_->GetPerformer(p.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->deceased_on->ToString(), "2026-03-01");
  EXPECT_EQ(got->public_key, p.public_key);
  EXPECT_EQ(reg_->GetPerformer("per_missing").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(reg_->SetPerformerDeceased("per_missing", {}).code(), StatusCode::kNotFound);
}

TEST_F(RegistryTest, ConstraintsRejectBadRows) {
  Performer p;
  p.id = "per_x";
  p.name = "";
  p.public_key.assign(32, 1);
  EXPECT_EQ(reg_->InsertPerformer(p).code(), StatusCode::kInvalidArgument);
  Studio s = NewStudio("Lumière");
  EXPECT_EQ(reg_->InsertStudio({NewId("stu"), "Lumière", 0}).code(), StatusCode::kAlreadyExists);
  Production prd{NewId("prd"), "stu_nonexistent", "Film", {"streaming"}, {"FR"}, {}, 0};
  EXPECT_EQ(reg_->InsertProduction(prd).code(), StatusCode::kNotFound);
  prd.studio_id = s.id;
  EXPECT_TRUE(reg_->InsertProduction(prd).ok());
  EXPECT_EQ(reg_->GetProduction(prd.id)->territories, std::vector<std::string>{"FR"});
}

// Studios and productions from before schema v3 gain a key and a declaration once; after that the
// database refuses to change them (a deliberate edit is the bank's to catch when it reads).
TEST_F(RegistryTest, KeysAndDeclarationsAreSetOnceThenImmutable) {
  Studio s = NewStudio("Lumière");
  EXPECT_TRUE(reg_->GetStudio(s.id)->public_key.empty());
  ASSERT_TRUE(reg_->SetStudioPublicKey(s.id, Bytes(32, 1)).ok());
  EXPECT_EQ(reg_->GetStudio(s.id)->public_key, Bytes(32, 1));
  EXPECT_EQ(reg_->SetStudioPublicKey(s.id, Bytes(32, 2)).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(reg_->SetStudioPublicKey("stu_00000000000000ff", Bytes(32, 2)).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(reg_->database().Exec("UPDATE studios SET public_key = zeroblob(32)").code(),
            StatusCode::kFailedPrecondition);

  Production prd{NewId("prd"), s.id, "Film", {"streaming"}, {"FR"}, {"violence"}, 0};
  ASSERT_TRUE(reg_->InsertProduction(prd).ok());
  EXPECT_FALSE(reg_->GetProduction(prd.id)->frame_rate.has_value());
  ASSERT_TRUE(
      reg_->SetProductionDeclaration(prd.id, *ParseFrameRate("25"), Bytes(32, 1), Bytes(64, 2))
          .ok());
  const Production declared = *reg_->GetProduction(prd.id);
  EXPECT_EQ(declared.frame_rate->Text(), "25/1");
  EXPECT_EQ(declared.signature, Bytes(64, 2));
  EXPECT_EQ(
      reg_->SetProductionDeclaration(prd.id, *ParseFrameRate("24"), Bytes(32, 1), Bytes(64, 3))
          .code(),
      StatusCode::kFailedPrecondition);
  EXPECT_EQ(reg_->database().Exec("UPDATE productions SET content = '[]'").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(reg_->GetProduction(prd.id)->content, std::vector<std::string>{"violence"});

  Performer p = NewPerformer("A");
  ASSERT_TRUE(reg_->SetPerformerDeceased(p.id, *Date::Parse("2026-05-01")).ok());
  EXPECT_EQ(reg_->database().Exec("UPDATE performers SET deceased_on = NULL").code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(RegistryTest, LicenceLifecycleIsGuarded) {
  Performer p = NewPerformer("A");
  Studio s = NewStudio("S");
  Licence l = NewDraft(p, s);
  EXPECT_EQ(reg_->MarkLicenceRevoked(l.id, 1, {}).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(reg_->MarkLicenceSigned(l.id, clock_.Now()).ok());
  EXPECT_EQ(reg_->MarkLicenceSigned(l.id, clock_.Now()).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(reg_->MarkLicenceRevoked(l.id, clock_.Now(), *Date::Parse("2026-12-25")).ok());
  auto got = reg_->GetLicence(l.id);
  EXPECT_EQ(got->state, LicenceState::kRevoked);
  EXPECT_EQ(got->revoked_from->ToString(), "2026-12-25");
}

TEST_F(RegistryTest, TermsConsentsAndEventsCannotBeRewritten) {
  Performer p = NewPerformer("A");
  Studio s = NewStudio("S");
  Licence l = NewDraft(p, s);
  Consent c{l.id,
            "text",
            std::string(64, 'a'),
            std::string(64, 'b'),
            "en",
            1,
            SignerKind::kPerformer,
            p.id,
            Bytes(32, 1),
            Bytes(64, 2),
            Representation::kNone};
  ASSERT_TRUE(reg_->InsertConsent(c).ok());
  ASSERT_TRUE(reg_->AppendLicenceEvent({0, l.id, LicenceEventKind::kSigned, 1, "{}"}).ok());
  EXPECT_FALSE(reg_->database().Exec("UPDATE licences SET terms_json = '{\"x\":1}'").ok());
  EXPECT_FALSE(reg_->database().Exec("UPDATE consents SET signature = zeroblob(64)").ok());
  EXPECT_FALSE(reg_->database().Exec("DELETE FROM licence_events").ok());
  EXPECT_FALSE(reg_->database().Exec("UPDATE licence_events SET kind = 'revoked'").ok());
  EXPECT_EQ(reg_->ListLicenceEvents(l.id)->size(), 1u);
  EXPECT_EQ((*reg_->GetConsent(l.id))->signature, Bytes(64, 2));
}

TEST_F(RegistryTest, FailedTransactionLeavesNothing) {
  Status s = reg_->InTransaction([&]() -> Status {
    NewPerformer("kept only if the transaction commits");
    return Internal("simulated failure mid-command");
  });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_TRUE(reg_->ListPerformers()->empty());
}

// ---- SQLite failures are classified by extended result code, never by message text -----------

TEST_F(RegistryTest, ExtendedResultCodesMapToStatusCodes) {
  using internal::StatusCodeFor;
  EXPECT_EQ(StatusCodeFor(SQLITE_CONSTRAINT_UNIQUE), StatusCode::kAlreadyExists);
  EXPECT_EQ(StatusCodeFor(SQLITE_CONSTRAINT_PRIMARYKEY), StatusCode::kAlreadyExists);
  EXPECT_EQ(StatusCodeFor(SQLITE_CONSTRAINT_FOREIGNKEY), StatusCode::kNotFound);
  EXPECT_EQ(StatusCodeFor(SQLITE_CONSTRAINT_CHECK), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeFor(SQLITE_CONSTRAINT_NOTNULL), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeFor(SQLITE_CONSTRAINT_TRIGGER), StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusCodeFor(SQLITE_CONSTRAINT), StatusCode::kFailedPrecondition);
  EXPECT_EQ(StatusCodeFor(SQLITE_CORRUPT), StatusCode::kDataLoss);
  EXPECT_EQ(StatusCodeFor(SQLITE_BUSY_SNAPSHOT), StatusCode::kUnavailable);
  EXPECT_EQ(StatusCodeFor(SQLITE_TOOBIG), StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusCodeFor(SQLITE_MISUSE), StatusCode::kInternal);
}

TEST_F(RegistryTest, DuplicateIdIsAlreadyExistsAndMissingReferenceIsNotFound) {
  Performer p = NewPerformer("Amina Diallo");
  Studio s = NewStudio("Lumière");
  EXPECT_EQ(reg_->InsertStudio({s.id, "Another name", 0}).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(reg_->InsertPerformer(p).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(reg_->InsertEstate({NewId("est"), p.id, "Succession", Bytes(32, 8), 0}).ok());
  EXPECT_EQ(reg_->InsertEstate({NewId("est"), p.id, "Second estate", Bytes(32, 1), 0}).code(),
            StatusCode::kAlreadyExists);  // one estate per performer (UNIQUE)
  EXPECT_EQ(
      reg_->InsertEstate({NewId("est"), "per_00000000000000ff", "Estate", Bytes(32, 1), 0}).code(),
      StatusCode::kNotFound);
  EXPECT_EQ(
      reg_->AppendLicenceEvent({0, "lic_00000000000000ff", LicenceEventKind::kDrafted, 0, "{}"})
          .code(),
      StatusCode::kNotFound);
}

TEST_F(RegistryTest, ConstraintClassificationIgnoresTheMessageText) {
  Studio s = NewStudio("Lumière");
  // Triggers that fail inserts with the very messages SQLite gives for UNIQUE and FOREIGN KEY
  // failures: read by their text, they would pass for AlreadyExists and NotFound.
  ASSERT_TRUE(reg_->database()
                  .Exec("CREATE TRIGGER fake_unique BEFORE INSERT ON studios BEGIN SELECT "
                        "RAISE(ABORT, 'UNIQUE constraint failed: studios.name'); END; "
                        "CREATE TRIGGER fake_fk BEFORE INSERT ON productions BEGIN SELECT "
                        "RAISE(ABORT, 'FOREIGN KEY constraint failed'); END;")
                  .ok());
  Status studio = reg_->InsertStudio({NewId("stu"), "Brand new", 0});
  EXPECT_EQ(studio.code(), StatusCode::kFailedPrecondition) << studio.ToString();
  EXPECT_NE(studio.message().find("UNIQUE constraint failed"), std::string::npos);
  Status production =
      reg_->InsertProduction({NewId("prd"), s.id, "Film", {"streaming"}, {"FR"}, {}, 0});
  EXPECT_EQ(production.code(), StatusCode::kFailedPrecondition) << production.ToString();
}

TEST_F(RegistryTest, FailedBindIsReportedNotIgnored) {
  Studio studio = NewStudio("Lumière");
  auto s = reg_->database().Prepare("SELECT name FROM studios WHERE id = ?1");
  ASSERT_TRUE(s.ok());
  s->Bind(1, studio.id).Bind(2, std::string("no such parameter"));
  auto row = s->Step();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.status().code(), StatusCode::kInternal);
  EXPECT_NE(row.status().message().find("bind parameter 2"), std::string::npos)
      << row.status().message();
  EXPECT_FALSE(s->Run().ok());  // the failure stays with the statement
}

SignerPasskey TestPasskey(uint8_t id_byte) {
  return {
      {Bytes(20, id_byte), kCoseEs256, Bytes(91, 0x30), 1}, "https://bank.example", "bank.example"};
}

// A passkey signer key of `p` (its public_key stands in for the fingerprint).
SignerKey PasskeyKey(const Performer& p, uint8_t id_byte) {
  SignerKey k;
  k.signer_id = p.id;
  k.performer_id = p.id;
  k.public_key.assign(32, id_byte);
  k.valid_from = 1790000000;
  k.passkey = TestPasskey(id_byte);
  return k;
}

// Schema v8 (docs/registry.md, "Passkeys (version 8)").
TEST_F(RegistryTest, APasskeySignerKeyRoundTripsAndOnlyItsCountAdvances) {
  const Performer p = NewPerformer("A");
  const auto seq = reg_->InsertSignerKey(PasskeyKey(p, 1));
  ASSERT_TRUE(seq.ok()) << seq.status().ToString();
  auto keys = reg_->ListSignerKeys(SignerKind::kPerformer, p.id);
  ASSERT_TRUE(keys.ok() && keys->size() == 1) << keys.status().ToString();
  ASSERT_TRUE((*keys)[0].passkey.has_value());
  EXPECT_EQ((*keys)[0].passkey->credential.id, Bytes(20, 1));
  EXPECT_EQ((*keys)[0].passkey->credential.algorithm, kCoseEs256);
  EXPECT_EQ((*keys)[0].passkey->rp_id, "bank.example");
  EXPECT_TRUE(reg_->SetSignerPasskeySignCount(*seq, 5).ok());
  EXPECT_EQ(reg_->SetSignerPasskeySignCount(*seq, 5).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      reg_->ListSignerKeys(SignerKind::kPerformer, p.id)->at(0).passkey->credential.sign_count, 5u);
  EXPECT_FALSE(
      reg_->database().Exec("UPDATE signer_keys SET passkey_origin = 'https://evil.example'").ok());
  EXPECT_FALSE(reg_->database().Exec("UPDATE signer_keys SET passkey_spki = x'3000'").ok());
  EXPECT_FALSE(reg_->database().Exec("UPDATE signer_keys SET passkey_sign_count = NULL").ok());
  ASSERT_TRUE(reg_->RevokeSignerKey(*seq, clock_.Now(), "lost").ok());
  EXPECT_EQ(reg_->SetSignerPasskeySignCount(*seq, 6).code(), StatusCode::kFailedPrecondition);
  SignerKey again = PasskeyKey(p, 2);
  again.passkey->credential.id = Bytes(20, 1);
  EXPECT_EQ(reg_->InsertSignerKey(again).status().code(), StatusCode::kAlreadyExists)
      << "the same credential twice";
}

TEST_F(RegistryTest, ThePasskeyColumnsAreAllSetOrAllNull) {
  const Performer p = NewPerformer("A");
  EXPECT_FALSE(
      reg_->database()
          .Exec("INSERT INTO signer_keys (signer, signer_id, performer_id, public_key, how, "
                "valid_from, passkey_credential_id) VALUES ('performer', '" +
                p.id + "', '" + p.id + "', zeroblob(32), 'enrolment_code', 1, zeroblob(20))")
          .ok());
  ASSERT_TRUE(reg_->InsertSignerKey(PasskeyKey(p, 1)).ok());
  EXPECT_FALSE(reg_->database().Exec("UPDATE signer_keys SET passkey_algorithm = -257").ok());
  EXPECT_FALSE(reg_->database().Exec("UPDATE signer_keys SET passkey_rp_id = NULL").ok());
}

TEST_F(RegistryTest, APasskeyConsentKeepsItsProofByteForByteAndReadsStrictly) {
  const Performer p = NewPerformer("A");
  const Licence l = NewDraft(p, NewStudio("S"));
  Consent c;
  c.licence_id = l.id;
  c.disclosure_text = "text";
  c.disclosure_sha256 = std::string(64, 'a');
  c.terms_sha256 = std::string(64, 'b');
  c.language = "en";
  c.signer_id = p.id;
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
  ASSERT_TRUE(reg_->database().Exec("DROP TRIGGER consents_immutable").ok());
  EXPECT_FALSE(reg_->database().Exec("UPDATE consents SET passkey_signature = NULL").ok())
      << "all or none";
  EXPECT_FALSE(reg_->database().Exec("UPDATE consents SET signature = randomblob(64)").ok())
      << "a passkey consent's Ed25519 column holds zeros";
  // What a hand edit could leave with the checks switched off: strict reads refuse it.
  ASSERT_TRUE(reg_->database()
                  .Exec("PRAGMA ignore_check_constraints = ON; "
                        "UPDATE consents SET passkey_signature = 'text'")
                  .ok());
  const Status bad = reg_->GetConsent(l.id).status();
  EXPECT_EQ(bad.code(), StatusCode::kDataLoss);
  EXPECT_NE(bad.message().find("column 'passkey_signature'"), std::string::npos) << bad.message();
  ASSERT_TRUE(reg_->database().Exec("UPDATE consents SET passkey_signature = NULL").ok());
  EXPECT_EQ(reg_->GetConsent(l.id).status().code(), StatusCode::kDataLoss) << "a partial proof";
}

TEST_F(RegistryTest, UsersLogInPasskeysAreFoundByCredentialAndCountForward) {
  const Performer p = NewPerformer("A");
  const User user{"usr_0123456789abcdef", UserRole::kPerformer, p.id, Bytes(32, 1), clock_.Now()};
  ASSERT_TRUE(InsertUser(*reg_, user).ok());
  const UserPasskey passkey{user.id, TestPasskey(9).credential, clock_.Now()};
  ASSERT_TRUE(InsertUserPasskey(*reg_, passkey).ok());
  EXPECT_EQ(InsertUserPasskey(*reg_, passkey).code(), StatusCode::kAlreadyExists);
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
  UserPasskey odd = passkey;
  odd.credential.id = Bytes(8, 1);
  EXPECT_EQ(InsertUserPasskey(*reg_, odd).code(), StatusCode::kInvalidArgument);
  odd = passkey;
  odd.user_id = "usr_ffffffffffffffff";
  EXPECT_EQ(InsertUserPasskey(*reg_, odd).code(), StatusCode::kNotFound);
  EXPECT_FALSE(
      reg_->database().Exec("UPDATE user_passkeys SET user_id = 'usr_ffffffffffffffff'").ok());
}

}  // namespace
// Schema v9 (docs/registry.md, "Appearance crops (version 9)"): one crop per performer, production
// and shot; a better one replaces it under the same id; erasure forgets them all.
TEST_F(RegistryTest, AnAppearanceCropIsKeptPerShotAndReplacedUnderItsId) {
  const Performer p = NewPerformer("A");
  const Studio s = NewStudio("S");
  Production prd{NewId("prd"), s.id, "Film", {"streaming"}, {"FR"}, {}, 0};
  ASSERT_TRUE(reg_->InsertProduction(prd).ok());
  AppearanceCropRow c{
      NewId(kCropIdPrefix), p.id,        prd.id, "sh010", 1001, "rnd_1", "dbl_1", 120.5, 40, 90,
      std::string(64, 'a'), clock_.Now()};
  ASSERT_TRUE(PutAppearanceCrop(*reg_, c).ok());
  AppearanceCropRow better = c;
  better.id = NewId(kCropIdPrefix);
  better.frame = 1003;
  better.pixels = 300;
  better.blob_id = std::string(64, 'b');
  ASSERT_TRUE(PutAppearanceCrop(*reg_, better).ok());
  auto found = FindAppearanceCrop(*reg_, p.id, prd.id, "sh010");
  ASSERT_TRUE(found.ok() && found->has_value()) << found.status().ToString();
  EXPECT_EQ((*found)->id, c.id) << "the first crop's id stays";
  EXPECT_EQ((*found)->frame, 1003);
  EXPECT_EQ((*found)->blob_id, std::string(64, 'b'));
  EXPECT_EQ(GetAppearanceCrop(*reg_, c.id)->pixels, 300);
  EXPECT_EQ(GetAppearanceCrop(*reg_, better.id).status().code(), StatusCode::kNotFound);
  AppearanceCropRow other = c;
  other.id = NewId(kCropIdPrefix);
  other.shot = "sh020";
  ASSERT_TRUE(PutAppearanceCrop(*reg_, other).ok());
  EXPECT_EQ(ListAppearanceCrops(*reg_, p.id)->size(), 2u);

  AppearanceCropRow bad = other;
  bad.blob_id = "not-hex";
  EXPECT_EQ(PutAppearanceCrop(*reg_, bad).code(), StatusCode::kInvalidArgument);
  bad = other;
  bad.pixels = 0;
  EXPECT_EQ(PutAppearanceCrop(*reg_, bad).code(), StatusCode::kInvalidArgument);
  bad = other;
  bad.production_id = NewId("prd");
  EXPECT_EQ(PutAppearanceCrop(*reg_, bad).code(), StatusCode::kNotFound);
  // A hand edit with the checks off reads as DataLoss, never as a default.
  ASSERT_TRUE(reg_->database().Exec("PRAGMA ignore_check_constraints = ON").ok());
  ASSERT_TRUE(
      reg_->database().Exec("UPDATE appearance_crops SET width = 0 WHERE shot = 'sh020'").ok());
  EXPECT_EQ(ListAppearanceCrops(*reg_, p.id).status().code(), StatusCode::kDataLoss);

  ASSERT_TRUE(DeleteAppearanceCrops(*reg_, p.id).ok());
  EXPECT_TRUE(ListAppearanceCrops(*reg_, p.id)->empty());
  EXPECT_FALSE(FindAppearanceCrop(*reg_, p.id, prd.id, "sh010")->has_value());
}

}  // namespace figurant::registry

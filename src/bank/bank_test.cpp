#include "bank/bank.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <tuple>

#include "bank/device.h"
#include "core/file.h"
#include "core/ids.h"
#include "ledger/consent_audit.h"
#include "registry/appearance_crops.h"
#include "registry/internal/sqlite.h"

namespace figurant::bank {
namespace {
namespace fs = std::filesystem;

constexpr UnixSeconds kNow = 1790000000;  // 2026-09-21

class BankTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    studio_key_ = GenerateSigningKeyPair();
    dir_ = fs::temp_directory_path() /
           ("figurant-bank-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto b = Bank::Init(dir_, clock_);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    bank_ = std::move(b).value();
    performer_ = *bank_->AddPerformer(
        {"Amina Diallo", "amina@example.org", consent::Language::kFrench, false});
    studio_ = *bank_->AddStudio("Lumière Pictures", studio_key_.public_key);
    production_ = *Production("Le Grand Match", {"streaming"}, {"FR", "BE"}, {"violence"});
  }

  // A production of studio_, declared and signed on the studio's side with its key.
  Result<registry::Production> Production(const std::string& title,
                                          const std::vector<std::string>& media,
                                          const std::vector<std::string>& territories,
                                          const std::vector<std::string>& content,
                                          const std::string& studio = "") {
    return bank_->AddProduction(consent::SignProduction(
        {NewId(id_prefix::kProduction), studio.empty() ? studio_.id : studio, title, media,
         territories, content, *ParseFrameRate("24")},
        studio_key_));
  }

  // Runs `sql` on the bank's own registry connection with the immutability triggers dropped, as
  // an operator with the sqlite3 shell would.
  void Tamper(const std::string& sql) {
    ASSERT_TRUE(bank_->registry()
                    .database()
                    .Exec("DROP TRIGGER IF EXISTS production_declaration_immutable; "
                          "DROP TRIGGER IF EXISTS studio_key_immutable; "
                          "DROP TRIGGER IF EXISTS performer_death_immutable; " +
                          sql)
                    .ok())
        << sql;
  }
  void TearDown() override {
    bank_.reset();
    fs::remove_all(dir_);
    fs::remove_all(DefaultKeysDir(dir_));
  }

  std::string Terms(const std::string& productions = "", const std::string& extra = "") {
    const std::string prods = productions.empty() ? "[\"" + production_.id + "\"]" : productions;
    return R"({"productions": )" + prods + R"(, "uses": ["background"],
      "media": ["streaming", "theatrical"], "territories": ["worldwide"],
      "valid_from": "2026-01-01", "valid_until": "2027-12-31",
      "max_screen_height_fraction": 0.2, "excluded_content": ["nudity"],
      "compensation": {"currency": "EUR", "scan_fee": 180.0, "per_production_fee": 180.0},
      "revocable": true, "revocation_notice_days": 30)" +
           extra + "}";
  }

  LicenceView Signed(const std::string& terms,
                     consent::Representation rep = consent::Representation::kUnion) {
    auto d = bank_->DraftLicence(performer_.id, studio_.id, terms, "terms.json");
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    auto s = devices_.Sign(*bank_, d->licence.id, rep);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return *s;
  }

  // The record `signer_id`'s device would sign for `licence_id` now, with the offer's parties
  // replaced by `performer_id` and `signer` when given (to sign as someone who may not).
  consent::ConsentRecord SignedAs(const std::string& licence_id, const std::string& performer_id,
                                  consent::Signer signer, const std::string& signer_id) {
    auto offer = bank_->OfferFor(licence_id);
    EXPECT_TRUE(offer.ok()) << offer.status().ToString();
    offer->performer_id = performer_id;
    offer->signer = signer;
    offer->signer_id = signer_id;
    auto r = devices_.SignOffer(*offer, consent::Representation::kNone, clock_.Now());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return *r;
  }

  CheckRequest Request() {
    CheckRequest r;
    r.performer_id = performer_.id;
    r.production_id = production_.id;
    return r;
  }

  FixedClock clock_{kNow};
  fs::path dir_;
  SigningKeyPair studio_key_{};  // the studio's own, never in the bank
  std::unique_ptr<Bank> bank_;
  Device devices_;  // the performers' and estates' own keys, never in the bank
  registry::Performer performer_;
  registry::Studio studio_;
  registry::Production production_;
};

TEST_F(BankTest, InitCreatesLayoutAndIsIdempotent) {
  EXPECT_TRUE(fs::exists(dir_ / "figurant.db"));
  EXPECT_TRUE(fs::is_directory(dir_ / "store"));
  const fs::path keys = DefaultKeysDir(dir_);
  EXPECT_EQ(keys, dir_.parent_path() / (dir_.filename().string() + ".keys"));
  EXPECT_EQ(DefaultKeysDir(dir_ / ""), keys);
  EXPECT_FALSE(fs::exists(dir_ / "keys"));
  EXPECT_TRUE(fs::exists(keys / "bank.ed25519"));
  // The bank holds no performer's key: they enrol their own.
  EXPECT_FALSE(fs::exists(keys / "performers" / (performer_.id + ".ed25519")));
  EXPECT_TRUE(performer_.public_key.empty());
  EXPECT_EQ(fs::status(keys).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(fs::status(dir_ / "figurant.db").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  bool created = true;
  auto again = Bank::Init(dir_, clock_, &created);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(created);
  EXPECT_EQ((*again)->registry().ListPerformers()->size(), 1u);
}

// Keys inside the bank directory, by the old layout or by configuration, are refused; the old
// layout names the command that moves them, and MoveKeysOut does.
TEST_F(BankTest, KeysInsideTheBankAreRefusedUntilMovedOut) {
  bank_.reset();
  BankOptions inside;
  inside.keys_dir = dir_ / "store" / ".." / "k";
  EXPECT_EQ(Bank::Open(dir_, clock_, inside).status().code(), StatusCode::kInvalidArgument);
  fs::rename(DefaultKeysDir(dir_), dir_ / "keys");
  auto legacy = Bank::Open(dir_, clock_);
  EXPECT_EQ(legacy.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(legacy.status().message().find("figurant keys move"), std::string::npos);
  EXPECT_EQ(Bank::Init(dir_, clock_).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(MoveKeysOut(dir_, dir_ / "k").code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(MoveKeysOut(dir_, {}).ok());
  EXPECT_EQ(MoveKeysOut(dir_, {}).code(), StatusCode::kNotFound);
  auto moved = Bank::Open(dir_, clock_);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ((*moved)->registry().ListPerformers()->size(), 1u);
}

// A registry or a key readable by group or others is refused, as ssh refuses such a key.
TEST_F(BankTest, ReadableRegistryAndKeysAreRefused) {
  bank_.reset();
  fs::permissions(dir_ / "figurant.db", fs::perms::group_read | fs::perms::others_read,
                  fs::perm_options::add);
  auto db = Bank::Open(dir_, clock_);
  EXPECT_EQ(db.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(db.status().message().find("figurant.db"), std::string::npos);
  fs::permissions(dir_ / "figurant.db", fs::perms::owner_read | fs::perms::owner_write);
  const fs::path master = DefaultKeysDir(dir_) / "master.key";
  fs::permissions(master, fs::perms::group_read, fs::perm_options::add);
  EXPECT_EQ(Bank::Open(dir_, clock_).status().code(), StatusCode::kFailedPrecondition);
  fs::permissions(master, fs::perms::owner_read | fs::perms::owner_write);
  fs::permissions(DefaultKeysDir(dir_), fs::perms::group_exec, fs::perm_options::add);
  EXPECT_EQ(Bank::Open(dir_, clock_).status().code(), StatusCode::kFailedPrecondition);
}

// With a passphrase the bank key and the master key are sealed; without it they cannot be opened.
TEST_F(BankTest, SealedKeysOpenOnlyWithThePassphrase) {
  const fs::path dir = dir_ / "sealed";
  BankOptions sealed;
  sealed.keys_dir = dir_ / "sealed-keys";
  sealed.store.passphrase = "correct horse";
  auto made = Bank::Init(dir, clock_, nullptr, sealed);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  ASSERT_TRUE((*made)->PublicKey().ok());
  made->reset();
  for (const char* f : {"bank.ed25519", "master.key"}) {
    const std::string text = *ReadFile(sealed.keys_dir / f);
    EXPECT_TRUE(IsSealedKeyText(text)) << f;
  }
  BankOptions none;
  none.keys_dir = sealed.keys_dir;
  EXPECT_EQ(Bank::Open(dir, clock_, none).status().code(), StatusCode::kFailedPrecondition);
  BankOptions wrong = sealed;
  wrong.store.passphrase = "wrong horse";
  EXPECT_EQ(Bank::Open(dir, clock_, wrong).status().code(), StatusCode::kUnauthenticated);
  auto opened = Bank::Open(dir, clock_, sealed);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_TRUE((*opened)->PublicKey().ok());
}

TEST_F(BankTest, OpenMissingBankNamesTheDirectory) {
  auto b = Bank::Open(dir_ / "elsewhere", clock_);
  EXPECT_EQ(b.status().code(), StatusCode::kNotFound);
  EXPECT_NE(b.status().message().find((dir_ / "elsewhere").string()), std::string::npos);
  EXPECT_NE(b.status().message().find("figurant.db"), std::string::npos);
}

// The bank is a library: its messages name the field of its own input, never a command-line flag
// (the CLI adds its flags as context where it wants to).
TEST_F(BankTest, BadInputMessagesNameTheFieldNotACommandLineFlag) {
  std::vector<std::pair<std::string, Status>> cases;
  cases.emplace_back(
      "performer email",
      bank_->AddPerformer({"A", "not-an-email", consent::Language::kEnglish, false}).status());
  cases.emplace_back("performer name",
                     bank_->AddPerformer({" ", {}, consent::Language::kEnglish, false}).status());
  cases.emplace_back("date of death",
                     bank_->MarkDeceased(performer_.id, clock_.Today().AddDays(1)));
  cases.emplace_back("estate name", bank_->RegisterEstate(performer_.id, "").status());
  cases.emplace_back("studio name", bank_->AddStudio("", studio_key_.public_key).status());
  cases.emplace_back("production title", Production("", {"streaming"}, {"FR"}, {}).status());
  cases.emplace_back("production: field 'media'", Production("X", {}, {"FR"}, {}).status());
  cases.emplace_back("production: field 'territories'",
                     Production("X", {"streaming"}, {}, {}).status());
  cases.emplace_back("production: field 'content'",
                     Production("X", {"streaming"}, {"FR"}, {"gore"}).status());
  const LicenceView v = Signed(Terms());
  cases.emplace_back("revocation date",
                     bank_->RevokeLicence(v.licence.id, clock_.Today()).status());
  CheckRequest neither = Request();
  neither.performer_id.reset();
  cases.emplace_back("a double id or a performer id", bank_->Check(neither).status());
  CheckRequest tall = Request();
  tall.screen_height_fraction = 1.5;
  cases.emplace_back("field 'screen_height_fraction'", bank_->Check(tall).status());
  for (const auto& [field, status] : cases) {
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << field << ": " << status.ToString();
    EXPECT_NE(status.message().find(field), std::string::npos) << status.message();
    EXPECT_EQ(status.message().find("--"), std::string::npos) << status.message();
  }
  // Signing for a deceased performer without their estate: the reason, not the flag to use.
  ASSERT_TRUE(devices_.Enrol(*bank_, performer_.id).ok());
  ASSERT_TRUE(bank_->MarkDeceased(performer_.id, clock_.Today()).ok());
  ASSERT_TRUE(bank_->RegisterEstate(performer_.id, "Succession Diallo").ok());
  auto draft = bank_->DraftLicence(performer_.id, studio_.id, Terms(), "terms.json");
  ASSERT_TRUE(draft.ok()) << draft.status().ToString();
  Status by_performer = bank_
                            ->SignLicenceWith(SignedAs(draft->licence.id, performer_.id,
                                                       consent::Signer::kPerformer, performer_.id))
                            .status();
  EXPECT_EQ(by_performer.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(by_performer.message().find("only their estate can sign"), std::string::npos);
  EXPECT_EQ(by_performer.message().find("--"), std::string::npos) << by_performer.message();
}

TEST_F(BankTest, DraftPrintsDisclosureInPerformersLanguage) {
  auto d = bank_->DraftLicence(performer_.id, studio_.id, Terms(), "terms.json");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->licence.state, registry::LicenceState::kDraft);
  EXPECT_NE(d->licence.disclosure.find("\"Le Grand Match\""), std::string::npos);
  EXPECT_NE(d->licence.disclosure.find("RÉMUNÉRATION"), std::string::npos);
  EXPECT_FALSE(d->signature_valid);
}

TEST_F(BankTest, BadTermsWriteNothing) {
  auto d =
      bank_->DraftLicence(performer_.id, studio_.id,
                          R"({"productions": ["prd_nope"], "uses": ["principal"]})", "bad.json");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(bank_->registry().ListLicences(std::nullopt)->empty());
  auto unknown =
      bank_->DraftLicence(performer_.id, studio_.id, Terms("[\"prd_nope\"]"), "terms.json");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("no production 'prd_nope'"), std::string::npos);
  EXPECT_TRUE(bank_->registry().ListLicences(std::nullopt)->empty());
}

TEST_F(BankTest, SignedLicenceVerifiesAndAllowsTheUse) {
  LicenceView v = Signed(Terms());
  EXPECT_EQ(v.licence.state, registry::LicenceState::kActive);
  EXPECT_TRUE(v.signature_valid) << v.signature_problem;
  ASSERT_TRUE(v.consent.has_value());
  EXPECT_EQ(v.consent->disclosure_sha256, Sha256Hex(v.licence.disclosure));
  EXPECT_EQ(v.consent->language, "fr");
  auto out = bank_->Check(Request());
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE(out->decision.allowed);
  EXPECT_EQ(out->decision.licence_id, v.licence.id);
}

TEST_F(BankTest, OnlyTheLicensorCanSignAndOnlyOnce) {
  auto other = *bank_->AddPerformer({"Someone Else", {}, consent::Language::kEnglish, false});
  ASSERT_TRUE(devices_.Enrol(*bank_, other.id).ok());
  auto d = *bank_->DraftLicence(performer_.id, studio_.id, Terms(), "t.json");
  EXPECT_EQ(
      bank_
          ->SignLicenceWith(SignedAs(d.licence.id, other.id, consent::Signer::kPerformer, other.id))
          .status()
          .code(),
      StatusCode::kPermissionDenied);
  // Their own key, but naming the licensor: not the licensor's enrolled key.
  EXPECT_EQ(bank_
                ->SignLicenceWith(
                    SignedAs(d.licence.id, performer_.id, consent::Signer::kPerformer, other.id))
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  ASSERT_TRUE(devices_.Enrol(*bank_, performer_.id).ok());
  const consent::ConsentRecord again =
      SignedAs(d.licence.id, performer_.id, consent::Signer::kPerformer, performer_.id);
  ASSERT_TRUE(devices_.Sign(*bank_, d.licence.id).ok());
  EXPECT_EQ(bank_->OfferFor(d.licence.id).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(bank_->SignLicenceWith(again).status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(BankTest, TamperedTermsInTheDatabaseAreDetected) {
  LicenceView v = Signed(Terms());
  // An attacker with write access to the file drops the guard and widens the grant.
  auto& db = bank_->registry().database();
  ASSERT_TRUE(db.Exec("DROP TRIGGER licence_terms_immutable").ok());
  std::string widened = v.licence.terms_json;
  widened.replace(widened.find("\"productions\":[\"" + production_.id + "\"]"),
                  std::string("\"productions\":[\"" + production_.id + "\"]").size(),
                  "\"productions\":\"any\"");
  auto st = db.Prepare("UPDATE licences SET terms_json = ? WHERE id = ?");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(st->Bind(1, widened).Bind(2, v.licence.id).Run().ok());
  auto view = bank_->GetLicence(v.licence.id);
  ASSERT_TRUE(view.ok());
  EXPECT_FALSE(view->signature_valid);
  EXPECT_NE(std::find(view->flags.begin(), view->flags.end(), flag::kSignatureInvalid),
            view->flags.end());
  // The decision refuses the row outright: the ledger holds the terms as signed.
  auto out = bank_->Check(Request());
  EXPECT_EQ(out.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(out.status().message().find("licences row '" + v.licence.id + "' column 'terms_json'"),
            std::string::npos)
      << out.status().message();
}

TEST_F(BankTest, RevocationHonoursTheNoticePeriod) {
  LicenceView v = Signed(Terms());
  const Date today = clock_.Today();
  auto early = bank_->RevokeLicence(v.licence.id, today.AddDays(10));
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(early.status().message().find(today.AddDays(30).ToString()), std::string::npos);
  auto r = bank_->RevokeLicence(v.licence.id, std::nullopt);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->licence.state, registry::LicenceState::kRevoked);
  EXPECT_EQ(r->licence.revoked_from, today.AddDays(30));
  CheckRequest req = Request();
  req.date = today.AddDays(29);
  EXPECT_TRUE(bank_->Check(req)->decision.allowed);
  req.date = today.AddDays(30);
  EXPECT_FALSE(bank_->Check(req)->decision.allowed);
  EXPECT_EQ(bank_->RevokeLicence(v.licence.id, std::nullopt).status().code(),
            StatusCode::kFailedPrecondition);
  auto events = *bank_->registry().ListLicenceEvents(v.licence.id);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].kind, registry::LicenceEventKind::kRevoked);
}

TEST_F(BankTest, StandingFollowsTheTermAndTheRevocationDates) {
  const std::string id = Signed(Terms()).licence.id;  // 2026-01-01 .. 2027-12-31, 30 days notice
  EXPECT_EQ(bank_->GetLicence(id)->standing, "in_force");
  clock_.Set(kNow - 365 * 86400);  // 2025: before the term
  EXPECT_EQ(bank_->GetLicence(id)->standing, "not_yet_valid");
  clock_.Set(kNow + 2 * 365 * 86400);  // 2028: after it
  EXPECT_EQ(bank_->GetLicence(id)->standing, "expired");
  EXPECT_EQ(bank_->GetLicence(id)->licence.state,
            registry::LicenceState::kActive);  // the lifecycle is unchanged
  clock_.Set(kNow);
  ASSERT_TRUE(bank_->RevokeLicence(id, std::nullopt).ok());
  EXPECT_EQ(bank_->GetLicence(id)->standing, "revoking");  // the notice period runs
  clock_.Advance(30 * 86400);
  EXPECT_EQ(bank_->GetLicence(id)->standing, "revoked");
  auto d = bank_->DraftLicence(performer_.id, studio_.id, Terms(), "terms.json");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->standing, "draft");
}

TEST_F(BankTest, IrrevocableLicenceCannotBeRevoked) {
  std::string t = Terms();
  t.replace(t.find("\"revocable\": true"), 17, "\"revocable\": false");
  LicenceView v = Signed(t);
  EXPECT_NE(std::find(v.flags.begin(), v.flags.end(), flag::kIrrevocable), v.flags.end());
  EXPECT_EQ(bank_->RevokeLicence(v.licence.id, std::nullopt).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(BankTest, WideGrantWithoutRepresentationIsFlagged) {
  LicenceView blanket = Signed(Terms("\"any\""), consent::Representation::kNone);
  EXPECT_NE(std::find(blanket.flags.begin(), blanket.flags.end(), flag::kUnrepresentedWideGrant),
            blanket.flags.end());
  EXPECT_NE(std::find(blanket.flags.begin(), blanket.flags.end(), flag::kBlanket),
            blanket.flags.end());
  EXPECT_NE(blanket.licence.disclosure.find("AB 2602"), std::string::npos);
  LicenceView represented = Signed(Terms("\"any\""), consent::Representation::kUnion);
  EXPECT_EQ(
      std::find(represented.flags.begin(), represented.flags.end(), flag::kUnrepresentedWideGrant),
      represented.flags.end());
}

TEST_F(BankTest, DeceasedPerformerNeedsTheirEstate) {
  Signed(Terms());
  ASSERT_TRUE(bank_->MarkDeceased(performer_.id, *Date::Parse("2026-09-01")).ok());
  auto out = bank_->Check(Request());
  EXPECT_FALSE(out->decision.allowed);
  EXPECT_EQ(out->decision.AllReasonCodes(),
            std::vector<consent::ReasonCode>{consent::ReasonCode::kNeedsEstate});
  // No estate yet: cannot even draft.
  EXPECT_EQ(bank_->DraftLicence(performer_.id, studio_.id, Terms(), "t").status().code(),
            StatusCode::kFailedPrecondition);
  auto estate = bank_->RegisterEstate(performer_.id, "Succession Diallo");
  ASSERT_TRUE(estate.ok());
  EXPECT_EQ(bank_->RegisterEstate(performer_.id, "Twice").status().code(),
            StatusCode::kAlreadyExists);
  auto d = *bank_->DraftLicence(performer_.id, studio_.id, Terms(), "t.json");
  EXPECT_NE(d.licence.disclosure.find("succession de Amina Diallo (Succession Diallo)"),
            std::string::npos);
  ASSERT_TRUE(devices_.Enrol(*bank_, performer_.id).ok());
  EXPECT_EQ(bank_
                ->SignLicenceWith(SignedAs(d.licence.id, performer_.id, consent::Signer::kPerformer,
                                           performer_.id))
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  auto s = devices_.Sign(*bank_, d.licence.id, consent::Representation::kCounsel);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->signature_valid) << s->signature_problem;
  EXPECT_TRUE(bank_->Check(Request())->decision.allowed);
}

TEST_F(BankTest, RetentionIsThreeYearsAfterTheLastLicenceEnds) {
  auto r = bank_->RetentionOf(performer_.id);
  EXPECT_EQ(r->erase_on, clock_.Today().AddYears(3));  // no licence: from registration
  Signed(Terms());
  EXPECT_EQ(bank_->RetentionOf(performer_.id)->erase_on, Date::Parse("2030-12-31").value());
  std::string perpetual = Terms();
  perpetual.replace(perpetual.find("\"2027-12-31\""), 12, "null");
  LicenceView p = Signed(perpetual);
  auto held = bank_->RetentionOf(performer_.id);
  EXPECT_FALSE(held->erase_on.has_value());
  EXPECT_EQ(held->held_by, p.licence.id);
  ASSERT_TRUE(bank_->RevokeLicence(p.licence.id, std::nullopt).ok());
  // Revoked perpetual: ends the day before the revocation applies, earlier than 2027-12-31.
  EXPECT_EQ(bank_->RetentionOf(performer_.id)->erase_on, Date::Parse("2030-12-31").value());
}

TEST_F(BankTest, ProductionVocabularyIsChecked) {
  auto bad = Production("X", {"cinema"}, {"FR"}, {});
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  bad = Production("X", {"streaming"}, {"France"}, {});
  EXPECT_NE(bad.status().message().find("ISO 3166-1"), std::string::npos);
  bad = Production("X", {"streaming"}, {"FR"}, {}, "stu_0000000000000000");
  EXPECT_EQ(bad.status().code(), StatusCode::kNotFound);
}

// A production is what its studio signed: the bank refuses a declaration under another key, a
// signature that does not verify, and the same production twice; it keeps no private key.
TEST_F(BankTest, ProductionsAreDeclaredAndSignedByTheirStudio) {
  consent::ProductionDeclaration d{
      NewId(id_prefix::kProduction), studio_.id, "Le Petit Match", {"streaming"}, {"FR"}, {},
      *ParseFrameRate("25")};
  const SigningKeyPair other = GenerateSigningKeyPair();
  auto forged = bank_->AddProduction(consent::SignProduction(d, other));
  EXPECT_EQ(forged.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(forged.status().message().find("not studio " + studio_.id + "'s registered key"),
            std::string::npos)
      << forged.status().message();
  consent::SignedProduction altered = consent::SignProduction(d, studio_key_);
  altered.declaration.content = {"nudity"};
  EXPECT_EQ(bank_->AddProduction(altered).status().code(), StatusCode::kInvalidArgument);
  auto declared = bank_->AddProduction(consent::SignProduction(d, studio_key_));
  ASSERT_TRUE(declared.ok()) << declared.status().ToString();
  EXPECT_EQ(bank_->AddProduction(consent::SignProduction(d, studio_key_)).status().code(),
            StatusCode::kAlreadyExists);
  auto facts = bank_->ProductionFactsOf(d.production_id);
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_EQ(facts->frame_rate.Text(), "25/1");
  EXPECT_EQ(bank_->AddStudio("Lumière Pictures", other.public_key).status().code(),
            StatusCode::kAlreadyExists);
  for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
    if (!entry.is_regular_file()) continue;
    const std::string bytes = *ReadFile(entry.path());
    EXPECT_EQ(bytes.find(ToHex(studio_key_.secret_key)), std::string::npos) << entry.path();
  }
}

// Banks from before schema v3: a studio without a key enrols one once, and a production without a
// declaration cannot be used until its studio declares the facts it was registered with.
TEST_F(BankTest, ProductionsFromBeforeSignaturesMustBeDeclared) {
  registry::Studio old_studio{NewId(id_prefix::kStudio), "Pathé", kNow};
  ASSERT_TRUE(bank_->registry().InsertStudio(old_studio).ok());
  registry::Production old{NewId(id_prefix::kProduction),
                           old_studio.id,
                           "Film",
                           {"streaming"},
                           {"FR"},
                           {"violence"},
                           kNow};
  ASSERT_TRUE(bank_->registry().InsertProduction(old).ok());
  auto undeclared = bank_->ProductionFactsOf(old.id);
  EXPECT_EQ(undeclared.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(undeclared.status().message().find("production declare " + old.id), std::string::npos)
      << undeclared.status().message();

  const SigningKeyPair pathe = GenerateSigningKeyPair();
  consent::ProductionDeclaration d{old.id,
                                   old_studio.id,
                                   old.title,
                                   old.media,
                                   old.territories,
                                   old.content,
                                   *ParseFrameRate("23.976")};
  EXPECT_EQ(bank_->DeclareProduction(consent::SignProduction(d, pathe)).status().code(),
            StatusCode::kFailedPrecondition);  // the studio has no key yet
  ASSERT_TRUE(bank_->EnrolStudioKey(old_studio.id, pathe.public_key).ok());
  EXPECT_EQ(bank_->EnrolStudioKey(old_studio.id, studio_key_.public_key).status().code(),
            StatusCode::kFailedPrecondition);
  consent::ProductionDeclaration other_facts = d;
  other_facts.content.clear();
  auto restated = bank_->DeclareProduction(consent::SignProduction(other_facts, pathe));
  EXPECT_EQ(restated.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(restated.status().message().find("content"), std::string::npos);
  ASSERT_TRUE(bank_->DeclareProduction(consent::SignProduction(d, pathe)).ok());
  auto facts = bank_->ProductionFactsOf(old.id);
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  EXPECT_EQ(facts->content, std::vector<std::string>{"violence"});
  EXPECT_EQ(facts->frame_rate.Text(), "24000/1001");
}

// Every fact a decision reads, altered in the registry behind the bank's back, is DataLoss naming
// the row and the column; the ledger says what is true.
TEST_F(BankTest, RowsThatDisagreeWithTheLedgerAreDataLoss) {
  const LicenceView v = Signed(Terms());
  ASSERT_TRUE(bank_->RevokeLicence(v.licence.id, clock_.Today().AddDays(30)).ok());
  ASSERT_TRUE(bank_->MarkDeceased(performer_.id, clock_.Today()).ok());
  const std::string lic = "licences row '" + v.licence.id + "' column ";
  const std::string per = "performers row '" + performer_.id + "' column ";
  const std::string prd = "productions row '" + production_.id + "' column ";
  const std::string stu = "studios row '" + studio_.id + "' column ";
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"UPDATE licences SET state = 'active', revoked_at = NULL, revoked_from = NULL", lic,
       "'state'"},
      {"UPDATE licences SET revoked_from = '2099-01-01'", lic, "'revoked_from'"},
      {"UPDATE licences SET state = 'draft', signed_at = NULL, revoked_at = NULL, "
       "revoked_from = NULL",
       lic, "'state'"},
      {"UPDATE licences SET signed_at = signed_at - 86400", lic, "'signed_at'"},
      {"UPDATE performers SET deceased_on = NULL", per, "'deceased_on'"},
      {"UPDATE performers SET deceased_on = '2030-01-01'", per, "'deceased_on'"},
      {"UPDATE productions SET content = '[]'", prd, "'content'"},
      {"UPDATE productions SET media = '[\"streaming\", \"theatrical\"]'", prd, "'media'"},
      {"UPDATE productions SET territories = '[\"worldwide\"]'", prd, "'territories'"},
      {"UPDATE productions SET fps = '25/1'", prd, "'fps'"},
      {"UPDATE productions SET signature = zeroblob(64)", prd, "'signature'"},
      {"UPDATE studios SET public_key = zeroblob(32)", stu, "'public_key'"},
  };
  for (const auto& [sql, row, column] : cases) {
    SCOPED_TRACE(sql);
    ASSERT_TRUE(bank_->registry().database().Exec("SAVEPOINT tamper").ok());
    Tamper(sql);
    auto out = bank_->Check(Request());
    EXPECT_EQ(out.status().code(), StatusCode::kDataLoss) << out.status().ToString();
    EXPECT_NE(out.status().message().find(row + column), std::string::npos)
        << out.status().message();
    ASSERT_TRUE(bank_->registry().database().Exec("ROLLBACK TO tamper; RELEASE tamper").ok());
  }
  EXPECT_TRUE(bank_->Check(Request()).ok());  // and untouched, the same check decides
}

// A crash between the registry and the ledger leaves the registry ahead; opening the ledger
// catches it up, so the check then agrees with it.
TEST_F(BankTest, ARecordedDeathTheLedgerMissedIsCaughtUp) {
  Signed(Terms());
  bank_->CloseLedger();
  ASSERT_TRUE(bank_->registry().SetPerformerDeceased(performer_.id, clock_.Today()).ok());
  auto out = bank_->Check(Request());
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->decision.AllReasonCodes(),
            std::vector<consent::ReasonCode>{consent::ReasonCode::kNeedsEstate});
  EXPECT_TRUE(bank_->MarkDeceased(performer_.id, clock_.Today()).ok());  // the same date again
  EXPECT_EQ(bank_->MarkDeceased(performer_.id, clock_.Today().AddDays(-1)).code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace figurant::bank

namespace figurant::bank {
namespace {

TEST_F(BankTest, JudgeDoublesGivesEachDoubleItsDecision) {
  Signed(Terms());
  auto other = *bank_->AddPerformer({"Unlicensed", {}, consent::Language::kEnglish, false});
  for (const auto& [id, performer] : {std::pair{std::string("dbl_00000000000000a1"), performer_.id},
                                      std::pair{std::string("dbl_00000000000000b2"), other.id}}) {
    registry::Double d;
    d.id = id;
    d.performer_id = performer;
    d.name = "scan";
    d.status = registry::DoubleStatus::kReady;
    ASSERT_TRUE(bank_->registry().InsertDouble(d).ok());
  }
  ASSERT_TRUE(bank_->registry()
                  .InsertDouble({"dbl_00000000000000c3", other.id, "gone",
                                 registry::DoubleStatus::kErased, kNow})
                  .ok());
  auto judged = bank_->JudgeDoubles(production_.id, consent::Use::kBackground, clock_.Today(),
                                    {consent::Alteration::kWardrobeTint});
  ASSERT_TRUE(judged.ok()) << judged.status().ToString();
  ASSERT_EQ(judged->size(), 2u);
  EXPECT_TRUE((*judged)[0].decision.allowed);
  EXPECT_FALSE((*judged)[1].decision.allowed);
  EXPECT_EQ((*judged)[1].decision.AllReasonCodes(),
            std::vector<consent::ReasonCode>{consent::ReasonCode::kNoLicence});
  auto scaled = bank_->JudgeDoubles(production_.id, consent::Use::kBackground, clock_.Today(),
                                    {consent::Alteration::kBodyScale});
  EXPECT_FALSE((*scaled)[0].decision.allowed);
}

}  // namespace
}  // namespace figurant::bank

namespace figurant::bank {
namespace {

// A server holds the bank open while another process (here another Bank on the same directory)
// revokes a licence: the server's next check honours it, reading the revocation from the ledger
// (docs/ledger.md, "Several writers") rather than refusing a registry row its stale facts lack.
TEST_F(BankTest, ARevocationByAnotherProcessIsHonouredByTheNextCheck) {
  const LicenceView l = Signed(Terms());
  CheckRequest after_notice = Request();
  after_notice.date = clock_.Today().AddDays(40);
  ASSERT_TRUE(bank_->Check(after_notice)->decision.allowed);  // the server's facts are loaded

  auto other = Bank::Open(dir_, clock_);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  const auto revoked = (*other)->RevokeLicence(l.licence.id, std::nullopt);  // 30 days' notice
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();

  const auto checked = bank_->Check(after_notice);
  ASSERT_TRUE(checked.ok()) << checked.status().ToString();
  EXPECT_FALSE(checked->decision.allowed);
  EXPECT_TRUE(bank_->Check(Request())->decision.allowed);  // before the revocation takes effect
  // The server sees the licence revoked too, and both read one ledger.
  EXPECT_EQ(bank_->RevokeLicence(l.licence.id, std::nullopt).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ((*(*other)->Ledger())->head().root, (*bank_->Ledger())->head().root);
}

// Enrolment (docs/keys.md): a code is single use, expires, is stored hashed, and refusing it names
// no performer.
TEST_F(BankTest, EnrolmentCodesAreSingleUseExpireAndNameNoPerformer) {
  auto inv = bank_->InviteSigner(performer_.id, consent::Signer::kPerformer);
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->code.size(), 29u);  // 24 base32 characters in six groups of four
  EXPECT_EQ(inv->expires_at, clock_.Now() + 7 * 24 * 3600);
  const auto normalised = NormaliseEnrolmentCode(inv->code);
  ASSERT_TRUE(normalised.ok());
  auto stored = bank_->registry().GetEnrolmentCode(EnrolmentCodeHash(*normalised));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->performer_id, performer_.id);
  EXPECT_NE(inv->code, bank_->InviteSigner(performer_.id, consent::Signer::kPerformer)->code);

  const SigningKeyPair key = GenerateSigningKeyPair();
  const SigningKeyPair other = GenerateSigningKeyPair();
  EXPECT_EQ(bank_->EnrolKey("not a code", key.public_key).status().code(),
            StatusCode::kInvalidArgument);
  Status unknown = bank_->EnrolKey(NewEnrolmentCode(), key.public_key).status();
  EXPECT_EQ(unknown.code(), StatusCode::kPermissionDenied);
  // Typed in lower case with spaces: the same code.
  std::string typed = inv->code;
  for (char& c : typed) c = c == '-' ? ' ' : static_cast<char>(std::tolower(c));
  auto enrolled = bank_->EnrolKey(typed, key.public_key);
  ASSERT_TRUE(enrolled.ok()) << enrolled.status().ToString();
  EXPECT_EQ(enrolled->signer_id, performer_.id);
  EXPECT_EQ(enrolled->valid_from, clock_.Now());
  Status used = bank_->EnrolKey(inv->code, other.public_key).status();
  EXPECT_EQ(used.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(used.message().find("used already"), std::string::npos);
  for (const Status& s : {unknown, used}) {
    EXPECT_EQ(s.message().find(performer_.id), std::string::npos) << s.message();
  }
  // A second key needs the lost-key path; the code is not spent on the refusal.
  auto second = bank_->InviteSigner(performer_.id, consent::Signer::kPerformer);
  Status again = bank_->EnrolKey(second->code, other.public_key).status();
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.message().find("union or counsel"), std::string::npos);
  // Expiry.
  auto soon = bank_->InviteSigner(performer_.id, consent::Signer::kPerformer, clock_.Now() + 60);
  EXPECT_EQ(
      bank_->InviteSigner(performer_.id, consent::Signer::kPerformer, clock_.Now()).status().code(),
      StatusCode::kInvalidArgument);
  clock_.Set(clock_.Now() + 60);
  Status expired = bank_->EnrolKey(soon->code, other.public_key).status();
  EXPECT_EQ(expired.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(expired.message().find("expired"), std::string::npos);
  // The enrolment is in the ledger, for auditors.
  auto facts_key = bank_->KeysOf(consent::Signer::kPerformer, performer_.id);
  ASSERT_EQ(facts_key->size(), 1u);
  int enrolled_entries = 0;
  ASSERT_TRUE((*bank_->Ledger())
                  ->ForEach([&](const ledger::Entry& e) {
                    if (e.type == ledger::EntryType::kKeyEnrolled) ++enrolled_entries;
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(enrolled_entries, 1);
}

TEST_F(BankTest, EnrolmentProofOfPossessionMustVerify) {
  const SigningKeyPair key = GenerateSigningKeyPair();
  auto inv = bank_->InviteSigner(performer_.id, consent::Signer::kPerformer);
  const std::string hash = EnrolmentCodeHash(*NormaliseEnrolmentCode(inv->code));
  const Ed25519Signature wrong = SignDetached("something else", key);
  EXPECT_EQ(bank_->EnrolKey(inv->code, key.public_key, wrong).status().code(),
            StatusCode::kInvalidArgument);
  const Ed25519Signature proof = SignDetached(EnrolmentProofMessage(hash, key.public_key), key);
  EXPECT_TRUE(bank_->EnrolKey(inv->code, key.public_key, proof).ok());
}

// SignLicenceWith's rules, one by one, each leaving the draft a draft.
TEST_F(BankTest, ASignatureFromTheDeviceIsCheckedAgainstTheDraftAndTheEnrolledKey) {
  auto d = *bank_->DraftLicence(performer_.id, studio_.id, Terms(), "t.json");
  ASSERT_TRUE(devices_.Enrol(*bank_, performer_.id).ok());
  const auto good =
      SignedAs(d.licence.id, performer_.id, consent::Signer::kPerformer, performer_.id);
  std::vector<std::pair<std::string, consent::ConsentRecord>> bad;
  bad.emplace_back("terms_sha256", good);
  bad.back().second.terms_sha256 = Sha256Hex("other terms");
  bad.emplace_back("disclosure_sha256", good);
  bad.back().second.disclosure_sha256 = Sha256Hex("other text");
  bad.emplace_back("language", good);
  bad.back().second.language = consent::Language::kEnglish;
  bad.emplace_back("signed_at", good);
  bad.back().second.signed_at = clock_.Now() - kSignatureMaxAgeS - 1;
  bad.emplace_back("signed_at", good);
  bad.back().second.signed_at = clock_.Now() + kSignatureMaxAheadS + 1;
  bad.emplace_back("does not verify", good);
  bad.back().second.representation = consent::Representation::kCounsel;  // not what was signed
  for (const auto& [what, record] : bad) {
    const Status s = bank_->SignLicenceWith(record).status();
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << what << ": " << s.ToString();
    EXPECT_NE(s.message().find(what), std::string::npos) << s.message();
  }
  // A key that is not the performer's enrolled key.
  consent::ConsentRecord forged = good;
  const SigningKeyPair k = GenerateSigningKeyPair();
  forged.signature.clear();
  ASSERT_TRUE(consent::SignConsent(forged, d.licence.terms_json, k).ok());
  forged.disclosure_text.clear();
  const Status not_enrolled = bank_->SignLicenceWith(forged).status();
  EXPECT_EQ(not_enrolled.code(), StatusCode::kPermissionDenied) << not_enrolled.ToString();
  EXPECT_NE(not_enrolled.message().find("never enrolled"), std::string::npos);
  EXPECT_EQ(bank_->GetLicence(d.licence.id)->licence.state, registry::LicenceState::kDraft);

  auto v = bank_->SignLicenceWith(good);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->signature_valid) << v->signature_problem;
  EXPECT_FALSE(v->consent->custodial);
  EXPECT_EQ(v->consent->version, consent::kConsentMessageV2);
  EXPECT_EQ(std::count(v->flags.begin(), v->flags.end(), flag::kCustodialSignature), 0);
  // The ledger carries the consent, re-verifiable without the bank.
  ledger::ConsentAuditor audit;
  ASSERT_TRUE(
      (*bank_->Ledger())->ForEach([&](const ledger::Entry& e) { return audit.Add(e); }).ok());
  EXPECT_EQ(audit.report().verified, 1u);
  EXPECT_EQ(audit.report().custodial, 0u);
}

// Declining (docs/licence.md, "Declining an offer"): a declined draft is never offered or signed,
// declining is once and only for a draft, and the performer's reason is sealed, so that erasure
// destroys it with their key.
TEST_F(BankTest, ADeclinedOfferIsNeverSignedAndItsReasonGoesWithErasure) {
  ASSERT_TRUE(devices_.Enrol(*bank_, performer_.id).ok());
  const std::string draft =
      bank_->DraftLicence(performer_.id, studio_.id, Terms(), "t.json")->licence.id;
  // Signed on the device before it was declined: the signature arrives too late.
  const consent::ConsentRecord signed_before =
      SignedAs(draft, performer_.id, consent::Signer::kPerformer, performer_.id);
  const std::string reason = "Pas de scènes de foule pour moi (raison-7f3a)";
  EXPECT_EQ(bank_->DeclineLicence(draft, std::string(registry::kMaxDeclineReasonBytes + 1, 'x'))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  const auto declined = bank_->DeclineLicence(draft, reason);
  ASSERT_TRUE(declined.ok()) << declined.status().ToString();
  EXPECT_EQ(declined->licence.state, registry::LicenceState::kDraft);
  EXPECT_EQ(declined->standing, "declined");
  EXPECT_EQ(declined->declined_at, std::optional<UnixSeconds>(kNow));
  EXPECT_EQ(declined->decline_reason, reason);

  EXPECT_EQ(bank_->DeclineLicence(draft, "").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(bank_->OfferFor(draft).status().code(), StatusCode::kFailedPrecondition);
  const auto refused = bank_->SignLicenceWith(signed_before);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("declined on 2026-09-21"), std::string::npos)
      << refused.status().ToString();
  const LicenceView active = Signed(Terms());
  EXPECT_EQ(bank_->DeclineLicence(active.licence.id, "").status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_FALSE(bank_->registry().database().Exec("UPDATE declined_offers SET reason = NULL").ok())
      << "a declined offer stays declined";
  EXPECT_FALSE(bank_->registry().database().Exec("DELETE FROM declined_offers").ok());

  // Sealed: the registry's bytes never hold the reason; after erasure it reads as none.
  for (const char* file : {"figurant.db", "figurant.db-wal"}) {
    const auto bytes = ReadFile(dir_ / file);
    if (bytes.ok()) {
      EXPECT_EQ(bytes->find("raison-7f3a"), std::string::npos) << file;
    }
  }
  ASSERT_TRUE(bank_->ErasePerformer(performer_.id).ok());
  const auto after = bank_->GetLicence(draft);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->standing, "erased");
  EXPECT_EQ(after->declined_at, std::optional<UnixSeconds>(kNow));
  EXPECT_EQ(after->decline_reason, "");
  EXPECT_TRUE(bank_->registry().CheckIntegrity().ok());
}

// The appearance crops (docs/portal.md, "Appearance crops"): the largest view is kept, encrypted in
// the performer's store (the PNG's bytes are nowhere in clear), replaced by a larger one under the
// same id with the old blob deleted, and gone with the performer's erasure.
TEST_F(BankTest, AnAppearanceCropKeepsTheLargestViewAndGoesWithErasure) {
  const std::string png = "\x89PNG crop-bytes-5d1e";
  CropCandidate crop{
      performer_.id, production_.id, "sh010", 1001, "rnd_a", "dbl_a", 150, 30, 80, png};
  EXPECT_EQ(*bank_->KeptCropPixels(performer_.id, production_.id, "sh010"), 0);
  ASSERT_TRUE(*bank_->KeepAppearanceCrop(crop));
  const auto rows = registry::ListAppearanceCrops(bank_->registry(), performer_.id);
  ASSERT_TRUE(rows.ok() && rows->size() == 1) << rows.status().ToString();
  const registry::AppearanceCropRow first = rows->front();
  EXPECT_EQ(*bank_->AppearanceCropPng(first.id), png);
  const fs::path first_blob =
      dir_ / "store" / performer_.id / first.blob_id.substr(0, 2) / (first.blob_id + ".blob");
  ASSERT_TRUE(fs::exists(first_blob));
  EXPECT_EQ(ReadFile(first_blob)->find("crop-bytes-5d1e"), std::string::npos) << "encrypted";

  CropCandidate smaller = crop;
  smaller.pixels = 100;
  smaller.png = "smaller";
  EXPECT_FALSE(*bank_->KeepAppearanceCrop(smaller));
  EXPECT_EQ(*bank_->AppearanceCropPng(first.id), png);
  CropCandidate larger = crop;
  larger.pixels = 400;
  larger.frame = 1004;
  larger.png = "larger";
  EXPECT_TRUE(*bank_->KeepAppearanceCrop(larger));
  EXPECT_EQ(*bank_->AppearanceCropPng(first.id), "larger") << "same id, new crop";
  EXPECT_EQ(*bank_->KeptCropPixels(performer_.id, production_.id, "sh010"), 400);
  EXPECT_FALSE(fs::exists(first_blob)) << "the replaced crop is deleted";

  const registry::Performer synthetic =
      *bank_->AddPerformer({"Synth", std::nullopt, consent::Language::kEnglish, true});
  CropCandidate nobody = crop;
  nobody.performer_id = synthetic.id;
  EXPECT_EQ(bank_->KeepAppearanceCrop(nobody).status().code(), StatusCode::kFailedPrecondition);

  ASSERT_TRUE(bank_->ErasePerformer(performer_.id).ok());
  EXPECT_TRUE(registry::ListAppearanceCrops(bank_->registry(), performer_.id)->empty());
  EXPECT_EQ(bank_->AppearanceCropPng(first.id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(bank_->KeepAppearanceCrop(crop).status().code(), StatusCode::kFailedPrecondition);
}

// Disclosure versions (docs/licence.md, "Disclosure versions"): read from the stored text. A bank
// draws every new draft at the current version, so a version-1 text is put in as an older bank
// left it: a draft row written straight to the registry. Licences signed under version 1 are
// tested on a bank main really made before versions (tests/cli_custodial_test.cpp).
TEST_F(BankTest, TheDisclosureVersionIsReadFromTheStoredText) {
  const LicenceView v = Signed(Terms());
  EXPECT_EQ(v.disclosure_version, consent::kDisclosureVersion);
  EXPECT_EQ(std::count(v.flags.begin(), v.flags.end(), flag::kReconfirmForMovement), 0);
  const auto version = bank_->DisclosureVersionOf(v.licence.id);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, consent::kDisclosureV2);
  auto facts = bank_->LicenceFactsOf(performer_.id);
  ASSERT_TRUE(facts.ok()) << facts.status().ToString();
  ASSERT_EQ(facts->size(), 1u);
  EXPECT_EQ(facts->front().disclosure_version, consent::kDisclosureV2);
  // Signed under the current text: nothing to confirm again.
  const auto again = bank_->ReofferLicence(v.licence.id);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("nothing to confirm again"), std::string::npos)
      << again.status().ToString();
  EXPECT_EQ(bank_->DisclosureVersionOf("lic_0000000000000000").status().code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(bank_->ErasePerformer(performer_.id).ok());
  EXPECT_EQ(bank_->DisclosureVersionOf(v.licence.id).status().code(),
            StatusCode::kFailedPrecondition);
  const auto erased = bank_->GetLicence(v.licence.id);
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(erased->disclosure_version, 0);  // the text went with the performer
}

TEST_F(BankTest, AVersionOneDraftIsNotSignedAndAnUnknownVersionIsDataLoss) {
  ASSERT_TRUE(devices_.Enrol(*bank_, performer_.id).ok());
  auto old = bank_->PrepareDraft(performer_.id, studio_.id, Terms(), "t.json");
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  auto terms = consent::ParseTermsText(old->terms_json, "t", studio_.id);
  ASSERT_TRUE(terms.ok());
  consent::DisclosureNames names;
  names.performer_name = performer_.name;
  names.studio_name = studio_.name;
  names.production_titles = {{production_.id, production_.title}};
  old->disclosure =
      consent::Disclosure(*terms, names, consent::Language::kFrench, consent::kDisclosureV1);
  ASSERT_TRUE(bank_->registry().InsertLicence(*old).ok());
  const auto version = bank_->DisclosureVersionOf(old->id);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, consent::kDisclosureV1);
  const auto draft = bank_->GetLicence(old->id);
  ASSERT_TRUE(draft.ok()) << draft.status().ToString();
  EXPECT_EQ(draft->disclosure_version, consent::kDisclosureV1);
  // A draft is never flagged (nobody consented to it) and is not re-offered: it is drafted again.
  EXPECT_TRUE(draft->flags.empty());
  EXPECT_EQ(bank_->ReofferLicence(old->id).status().code(), StatusCode::kFailedPrecondition);
  // Neither offered nor signed: nobody signs a text the bank would no longer show.
  const auto offered = bank_->OfferFor(old->id);
  EXPECT_EQ(offered.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(offered.status().message().find("shows disclosure version 1 and the bank now shows "
                                            "version 2"),
            std::string::npos)
      << offered.status().ToString();
  const consent::Offer as_shown_before{old->id,
                                       performer_.id,
                                       studio_.id,
                                       studio_.name,
                                       consent::Signer::kPerformer,
                                       performer_.id,
                                       consent::Language::kFrench,
                                       old->terms_json,
                                       old->disclosure};
  auto record = devices_.SignOffer(as_shown_before, consent::Representation::kNone, kNow);
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  const auto refused = bank_->SignLicenceWith(*record);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("shows disclosure version 1"), std::string::npos)
      << refused.status().ToString();

  auto future = bank_->PrepareDraft(performer_.id, studio_.id, Terms(), "t.json");
  ASSERT_TRUE(future.ok());
  future->disclosure += "VERSION DE CE TEXTE : 9\n";  // a newer bank's text
  ASSERT_TRUE(bank_->registry().InsertLicence(*future).ok());
  const auto unknown = bank_->DisclosureVersionOf(future->id);
  EXPECT_EQ(unknown.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(
      unknown.status().message().find("licences row '" + future->id + "' column 'disclosure'"),
      std::string::npos)
      << unknown.status().ToString();
  EXPECT_EQ(bank_->GetLicence(future->id).status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace figurant::bank

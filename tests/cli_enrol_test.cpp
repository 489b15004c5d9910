// Keys the bank never holds, end to end through the real binary: enrolment codes, signing on the
// performer's own device, the bank refusing to sign for anyone, and an export whose consents are
// re-verified by `ledger verify` in a directory with no bank (docs/keys.md, docs/ledger.md).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "bank/enrolment.h"
#include "cli_device.h"
#include "cli_harness.h"
#include "consent/statement.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "core/file.h"
#include "ledger/ledger.h"
#include "ledger/payloads.h"

namespace figurant::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kNow[] = "2026-06-01T12:00:00Z";

class CliEnrolTest : public ::testing::Test {
 protected:
  CliEnrolTest()
      : dir_("cli-enrol"),
        device_(dir_.path() / "device",
                [this](const std::vector<std::string>& a) { return Run(a); },
                {{"FIGURANT_NOW", kNow}}) {}

  void SetUp() override {
    bank_ = (dir_.path() / "bank").string();
    ASSERT_EQ(Run({"init"}).exit_code, 0);
    performer_ = Json({"performer", "add", "--name", "Amina Diallo"})["id"];
    const std::string key = (dir_.path() / "studio.key").string();
    Json({"key", "new", "--out", key}, 0, WithPartyPassphrase());
    studio_ = Json({"studio", "add", "--name", "S", "--public-key-file", key + ".pub"})["id"];
    production_ = Json({"production", "add", "--studio", studio_, "--title", "T", "--media",
                        "streaming", "--territories", "FR", "--fps", "24", "--studio-key", key},
                       0, WithPartyPassphrase())["id"];
    const json terms = {{"productions", {production_}},
                        {"uses", {"background"}},
                        {"media", {"streaming"}},
                        {"territories", {"worldwide"}},
                        {"valid_from", "2026-01-01"},
                        {"valid_until", "2027-12-31"},
                        {"max_screen_height_fraction", 0.5},
                        {"compensation", {{"currency", "EUR"}, {"per_screen_second", 2.0}}},
                        {"revocable", true},
                        {"revocation_notice_days", 0}};
    terms_ = (dir_.path() / "terms.json").string();
    std::ofstream(terms_) << terms.dump();
  }

  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--bank", bank_});
    return RunFigurant(args, {{"FIGURANT_NOW", now_}});
  }
  // Moves the clock of the bank's and the device's commands to `now`.
  void SetNow(const std::string& now) {
    now_ = now;
    device_.SetEnv({{"FIGURANT_NOW", now}});
  }
  json Json(std::vector<std::string> args, int expected = 0,
            std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--bank", bank_, "--json"});
    env.emplace("FIGURANT_NOW", now_);
    const RunResult r = RunFigurant(args, env);
    EXPECT_EQ(r.exit_code, expected) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  std::string Draft() {
    return Json({"licence", "draft", "--performer", performer_, "--studio", studio_, "--terms",
                 terms_})["id"];
  }

  TempDir dir_;
  CliDevice device_;
  std::string bank_, performer_, studio_, production_, terms_;
  std::string now_ = kNow;
};

TEST_F(CliEnrolTest, ACodeEnrolsOneKeyOnceAndRefusalsNameNoPerformer) {
  const json invite = Json({"performer", "invite", performer_, "--days", "3"});
  const std::string code = invite["code"];
  EXPECT_EQ(code.size(), 29u);
  EXPECT_EQ(invite["expires_at"], "2026-06-04T12:00:00Z");
  const std::string key = (dir_.path() / "amina.key").string();
  ASSERT_EQ(RunFigurantWithInput({"key", "new", "--out", key}, "", WithPartyPassphrase()).exit_code,
            0);
  const json enrolled =
      Json({"performer", "enrol", "--code", code, "--public-key-file", key + ".pub"});
  EXPECT_EQ(enrolled["signer_id"], performer_);
  const std::string other = (dir_.path() / "other.key").string();
  ASSERT_EQ(
      RunFigurantWithInput({"key", "new", "--out", other}, "", WithPartyPassphrase()).exit_code, 0);
  for (const std::string& bad : {code, std::string("AAAA-AAAA-AAAA-AAAA-AAAA-AAAA")}) {
    const RunResult r =
        Run({"performer", "enrol", "--code", bad, "--public-key-file", other + ".pub"});
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("enrolment code refused"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(performer_), std::string::npos) << r.err;
  }
  EXPECT_EQ(
      Run({"performer", "enrol", "--code", "12", "--public-key-file", other + ".pub"}).exit_code,
      2);
  // A private key file is never taken for a public one.
  const std::string second = Json({"performer", "invite", performer_})["code"];
  const RunResult private_key =
      Run({"performer", "enrol", "--code", second, "--public-key-file", key});
  EXPECT_EQ(private_key.exit_code, 2);
}

TEST_F(CliEnrolTest, TheBankSignsForNobody) {
  const std::string draft = Draft();
  const RunResult r = Run({"licence", "sign", draft, "--performer", performer_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("the bank no longer signs for performers"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("figurant key sign"), std::string::npos) << r.err;
  EXPECT_EQ(Json({"licence", "show", draft})["licence"]["state"], "draft");
}

// The Must-show of issue 14: an export verified by `ledger verify` with no registry, each consent
// signature against the key enrolled at that time.
TEST_F(CliEnrolTest, AnExportVerifiesEveryConsentWithNoBank) {
  const std::string draft = Draft();
  const RunResult signed_ = device_.Sign(performer_, draft, "union");
  ASSERT_EQ(signed_.exit_code, 0) << signed_.err;
  const json show = Json({"licence", "show", draft});
  EXPECT_EQ(show["licence"]["state"], "active");
  EXPECT_EQ(show["licence"]["signature_valid"], true);
  const std::string bank_key = Json({"ledger", "head"})["head"]["public_key"];
  TempDir elsewhere("cli-enrol-auditor");
  const fs::path exported = elsewhere.path() / "ledger.export";
  Json({"ledger", "export", exported.string()});
  // The auditor's machine: no bank, only the export and the bank's public key.
  const RunResult verified =
      RunFigurant({"--bank", (elsewhere.path() / "no-bank").string(), "--json", "ledger", "verify",
                   exported.string(), "--public-key", bank_key},
                  {{"FIGURANT_NOW", kNow}});
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_FALSE(fs::exists(elsewhere.path() / "no-bank"));
  const json v = json::parse(verified.out);
  EXPECT_EQ(v["consents"]["signed"], 1);
  EXPECT_EQ(v["consents"]["verified"], 1);
  EXPECT_EQ(v["consents"]["custodial_signature"], 0);
  EXPECT_EQ(v["consents"]["keys_enrolled"], 1);
}

// A ledger whose consent was signed with a key never enrolled for its signer: verify fails,
// naming the entry. The log is written here with the ledger library (the bank itself refuses such
// a consent), signed by a key standing for the bank's.
TEST_F(CliEnrolTest, AConsentSignedWithAKeyNotEnrolledThenFailsVerify) {
  ASSERT_TRUE(InitCrypto().ok());
  const SigningKeyPair bank_key = GenerateSigningKeyPair();
  const SigningKeyPair enrolled = GenerateSigningKeyPair();
  const SigningKeyPair stranger = GenerateSigningKeyPair();
  FixedClock clock(1780000000);
  const fs::path log_dir = dir_.path() / "forged";
  {
    auto l = ledger::Ledger::Open(log_dir, bank_key, clock);
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    ledger::KeyEnrolledEvent k;
    k.signer_id = "per_1";
    k.performer_id = "per_1";
    k.public_key = enrolled.public_key;
    k.valid_from = clock.Now();
    consent::ConsentRecord r;
    r.licence_id = "lic_1";
    r.performer_id = "per_1";
    r.studio_id = "stu_1";
    r.disclosure_text = "shown";
    r.signed_at = clock.Now() + 60;
    r.signer_id = "per_1";
    const json terms = {{"uses", {"background"}}};
    ASSERT_TRUE(consent::SignConsent(r, terms.dump(), stranger).ok());
    ledger::LicenceSignedEvent s;
    s.licence_id = "lic_1";
    s.performer_id = "per_1";
    s.studio_id = "stu_1";
    s.signed_at = r.signed_at;
    s.terms = terms;
    ledger::SignedConsent c;
    c.signer_id = "per_1";
    c.public_key = stranger.public_key;
    std::copy(r.signature.begin(), r.signature.end(), c.signature.begin());
    c.terms_sha256 = r.terms_sha256;
    c.disclosure_sha256 = r.disclosure_sha256;
    c.version = r.version;
    s.consent = c;
    ASSERT_TRUE((*l)->AppendPayloads({ledger::ToEntry(k), ledger::ToEntry(s)}).ok());
  }
  const RunResult r =
      RunFigurant({"--bank", (dir_.path() / "no-bank").string(), "ledger", "verify",
                   (log_dir / "ledger.log").string(), "--public-key", ToHex(bank_key.public_key)});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find("ledger entry 1 (licence_signed): licence lic_1: consent signed with a key "
                       "not valid for its signer then"),
            std::string::npos)
      << r.err;
}

// The hex public key of a FILE.pub written by `key new` (its last line).
std::string PublicKeyHex(const fs::path& pub) {
  std::ifstream in(pub);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

// Lost key (docs/keys.md): a new code and the union's confirmation replace the key; the licence
// signed with the old key stays valid, the old key signs nothing more, the ledger shows both
// periods.
TEST_F(CliEnrolTest, ALostKeyIsReplacedWithTheUnionsConfirmation) {
  ASSERT_TRUE(InitCrypto().ok());
  const std::string first = Draft();
  ASSERT_EQ(device_.Sign(performer_, first).exit_code, 0);
  const std::string old_key =
      PublicKeyHex(device_.KeyFile(performer_, "performer").string() + ".pub");
  SetNow("2026-06-02T09:00:00Z");  // the performer lost their key the next day
  const SigningKeyPair union_key = GenerateSigningKeyPair();
  const std::string rep =
      Json({"representative", "add", "--kind", "union", "--name", "Union des artistes",
            "--public-key", ToHex(union_key.public_key)})["id"];
  const std::string code = Json({"performer", "invite", performer_})["code"];
  const std::string new_file = (dir_.path() / "new.key").string();
  ASSERT_EQ(
      RunFigurantWithInput({"key", "new", "--out", new_file}, "", WithPartyPassphrase()).exit_code,
      0);
  const std::string new_key = PublicKeyHex(new_file + ".pub");
  // The bank writes what the union is asked to confirm; the union signs it on its own device.
  const std::string request_file = (dir_.path() / "replacement.request.json").string();
  Json({"performer", "replacement-request", "--code", code, "--public-key-file", new_file + ".pub",
        "--out", request_file});
  const auto request = consent::ParseStatementRequest(*ReadFile(request_file), request_file);
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  EXPECT_EQ(request->kind, consent::StatementKind::kKeyReplacement);
  EXPECT_EQ(ReadFile(request_file)->find(code), std::string::npos)
      << "the code itself stays private";
  const auto sign_with = [&](const SigningKeyPair& key, const std::string& name) {
    const std::string file = (dir_.path() / name).string();
    std::ofstream(file) << consent::StatementSignatureJson(*consent::SignStatement(*request, key));
    return file;
  };
  const SigningKeyPair stranger = GenerateSigningKeyPair();
  const RunResult forged =
      Run({"performer", "replace-key", "--code", code, "--public-key-file", new_file + ".pub",
           "--confirmed-by", rep, "--confirmation", sign_with(stranger, "forged.sig.json")});
  EXPECT_EQ(forged.exit_code, 3) << forged.err;
  // A confirmation of another replacement (another new key) does not replace this one.
  consent::StatementRequest other = *request;
  for (auto& f : other.fields) {
    if (f.name == "new_key") f.value = ToHex(stranger.public_key);
  }
  const std::string other_file = (dir_.path() / "other.sig.json").string();
  std::ofstream(other_file) << consent::StatementSignatureJson(
      *consent::SignStatement(other, union_key));
  const RunResult mismatched =
      Run({"performer", "replace-key", "--code", code, "--public-key-file", new_file + ".pub",
           "--confirmed-by", rep, "--confirmation", other_file});
  EXPECT_EQ(mismatched.exit_code, 2) << mismatched.err;
  EXPECT_NE(mismatched.err.find("new_key"), std::string::npos) << mismatched.err;
  const json replaced =
      Json({"performer", "replace-key", "--code", code, "--public-key-file", new_file + ".pub",
            "--confirmed-by", rep, "--confirmation", sign_with(union_key, "union.sig.json")});
  EXPECT_EQ(replaced["public_key"], new_key);
  EXPECT_EQ(replaced["confirmed_by"], rep);
  // Signed earlier with the old key: still valid.
  EXPECT_EQ(Json({"licence", "show", first})["licence"]["signature_valid"], true);
  // The old key (still on the device) signs nothing more.
  const RunResult with_old = device_.Sign(performer_, Draft());
  EXPECT_EQ(with_old.exit_code, 3) << with_old.err;
  EXPECT_NE(with_old.err.find("was revoked from"), std::string::npos) << with_old.err;
  const json verify = Json({"ledger", "verify"});
  EXPECT_EQ(verify["consents"]["verified"], 1);
  EXPECT_EQ(verify["consents"]["keys_enrolled"], 2);
  EXPECT_EQ(verify["consents"]["keys_revoked"], 1);
  EXPECT_EQ(verify["consents"]["keys_replaced"], 1);
  // From an export, with no bank: the union's confirmation is re-verified there too.
  TempDir elsewhere("cli-enrol-replaced");
  const fs::path exported = elsewhere.path() / "ledger.export";
  Json({"ledger", "export", exported.string()});
  const std::string bank_key = Json({"ledger", "head"})["head"]["public_key"];
  const RunResult alone =
      RunFigurant({"--bank", (elsewhere.path() / "no-bank").string(), "--json", "ledger", "verify",
                   exported.string(), "--public-key", bank_key},
                  {{"FIGURANT_NOW", now_}});
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  EXPECT_EQ(json::parse(alone.out)["consents"]["keys_replaced"], 1);
}

}  // namespace
}  // namespace figurant::testing

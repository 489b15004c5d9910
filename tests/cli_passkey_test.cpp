// Passkeys end to end (issue 15; docs/passkeys.md, docs/ledger.md "Passkeys"): a performer enrols
// a passkey and signs a consent with it through the bank (the HTTP routes onto these calls are the
// portal's), the ledger is exported with the real binary, and `figurant ledger verify` re-verifies
// the passkey's assertion on a machine with no bank. A ledger in which the bank's key signed one
// flipped byte of the stored authenticatorData, clientDataJSON or signature fails verify, naming
// the entry. The passkey is one made as an authenticator makes it (webauthn/test_authenticator.h).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "bank/bank.h"
#include "bank/test_studio.h"
#include "cli_harness.h"
#include "core/clock.h"
#include "core/file.h"
#include "core/ids.h"
#include "ledger/ledger.h"
#include "ledger/payloads.h"
#include "webauthn/test_authenticator.h"

namespace figurant::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using webauthn::testonly::Authenticator;

constexpr UnixSeconds kNow = 1780315200;  // 2026-06-01T12:00:00Z
constexpr char kNowText[] = "2026-06-01T12:00:00Z";

class CliPasskeyTest : public ::testing::Test {
 protected:
  CliPasskeyTest() : dir_("cli-passkey"), device_(webauthn::Algorithm::kEs256) {}

  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    bank_dir_ = dir_.path() / "bank";
    auto bank = bank::Bank::Init(bank_dir_, clock_);
    ASSERT_TRUE(bank.ok()) << bank.status().ToString();
    bank_ = *std::move(bank);
    SignWithPasskey();
  }

  // The portal's story below HTTP: invite, enrol a passkey, draft, sign with it.
  void SignWithPasskey() {
    auto performer = bank_->AddPerformer(
        {"Amina Diallo", "amina@example.org", consent::Language::kFrench, false});
    ASSERT_TRUE(performer.ok()) << performer.status().ToString();
    auto studio = bank::testonly::AddTestStudio(*bank_);
    ASSERT_TRUE(studio.ok()) << studio.status().ToString();
    auto invitation = bank_->InviteSigner(performer->id, consent::Signer::kPerformer);
    ASSERT_TRUE(invitation.ok()) << invitation.status().ToString();
    const Bytes server_challenge(32, 0x3C);
    const webauthn::Expected server{server_challenge, webauthn::testonly::kTestOrigin,
                                    webauthn::testonly::kTestRpId};
    auto enrolled = bank_->EnrolPasskey(
        invitation->code, device_.Register(server_challenge, Authenticator::RegisterOptions()),
        server);
    ASSERT_TRUE(enrolled.ok()) << enrolled.status().ToString();
    auto draft =
        bank_->DraftLicence(performer->id, studio->studio.id,
                            bank::testonly::TestTerms(studio->production.id), "terms.json");
    ASSERT_TRUE(draft.ok()) << draft.status().ToString();
    licence_ = draft->licence.id;
    auto request = bank_->PasskeyConsentChallenge(licence_, kNow, consent::Representation::kUnion);
    ASSERT_TRUE(request.ok()) << request.status().ToString();
    Authenticator::Options get;
    get.count = 1;
    auto signed_view = bank_->SignLicenceWithPasskey(
        licence_, kNow, consent::Representation::kUnion, device_.Sign(request->challenge, get));
    ASSERT_TRUE(signed_view.ok()) << signed_view.status().ToString();
    auto key = bank::ReadSigningKey(bank_->paths().bank_key);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    bank_key_ = *key;
  }

  // `figurant ledger verify FILE --public-key HEX` on a machine with no bank.
  RunResult Verify(const fs::path& log) {
    TempDir auditor("cli-passkey-auditor");
    return RunFigurant({"--bank", (auditor.path() / "no-bank").string(), "--json", "ledger",
                        "verify", log.string(), "--public-key", ToHex(bank_key_.public_key)},
                       {{"FIGURANT_NOW", kNowText}});
  }

  // The exported log written again, entry for entry, by the bank's key, with one byte of
  // `member` of the licence_signed entry's passkey_assertion flipped: what a bank rewriting a
  // stored assertion would publish. Its seq, to name in the failure.
  uint64_t Forge(const fs::path& exported, const fs::path& out_dir, const char* member) {
    const auto bytes = ReadFile(exported);
    EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
    std::vector<std::pair<ledger::EntryType, std::string>> entries;
    uint64_t forged_seq = 0;
    const auto read = ledger::ReadLog(*bytes, bank_key_.public_key, [&](const ledger::Entry& e) {
      std::string payload = e.payload;
      if (e.type == ledger::EntryType::kLicenceSigned) {
        json j = json::parse(payload);
        Bytes b = *webauthn::FromBase64Url(j["passkey_assertion"][member].get<std::string>());
        b[b.size() / 2] ^= 0x01;
        j["passkey_assertion"][member] = webauthn::Base64Url(b);
        payload = j.dump();
        forged_seq = e.seq;
      }
      entries.emplace_back(e.type, std::move(payload));
      return Status::Ok();
    });
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    auto forged = ledger::Ledger::Open(out_dir, bank_key_, clock_);
    EXPECT_TRUE(forged.ok()) << forged.status().ToString();
    EXPECT_TRUE((*forged)->AppendPayloads(entries).ok());
    return forged_seq;
  }

  TempDir dir_;
  FixedClock clock_{kNow};
  Authenticator device_;
  fs::path bank_dir_;
  std::unique_ptr<bank::Bank> bank_;
  SigningKeyPair bank_key_{};
  std::string licence_;
};

TEST_F(CliPasskeyTest, AnExportReVerifiesThePasskeySignatureWithNoBank) {
  bank_.reset();  // the CLI opens the bank now
  const fs::path exported = dir_.path() / "ledger.export";
  const RunResult exp =
      RunFigurant({"--bank", bank_dir_.string(), "ledger", "export", exported.string()},
                  {{"FIGURANT_NOW", kNowText}});
  ASSERT_EQ(exp.exit_code, 0) << exp.err;
  const RunResult verified = Verify(exported);
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  const json v = json::parse(verified.out);
  EXPECT_EQ(v["consents"]["signed"], 1);
  EXPECT_EQ(v["consents"]["verified"], 1);
  EXPECT_EQ(v["consents"]["passkey_verified"], 1);
  EXPECT_EQ(v["consents"]["keys_enrolled"], 1);

  const RunResult text =
      RunFigurant({"--bank", (dir_.path() / "none").string(), "ledger", "verify", exported.string(),
                   "--public-key", ToHex(bank_key_.public_key)},
                  {{"FIGURANT_NOW", kNowText}});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("(1 of them passkey assertions)"), std::string::npos) << text.out;

  for (const char* member : {"authenticator_data", "client_data_json", "signature"}) {
    TempDir forged("cli-passkey-forged");
    const uint64_t seq = Forge(exported, forged.path(), member);
    const RunResult r = Verify(forged.path() / "ledger.log");
    EXPECT_EQ(r.exit_code, 1) << member << ": " << r.out;
    EXPECT_NE(r.err.find("ledger entry " + std::to_string(seq) + " (licence_signed): licence " +
                         licence_ + ": the passkey consent does not verify"),
              std::string::npos)
        << member << ": " << r.err;
  }
}

}  // namespace
}  // namespace figurant::testing

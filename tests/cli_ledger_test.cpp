// The ledger through the real binary, against an operator with a shell or a studio that can write
// files: a file written over the ledger is refused, never emptied; and against whoever holds the
// bank's key: a ledger cut back, re-signed without an event, or forked fails verification against
// the heads an auditor witnessed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "bank/bank.h"
#include "cli_device.h"
#include "cli_harness.h"
#include "core/clock.h"
#include "core/file.h"
#include "ledger/ledger.h"
#include "render_bank.h"

namespace figurant::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class CliLedgerTest : public ::testing::Test {
 protected:
  CliLedgerTest() : dir_("cli-ledger") {}

  void SetUp() override {
    bank_ = (dir_.path() / "bank").string();
    Json({"init"});
    const std::string key = (dir_.path() / "studio.ed25519").string();
    Json({"key", "new", "--out", key}, 0, WithPartyPassphrase());
    studio_ = Json({"studio", "add", "--name", "S", "--public-key-file", key + ".pub"})["id"];
    production_ = Json({"production", "add", "--studio", studio_, "--title", "Market", "--media",
                        "streaming", "--territories", "FR", "--fps", "24", "--studio-key", key},
                       0, WithPartyPassphrase())["id"];
    SignLicence("Amina Diallo");
  }

  // Signs `licence` on the performer's own device (cli_device.h): their key, never the bank's.
  void SignOnDevice(const std::string& performer, const std::string& licence,
                    const std::string& represented_by = "none") {
    SignOnDeviceOf(
        device_, dir_.path() / "device", [this] { return bank_; },
        {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}}, performer, licence, represented_by);
  }

  RunResult Run(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--bank", bank_});
    env.emplace("FIGURANT_NOW", "2026-06-01T12:00:00Z");
    return RunFigurant(args, env);
  }

  json Json(std::vector<std::string> args, int expected = 0,
            std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), "--json");
    RunResult r = Run(args, std::move(env));
    EXPECT_EQ(r.exit_code, expected) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  // A new performer with a signed licence: one licence_signed entry and a head in the ledger.
  void SignLicence(const std::string& name) {
    const std::string p = Json({"performer", "add", "--name", name})["id"];
    const json terms = {{"productions", {production_}},
                        {"uses", {"background"}},
                        {"media", {"streaming"}},
                        {"territories", {"worldwide"}},
                        {"valid_from", "2026-01-01"},
                        {"valid_until", "2027-12-31"},
                        {"max_screen_height_fraction", 0.5},
                        {"excluded_content", json::array()},
                        {"compensation", {{"currency", "EUR"}, {"scan_fee", 50}}},
                        {"revocable", true},
                        {"revocation_notice_days", 0}};
    const fs::path file = dir_.path() / "terms.json";
    std::ofstream(file) << terms.dump();
    const std::string lic = Json({"licence", "draft", "--performer", p, "--studio", studio_,
                                  "--terms", file.string()})["id"];
    SignOnDevice(p, lic);
  }

  fs::path LedgerFile() const { return fs::path(bank_) / "ledger" / "ledger.log"; }

  TempDir dir_;
  std::unique_ptr<CliDevice> device_;  // the performers' own keys (SignOnDevice)
  std::string bank_, studio_, production_;
};

// The union's auditor, on its own machine: its own key, its own witness log, and only the exports
// and the public key the bank hands over (it runs figurant without a bank).
class CliWitnessTest : public CliLedgerTest {
 protected:
  void SetUp() override {
    CliLedgerTest::SetUp();
    bank_public_key_ = Json({"ledger", "head"})["head"]["public_key"];
    witness_.emplace(dir_.path());
    ASSERT_FALSE(witness_->public_key().empty());
  }

  fs::path WitnessLog() const { return witness_->log(); }

  static RunResult Auditor(const std::vector<std::string>& args) {
    return RunFigurant(args, {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}});
  }

  // The bank exports its ledger to the auditor, who countersigns its head.
  RunResult WitnessBankLedger() {
    const fs::path out = dir_.path() / ("export-" + std::to_string(exports_++) + ".log");
    EXPECT_EQ(Run({"ledger", "export", out.string()}).exit_code, 0);
    return WitnessFile(out);
  }

  // The auditor countersigns the head of the ledger it is handed as `file`.
  RunResult WitnessFile(const fs::path& file) {
    return witness_->Countersign(file, bank_public_key_);
  }

  // Anyone verifying the bank's current ledger against the auditor's witness log.
  RunResult VerifyWithWitness() { return witness_->Verify(LedgerFile(), bank_public_key_); }

  // The attack succeeds without a witness: the bank's key signed what is there.
  void ExpectValidWithoutWitness() {
    const RunResult r = Auditor(
        {"--json", "ledger", "verify", LedgerFile().string(), "--public-key", bank_public_key_});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(json::parse(r.out)["valid"]);
  }

  // Verification against the witness fails naming the witnessed head and `why`, and the auditor
  // refuses to countersign the file when handed it as an export: its log is unchanged. (Handed
  // over as it is: opening the bank would reconcile licence events from the registry.)
  void ExpectWitnessRefuses(const std::string& why) {
    const RunResult v = VerifyWithWitness();
    EXPECT_EQ(v.exit_code, 1) << v.out;
    EXPECT_NE(v.err.find(WitnessLog().string() + " line 0 (the head of"), std::string::npos)
        << v.err;
    EXPECT_NE(v.err.find(why), std::string::npos) << v.err;
    const std::string kept = *ReadFile(WitnessLog());
    const RunResult w = WitnessFile(LedgerFile());
    EXPECT_EQ(w.exit_code, 1) << w.out;
    EXPECT_NE(w.err.find(why), std::string::npos) << w.err;
    EXPECT_EQ(*ReadFile(WitnessLog()), kept) << "the witness countersigned a rewritten ledger";
  }

  std::optional<Witness> witness_;  // the union's auditor: its key and log in dir_
  std::string bank_public_key_;
  int exports_ = 0;
};

TEST_F(CliWitnessTest, AGrowingLedgerExtendsEveryHeadTheWitnessKept) {
  ASSERT_EQ(WitnessBankLedger().exit_code, 0);
  SignLicence("Bo Lindqvist");
  const RunResult second = WitnessBankLedger();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("as line 1 of"), std::string::npos) << second.out;
  SignLicence("Chen Wei");
  const RunResult v = VerifyWithWitness();
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_NE(v.out.find("extends all 2 heads witnessed in " + WitnessLog().string()),
            std::string::npos)
      << v.out;
  // The same head again is not a new line.
  const RunResult again = WitnessBankLedger();
  EXPECT_EQ(again.exit_code, 0) << again.err;
  ASSERT_EQ(WitnessBankLedger().exit_code, 0);
  const std::string log = *ReadFile(WitnessLog());
  EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 3);
}

// Attack: the holder of the bank's key puts back an earlier ledger, signed by that same key,
// erasing the licences signed since. It verifies alone; the witnessed head is longer.
TEST_F(CliWitnessTest, AttackCutBackToAnEarlierHeadFailsAgainstTheWitness) {
  const std::string earlier = *ReadFile(LedgerFile());
  SignLicence("Bo Lindqvist");
  ASSERT_EQ(WitnessBankLedger().exit_code, 0);
  std::ofstream(LedgerFile(), std::ios::binary | std::ios::trunc) << earlier;
  ExpectValidWithoutWitness();
  ExpectWitnessRefuses("cut back");
}

// Attack: the holder of the bank's key drops one event, re-signs the rest with the bank's key as a
// new log, and goes on using it (so it is no shorter than the witnessed head).
TEST_F(CliWitnessTest, AttackDroppedEventReSignedWithTheBankKeyFailsAgainstTheWitness) {
  SignLicence("Bo Lindqvist");
  SignLicence("Chen Wei");
  ASSERT_EQ(WitnessBankLedger().exit_code, 0);

  auto bank_key = bank::ReadSigningKey(bank::BankPaths::For(bank_).bank_key);
  ASSERT_TRUE(bank_key.ok()) << bank_key.status().ToString();
  std::vector<ledger::Entry> entries;
  auto read =
      ledger::ReadLog(*ReadFile(LedgerFile()), bank_key->public_key, [&](const ledger::Entry& e) {
        entries.push_back(e);
        return Status::Ok();
      });
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  // The studio, its production, and for each of the three performers their key's enrolment and
  // their licence signed.
  ASSERT_EQ(entries.size(), 8u);
  const FixedClock clock(entries.back().time);
  auto forged = ledger::Ledger::Open(dir_.path() / "forged", *bank_key, clock);
  ASSERT_TRUE(forged.ok()) << forged.status().ToString();
  for (const ledger::Entry& e :
       {entries[0], entries[1], entries[2], entries[3], entries[4], entries[6], entries[7]}) {
    if (e.seq == 5) continue;  // Bo's licence
    ASSERT_TRUE((*forged)->Append({{e.type, json::parse(e.payload)}}).ok());
  }
  fs::copy_file((*forged)->file(), LedgerFile(), fs::copy_options::overwrite_existing);
  forged->reset();
  SignLicence("Dara Okafor");  // the bank goes on: as many entries as were witnessed
  ExpectValidWithoutWitness();
  ExpectWitnessRefuses("rewritten");
}

// Attack: a fork. The bank's directory copied, and each copy goes on with other events signed by
// the one bank key: two ledgers, each valid, that disagree. Only the one the witness saw passes.
TEST_F(CliWitnessTest, AttackForkSignedWithTheBankKeyFailsAgainstTheWitness) {
  const std::string original = bank_;
  const std::string fork = (dir_.path() / "fork").string();
  fs::copy(original, fork, fs::copy_options::recursive);
  // The attacker holds the bank's key: the fork signs with the same one (docs/keys.md).
  fs::copy(original + ".keys", fork + ".keys", fs::copy_options::recursive);
  SignLicence("Bo Lindqvist");
  ASSERT_EQ(WitnessBankLedger().exit_code, 0);
  bank_ = fork;
  SignLicence("Eve Moreau");  // the same size as the witnessed head, another entry in it
  ExpectValidWithoutWitness();
  ExpectWitnessRefuses("rewritten");
  bank_ = original;
  EXPECT_EQ(VerifyWithWitness().exit_code, 0);
}

// Attack: an image (a scene's output, or anything else) written over ledger/ledger.log. The next
// open used to "repair" it to nothing and start a fresh ledger, and the production's debt was
// gone. Now every command that needs the ledger fails naming the file and the byte, and the file
// is left exactly as it is.
TEST_F(CliLedgerTest, AFileWrittenOverTheLedgerIsRefusedNeverEmptied) {
  const std::string png = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) + std::string(200, 'x');
  for (const std::string& bytes : {png, std::string(), *ReadFile(LedgerFile()) + png}) {
    std::ofstream(LedgerFile(), std::ios::binary | std::ios::trunc) << bytes;
    for (const std::vector<std::string>& cmd : {std::vector<std::string>{"ledger", "head"},
                                                {"ledger", "verify"},
                                                {"statement", "--production", production_}}) {
      RunResult r = Run(cmd);
      EXPECT_EQ(r.exit_code, 1) << cmd[0] << " " << cmd[1] << ": " << r.out;
      EXPECT_NE(r.err.find(LedgerFile().string()), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("byte"), std::string::npos) << r.err;
    }
    EXPECT_EQ(*ReadFile(LedgerFile()), bytes) << "the ledger file was changed";
  }
}

// Attack (a variant of the one above): the ledger deleted, file or directory. The next command
// used to start a new ledger, refill it with licence events from the registry, and every usage
// entry — what the production owes — was gone while `ledger verify` said "valid". A bank whose
// registry records what its ledger holds never starts a new one: restoring it is the operator's.
TEST_F(CliLedgerTest, ADeletedLedgerIsRefusedNeverStartedAfresh) {
  for (const fs::path& gone : {LedgerFile(), LedgerFile().parent_path()}) {
    fs::remove_all(gone);
    for (const std::vector<std::string>& cmd : {std::vector<std::string>{"ledger", "verify"},
                                                {"statement", "--production", production_},
                                                {"ledger", "head"}}) {
      RunResult r = Run(cmd);
      EXPECT_EQ(r.exit_code, 1) << cmd[0] << " " << cmd[1] << ": " << r.out;
      EXPECT_NE(r.err.find(LedgerFile().string()), std::string::npos) << r.err;
      EXPECT_NE(r.err.find("missing"), std::string::npos) << r.err;
    }
    EXPECT_FALSE(fs::exists(LedgerFile())) << "a new ledger was started";
  }
}

// A crash's residue — the start of a batch after the last head — is still cut away on open.
TEST_F(CliLedgerTest, ATornTailIsStillRepaired) {
  const std::string before = *ReadFile(LedgerFile());
  const json head = Json({"ledger", "head"})["head"];
  SignLicence("Bo Lindqvist");  // a batch: one entry and its head
  const std::string after = *ReadFile(LedgerFile());
  ASSERT_GT(after.size(), before.size());
  // The batch torn in its head: the new entry is whole, the head cut short.
  std::ofstream(LedgerFile(), std::ios::binary | std::ios::trunc)
      << after.substr(0, after.size() - 50);
  const json verify = Json({"ledger", "verify"});
  EXPECT_TRUE(verify["valid"]);
  EXPECT_GE(verify["entries"].get<uint64_t>(), head["tree_size"].get<uint64_t>());
}

// Attack: the holder of the bank's key cuts the ledger back and forges a witness log of its own,
// with a witness key it made, countersigning the cut-back head. Verifying names the union's
// witness key, so the forged log is refused line 0; without a witness key nothing is verified.
TEST_F(CliWitnessTest, AttackAWitnessLogForgedWholeIsRefused) {
  const std::string earlier = *ReadFile(LedgerFile());
  SignLicence("Bo Lindqvist");
  ASSERT_EQ(WitnessBankLedger().exit_code, 0);
  std::ofstream(LedgerFile(), std::ios::binary | std::ios::trunc) << earlier;
  const fs::path forged_key = dir_.path() / "forged.witness-key";
  const fs::path forged_log = dir_.path() / "forged.witness";
  ASSERT_EQ(Auditor({"witness", "new-key", "--out", forged_key.string()}).exit_code, 0);
  ASSERT_EQ(Auditor({"ledger", "witness", LedgerFile().string(), "--public-key", bank_public_key_,
                     "--key", forged_key.string(), "--witness-log", forged_log.string()})
                .exit_code,
            0);
  const std::vector<std::string> verify = {
      "ledger",         "verify",    LedgerFile().string(), "--public-key",
      bank_public_key_, "--witness", forged_log.string()};
  std::vector<std::string> pinned = verify;
  pinned.insert(pinned.end(), {"--witness-key", witness_->public_key()});
  const RunResult r = Auditor(pinned);
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_NE(r.err.find(forged_log.string() + " line 0: countersigned by witness key"),
            std::string::npos)
      << r.err;
  const RunResult unpinned = Auditor(verify);
  EXPECT_EQ(unpinned.exit_code, 2) << unpinned.out;
  EXPECT_NE(unpinned.err.find("--witness-key"), std::string::npos) << unpinned.err;
}

}  // namespace
}  // namespace figurant::testing

// Suspensions and strikes end to end through the real binary (docs/licence.md, "Suspensions and
// strikes"): the bank writes a request, the performer or the union signs it on their own device
// with `key sign-statement`, `figurant record` checks it, and `check` honours it from the ledger.
// An export re-verifies every statement with no bank.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_device.h"
#include "cli_harness.h"

namespace figurant::testing {
namespace {

using nlohmann::json;

constexpr char kNow[] = "2026-06-01T12:00:00Z";

class CliSuspensionTest : public ::testing::Test {
 protected:
  CliSuspensionTest()
      : dir_("cli-suspension"),
        device_(dir_.path() / "device",
                [this](const std::vector<std::string>& a) { return Run(a); },
                {{"FIGURANT_NOW", kNow}}) {}

  void SetUp() override {
    bank_ = (dir_.path() / "bank").string();
    ASSERT_EQ(Run({"init"}).exit_code, 0);
    performer_ = Json({"performer", "add", "--name", "Amina Diallo"})["id"];
    studio_ = AddStudio("S");
    production_ = production_of_[studio_];
    other_studio_ = AddStudio("T");
    licence_ = Licence(studio_, production_);
    other_licence_ = Licence(other_studio_, production_of_[other_studio_]);
  }

  std::string AddStudio(const std::string& name) {
    const std::string key = (dir_.path() / (name + ".key")).string();
    Json({"key", "new", "--out", key}, 0, WithPartyPassphrase());
    const std::string id =
        Json({"studio", "add", "--name", name, "--public-key-file", key + ".pub"})["id"];
    production_of_[id] =
        Json({"production", "add", "--studio", id, "--title", "Film " + name, "--media",
              "streaming", "--territories", "FR", "--fps", "24", "--studio-key", key},
             0, WithPartyPassphrase())["id"];
    return id;
  }
  // A licence between the performer and `studio`, signed on the performer's device.
  std::string Licence(const std::string& studio, const std::string& production) {
    const json terms = {{"productions", {production}},
                        {"uses", {"background"}},
                        {"media", {"streaming"}},
                        {"territories", {"worldwide"}},
                        {"valid_from", "2026-01-01"},
                        {"valid_until", "2027-12-31"},
                        {"max_screen_height_fraction", 0.5},
                        {"compensation", {{"currency", "EUR"}}},
                        {"revocable", true},
                        {"revocation_notice_days", 0}};
    const std::string file = (dir_.path() / (studio + ".terms.json")).string();
    std::ofstream(file) << terms.dump();
    const std::string id = Json(
        {"licence", "draft", "--performer", performer_, "--studio", studio, "--terms", file})["id"];
    EXPECT_EQ(device_.Sign(performer_, id).exit_code, 0);
    return id;
  }

  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--bank", bank_});
    return RunFigurant(args, {{"FIGURANT_NOW", kNow}});
  }
  json Json(std::vector<std::string> args, int expected = 0,
            std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--bank", bank_, "--json"});
    env.emplace("FIGURANT_NOW", kNow);
    const RunResult r = RunFigurant(args, env);
    EXPECT_EQ(r.exit_code, expected) << r.err;
    return json::parse(r.out, nullptr, false);
  }
  // The bank's request (`request_args` with --out added), signed on a device with `key`, then
  // recorded: the `record` command's result.
  RunResult SignAndRecord(std::vector<std::string> request_args, const std::string& key) {
    const std::string n = std::to_string(files_++);
    const std::string request = (dir_.path() / ("request" + n + ".json")).string();
    const std::string signature = (dir_.path() / ("signature" + n + ".json")).string();
    request_args.insert(request_args.end(), {"--out", request});
    const RunResult asked = Run(request_args);
    if (asked.exit_code != 0) return asked;
    const RunResult sign =
        RunFigurantWithInput({"key", "sign-statement", request, "--key", key, "--out", signature},
                             "sign\n", WithPartyPassphrase({{"FIGURANT_NOW", kNow}}));
    if (sign.exit_code != 0) return sign;
    return Run({"record", signature});
  }
  // `check` for the performer in `production`: its --json output, expecting `exit_code`.
  json Check(const std::string& production, int exit_code) {
    return Json({"check", "--performer", performer_, "--production", production}, exit_code);
  }
  std::string PerformerKey() { return device_.KeyFile(performer_, "performer").string(); }

  TempDir dir_;
  CliDevice device_;
  std::string bank_, performer_, studio_, production_, other_studio_, licence_, other_licence_;
  std::map<std::string, std::string> production_of_;
  int files_ = 0;
};

std::string Reasons(const json& check) { return check.dump(); }

TEST_F(CliSuspensionTest, APerformerSuspendsAndResumesWithTheirOwnKey) {
  Check(production_, 0);
  const RunResult suspended = SignAndRecord({"licence", "suspend", licence_}, PerformerKey());
  ASSERT_EQ(suspended.exit_code, 0) << suspended.err;
  const json denied = Check(production_, 3);
  EXPECT_NE(Reasons(denied).find("\"suspended\""), std::string::npos) << denied.dump();
  Check(production_of_[other_studio_], 0);  // another licence is not suspended
  // Suspending twice makes no sense: the bank refuses to even ask.
  EXPECT_NE(
      Run({"licence", "suspend", licence_, "--out", (dir_.path() / "x.json").string()}).exit_code,
      0);
  const RunResult resumed = SignAndRecord({"licence", "resume", licence_}, PerformerKey());
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  Check(production_, 0);
}

TEST_F(CliSuspensionTest, OnlyThePerformersEnrolledKeySuspends) {
  const std::string stranger = (dir_.path() / "stranger.key").string();
  ASSERT_EQ(
      RunFigurantWithInput({"key", "new", "--out", stranger}, "", WithPartyPassphrase()).exit_code,
      0);
  const RunResult r = SignAndRecord({"licence", "suspend", licence_}, stranger);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("enrolled"), std::string::npos) << r.err;
  Check(production_, 0);
  // A request dated in the past is refused before anything is signed.
  EXPECT_EQ(Run({"licence", "suspend", licence_, "--from", "2026-05-01", "--out",
                 (dir_.path() / "past.json").string()})
                .exit_code,
            2);
}

TEST_F(CliSuspensionTest, AUnionsStrikeRefusesItsMembersForTheStruckStudioOnly) {
  const std::string union_key = (dir_.path() / "union.key").string();
  ASSERT_EQ(
      RunFigurantWithInput({"key", "new", "--out", union_key}, "", WithPartyPassphrase()).exit_code,
      0);
  const std::string union_id = Json({"representative", "add", "--kind", "union", "--name", "Union",
                                     "--public-key-file", union_key + ".pub"})["id"];
  const RunResult strike =
      SignAndRecord({"union", "strike", union_id, "--studio", studio_}, union_key);
  ASSERT_EQ(strike.exit_code, 0) << strike.err;
  Check(production_, 0);  // not a member yet
  const RunResult joined =
      SignAndRecord({"performer", "join-union", performer_, "--union", union_id}, PerformerKey());
  ASSERT_EQ(joined.exit_code, 0) << joined.err;
  const json denied = Check(production_, 3);
  EXPECT_NE(Reasons(denied).find("\"strike\""), std::string::npos) << denied.dump();
  Check(production_of_[other_studio_], 0);
  // The performer's key cannot end the union's strike.
  EXPECT_NE(SignAndRecord({"union", "end-strike", union_id, "--studio", studio_}, PerformerKey())
                .exit_code,
            0);
  const RunResult ended =
      SignAndRecord({"union", "end-strike", union_id, "--studio", studio_}, union_key);
  ASSERT_EQ(ended.exit_code, 0) << ended.err;
  Check(production_, 0);

  // An export re-verifies every statement with no bank.
  const std::string exported = (dir_.path() / "export.log").string();
  ASSERT_EQ(Run({"ledger", "export", exported}).exit_code, 0);
  const json head = Json({"ledger", "head"})["head"];
  ASSERT_TRUE(head.contains("public_key")) << head.dump();
  const RunResult verified =
      RunFigurant({"--json", "ledger", "verify", exported, "--public-key", head["public_key"]}, {});
  ASSERT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_NE(verified.out.find("\"statements\":3"), std::string::npos) << verified.out;
}

}  // namespace
}  // namespace figurant::testing

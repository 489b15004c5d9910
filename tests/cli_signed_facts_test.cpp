// Decisions read only what was signed: an operator with a shell edits the registry with SQLite
// (triggers dropped, constraints ignored), then asks the real binary to render or check. Every
// altered fact a licence decision reads must be refused as DATA_LOSS naming the row, never
// followed.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli_device.h"
#include "cli_harness.h"
#include "consent/production_declaration.h"
#include "core/crypto.h"

namespace figurant::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kMakeHuman = fs::path(FIGURANT_MAKEHUMAN_DIR);
const std::map<std::string, std::string> kEnv = {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}};

class CliSignedFactsTest : public ::testing::Test {
 protected:
  CliSignedFactsTest() : dir_("cli-facts") {}

  void SetUp() override {
    bank_ = (dir_.path() / "bank").string();
    Json({"init"});
    studio_key_ = (dir_.path() / "studio.ed25519").string();
    Json({"key", "new", "--out", studio_key_}, 0, WithPartyPassphrase());
    studio_ =
        Json({"studio", "add", "--name", "S", "--public-key-file", studio_key_ + ".pub"})["id"];
    performer_ = Json({"performer", "add", "--name", "Ana"})["id"];
    std::ofstream(dir_.path() / "body.json") << R"({"gender": 1, "height": 0.5})";
    double_ = Json({"scan", "import", "--performer", performer_, "--makehuman", kMakeHuman.string(),
                    "--body", (dir_.path() / "body.json").string()})["id"];
  }

  std::string Production(const std::string& media, const std::string& content,
                         const std::string& fps = "24") {
    return Json(
        {"production", "add", "--studio", studio_, "--title", "Market", "--media", media,
         "--territories", "FR", "--content", content, "--fps", fps, "--studio-key", studio_key_},
        0, WithPartyPassphrase())["id"];
  }

  // Drafts and signs a licence for `production` with `changes` applied to plain terms.
  std::string Licence(const std::string& production, const json& changes = json::object()) {
    json terms = {{"productions", {production}},
                  {"uses", {"background"}},
                  {"media", {"streaming"}},
                  {"territories", {"worldwide"}},
                  {"valid_from", "2026-01-01"},
                  {"valid_until", "2027-12-31"},
                  {"max_screen_height_fraction", 0.9},
                  {"compensation", {{"currency", "EUR"}, {"per_screen_second", 1.0}}},
                  {"revocable", true},
                  {"revocation_notice_days", 0}};
    terms.merge_patch(changes);
    std::ofstream(dir_.path() / "terms.json") << terms.dump();
    const std::string lic = Json({"licence", "draft", "--performer", performer_, "--studio",
                                  studio_, "--terms", (dir_.path() / "terms.json").string()})["id"];
    SignOnDevice(performer_, lic);
    return lic;
  }

  // Signs `licence` on the performer's own device (cli_device.h): their key, never the bank's.
  void SignOnDevice(const std::string& performer, const std::string& licence,
                    const std::string& represented_by = "none") {
    SignOnDeviceOf(
        device_, dir_.path() / "device", [this] { return bank_; }, kEnv, performer, licence,
        represented_by);
  }

  json Json(std::vector<std::string> args, int expected = 0,
            std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--bank", bank_, "--json"});
    env.insert(kEnv.begin(), kEnv.end());
    RunResult r = RunFigurant(args, env);
    EXPECT_EQ(r.exit_code, expected) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  // A one-agent scene for `production`, the camera `distance` metres from the agent.
  std::string Scene(const std::string& production, double distance = 9, double fps = 24,
                    int frames = 1) {
    json scene = {
        {"figurant_scene", 1},
        {"production", production},
        {"shot", "sh010"},
        {"seed", 5},
        {"camera",
         {{"position", {0, 1.0, -distance}}, {"look_at", {0, 1.0, 0}}, {"resolution", {32, 18}}}},
        {"frames", {{"start", 1001}, {"end", 1000 + frames}, {"fps", fps}}},
        {"render", {{"spp", 1}, {"max_bounces", 0}, {"output", "out/sh010.####.exr"}}},
        {"agents", {{{"double", double_}, {"position", {0, 0, 0}}, {"name", "ana"}}}}};
    const fs::path p = dir_.path() / "scene.json";
    std::ofstream(p) << scene.dump();
    return p.string();
  }

  RunResult Render(const std::string& scene) {
    return RunFigurant({"--bank", bank_, "--json", "render", scene, "--quiet"}, kEnv);
  }

  RunResult CheckPerformer(const std::string& production) {
    return RunFigurant(
        {"--bank", bank_, "--json", "check", "--performer", performer_, "--production", production},
        kEnv);
  }

  // The operator's edit: raw SQL on the registry file, with its triggers dropped and CHECK
  // constraints off, as anyone with the sqlite3 shell can do.
  void Tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((fs::path(bank_) / "figurant.db").c_str(), &db), SQLITE_OK);
    std::vector<std::string> triggers;
    sqlite3_stmt* st = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'", -1,
                                 &st, nullptr),
              SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
      triggers.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    }
    sqlite3_finalize(st);
    std::string script = "PRAGMA ignore_check_constraints = ON;";
    for (const std::string& t : triggers) script += "DROP TRIGGER " + t + ";";
    script += sql;
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, script.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error != nullptr ? error : "") << " in " << sql;
    sqlite3_free(error);
    sqlite3_close(db);
  }

  // `r` failed with DATA_LOSS (exit 1) naming every one of `names` (table, row, column).
  static void ExpectDataLoss(const RunResult& r, const std::vector<std::string>& names) {
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    const json j = json::parse(r.out, nullptr, false);
    ASSERT_TRUE(j.contains("error")) << r.out << r.err;
    EXPECT_EQ(j["error"]["code"], "DATA_LOSS") << r.out;
    for (const std::string& n : names) {
      EXPECT_NE(j["error"]["message"].get<std::string>().find(n), std::string::npos)
          << n << " in " << j["error"]["message"];
    }
  }

  TempDir dir_;
  std::unique_ptr<CliDevice> device_;  // the performers' own keys (SignOnDevice)
  std::string bank_, studio_key_, studio_, performer_, double_;
};

TEST_F(CliSignedFactsTest, UnrevokingALicenceInTheRegistryIsDataLoss) {
  const std::string production = Production("streaming", "");
  const std::string lic = Licence(production);
  Json({"licence", "revoke", lic});
  const std::string scene = Scene(production);
  EXPECT_EQ(Render(scene).exit_code, 3);
  Tamper(
      "UPDATE licences SET state = 'active', revoked_at = NULL, revoked_from = NULL WHERE id = '" +
      lic + "';");
  ExpectDataLoss(Render(scene), {"licences row '" + lic + "'", "state"});
  ExpectDataLoss(CheckPerformer(production), {"licences row '" + lic + "'", "state"});
}

TEST_F(CliSignedFactsTest, PostponingARevocationInTheRegistryIsDataLoss) {
  const std::string production = Production("streaming", "");
  const std::string lic = Licence(production);
  Json({"licence", "revoke", lic});
  EXPECT_EQ(CheckPerformer(production).exit_code, 3);
  Tamper("UPDATE licences SET revoked_from = '2099-01-01' WHERE id = '" + lic + "';");
  ExpectDataLoss(CheckPerformer(production), {"licences row '" + lic + "'", "revoked_from"});
}

TEST_F(CliSignedFactsTest, ClearingAProductionsContentTagsIsDataLoss) {
  const std::string production = Production("streaming", "violence");
  Licence(production, {{"excluded_content", {"violence"}}});
  const std::string scene = Scene(production);
  EXPECT_EQ(Render(scene).exit_code, 3);
  Tamper("UPDATE productions SET content = '[]' WHERE id = '" + production + "';");
  ExpectDataLoss(Render(scene), {"productions row '" + production + "'", "content"});
  ExpectDataLoss(CheckPerformer(production), {"productions row '" + production + "'", "content"});
}

TEST_F(CliSignedFactsTest, NarrowingAProductionsMediaIsDataLoss) {
  const std::string production = Production("streaming,theatrical", "");
  Licence(production);  // streaming only
  const std::string scene = Scene(production);
  EXPECT_EQ(Render(scene).exit_code, 3);
  Tamper("UPDATE productions SET media = '[\"streaming\"]' WHERE id = '" + production + "';");
  ExpectDataLoss(Render(scene), {"productions row '" + production + "'", "media"});
}

TEST_F(CliSignedFactsTest, ErasingADeathDateIsDataLoss) {
  const std::string production = Production("streaming", "");
  Licence(production);
  Json({"performer", "update", performer_, "--deceased", "2026-05-01"});
  const std::string scene = Scene(production);
  EXPECT_EQ(Render(scene).exit_code, 3);
  Tamper("UPDATE performers SET deceased_on = NULL WHERE id = '" + performer_ + "';");
  ExpectDataLoss(Render(scene), {"performers row '" + performer_ + "'", "deceased_on"});
  ExpectDataLoss(CheckPerformer(production),
                 {"performers row '" + performer_ + "'", "deceased_on"});
}

TEST_F(CliSignedFactsTest, ShrinkingADoublesHeightIsDataLoss) {
  const std::string production = Production("streaming", "");
  Licence(production, {{"max_screen_height_fraction", 0.3}});
  // Two metres away the double fills most of the frame: too large for the licence.
  const std::string scene = Scene(production, 2);
  EXPECT_EQ(Render(scene).exit_code, 3);
  Tamper("UPDATE doubles SET height_m = 0.2 WHERE id = '" + double_ + "';");
  ExpectDataLoss(Render(scene), {"doubles row '" + double_ + "'", "height_m"});
  ExpectDataLoss(RunFigurant({"--bank", bank_, "--json", "check", "--double", double_,
                              "--production", production},
                             kEnv),
                 {"doubles row '" + double_ + "'", "height_m"});
}

TEST_F(CliSignedFactsTest, ChangingAProductionsFrameRateIsDataLoss) {
  const std::string production = Production("streaming", "");
  Licence(production);
  // The production is shot at 24 fps; the operator makes it 1000 to match a scene at 1000.
  Tamper("UPDATE productions SET fps = '1000/1' WHERE id = '" + production + "';");
  ExpectDataLoss(Render(Scene(production, 9, 1000)),
                 {"productions row '" + production + "'", "fps"});
  Tamper("UPDATE productions SET fps = '25/1' WHERE id = '" + production + "';");
  ExpectDataLoss(Render(Scene(production, 9, 25)), {"productions row '" + production + "'", "fps"});
}

// The operator holds no studio key, so they make one: register it as the studio's and re-sign the
// production without its content tags. The ledger registered the studio's real key.
TEST_F(CliSignedFactsTest, ReplacingTheStudioKeyAndReSigningIsDataLoss) {
  ASSERT_TRUE(InitCrypto().ok());
  const std::string production = Production("streaming", "violence");
  Licence(production, {{"excluded_content", {"violence"}}});
  const SigningKeyPair forger = GenerateSigningKeyPair();
  const consent::SignedProduction forged = consent::SignProduction(
      {production, studio_, "Market", {"streaming"}, {"FR"}, {}, {24, 1}}, forger);
  // The production re-signed by the forger: its columns are not what the ledger recorded.
  Tamper("UPDATE productions SET content = '[]', public_key = X'" + ToHex(forged.public_key) +
         "', signature = X'" + ToHex(forged.signature) + "' WHERE id = '" + production + "';");
  ExpectDataLoss(Render(Scene(production)), {"productions row '" + production + "'", "content"});
  // And the forger's key registered as the studio's: not the key the ledger registered.
  Tamper("UPDATE studios SET public_key = X'" + ToHex(forged.public_key) + "' WHERE id = '" +
         studio_ + "';");
  ExpectDataLoss(Render(Scene(production)), {"studios row '" + studio_ + "'", "public_key"});
  ExpectDataLoss(CheckPerformer(production), {"studios row '" + studio_ + "'", "public_key"});
}

// Screen time is billed at the production's declared rate: 240 frames at 24 fps are 10 s.
TEST_F(CliSignedFactsTest, TwoHundredFortyFramesOfATwentyFourFpsProductionBillTenSeconds) {
  const std::string production = Production("streaming", "");
  Licence(production);  // 1 EUR per screen-second
  RunResult r = RunFigurant(
      {"--bank", bank_, "--json", "render", Scene(production, 9, 24, 240), "--quiet"}, kEnv);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["usage_events"], 240);
  const json st = Json({"statement", "--performer", performer_, "--production", production});
  ASSERT_EQ(st["productions"].size(), 1u) << st.dump();
  EXPECT_NEAR(st["productions"][0]["screen_seconds"].get<double>(), 10.0, 1e-9);
  EXPECT_NEAR(st["total"]["EUR"].get<double>(), 10.0, 1e-9);
}

TEST_F(CliSignedFactsTest, ASceneAtAnotherFrameRateThanItsProductionIsRefused) {
  const std::string production = Production("streaming", "");
  Licence(production);
  RunResult r = Render(Scene(production, 9, 1000));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("1000"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("24"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace figurant::testing

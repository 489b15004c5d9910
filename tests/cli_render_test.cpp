// Render, metering, ledger and statements through the real binary, on a small bank of MakeHuman
// doubles: the licence check refuses what it must, usage lands in a ledger that verifies, and the
// statement pays what the terms say.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_harness.h"
#include "core/file.h"

namespace figurant::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kMakeHuman = fs::path(FIGURANT_SOURCE_DIR) / ".." / "shared" / "data" / "makehuman";

class CliRenderTest : public ::testing::Test {
 protected:
  CliRenderTest() : dir_("cli-render") {}

  void SetUp() override {
    bank_ = (dir_.path() / "bank").string();
    Json({"init"});
    studio_ = Json({"studio", "add", "--name", "S"})["id"];
    production_ = Json({"production", "add", "--studio", studio_, "--title", "Market", "--media",
                        "streaming", "--territories", "FR", "--content", "violence"})["id"];
    other_ = Json({"production", "add", "--studio", studio_, "--title", "Other", "--media",
                   "streaming", "--territories", "FR"})["id"];
    // Four performers: paid per second; licensed for another production only; licence excludes
    // violence; revoked effective today.
    const std::vector<std::string> kinds = {"rate", "other", "violence", "revoked"};
    for (size_t i = 0; i < kinds.size(); ++i) {
      const std::string p = Json({"performer", "add", "--name", kinds[i]})["id"];
      performers_[kinds[i]] = p;
      std::ofstream(dir_.path() / "body.json")
          << "{\"gender\": " << (i % 2) << ", \"height\": " << 0.3 + 0.1 * i << "}";
      Json({"scan", "import", "--performer", p, "--makehuman", kMakeHuman.string(), "--body",
            (dir_.path() / "body.json").string()});
      json terms = {
          {"productions", {kinds[i] == "other" ? other_ : production_}},
          {"uses", {"background"}},
          {"media", {"streaming"}},
          {"territories", {"worldwide"}},
          {"valid_from", "2026-01-01"},
          {"valid_until", "2027-12-31"},
          {"max_screen_height_fraction", 0.6},
          {"excluded_content", kinds[i] == "violence" ? json{"violence"} : json::array()},
          {"compensation", {{"currency", "EUR"}, {"scan_fee", 50}, {"per_screen_second", 2.0}}},
          {"revocable", true},
          {"revocation_notice_days", 0}};
      std::ofstream(dir_.path() / "terms.json") << terms.dump();
      const std::string lic = Json({"licence", "draft", "--performer", p, "--studio", studio_,
                                    "--terms", (dir_.path() / "terms.json").string()})["id"];
      Json({"licence", "sign", lic, "--performer", p});
      if (kinds[i] == "revoked") Json({"licence", "revoke", lic});
    }
    const json list = Json({"double", "list"});
    for (const auto& d : list["doubles"]) {
      doubles_[d["performer"].get<std::string>()] = d["id"].get<std::string>();
    }
  }

  json Json(std::vector<std::string> args, int expected = 0) {
    args.insert(args.begin(), {"--bank", bank_, "--json"});
    RunResult r = RunFigurant(args, {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}});
    EXPECT_EQ(r.exit_code, expected) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  std::string Scene(const json& agents, const json& crowds = json::array(), int frames = 2) {
    json scene = {
        {"figurant_scene", 1},
        {"production", production_},
        {"shot", "sh010"},
        {"seed", 5},
        {"camera",
         {{"position", {0, 1.6, -9}}, {"look_at", {0, 1.0, 0}}, {"resolution", {160, 90}}}},
        {"frames", {{"start", 1001}, {"end", 1000 + frames}, {"fps", 24}}},
        {"render", {{"spp", 2}, {"max_bounces", 0}, {"output", "out/sh010.####.exr"}}},
        {"agents", agents},
        {"crowds", crowds}};
    const fs::path p = dir_.path() / "scene.json";
    std::ofstream(p) << scene.dump();
    return p.string();
  }

  json Agent(const std::string& kind, double x) {
    return {{"double", doubles_[performers_[kind]]}, {"position", {x, 0, 0}}, {"name", kind}};
  }

  TempDir dir_;
  std::string bank_, studio_, production_, other_;
  std::map<std::string, std::string> performers_, doubles_;
};

TEST_F(CliRenderTest, RefusedAgentsFailTheShotNamingEveryReason) {
  const std::string scene = Scene(
      {Agent("rate", -1.5), Agent("other", -0.5), Agent("violence", 0.5), Agent("revoked", 1.5)});
  RunResult r = RunFigurant({"--bank", bank_, "render", scene, "--quiet"},
                            {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  for (const char* s : {"3 agent(s) are not allowed", "other (double", "production_not_covered",
                        "violence (double", "content_excluded", "revoked (double", "revoked"}) {
    EXPECT_NE(r.err.find(s), std::string::npos) << s << "\n" << r.err;
  }
  EXPECT_FALSE(fs::exists(dir_.path() / "out" / "sh010.1001.exr"));
  // Only the licence events: four signatures and one revocation.
  EXPECT_EQ(Json({"ledger", "head"})["head"]["tree_size"], 5);
}

TEST_F(CliRenderTest, DropRefusedRendersMetersAndPays) {
  const std::string scene = Scene({Agent("rate", -0.6), Agent("other", 0.6)});
  json report = Json({"render", scene, "--drop-refused"});
  EXPECT_EQ(report["agents_rendered"], 1);
  ASSERT_EQ(report["refused"].size(), 1u);
  EXPECT_EQ(report["refused"][0]["agent"], "other");
  ASSERT_EQ(report["outputs"].size(), 2u);
  for (const auto& o : report["outputs"]) {
    EXPECT_TRUE(fs::exists(o["exr"].get<std::string>()));
    EXPECT_TRUE(fs::exists(o["png"].get<std::string>()));
    // The coverage sidecar and the ledger agree on the pixels.
    const json cov = json::parse(*ReadFile(o["coverage"].get<std::string>()));
    ASSERT_EQ(cov["agents"].size(), 1u);
    EXPECT_GT(cov["agents"][0]["pixels"].get<double>(), 50);
  }
  EXPECT_EQ(report["usage_events"], 2);  // one double visible in each of two frames
  json verify = Json({"ledger", "verify"});
  EXPECT_TRUE(verify["valid"]);
  // 2 frames at 24 fps = 1/12 s at 2 €/s, plus the 50 € scan fee.
  json st = Json({"statement", "--performer", performers_["rate"]});
  EXPECT_NEAR(st["total"]["EUR"].get<double>(), 50 + 2.0 * 2 / 24, 1e-9);
  // Re-rendering the same frames supersedes; the amount does not double.
  Json({"render", scene, "--drop-refused"});
  st = Json({"statement", "--performer", performers_["rate"], "--production", production_});
  EXPECT_NEAR(st["total"]["EUR"].get<double>(), 2.0 * 2 / 24, 1e-9);
  json prod = Json({"statement", "--production", production_});
  EXPECT_EQ(prod["performers"].size(), 1u);
}

TEST_F(CliRenderTest, ExportVerifiesAloneAndTamperingIsCaught) {
  Json({"render", Scene(json::array({Agent("rate", 0)})), "--drop-refused"});
  const fs::path exported = dir_.path() / "export.log";
  json head = Json({"ledger", "export", exported.string()})["head"];
  const std::string key = head["public_key"];
  std::ofstream(dir_.path() / "head.json") << head.dump();
  // Only the file and the key: no bank.
  RunResult ok =
      RunFigurant({"--json", "ledger", "verify", exported.string(), "--public-key", key});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  // Later activity extends the kept head consistently.
  Json({"render", Scene(json::array({Agent("rate", 0.3)}), json::array(), 1), "--drop-refused"});
  json extends = Json({"ledger", "verify", "--since-head", (dir_.path() / "head.json").string()});
  EXPECT_EQ(extends["consistency"]["old_size"], head["tree_size"]);
  // One flipped byte in the export.
  std::string bytes = *ReadFile(exported);
  bytes[bytes.size() / 2] ^= 0x04;
  std::ofstream(exported, std::ios::binary | std::ios::trunc) << bytes;
  RunResult bad = RunFigurant({"ledger", "verify", exported.string(), "--public-key", key});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("entry"), std::string::npos) << bad.err;
}

TEST_F(CliRenderTest, CrowdGroupCastsOnlyLicensedDoublesAndReportsExclusions) {
  json crowds = json::parse(R"([{"kind": "area", "name": "square",
    "polygon": [[-4, 0], [4, 0], [4, 6], [-4, 6]], "count": 12, "personal_radius_m": 0.4,
    "min_same_double_distance_m": 0, "min_same_double_screen_fraction": 0}])");
  json report = Json({"render", Scene(json::array(), crowds, 1)});
  EXPECT_EQ(report["doubles_eligible"], 1);
  EXPECT_EQ(report["doubles_excluded"]["production_not_covered"], 1);
  EXPECT_EQ(report["doubles_excluded"]["content_excluded"], 1);
  EXPECT_EQ(report["doubles_excluded"]["revoked"], 1);
  EXPECT_EQ(report["groups"][0]["placed"], 12);
  EXPECT_EQ(report["agents_rendered"], 12);
  // With the clone constraint on and one eligible double, casting refuses with the numbers.
  crowds[0]["min_same_double_distance_m"] = 8.0;
  RunResult r = RunFigurant({"--bank", bank_, "render", Scene(json::array(), crowds, 1), "--quiet"},
                            {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("12 agents from 1 eligible doubles"), std::string::npos) << r.err;
  json allowed = Json({"render", Scene(json::array(), crowds, 1), "--allow-clones"});
  EXPECT_FALSE(allowed["groups"][0]["clone_constraints_met"]);
}

}  // namespace
}  // namespace figurant::testing

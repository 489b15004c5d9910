// The shipped binary's clock is the system's: FIGURANT_NOW, the tests' clock override, is refused
// by it and honoured only by the test build (figurant_testclock).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli_device.h"
#include "cli_harness.h"

namespace figurant::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A bank, built on today's (real) clock, whose one performer revoked their licence today.
class CliClockTest : public ::testing::Test {
 protected:
  CliClockTest() : dir_("cli-clock") {}

  void SetUp() override {
    bank_ = (dir_.path() / "bank").string();
    Json({"init"});
    const std::string key = (dir_.path() / "studio.key").string();
    Json({"key", "new", "--out", key}, WithPartyPassphrase());
    const std::string studio =
        Json({"studio", "add", "--name", "S", "--public-key-file", key + ".pub"})["id"];
    production_ = Json({"production", "add", "--studio", studio, "--title", "T", "--media",
                        "streaming", "--territories", "FR", "--fps", "24", "--studio-key", key},
                       WithPartyPassphrase())["id"];
    const std::string performer = Json({"performer", "add", "--name", "Revoked"})["id"];
    double_ = Json(
        {"scan", "import", "--performer", performer, "--makehuman", FIGURANT_MAKEHUMAN_DIR})["id"];
    const json terms = {
        {"productions", {production_}},
        {"uses", {"background"}},
        {"media", {"streaming"}},
        {"territories", {"worldwide"}},
        {"valid_from", "2020-01-01"},
        {"valid_until", "2099-12-31"},
        {"max_screen_height_fraction", 0.9},
        {"compensation", {{"currency", "EUR"}, {"scan_fee", 50}, {"per_screen_second", 2.0}}},
        {"revocable", true},
        {"revocation_notice_days", 0}};
    std::ofstream(dir_.path() / "terms.json") << terms.dump();
    const std::string licence =
        Json({"licence", "draft", "--performer", performer, "--studio", studio, "--terms",
              (dir_.path() / "terms.json").string()})["id"];
    SignOnDevice(performer, licence);
    Json({"licence", "revoke", licence});  // effective today
  }

  // Signs `licence` on the performer's own device (cli_device.h): their key, never the bank's.
  void SignOnDevice(const std::string& performer, const std::string& licence,
                    const std::string& represented_by = "none") {
    SignOnDeviceOf(
        device_, dir_.path() / "device", [this] { return bank_; }, {}, performer, licence,
        represented_by);
  }

  json Json(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), {"--bank", bank_, "--json"});
    const RunResult r = RunShippedFigurant(args, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  std::string Scene() {
    const json scene = {
        {"figurant_scene", 1},
        {"production", production_},
        {"shot", "sh010"},
        {"seed", 5},
        {"camera",
         {{"position", {0, 1.6, -6}}, {"look_at", {0, 1.0, 0}}, {"resolution", {64, 36}}}},
        {"frames", {{"start", 1001}, {"end", 1001}, {"fps", 24}}},
        {"render", {{"spp", 1}, {"max_bounces", 0}, {"output", "out/sh010.####.exr"}}},
        {"agents", {{{"double", double_}, {"position", {0, 0, 0}}, {"name", "revoked"}}}},
        {"crowds", json::array()}};
    const fs::path p = dir_.path() / "scene.json";
    std::ofstream(p) << scene.dump();
    return p.string();
  }

  // Every plate under the test's directory.
  std::vector<fs::path> Plates() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_.path())) {
      if (e.path().extension() == ".exr") out.push_back(e.path());
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<CliDevice> device_;  // the performers' own keys (SignOnDevice)
  std::string bank_, production_, double_;
};

// The attack: set the shipped binary's clock to a day before the revocation and render the
// performer who revoked their consent.
TEST_F(CliClockTest, ShippedBinaryRefusesABackdatedClockAndRendersNoRevokedPerformer) {
  const std::string scene = Scene();
  const json before = Json({"ledger", "head"});
  const std::map<std::string, std::string> backdated = {{"FIGURANT_NOW", "2021-06-01"}};
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--bank", bank_, "render", scene, "--quiet"},
        std::vector<std::string>{"--bank", bank_, "render", scene, "--quiet", "--drop-refused"},
        std::vector<std::string>{"--bank", bank_, "--json", "check", "--double", double_,
                                 "--production", production_}}) {
    const RunResult r = RunShippedFigurant(args, backdated);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("FIGURANT_NOW is set, but clock overrides are for tests only"),
              std::string::npos)
        << r.err;
  }
  EXPECT_EQ(Plates(), std::vector<fs::path>{});
  EXPECT_EQ(Json({"ledger", "head"})["head"]["tree_size"], before["head"]["tree_size"]);
  // Without the override the shipped binary refuses the revoked performer as it should.
  const RunResult today = RunShippedFigurant({"--bank", bank_, "render", scene, "--quiet"});
  EXPECT_EQ(today.exit_code, 3) << today.err;
  EXPECT_EQ(Plates(), std::vector<fs::path>{});
}

// The test build is what the override is for, and it shows the attack the shipped binary now
// refuses: on the backdated day the licence was in force, and the render goes through.
TEST_F(CliClockTest, TestBuildHonoursTheOverride) {
  const RunResult r = RunFigurant({"--bank", bank_, "render", Scene(), "--quiet"},
                                  {{"FIGURANT_NOW", "2021-06-01"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Plates().size(), 1u);
  const RunResult bad =
      RunFigurant({"--bank", bank_, "licence", "list"}, {{"FIGURANT_NOW", "yesterday"}});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("FIGURANT_NOW"), std::string::npos) << bad.err;
}

// The test seams are the test build's too: the shipped binary does not pause for them. A performer
// added with a 4-second pause on each of its registry writes would take at least 4 s.
TEST_F(CliClockTest, ShippedBinaryIgnoresTheTestSeams) {
  const std::map<std::string, std::string> seams = {{"FIGURANT_TEST_WRITE_DELAY_MS", "4000"},
                                                    {"FIGURANT_TEST_PLATE_DELAY_MS", "4000"}};
  const auto t0 = std::chrono::steady_clock::now();
  const RunResult r =
      RunShippedFigurant({"--bank", bank_, "performer", "add", "--name", "Quick"}, seams);
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_LT(took, std::chrono::milliseconds(4000));
}

}  // namespace
}  // namespace figurant::testing

// Attacks on the render's outputs through the real binary. A scene file may write only plates: its
// render.output and shot name can reach no file outside one output directory, none in the bank,
// nothing but regular .exr/.png files and the sidecars Figurant names, and never replace a file
// that is not an earlier output of the same shot. And size on screen is the size the performer is
// seen at: a camera looking down does not shrink a performer below their licence's limit, and a
// frame whose measured silhouette exceeds the licence is never published.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_harness.h"
#include "core/file.h"
#include "render_bank.h"

namespace figurant::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class CliPlatesTest : public ::testing::Test {
 protected:
  CliPlatesTest() : dir_("cli-plates"), bank_(dir_.path()) {}

  void SetUp() override {
    double_ = bank_.AddDouble("ana", 0.6);
    fs::create_directories(scenes_);
  }

  // Writes `scene` to scenes/scene.json (or `file`); returns its path.
  fs::path Write(const json& scene, const fs::path& file = {}) {
    fs::path path = file.empty() ? scenes_ / "scene.json" : file;
    std::ofstream(path) << scene.dump();
    return path;
  }
  RunResult RenderFile(const fs::path& file, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"render", file.string(), "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    return bank_.Run(args);
  }
  RunResult Render(const json& scene, const std::vector<std::string>& extra = {}) {
    return RenderFile(Write(scene), extra);
  }

  json Scene(const std::string& output, const std::string& shot = "sh010") {
    return bank_.Scene(shot, output, json::array({RenderBank::Agent(double_, "ana")}));
  }

  // The render of `scene` is refused as bad input, naming `field`, and the bank is unchanged.
  void ExpectRefused(const json& scene, const std::string& field,
                     const std::vector<std::string>& extra = {}, const fs::path& file = {}) {
    const fs::path path = Write(scene, file);
    const auto before = bank_.Snapshot();
    const RunResult r = RenderFile(path, extra);
    EXPECT_EQ(r.exit_code, 2) << scene["render"]["output"] << " shot " << scene["shot"] << "\n"
                              << r.err;
    EXPECT_NE(r.err.find(field), std::string::npos) << "expected '" << field << "' in: " << r.err;
    EXPECT_TRUE(bank_.Snapshot() == before)
        << "the bank changed: " << scene["render"]["output"] << " shot " << scene["shot"];
    EXPECT_TRUE(bank_.Usage().empty());
  }

  fs::path Out() const { return scenes_ / "out"; }

  TempDir dir_;
  RenderBank bank_;
  const fs::path scenes_ = dir_.path() / "scenes";
  std::string double_;
};

TEST_F(CliPlatesTest, AbsoluteOutputIntoTheBankIsRefused) {
  const fs::path bank = bank_.bank();
  for (const fs::path& target :
       {bank / "ledger" / "ledger.log", bank / "ledger" / "x.####.exr",
        fs::path(bank.string() + ".keys") / "bank.ed25519", dir_.path() / "elsewhere.exr"}) {
    ExpectRefused(Scene(target.string()), "render.output");
  }
}

TEST_F(CliPlatesTest, DotDotInTheOutputIsRefused) {
  for (const char* output : {"../bank/ledger/ledger.log", "out/../../bank/ledger/x.####.exr",
                             "out/..", "./out/x.exr", "out//x.exr", "out/.hidden.exr"}) {
    ExpectRefused(Scene(output), "render.output");
  }
}

TEST_F(CliPlatesTest, OutputsAreOnlyPlates) {
  for (const char* output : {"out/sh010.####.log", "out/sh010.####", "out/x.####.exr.tmp",
                             "out/####/x.exr", "out/a b.####.exr", "out/x\\y.exr"}) {
    ExpectRefused(Scene(output), "render.output");
  }
}

TEST_F(CliPlatesTest, ShotNameIsAnIdentifierNotAPath) {
  for (const std::string& shot :
       std::vector<std::string>{"../../bank/ledger/ledger", "a/b", "..", "", ".hidden", "sh 010",
                                "sh010\n", std::string(65, 'a')}) {
    ExpectRefused(Scene("out/sh010.####.exr", shot), "'shot'");
  }
}

TEST_F(CliPlatesTest, SymlinkPlantedInTheOutputDirectoryIsRefused) {
  const fs::path key = fs::path(bank_.bank() + ".keys") / "bank.ed25519";
  const fs::path ledger = fs::path(bank_.bank()) / "ledger" / "ledger.log";
  fs::create_directories(Out());
  for (const auto& [name, target] : {std::pair{"sh010.1001.exr", key},
                                     {"sh010.1001.coverage.json", key},
                                     {"sh010.1001.png", ledger},
                                     {"sh010.clones.json", key}}) {
    fs::create_symlink(target, Out() / name);
    ExpectRefused(Scene("out/sh010.####.exr"), "render.output");
    EXPECT_TRUE(fs::is_symlink(Out() / name)) << name;
    fs::remove(Out() / name);
  }
  // A symlinked directory on the way.
  fs::remove_all(Out());
  fs::create_directory_symlink(key.parent_path(), Out());
  ExpectRefused(Scene("out/sh010.####.exr"), "render.output");
  fs::remove(Out());
}

TEST_F(CliPlatesTest, OutputOntoADeviceIsRefused) {
  fs::create_directories(Out());
  fs::create_symlink("/dev/null", Out() / "sh010.1001.exr");
  ExpectRefused(Scene("out/sh010.####.exr"), "render.output");
  EXPECT_TRUE(fs::is_symlink(Out() / "sh010.1001.exr"));
  fs::remove(Out() / "sh010.1001.exr");
  ASSERT_EQ(::mkfifo((Out() / "sh010.1001.exr").c_str(), 0644), 0);
  ExpectRefused(Scene("out/sh010.####.exr"), "render.output");
  EXPECT_TRUE(fs::is_fifo(Out() / "sh010.1001.exr"));
  fs::remove(Out() / "sh010.1001.exr");
  ExpectRefused(Scene("out/sh010.####.exr"), "output directory", {"--out", "/dev/null"});
}

TEST_F(CliPlatesTest, AFileThatIsNotAnOutputOfTheShotIsNeverReplaced) {
  fs::create_directories(Out());
  for (const char* name :
       {"sh010.1001.exr", "sh010.1001.png", "sh010.1001.coverage.json", "sh010.clones.json"}) {
    std::ofstream(Out() / name) << "precious";
    ExpectRefused(Scene("out/sh010.####.exr"), "render.output");
    EXPECT_EQ(*ReadFile(Out() / name), "precious") << name;
    fs::remove(Out() / name);
  }
  // Another shot's plates are not this shot's to replace.
  ASSERT_EQ(Render(Scene("out/sh010.####.exr", "other")).exit_code, 0);
  const std::string other = *ReadFile(Out() / "sh010.1001.exr");
  const auto usage = bank_.Usage();
  const auto before = bank_.Snapshot();
  const RunResult r = Render(Scene("out/sh010.####.exr", "sh010"));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("render.output"), std::string::npos) << r.err;
  EXPECT_EQ(*ReadFile(Out() / "sh010.1001.exr"), other);
  EXPECT_TRUE(bank_.Snapshot() == before);
  EXPECT_EQ(bank_.Usage().size(), usage.size());
}

TEST_F(CliPlatesTest, OutputDirectoryInsideTheBankIsRefused) {
  const fs::path bank = bank_.bank();
  for (const fs::path& out : {bank, bank / "ledger", bank / "keys"}) {
    ExpectRefused(Scene("out/sh010.####.exr"), "output directory", {"--out", out.string()});
  }
  // Through a symlink, and as the scene file's own directory.
  fs::create_directory_symlink(bank / "ledger", dir_.path() / "innocent");
  ExpectRefused(Scene("sh010.####.exr"), "output directory",
                {"--out", (dir_.path() / "innocent").string()});
  ExpectRefused(Scene("sh010.####.exr"), "output directory", {},
                dir_.path() / "innocent" / "scene.json");
  fs::remove(bank / "ledger" / "scene.json");
  // A relative output that walks into the bank from a scene file beside it, with no '..'.
  for (const char* output : {"bank/ledger/x.####.exr", "bank/keys/x.exr", "bank/x.exr"}) {
    ExpectRefused(Scene(output), "render.output", {}, dir_.path() / "scene.json");
  }
}

TEST_F(CliPlatesTest, OutGivesTheOutputDirectoryAndReRendersReplaceTheirOwnOutputs) {
  const fs::path there = dir_.path() / "plates";
  fs::create_directories(there);
  for (int run = 0; run < 2; ++run) {
    const RunResult r =
        Render(Scene("out/sh010.####.exr"), {"--out", there.string(), "--frames", "1001"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  for (const char* name :
       {"sh010.1001.exr", "sh010.1001.png", "sh010.1001.coverage.json", "sh010.clones.json"}) {
    EXPECT_TRUE(fs::is_regular_file(there / "out" / name)) << name;
  }
  EXPECT_FALSE(fs::exists(Out()));
  // Nothing else: no temporary file, only the lock Figurant keeps.
  for (const auto& e : fs::directory_iterator(there / "out")) {
    const std::string name = e.path().filename().string();
    EXPECT_TRUE(name.starts_with("sh010.") || name == ".figurant.lock") << name;
  }
  EXPECT_EQ(bank_.Usage().size(), 2u);
}

// ---- size on screen

TEST_F(CliPlatesTest, CameraLookingStraightDownSeesThePerformerAtTheirSize) {
  const std::string small = bank_.AddDouble("bea", 0.2);
  json scene =
      bank_.Scene("top", "out/top.####.exr", json::array({RenderBank::Agent(small, "bea")}));
  scene["camera"] = {{"position", {0, 4.5, 0}},
                     {"look_at", {0, 0, 0}},
                     {"up", {0, 0, 1}},
                     {"resolution", {160, 90}}};
  const RunResult r = Render(scene);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("too_large_on_screen"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(Out() / "top.1001.exr"));
  EXPECT_TRUE(bank_.Usage().empty());
  // The same performer seen small from far away is allowed.
  scene["camera"] = {
      {"position", {0, 1.6, -20}}, {"look_at", {0, 1, 0}}, {"resolution", {160, 90}}};
  const RunResult far = Render(scene);
  EXPECT_EQ(far.exit_code, 0) << far.err;
}

// The registry's word on a double's size is checked against what the frame shows: a double whose
// stored bounds were shrunk passes the check before rendering, and its frame is then refused.
// Attack: the double's measured bounds shrunk in the registry so that it passes for small. The size
// on screen is taken from its stored geometry (and a shrunk height_m is DataLoss): the agent is
// refused before rendering, and nothing is published or metered. (A frame whose measured
// silhouette exceeds the licence after rendering is refused too: frames_test.)
TEST_F(CliPlatesTest, BoundsShrunkInTheRegistryDoNotShrinkTheSizeOnScreen) {
  const std::string small = bank_.AddDouble("bea", 0.25);
  for (const std::string set : {"bounds_json = '{\"lo\":[-0.02,0,-0.02],\"hi\":[0.02,0.1,0.02]}', "
                                "footprint_radius_m = 0.02",
                                "height_m = 0.1"}) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((fs::path(bank_.bank()) / "figurant.db").c_str(), &db), SQLITE_OK);
    const std::string sql = "UPDATE doubles SET " + set + " WHERE id = '" + small + "'";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    sqlite3_close(db);
    const json scene = bank_.Scene("shrunk", "out/shrunk.####.exr",
                                   json::array({RenderBank::Agent(small, "bea")}));
    const RunResult r = Render(scene);
    EXPECT_NE(r.exit_code, 0) << set << "\n" << r.err;
    EXPECT_NE(r.err.find(set.starts_with("bounds") ? "too_large_on_screen" : "height_m"),
              std::string::npos)
        << set << "\n"
        << r.err;
    EXPECT_FALSE(fs::exists(Out() / "shrunk.1001.exr"));
    EXPECT_FALSE(fs::exists(Out() / "shrunk.1001.png"));
    EXPECT_TRUE(bank_.Usage().empty());
  }
}

TEST_F(CliPlatesTest, ScreenHeightFractionThatIsNotAMeasureIsAnError) {
  for (const char* bad : {"nan", "inf", "-inf", "-0.1", "1.5"}) {
    const RunResult r = bank_.Run({"check", "--double", double_, "--production", bank_.production(),
                                   "--screen-height-fraction", bad});
    EXPECT_EQ(r.exit_code, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("--screen-height-fraction"), std::string::npos) << r.err;
  }
  EXPECT_EQ(bank_
                .Run({"check", "--double", double_, "--production", bank_.production(),
                      "--screen-height-fraction", "0.5"})
                .exit_code,
            0);
}

}  // namespace
}  // namespace figurant::testing

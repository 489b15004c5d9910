// `figurant demo --small` end to end: the same code path `make demo` runs, reduced in size. The
// plates are real EXR/PNG files, the ledger verifies, and the statement pays only performers whose
// licences allowed the use.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "cli_harness.h"
#include "core/file.h"

namespace figurant::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

json Parse(const RunResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return json::parse(r.out, nullptr, false);
}

TEST(CliDemoTest, SmallDemoRendersMetersVerifiesAndPaysOnlyLicensedPerformers) {
  TempDir dir("cli-demo");
  const fs::path out = dir.path() / "demo";
  const RunResult run = RunFigurant({"--json", "demo", "--small", "--dir", out.string()});
  const json summary = Parse(run);
  ASSERT_TRUE(summary.is_object()) << run.out;
  EXPECT_EQ(summary["performers"], 12);
  EXPECT_EQ(summary["doubles"], 12);
  EXPECT_GT(summary["agents_rendered"].get<int>(), 20);
  // With no option, the bodies are MakeHuman's, from the data the repository carries.
  EXPECT_NE(run.err.find("bodies: MakeHuman (" FIGURANT_MAKEHUMAN_DIR ")"), std::string::npos)
      << run.err;
  // The narration names every step.
  for (const char* step : {"== 2. Shot", "== 3. Ledger", "== 4. Statement", "excluded (revoked)",
                           "excluded (expired)", "excluded (content_excluded)"}) {
    EXPECT_NE(run.err.find(step), std::string::npos) << step << " missing from:\n" << run.err;
  }

  // Two plates: PNG previews with their EXR beside them, both with their real magic numbers.
  ASSERT_EQ(summary["plates"].size(), 2u);
  for (const auto& p : summary["plates"]) {
    const fs::path png = p.get<std::string>();
    auto bytes = ReadFile(png);
    ASSERT_TRUE(bytes.ok()) << png;
    EXPECT_EQ(bytes->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << png;
    fs::path exr = png;
    exr.replace_extension(".exr");
    auto e = ReadFile(exr);
    ASSERT_TRUE(e.ok()) << exr;
    EXPECT_EQ(e->substr(0, 4), std::string("\x76\x2f\x31\x01", 4)) << exr;
  }

  const std::string bank = (out / "bank").string();
  EXPECT_EQ(RunFigurant({"--bank", bank, "ledger", "verify"}).exit_code, 0);
  // The doubles are MakeHuman bodies (or synthetic stand-ins), all rigged, of adult heights.
  const json doubles = Parse(RunFigurant({"--bank", bank, "--json", "double", "list"}));
  ASSERT_EQ(doubles["doubles"].size(), 12u) << doubles.dump();
  for (const auto& d : doubles["doubles"]) {
    EXPECT_TRUE(d["source_kind"] == "makehuman" || d["source_kind"] == "synthetic") << d.dump();
    EXPECT_TRUE(d["rigged"]) << d.dump();
    EXPECT_GE(d["height_m"].get<double>(), 1.50);
    EXPECT_LE(d["height_m"].get<double>(), 1.95);
  }

  // Who may be paid: performers whose licence is active. Revoked and expired licences, and the
  // licence excluding violence (the production has violence), earn nothing.
  const json licences = Parse(RunFigurant({"--bank", bank, "--json", "licence", "list"}));
  std::set<std::string> inactive;
  for (const auto& l : licences["licences"]) {
    if (l["standing"] == "draft") continue;  // the offer chapter 5 leaves waiting in the portal
    if (l["standing"] != "in_force") inactive.insert(l["performer"].get<std::string>());
    for (const auto& c : l["terms"]["excluded_content"]) {
      if (c == "violence") inactive.insert(l["performer"].get<std::string>());
    }
  }
  EXPECT_EQ(inactive.size(), 3u);
  const json productions = Parse(RunFigurant({"--bank", bank, "--json", "production", "list"}));
  ASSERT_EQ(productions["productions"].size(), 1u);
  const std::string production = productions["productions"][0]["id"];
  const json st =
      Parse(RunFigurant({"--bank", bank, "--json", "statement", "--production", production}));
  ASSERT_FALSE(st["performers"].empty());
  double total = 0;
  for (const auto& p : st["performers"]) {
    EXPECT_FALSE(inactive.contains(p["performer"].get<std::string>())) << p.dump();
    EXPECT_GT(p["frames"].get<int>(), 0);
    total += p["amount"].get<double>();
  }
  EXPECT_GT(total, 0);

  // Chapter 5: a user per role, each with a one-time sign-in code, printed and in portal.txt.
  const json users = Parse(RunFigurant({"--bank", bank, "--json", "user", "list"}));
  std::set<std::string> roles;
  for (const auto& u : users["users"]) roles.insert(u["role"].get<std::string>());
  EXPECT_EQ(roles, (std::set<std::string>{"performer", "studio", "union", "operator"}));
  const auto portal = ReadFile(out / "portal.txt");
  ASSERT_TRUE(portal.ok()) << portal.status().ToString();
  EXPECT_NE(portal->find("http://localhost:8080/"), std::string::npos) << *portal;
  const std::regex code("[A-Z2-7]{4}(-[A-Z2-7]{4}){5}");
  EXPECT_EQ(std::distance(std::sregex_iterator(portal->begin(), portal->end(), code),
                          std::sregex_iterator()),
            4)
      << *portal;
}

TEST(CliDemoTest, ProceduralBodiesOnRequest) {
  TempDir dir("cli-demo-procedural");
  const fs::path out = dir.path() / "demo";
  const RunResult run =
      RunFigurant({"--json", "demo", "--small", "--procedural", "--dir", out.string()});
  const json summary = Parse(run);
  ASSERT_TRUE(summary.is_object()) << run.out;
  EXPECT_EQ(summary["doubles"], 12);
  EXPECT_NE(run.err.find("bodies: procedural"), std::string::npos) << run.err;
  const json doubles =
      Parse(RunFigurant({"--bank", (out / "bank").string(), "--json", "double", "list"}));
  for (const auto& d : doubles["doubles"]) {
    EXPECT_TRUE(d["source_kind"] == "scan" || d["source_kind"] == "synthetic") << d.dump();
  }
}

// A MakeHuman folder without the data is an error naming what is missing, never a quiet switch to
// other bodies.
TEST(CliDemoTest, MissingMakeHumanDataIsANamedError) {
  TempDir dir("cli-demo-no-mh");
  const fs::path empty = dir.path() / "makehuman";
  fs::create_directories(empty);
  const RunResult r = RunFigurant(
      {"demo", "--small", "--dir", (dir.path() / "demo").string(), "--makehuman", empty.string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find((empty / "3dobjs" / "base.obj").string()), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("bodies:"), std::string::npos) << r.err;
}

TEST(CliDemoTest, MissingExamplesDirectoryIsANamedError) {
  TempDir dir("cli-demo-bad");
  const RunResult r = RunFigurant({"demo", "--small", "--dir", (dir.path() / "demo").string(),
                                   "--examples", (dir.path() / "nowhere").string()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("nowhere"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace figurant::testing

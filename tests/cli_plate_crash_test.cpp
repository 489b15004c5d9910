// Crash test: `figurant render` SIGKILLed at random points of a multi-frame render, many times.
// A plate becomes visible under its final name only after its usage is durable in the ledger, so
// after every kill each plate on disk (EXR, PNG preview, coverage sidecar) has its usage events in
// the ledger, the ledger verifies, a killed render's temporary files are never named like plates,
// and the next render of the shot removes them.
//
// FIGURANT_TEST_PLATE_DELAY_MS pauses each frame after its files are written and before it is
// metered, and again before it is published, so kills land in both windows.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "cli_harness.h"
#include "render_bank.h"

namespace figurant::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int kKills = 30;
constexpr int kFrames = 4;
constexpr char kDelayMs[] = "40";

TEST(CliPlateCrashTest, EveryPlateOnDiskIsMeteredWhereverTheRenderIsKilled) {
  TempDir dir("plate-crash");
  RenderBank bank(dir.path());
  const std::string dbl = bank.AddDouble("ana", 0.6);
  const fs::path scenes = dir.path() / "scenes";
  const fs::path out = scenes / "out";
  fs::create_directories(out);
  const std::map<std::string, std::string> slow = {{"FIGURANT_TEST_PLATE_DELAY_MS", kDelayMs}};
  auto args_for = [&](const std::string& shot) {
    const fs::path file = scenes / (shot + ".json");
    std::ofstream(file) << bank.Scene(shot, "out/" + shot + ".####.exr",
                                      json::array({RenderBank::Agent(dbl, "ana")}), kFrames)
                               .dump();
    return std::vector<std::string>{"--bank", bank.bank(), "render", file.string(), "--quiet"};
  };

  // One whole render, timed, so that kills spread over a render's whole run.
  const auto t0 = std::chrono::steady_clock::now();
  const RunResult whole = RunFigurant(args_for("whole"), slow);
  const auto t1 = std::chrono::steady_clock::now();
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  const int duration_us =
      static_cast<int>(std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0).count());

  std::mt19937 rng(20260601);
  int killed = 0, plates_seen = 0;
  for (int i = 0; i < kKills; ++i) {
    const std::string shot = "k" + std::to_string(i);
    std::map<std::string, std::string> env = slow;
    env["FIGURANT_NOW"] = "2026-06-01T12:00:00Z";
    const int kill_after_us = static_cast<int>(rng() % static_cast<unsigned>(duration_us));
    const RunResult r = RunAndKill(args_for(shot), env, kill_after_us);
    if (r.signal == SIGKILL) ++killed;
    const std::string bad = UnmeteredPlates(out, shot, bank.Usage(), &plates_seen);
    ASSERT_EQ(bad, "") << "after kill " << i << " at " << kill_after_us << " us of " << duration_us;
    ASSERT_EQ(bank.Json({"ledger", "verify"})["valid"], true) << "after kill " << i;
    if (i % 5 == 4) {
      // The next render of the shot completes and leaves no temporary file behind.
      const RunResult again = bank.Run({"render", (scenes / (shot + ".json")).string(), "--quiet"});
      ASSERT_EQ(again.exit_code, 0) << again.err;
      EXPECT_EQ(TempFiles(out), 0) << "after re-rendering " << shot;
      int plates = 0;
      EXPECT_EQ(UnmeteredPlates(out, shot, bank.Usage(), &plates), "");
      EXPECT_EQ(plates, 3 * kFrames);
    }
  }
  // The test proves little unless most renders really died mid-run, some after writing plates.
  EXPECT_GE(killed, kKills / 2);
  EXPECT_GT(plates_seen, 0);
  RecordProperty("killed_mid_run", killed);
}

}  // namespace
}  // namespace figurant::testing

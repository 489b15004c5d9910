// The bank's keys through the real binary: create-once key files under concurrent processes.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "bank/bank.h"
#include "cli_harness.h"
#include "core/clock.h"

namespace figurant::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const char* const kMakeHuman = FIGURANT_MAKEHUMAN_DIR;

class CliKeysTest : public ::testing::Test {
 protected:
  CliKeysTest() : dir_("cli-keys") {}
  void SetUp() override {
    bank_ = dir_.path() / "bank";
    ASSERT_EQ(Run({"init"}).exit_code, 0);
  }
  RunResult Run(std::vector<std::string> args, const std::map<std::string, std::string>& env = {}) {
    args.insert(args.begin(), {"--bank", bank_.string()});
    return RunFigurant(args, env);
  }
  std::string Id(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    const RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out, nullptr, false).value("id", "");
  }

  TempDir dir_;
  fs::path bank_;
};

// The attack: several first imports for one new performer at once. Each found no data key, made
// one and renamed it into place, last writer wins: the scans encrypted under the losers' keys
// could never be decrypted again. The delay seam holds every import between finding the key
// missing and creating it, so that they all race for the same file.
TEST_F(CliKeysTest, ConcurrentFirstImportsOfOnePerformerAllDecrypt) {
  constexpr int kRounds = 4;
  constexpr int kImports = 3;
  const std::map<std::string, std::string> slow = {{"FIGURANT_TEST_DATA_KEY_DELAY_MS", "300"}};
  std::vector<std::string> performers;
  for (int round = 0; round < kRounds; ++round) {
    const std::string performer = Id({"performer", "add", "--name", "P" + std::to_string(round)});
    performers.push_back(performer);
    std::vector<RunResult> results(kImports);
    std::vector<std::thread> imports;
    for (int i = 0; i < kImports; ++i) {
      imports.emplace_back([&, i] {
        results[i] =
            Run({"scan", "import", "--performer", performer, "--makehuman", kMakeHuman}, slow);
      });
    }
    for (std::thread& t : imports) t.join();
    for (const RunResult& r : results) ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  FixedClock clock(0);
  auto bank = bank::Bank::Open(bank_, clock);
  ASSERT_TRUE(bank.ok()) << bank.status().ToString();
  for (const std::string& performer : performers) {
    const auto doubles = (*bank)->registry().ListDoubles(performer);
    ASSERT_TRUE(doubles.ok());
    ASSERT_EQ(doubles->size(), static_cast<size_t>(kImports));
    for (const auto& d : *doubles) {
      const auto asset = (*bank)->LoadDouble(d.id);
      EXPECT_TRUE(asset.ok()) << performer << " " << d.id << ": " << asset.status().ToString();
    }
  }
}

}  // namespace
}  // namespace figurant::testing

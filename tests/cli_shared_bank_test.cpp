// One bank, several figurant processes at once (docs/ledger.md, "Several writers";
// docs/registry.md, "Several processes"): renders of different shots, a licence revocation and new
// performers, all started together. Every one succeeds (no "locked" or "busy" error), the ledger
// verifies and holds every frame each render metered and the revocation once, the registry every
// performer; and the revocation, made while renders held the bank open, is honoured by the next
// check.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "core/file.h"
#include "ledger/ledger.h"
#include "ledger/payloads.h"
#include "render_bank.h"

namespace figurant::testing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kShots = 3;
constexpr int kFrames = 3;
constexpr int kNewPerformers = 3;

class CliSharedBankTest : public ::testing::Test {
 protected:
  CliSharedBankTest() : dir_("shared-bank"), bank_(dir_.path()) {}

  void SetUp() override {
    for (const char* name : {"ana", "bo"}) doubles_.push_back(bank_.AddDouble(name, 0.6));
    // Revoked while the renders run; never in their scenes, but every render's casting pool
    // reads their licences, so the revocation races each render's decisions.
    revoked_double_ = bank_.AddDouble("dee", 0.6);
    revoked_performer_ = bank_.PerformerOf(revoked_double_);
    const json licences = bank_.Json({"licence", "list", "--performer", revoked_performer_});
    ASSERT_EQ(licences["licences"].size(), 1u);
    revoked_licence_ = licences["licences"][0]["id"];
    fs::create_directories(dir_.path() / "out");
    for (int s = 0; s < kShots; ++s) {
      const json agents = json::array(
          {RenderBank::Agent(doubles_[0], "ana", -0.7), RenderBank::Agent(doubles_[1], "bo", 0.7)});
      std::ofstream(SceneFile(s))
          << bank_.Scene(Shot(s), "out/" + Shot(s) + ".####.exr", agents, kFrames).dump();
    }
  }

  static std::string Shot(int s) { return "sh" + std::to_string(s); }
  fs::path SceneFile(int s) const { return dir_.path() / (Shot(s) + ".json"); }

  // Every command, started at once; their results in the same order.
  std::vector<RunResult> RunTogether(const std::vector<std::vector<std::string>>& commands) const {
    std::vector<RunResult> results(commands.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < commands.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = bank_.Run(commands[i]); });
    }
    for (std::thread& t : threads) t.join();
    return results;
  }

  // How many licence_revoked entries of `licence` the bank's verified ledger holds.
  int Revocations(const std::string& licence) const {
    const fs::path exported = dir_.path() / "export.log";
    const json out = bank_.Json({"ledger", "export", exported.string()});
    const auto head = ledger::SignedHead::FromJson(out["head"]);
    const auto bytes = ReadFile(exported);
    if (!head.ok() || !bytes.ok()) return -1;
    int n = 0;
    const auto read = ledger::ReadLog(*bytes, head->public_key, [&](const ledger::Entry& e) {
      if (e.type != ledger::EntryType::kLicenceRevoked) return Status::Ok();
      FIGURANT_ASSIGN_OR_RETURN(const ledger::LicenceRevokedEvent r,
                                ledger::ParseLicenceRevoked(e));
      n += r.licence_id == licence ? 1 : 0;
      return Status::Ok();
    });
    EXPECT_TRUE(read.ok()) << read.status().ToString();
    return n;
  }

  TempDir dir_;
  RenderBank bank_;
  std::vector<std::string> doubles_;
  std::string revoked_double_, revoked_performer_, revoked_licence_;
};

TEST_F(CliSharedBankTest, RendersRevocationAndNewPerformersAtOnceAllSucceed) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(kShots + 1 + kNewPerformers);
  for (int s = 0; s < kShots; ++s) commands.push_back({"render", SceneFile(s).string(), "--quiet"});
  commands.push_back({"licence", "revoke", revoked_licence_});
  for (int p = 0; p < kNewPerformers; ++p) {
    commands.push_back({"performer", "add", "--name", "new" + std::to_string(p)});
  }
  const std::vector<RunResult> results = RunTogether(commands);
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].exit_code, 0)
        << commands[i][0] << " " << commands[i][1] << ": " << results[i].err;
    for (const char* word : {"locked", "busy"}) {
      EXPECT_EQ(results[i].err.find(word), std::string::npos) << results[i].err;
    }
  }

  // The ledger verifies and holds every frame of every shot, each double once per frame.
  EXPECT_EQ(bank_.Run({"ledger", "verify"}).exit_code, 0);
  std::set<std::tuple<std::string, int, std::string>> metered;
  size_t events = 0;
  for (const MeteredFrame& m : bank_.Usage()) {
    metered.insert({m.shot, m.frame, m.double_id});
    ++events;
  }
  EXPECT_EQ(events, metered.size()) << "a usage event was written twice";
  for (int s = 0; s < kShots; ++s) {
    for (int f = 1001; f < 1001 + kFrames; ++f) {
      for (const std::string& d : doubles_) {
        EXPECT_TRUE(metered.contains({Shot(s), f, d})) << Shot(s) << " frame " << f << " " << d;
      }
    }
  }

  // The revocation is in the ledger once, and the registry holds every performer.
  EXPECT_EQ(Revocations(revoked_licence_), 1);
  EXPECT_EQ(bank_.Json({"performer", "list"})["performers"].size(), 3u + kNewPerformers);

  // The next decision honours the revocation made by another process.
  EXPECT_EQ(bank_.Json({"licence", "show", revoked_licence_})["licence"]["state"], "revoked");
  const RunResult check =
      bank_.Run({"check", "--performer", revoked_performer_, "--production", bank_.production()});
  EXPECT_EQ(check.exit_code, 3) << check.out << check.err;  // refused
}

}  // namespace
}  // namespace figurant::testing

// The server's cached statements and appearances: the same as computing them afresh, kept while
// the ledger's head is the same, computed again once another writer (a CLI render) has appended.
#include "api/ledger_views.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/clock.h"
#include "ledger/payloads.h"

namespace figurant::api {
namespace {

namespace fs = std::filesystem;

// Frames [first, last] of shot sh010 showing performer P's double, as one usage batch.
std::vector<std::pair<ledger::EntryType, std::string>> Frames(int first, int last) {
  std::vector<std::pair<ledger::EntryType, std::string>> batch;
  for (int f = first; f <= last; ++f) {
    ledger::UsageEvent u;
    u.render_id = "rnd_" + std::to_string(first);
    u.key = {"prd_1", "sh010", f};
    u.fps = 24;
    u.double_id = "dbl_1";
    u.performer_id = "per_P";
    u.licence_id = "lic_P";
    u.agent_names = {"a"};
    u.pixels = 100;
    u.height_fraction = 0.1;
    batch.emplace_back(ledger::EntryType::kUsage, ledger::Payload(u));
  }
  return batch;
}

double ScreenSeconds(const ledger::Statements& s) {
  double total = 0;
  for (const ledger::ProductionLine& l : s.performers.at("per_P").productions) {
    total += l.screen_seconds;
  }
  return total;
}

TEST(LedgerViewsTest, KeptWhileTheHeadIsTheSameAndComputedAgainWhenTheLedgerGrows) {
  ASSERT_TRUE(InitCrypto().ok());
  const fs::path dir =
      fs::temp_directory_path() / ("figurant-ledger-views-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  FixedClock clock(1790000000);
  const SigningKeyPair key = GenerateSigningKeyPair();
  auto server = ledger::Ledger::Open(dir, key, clock);
  auto cli = ledger::Ledger::Open(dir, key, clock);  // another writer, as a CLI render is
  ASSERT_TRUE(server.ok() && cli.ok());
  ASSERT_TRUE((*server)->AppendPayloads(Frames(1, 24)).ok());

  LedgerViews views;
  auto s = views.Statements(**server);
  auto a = views.Appearances(**server, "per_P");
  ASSERT_TRUE(s.ok() && a.ok());
  EXPECT_DOUBLE_EQ(ScreenSeconds(**s), 1.0);
  const auto fresh = ledger::ComputeAppearances(**server, "per_P");
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(ledger::AppearancesJson(**a), ledger::AppearancesJson(*fresh));
  EXPECT_EQ(*views.Statements(**server), *s) << "the same head: the same statements, kept";
  EXPECT_EQ(*views.Appearances(**server, "per_P"), *a);

  ASSERT_TRUE((*cli)->AppendPayloads(Frames(25, 36)).ok());
  ASSERT_TRUE((*server)->Refresh().ok());  // what Bank::Ledger() does before every request
  s = views.Statements(**server);
  a = views.Appearances(**server, "per_P");
  ASSERT_TRUE(s.ok() && a.ok());
  EXPECT_EQ((*s)->head.tree_size, 36u);
  EXPECT_DOUBLE_EQ(ScreenSeconds(**s), 1.5);
  EXPECT_DOUBLE_EQ((*a)->screen_seconds, 1.5);
  const auto grown = ledger::ComputeAppearances(**server, "per_P");
  ASSERT_TRUE(grown.ok());
  EXPECT_EQ(ledger::AppearancesJson(**a), ledger::AppearancesJson(*grown));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace figurant::api

// Statements against amounts computed by hand for each compensation term.
#include "ledger/statement.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "core/file.h"
#include "ledger/metering.h"

namespace figurant::ledger {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

json Terms(double scan, double per_prod, double per_sec, double minimum) {
  return {{"studio", "stu_1"},
          {"productions", "any"},
          {"uses", {"background"}},
          {"media", {"streaming"}},
          {"territories", {"worldwide"}},
          {"valid_from", "2026-01-01"},
          {"valid_until", nullptr},
          {"max_screen_height_fraction", 0.3},
          {"alterations", {"wardrobe_tint"}},
          {"excluded_content", json::array()},
          {"compensation",
           {{"currency", "EUR"},
            {"scan_fee", scan},
            {"per_production_fee", per_prod},
            {"per_screen_second", per_sec},
            {"minimum_per_production", minimum}}},
          {"revocable", true},
          {"revocation_notice_days", 30}};
}

class StatementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = fs::temp_directory_path() /
           ("figurant-statement-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    key_ = GenerateSigningKeyPair();
    ledger_ = std::move(Ledger::Open(dir_, key_, clock_)).value();
    auto sign = [&](const std::string& lic, const std::string& per, json terms, bool synthetic) {
      ASSERT_TRUE(ledger_
                      ->Append({{EntryType::kLicenceSigned,
                                 {{"licence", lic},
                                  {"performer", per},
                                  {"studio", "stu_1"},
                                  {"synthetic", synthetic},
                                  {"signed_at", 0},
                                  {"terms", terms}}}})
                      .ok());
    };
    sign("lic_fee", "per_fee", Terms(180, 250, 0, 0), false);    // production fee
    sign("lic_rate", "per_rate", Terms(100, 0, 1.5, 0), false);  // per screen-second
    sign("lic_min", "per_min", Terms(0, 10, 0.25, 200), false);  // minimum applies
    sign("lic_syn", "per_syn", Terms(0, 0, 0, 0), true);         // synthetic
  }
  void TearDown() override { fs::remove_all(dir_); }

  // `frames` frames at 24 fps of `doubles` (double, performer, licence, synthetic).
  void Render(const std::string& render, const std::string& production, const std::string& shot,
              int frames, const std::vector<AgentUsage>& agents, double fps = 24) {
    auto latest = LatestRenders(*ledger_);
    std::vector<std::pair<EntryType, std::string>> batch;
    for (int f = 0; f < frames; ++f) {
      FrameKey key{production, shot, 1001 + f};
      std::optional<std::string> prev;
      if (auto it = latest->find(key); it != latest->end()) prev = it->second;
      auto entries = FrameEntries(render, key, fps, agents, prev);
      std::move(entries.begin(), entries.end(), std::back_inserter(batch));
    }
    ASSERT_TRUE(ledger_->AppendPayloads(batch).ok());
  }

  void Sign(const std::string& lic, const std::string& per, const json& terms) {
    ASSERT_TRUE(ledger_
                    ->Append({{EntryType::kLicenceSigned,
                               {{"licence", lic},
                                {"performer", per},
                                {"studio", "stu_1"},
                                {"synthetic", false},
                                {"signed_at", 0},
                                {"terms", terms}}}})
                    .ok());
  }

  FixedClock clock_{1790000000};
  fs::path dir_;
  SigningKeyPair key_;
  std::unique_ptr<Ledger> ledger_;
};

AgentUsage A(const std::string& d, const std::string& p, const std::string& l, bool syn = false) {
  return {"agent_" + d, d, p, l, 100, 0.1, false, syn};
}

json TermsIn(const std::string& currency, double scan, double per_prod, double per_sec,
             double minimum) {
  json t = Terms(scan, per_prod, per_sec, minimum);
  t["compensation"]["currency"] = currency;
  return t;
}

TEST_F(StatementTest, EachCompensationTermByHand) {
  const std::vector<AgentUsage> crowd = {
      A("dbl_fee", "per_fee", "lic_fee"), A("dbl_rate", "per_rate", "lic_rate"),
      A("dbl_min", "per_min", "lic_min"), A("dbl_syn", "per_syn", "lic_syn", true)};
  Render("rnd_a", "prd_A", "sh010", 48, crowd);                                     // 2 s
  Render("rnd_b", "prd_A", "sh020", 24, crowd);                                     // 1 s
  Render("rnd_c", "prd_B", "sh010", 120, {A("dbl_rate", "per_rate", "lic_rate")});  // 5 s
  auto s = ComputeStatements(*ledger_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto total = [&](const std::string& p) { return s->performers.at(p).total.at("EUR"); };
  // per_fee: scan 180 + production fee 250 in prd_A = 430.
  EXPECT_NEAR(total("per_fee"), 180 + 250, 1e-9);
  // per_rate: scan 100 + 1.5 €/s × 3 s in prd_A + 1.5 × 5 s in prd_B = 112.
  EXPECT_NEAR(total("per_rate"), 100 + 1.5 * 3 + 1.5 * 5, 1e-9);
  // per_min: max(10 + 0.25 × 3, 200) = 200.
  EXPECT_NEAR(total("per_min"), 200, 1e-9);
  // Synthetic: never paid, reported apart.
  EXPECT_TRUE(s->performers.at("per_syn").total.empty());
  EXPECT_NEAR(s->synthetic.at("prd_A").screen_seconds, 3.0, 1e-9);
  const json prod = ProductionStatementJson(*s, "prd_A");
  EXPECT_EQ(prod["performers"].size(), 3u);
  EXPECT_EQ(prod["synthetic"]["frames"], 72);
  EXPECT_EQ(prod["ledger_head"]["tree_size"], ledger_->size());
  // Filtered to one production: no scan fee, only that production.
  const json only_b = PerformerStatementJson(*s, "per_rate", std::string("prd_B"));
  EXPECT_NEAR(only_b["total"]["EUR"].get<double>(), 7.5, 1e-9);
  EXPECT_FALSE(only_b.contains("scan_fees"));
}

TEST_F(StatementTest, ReRenderedFramesAreNotCountedTwice) {
  Render("rnd_1", "prd_A", "sh010", 24, {A("dbl_rate", "per_rate", "lic_rate")});
  Render("rnd_2", "prd_A", "sh010", 24, {A("dbl_rate", "per_rate", "lic_rate")});  // same frames
  auto s = ComputeStatements(*ledger_);
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->performers.at("per_rate").productions.at(0).screen_seconds, 1.0, 1e-9);
  EXPECT_NEAR(s->performers.at("per_rate").total.at("EUR"), 100 + 1.5, 1e-9);
}

TEST_F(StatementTest, TextAndCsvNameTheHead) {
  Render("rnd_1", "prd_A", "sh010", 24, {A("dbl_fee", "per_fee", "lic_fee")});
  auto s = ComputeStatements(*ledger_);
  const std::string text = ProductionStatementText(*s, "prd_A");
  EXPECT_NE(text.find("per_fee"), std::string::npos);
  EXPECT_NE(text.find("250.00 EUR"), std::string::npos);
  EXPECT_NE(text.find("root " + ToHex(ledger_->head().root)), std::string::npos);
  const std::string csv = PerformerStatementCsv(*s, "per_fee", std::nullopt);
  EXPECT_NE(csv.find("per_fee,scan_fee,lic_fee,,,180.00,EUR"), std::string::npos) << csv;
}

// One performer, two licences in two currencies, two doubles on screen together, two productions
// at different frame rates. By hand:
//   lic_eur (EUR; scan 100, per production 50, 0.5/s):
//     prd_A: 48 frames at 24 fps = 2 s → 50 + 0.5 × 2 = 51;  prd_B: 100 frames at 25 fps = 4 s → 52
//     total EUR = 100 + 51 + 52 = 203
//   lic_usd (USD; 2/s, minimum 30): prd_A 2 s → max(4, 30) = 30
TEST_F(StatementTest, CurrenciesFrameRatesAndMinimumsByHand) {
  Sign("lic_eur", "per_two", TermsIn("EUR", 100, 50, 0.5, 0));
  Sign("lic_usd", "per_two", TermsIn("USD", 0, 0, 2, 30));
  Render("rnd_1", "prd_A", "sh010", 48,
         {A("dbl_e", "per_two", "lic_eur"), A("dbl_u", "per_two", "lic_usd")});
  Render("rnd_2", "prd_B", "sh900", 100, {A("dbl_e", "per_two", "lic_eur")}, 25);
  auto s = ComputeStatements(*ledger_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const auto& p = s->performers.at("per_two");
  EXPECT_NEAR(p.total.at("EUR"), 203, 1e-9);
  EXPECT_NEAR(p.total.at("USD"), 30, 1e-9);
  const json j = PerformerStatementJson(*s, "per_two", std::nullopt);
  EXPECT_EQ(j["production_count"], 2);
  EXPECT_EQ(j["productions"].size(), 3u);  // (lic_eur, A), (lic_eur, B), (lic_usd, A)
  const json only_a = PerformerStatementJson(*s, "per_two", std::string("prd_A"));
  EXPECT_NEAR(only_a["total"]["EUR"].get<double>(), 51, 1e-9);  // no scan fee
  EXPECT_NEAR(only_a["total"]["USD"].get<double>(), 30, 1e-9);
  const std::string text = PerformerStatementText(*s, "per_two", std::nullopt);
  EXPECT_NE(text.find("total owed: 203.00 EUR"), std::string::npos) << text;
  EXPECT_NE(text.find("total owed: 30.00 USD"), std::string::npos) << text;
  const std::string csv = PerformerStatementCsv(*s, "per_two", std::nullopt);
  EXPECT_NE(csv.find("per_two,prd_B,lic_eur,100,4.0000,52.00,EUR"), std::string::npos) << csv;
}

// Screen time is counted at the rate the production's studio declared, whatever fps the usage
// entries carry (a scene at 1000 fps once billed 240 frames as 0.24 s). By hand, lic_rate pays
// 1.5/s: prd_A declared 24 fps → 240 frames = 10 s → 15; prd_B declared 23.976 fps (24000/1001)
// → 240 frames = 10.01 s → 15.015; prd_C never declared keeps its entries' 25 fps → 9.6 s.
TEST_F(StatementTest, ScreenSecondsUseTheProductionsDeclaredFrameRate) {
  auto declare = [&](const std::string& production, const std::string& fps) {
    ProductionDeclaredEvent d;
    d.production.declaration = {production,          "stu_1", "T", {"streaming"}, {"FR"}, {},
                                *ParseFrameRate(fps)};
    ASSERT_TRUE(ledger_->AppendPayloads({ToEntry(d)}).ok());
  };
  Render("rnd_1", "prd_A", "sh010", 240, {A("dbl_rate", "per_rate", "lic_rate")}, 1000);
  declare("prd_A", "24");  // declared after the usage: still counts for it
  declare("prd_B", "23.976");
  Render("rnd_2", "prd_B", "sh010", 240, {A("dbl_rate", "per_rate", "lic_rate")}, 23.976);
  Render("rnd_3", "prd_C", "sh010", 240, {A("dbl_rate", "per_rate", "lic_rate")}, 25);
  auto s = ComputeStatements(*ledger_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  std::map<std::string, double> seconds;
  for (const ProductionLine& l : s->performers.at("per_rate").productions) {
    seconds[l.production] = l.screen_seconds;
  }
  EXPECT_NEAR(seconds.at("prd_A"), 10, 1e-9);
  EXPECT_NEAR(seconds.at("prd_B"), 10.01, 1e-9);
  EXPECT_NEAR(seconds.at("prd_C"), 9.6, 1e-9);
  EXPECT_NEAR(s->performers.at("per_rate").total.at("EUR"), 100 + 1.5 * (10 + 10.01 + 9.6), 1e-9);
  ASSERT_EQ(s->warnings.size(), 1u);
  EXPECT_EQ(s->warnings[0],
            "240 usage event(s) of production prd_A were metered at 1000.000 fps: counted at the "
            "24 fps its studio declared");
}

// The builder the server keeps: fed entries as they come and priced after each step, it says
// exactly what a fresh pass over the ledger says, declared frame rates and re-renders included.
TEST_F(StatementTest, AnIncrementalBuilderAgreesWithAFreshPassAfterEveryStep) {
  StatementsBuilder builder;
  uint64_t fed = 0;
  const auto agrees = [&](const std::string& step) {
    ASSERT_TRUE(ledger_
                    ->ForEachSince(fed,
                                   [&](const Entry& e) {
                                     ++fed;
                                     return builder.Add(e);
                                   })
                    .ok());
    const Statements incremental = builder.Finish(ledger_->head());
    auto fresh = ComputeStatements(*ledger_);
    ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
    EXPECT_EQ(incremental.warnings, fresh->warnings) << step;
    for (const auto& [id, p] : fresh->performers) {
      EXPECT_EQ(PerformerStatementJson(incremental, id, std::nullopt),
                PerformerStatementJson(*fresh, id, std::nullopt))
          << step << ": " << id;
    }
    EXPECT_EQ(incremental.performers.size(), fresh->performers.size()) << step;
  };
  const auto declare = [&](const std::string& production, const std::string& fps) {
    ProductionDeclaredEvent d;
    d.production.declaration = {production,          "stu_1", "T", {"streaming"}, {"FR"}, {},
                                *ParseFrameRate(fps)};
    ASSERT_TRUE(ledger_->AppendPayloads({ToEntry(d)}).ok());
  };
  Render("rnd_1", "prd_A", "sh010", 48, {A("dbl_rate", "per_rate", "lic_rate")}, 25);
  agrees("a render of an undeclared production");
  declare("prd_A", "24");
  agrees("its rate declared after the usage");
  Render("rnd_2", "prd_A", "sh010", 48, {A("dbl_rate", "per_rate", "lic_rate")}, 23.976);
  agrees("re-rendered at another rate");
  Render("rnd_3", "prd_B", "sh020", 24, {A("dbl_min", "per_min", "lic_min")}, 24);
  agrees("another production and performer");
  agrees("nothing new");
}

// Two doubles of one performer in the same frames: the frames count once, the screen-seconds per
// double (1 s each at 1.5/s → 3, plus the scan fee 100).
TEST_F(StatementTest, TwoDoublesInOneFrameCountFramesOnceAndSecondsTwice) {
  Render("rnd_1", "prd_C", "sh010", 24,
         {A("dbl_rate", "per_rate", "lic_rate"), A("dbl_rate2", "per_rate", "lic_rate")});
  auto s = ComputeStatements(*ledger_);
  ASSERT_TRUE(s.ok());
  const ProductionLine& line = s->performers.at("per_rate").productions.at(0);
  EXPECT_EQ(line.frames, 24u);
  EXPECT_NEAR(line.screen_seconds, 2.0, 1e-9);
  EXPECT_NEAR(s->performers.at("per_rate").total.at("EUR"), 103, 1e-9);
}

// A re-render appended without its supersede entry (a caller that skipped LatestRenders) and a
// duplicated event: neither is counted twice, and the statement says so.
TEST_F(StatementTest, NoDoubleCountingEvenWithoutSupersedeEntries) {
  const auto one = A("dbl_rate", "per_rate", "lic_rate");
  ASSERT_TRUE(MeterFrame(*ledger_, "rnd_1", {"prd_A", "sh010", 1001}, 24, {one}, {}).ok());
  ASSERT_TRUE(MeterFrame(*ledger_, "rnd_2", {"prd_A", "sh010", 1001}, 24, {one}, {}).ok());
  const auto dup = FrameEntries("rnd_2", {"prd_A", "sh010", 1001}, 24, {one}, {});
  ASSERT_TRUE(ledger_->AppendPayloads(dup).ok());
  auto s = ComputeStatements(*ledger_);
  ASSERT_TRUE(s.ok());
  EXPECT_NEAR(s->performers.at("per_rate").productions.at(0).screen_seconds, 1.0 / 24, 1e-12);
  ASSERT_EQ(s->warnings.size(), 2u);
  EXPECT_NE(s->warnings[0].find("without a supersede entry"), std::string::npos);
  EXPECT_NE(s->warnings[1].find("duplicate"), std::string::npos);
}

// What a statement bills a performer: its lines and totals, without the head it names (which moves
// with every append).
json Owed(const Statements& s, const std::string& performer) {
  json j = PerformerStatementJson(s, performer, std::nullopt);
  return {{"productions", j["productions"]}, {"total", j["total"]}};
}

// Attack: the studio re-renders frames with a performer hidden (or off screen) while the earlier
// plates still exist. The performer used to stop being paid for those frames; now what they are
// owed is unchanged. Re-rendering them larger on screen does not lower it either, and under a
// licence paying per screen-second it stays the same (time on screen, not size): only the pixels
// rise to the largest render's.
TEST_F(StatementTest, ReRenderingWithAPerformerHiddenNeverLowersWhatTheyAreOwed) {
  const auto rate = A("dbl_rate", "per_rate", "lic_rate");
  const auto fee = A("dbl_fee", "per_fee", "lic_fee");
  Render("rnd_1", "prd_A", "sh010", 24, {rate, fee});
  auto first = ComputeStatements(*ledger_);
  ASSERT_TRUE(first.ok());
  const json owed = Owed(*first, "per_rate");
  EXPECT_NEAR(owed["total"]["EUR"].get<double>(), 100 + 1.5, 1e-9);

  Render("rnd_2", "prd_A", "sh010", 24, {fee});  // per_rate hidden in every frame
  auto hidden = ComputeStatements(*ledger_);
  ASSERT_TRUE(hidden.ok());
  EXPECT_EQ(Owed(*hidden, "per_rate"), owed);
  EXPECT_TRUE(hidden->warnings.empty());

  AgentUsage larger = rate;
  larger.pixels = 400;  // four times the coverage
  larger.height_fraction = 0.25;
  Render("rnd_3", "prd_A", "sh010", 24, {larger, fee});
  auto bigger = ComputeStatements(*ledger_);
  ASSERT_TRUE(bigger.ok());
  const ProductionLine& line = bigger->performers.at("per_rate").productions.at(0);
  EXPECT_NEAR(line.screen_seconds, 1.0, 1e-9);
  EXPECT_NEAR(line.pixels, 24 * 400, 1e-9);
  EXPECT_NEAR(bigger->performers.at("per_rate").total.at("EUR"), 100 + 1.5, 1e-9);
  EXPECT_EQ(Owed(*bigger, "per_fee"), Owed(*first, "per_fee"));
}

// The rule for all sequences of renders, against a reference written from docs/ledger.md: each
// (frame, double) that any render showed counts once, for the largest 1/fps among those renders.
// After every render no performer's line or total goes down.
TEST_F(StatementTest, OwedNeverDecreasesOverAnySequenceOfRenders) {
  std::mt19937 rng(17);
  const std::vector<AgentUsage> cast = {
      A("dbl_rate", "per_rate", "lic_rate"), A("dbl_rate2", "per_rate", "lic_rate"),
      A("dbl_min", "per_min", "lic_min"), A("dbl_fee", "per_fee", "lic_fee")};
  std::map<std::pair<int, std::string>, double> reference;  // (frame, double) → seconds
  std::map<std::string, double> before;                     // performer → EUR owed
  for (int render = 0; render < 40; ++render) {
    const double fps = (rng() % 2 == 0) ? 24 : 25;
    std::vector<std::pair<EntryType, std::string>> batch;
    const auto latest = LatestRenders(*ledger_);
    for (int frame = 1001; frame <= 1003; ++frame) {
      std::vector<AgentUsage> shown;
      for (AgentUsage a : cast) {
        if (rng() % 2 == 0) continue;
        a.pixels = 1 + rng() % 500;
        shown.push_back(a);
        double& seconds = reference[{frame, a.double_id}];
        seconds = std::max(seconds, 1 / fps);
      }
      const FrameKey key{"prd_A", "sh010", frame};
      std::optional<std::string> prev;
      if (auto it = latest->find(key); it != latest->end()) prev = it->second;
      auto entries = FrameEntries("rnd_" + std::to_string(render), key, fps, shown, prev);
      std::move(entries.begin(), entries.end(), std::back_inserter(batch));
    }
    ASSERT_TRUE(ledger_->AppendPayloads(batch).ok());
    auto s = ComputeStatements(*ledger_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    double rate_seconds = 0;
    for (const auto& [unit, seconds] : reference) {
      if (unit.second.rfind("dbl_rate", 0) == 0) rate_seconds += seconds;
    }
    const auto& rate_lines = s->performers.at("per_rate").productions;
    ASSERT_EQ(rate_lines.empty(), rate_seconds == 0);
    if (!rate_lines.empty()) {
      EXPECT_NEAR(rate_lines.at(0).screen_seconds, rate_seconds, 1e-9);
    }
    for (const auto& [id, p] : s->performers) {
      const double owed = p.total.count("EUR") != 0 ? p.total.at("EUR") : 0;
      EXPECT_GE(owed + 1e-9, before[id]) << id << " after render " << render;
      before[id] = owed;
    }
  }
}

// Usage under a licence the ledger has no signed terms for: that line's amount is unknown and
// said so; everyone else's statement is still computed.
TEST_F(StatementTest, UsageWithoutSignedTermsIsAWarningNotAFailure) {
  Render("rnd_1", "prd_A", "sh010", 24,
         {A("dbl_x", "per_x", "lic_missing"), A("dbl_fee", "per_fee", "lic_fee")});
  auto s = ComputeStatements(*ledger_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_NEAR(s->performers.at("per_fee").total.at("EUR"), 430, 1e-9);
  EXPECT_FALSE(s->performers.at("per_x").productions.at(0).terms_known);
  EXPECT_TRUE(s->performers.at("per_x").total.empty());
  ASSERT_EQ(s->warnings.size(), 1u);
  EXPECT_NE(s->warnings[0].find("lic_missing"), std::string::npos);
  const json prod = ProductionStatementJson(*s, "prd_A");
  EXPECT_NEAR(prod["total"]["EUR"].get<double>(), 250, 1e-9);
  EXPECT_NE(ProductionStatementText(*s, "prd_A").find("unknown"), std::string::npos);
}

// Synthetic and real performers side by side: distinct agents across frames and shots, frames
// and screen-seconds; synthetic is never paid.
TEST_F(StatementTest, ProductionStatementSeparatesSyntheticFromRealPerformers) {
  std::vector<AgentUsage> crowd = {A("dbl_fee", "per_fee", "lic_fee")};
  for (int i = 0; i < 3; ++i) {
    AgentUsage syn = A("dbl_syn", "per_syn", "lic_syn", true);
    syn.agent = "extra_" + std::to_string(i);  // three agents showing one synthetic double
    crowd.push_back(syn);
  }
  Render("rnd_1", "prd_A", "sh010", 12, crowd);  // 0.5 s
  Render("rnd_2", "prd_A", "sh020", 12, crowd);  // another shot: its agents are other agents
  auto s = ComputeStatements(*ledger_);
  ASSERT_TRUE(s.ok());
  const json prod = ProductionStatementJson(*s, "prd_A");
  EXPECT_EQ(prod["synthetic"]["agents"], 6);
  EXPECT_EQ(prod["synthetic"]["doubles"], 1);
  EXPECT_EQ(prod["synthetic"]["frames"], 24);
  EXPECT_NEAR(prod["synthetic"]["screen_seconds"].get<double>(), 1.0, 1e-9);  // per double
  EXPECT_EQ(prod["synthetic"]["amount"], 0);
  EXPECT_EQ(prod["real"]["agents"], 2);
  EXPECT_NEAR(prod["real"]["screen_seconds"].get<double>(), 1.0, 1e-9);
  EXPECT_EQ(prod["performers"].size(), 1u);
  EXPECT_TRUE(s->performers.at("per_syn").total.empty());
  const std::string text = ProductionStatementText(*s, "prd_A");
  EXPECT_NE(text.find("synthetic performers (no real person, not paid): 6 agents"),
            std::string::npos)
      << text;
}

// An auditor's statement from the export and the public key equals the bank's; a tampered export
// gives none.
TEST_F(StatementTest, StatementsFromAnExportAndThePublicKeyAlone) {
  Render("rnd_1", "prd_A", "sh010", 48, {A("dbl_rate", "per_rate", "lic_rate")});
  auto bank_side = ComputeStatements(*ledger_);
  ASSERT_TRUE(bank_side.ok());
  std::string bytes = *ReadFile(ledger_->file());
  auto auditor_side = ComputeStatements(bytes, key_.public_key);
  ASSERT_TRUE(auditor_side.ok()) << auditor_side.status().ToString();
  EXPECT_EQ(PerformerStatementJson(*auditor_side, "per_rate", std::nullopt),
            PerformerStatementJson(*bank_side, "per_rate", std::nullopt));
  bytes[bytes.size() / 2] ^= 0x01;
  auto tampered = ComputeStatements(bytes, key_.public_key);
  ASSERT_FALSE(tampered.ok());
  EXPECT_EQ(tampered.status().code(), StatusCode::kDataLoss);
  EXPECT_FALSE(
      ComputeStatements(*ReadFile(ledger_->file()), GenerateSigningKeyPair().public_key).ok());
}

}  // namespace
}  // namespace figurant::ledger

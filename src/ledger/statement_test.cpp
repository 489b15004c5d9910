// Statements against amounts computed by hand for each compensation term.
#include "ledger/statement.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

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
    ledger_ = std::move(Ledger::Open(dir_, GenerateSigningKeyPair(), clock_)).value();
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
              int frames, const std::vector<AgentUsage>& agents) {
    auto latest = LatestRenders(*ledger_);
    for (int f = 0; f < frames; ++f) {
      FrameKey key{production, shot, 1001 + f};
      std::optional<std::string> prev;
      if (auto it = latest->find(key); it != latest->end()) prev = it->second;
      ASSERT_TRUE(MeterFrame(*ledger_, render, key, 24, agents, prev).ok());
    }
  }

  FixedClock clock_{1790000000};
  fs::path dir_;
  std::unique_ptr<Ledger> ledger_;
};

AgentUsage A(const std::string& d, const std::string& p, const std::string& l, bool syn = false) {
  return {"agent_" + d, d, p, l, 100, 0.1, false, syn};
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

}  // namespace
}  // namespace figurant::ledger

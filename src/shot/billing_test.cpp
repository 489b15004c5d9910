// What the ledger bills is what the licence allowed: an agent's usage event names the licence that
// allowed the agent as it appears on screen (its real on-screen height), never one chosen again
// without that height.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crowd/scene_spec.h"
#include "ledger/statement.h"
#include "shot/shot.h"
#include "shot/shot_test_bank.h"

namespace figurant::shot {
namespace {

using nlohmann::json;

// The narrow licence allows the agent only up to this on-screen height; the agent stands larger.
constexpr double kNarrowMaxScreenHeight = 0.25;

class BillingTest : public ShotTestBank {
 protected:
  void SetUp() override {
    ShotTestBank::SetUp();
    if (HasFatalFailure()) return;
    auto d = AddPerformerDouble("two_licences", 31);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    double_ = d->id;
    performer_ = d->performer_id;
    // Two licences to the same studio, both covering the production. Without an on-screen height
    // the check prefers the narrow one (it names the production; the wide one is blanket), but
    // only the wide one allows the agent as large as it stands.
    auto narrow =
        SignLicence(performer_, LicenceTerms(production_, json::array(), kNarrowMaxScreenHeight));
    ASSERT_TRUE(narrow.ok()) << narrow.status().ToString();
    narrow_ = *narrow;
    json wide_terms = LicenceTerms(production_, json::array(), 0.95);
    wide_terms["productions"] = "any";
    auto wide = SignLicence(performer_, wide_terms);
    ASSERT_TRUE(wide.ok()) << wide.status().ToString();
    wide_ = *wide;
  }

  // One agent of the double, 6 m in front of the camera: about half the frame's height.
  crowd::SceneSpec CloseUp() {
    const json scene = {
        {"figurant_scene", 1},
        {"production", production_},
        {"shot", "bill"},
        {"seed", 5u},
        {"camera", {{"position", {0, 1, -6}}, {"look_at", {0, 0.9, 0}}, {"resolution", {64, 36}}}},
        {"render", {{"spp", 1}, {"output", "out/bill.####.exr"}}},
        {"agents", {{{"double", double_}, {"position", {0, 0, 0}}, {"name", "near"}}}}};
    auto spec = crowd::ParseSceneSpec(scene, "test scene");
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    spec->base_dir = dir_;
    return *spec;
  }

  std::string double_, performer_, narrow_, wide_;
};

TEST_F(BillingTest, TheLedgerBillsTheLicenceThatAllowedTheAgentOnScreen) {
  const crowd::SceneSpec spec = CloseUp();
  auto ledger = bank_->Ledger();
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  int events = 0;
  auto sink = MeteringSink(*bank_, spec, "rnd_bill", &events);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  auto report = RenderShot(*bank_, spec, {}, *sink);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->agents.size(), 1u);
  EXPECT_EQ(report->agents[0].licence_id, wide_);
  ASSERT_EQ(events, 1);

  std::vector<json> usage;
  ASSERT_TRUE((*ledger)
                  ->ForEach([&](const ledger::Entry& e) {
                    if (e.type == ledger::EntryType::kUsage)
                      usage.push_back(json::parse(e.payload));
                    return Status::Ok();
                  })
                  .ok());
  ASSERT_EQ(usage.size(), 1u);
  // The premise: the agent stands taller on screen than the narrow licence allows.
  EXPECT_GT(usage[0]["height_fraction"].get<double>(), kNarrowMaxScreenHeight) << usage[0].dump();
  EXPECT_EQ(usage[0]["double"], double_);
  EXPECT_EQ(usage[0]["licence"], wide_) << "narrow licence: " << narrow_;

  // The performer's statement bills the production under the wide licence alone.
  auto statements = ledger::ComputeStatements(**ledger);
  ASSERT_TRUE(statements.ok()) << statements.status().ToString();
  const ledger::PerformerStatement& s = statements->performers.at(performer_);
  ASSERT_EQ(s.productions.size(), 1u);
  EXPECT_EQ(s.productions[0].production, production_);
  EXPECT_EQ(s.productions[0].licence, wide_);
  EXPECT_TRUE(s.productions[0].terms_known);
  EXPECT_EQ(s.productions[0].frames, 1u);
}

}  // namespace
}  // namespace figurant::shot

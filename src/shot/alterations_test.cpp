// Variation stays within each licence: a crowd group asking for wardrobe tint and body-scale
// jitter alters only the agents whose licence permits it, and the per-agent check sees exactly the
// alterations applied.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "crowd/scene_spec.h"
#include "shot/shot.h"
#include "shot/shot_test_bank.h"

namespace figurant::shot {
namespace {

using nlohmann::json;

class AlterationsTest : public ShotTestBank {
 protected:
  void SetUp() override {
    ShotTestBank::SetUp();
    if (HasFatalFailure()) return;
    auto theatrical = DeclareProduction("Q", {"theatrical"});
    ASSERT_TRUE(theatrical.ok()) << theatrical.status().ToString();
    theatrical_ = theatrical->id;
    // Two performers with generated (wardrobe-marked) bodies: one permits no alteration at all,
    // the other wardrobe tint and body scale.
    for (const auto& [name, alterations] : std::map<std::string, json>{
             {"none", json::array()}, {"both", json{"wardrobe_tint", "body_scale"}}}) {
      auto d = AddPerformerDouble(name, name == "none" ? 11 : 12);
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      ASSERT_TRUE(d->has_wardrobe_regions);
      doubles_[d->id] = name;
      auto licence = SignLicence(d->performer_id, LicenceTerms(production_, alterations, 0.9));
      ASSERT_TRUE(licence.ok()) << licence.status().ToString();
    }
  }

  crowd::SceneSpec Scene(const json& variation) {
    const json scene = {
        {"figurant_scene", 1},
        {"production", production_},
        {"shot", "var"},
        {"seed", 3u},
        {"camera", {{"position", {0, 1.7, -16}}, {"look_at", {0, 1, 0}}, {"resolution", {64, 36}}}},
        {"render", {{"spp", 1}, {"output", "out/var.####.exr"}}},
        {"crowds",
         {{{"kind", "area"},
           {"name", "square"},
           {"polygon", {{-6, 0}, {6, 0}, {6, 8}, {-6, 8}}},
           {"count", 20},
           {"personal_radius_m", 0.4},
           {"variation", variation},
           {"min_same_double_distance_m", 0},
           {"min_same_double_screen_fraction", 0}}}}};
    auto spec = crowd::ParseSceneSpec(scene, "test scene");
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    spec->base_dir = dir_;
    return *spec;
  }

  std::string theatrical_;
  std::map<std::string, std::string> doubles_;  // double id → "none" | "both"
};

TEST_F(AlterationsTest, OnlyLicencesThatPermitItAreVaried) {
  auto report = RenderShot(*bank_,
                           Scene({{"tint_hue_deg", 40},
                                  {"tint_saturation", 0.3},
                                  {"tint_value", 0.2},
                                  {"body_scale", 0.05}}),
                           {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_TRUE(report->refused.empty());
  std::map<std::string, int> altered, plain;
  for (const CastAgent& a : report->agents) {
    (a.altered ? altered : plain)[doubles_.at(a.double_id)]++;
  }
  // Casting spreads the 20 agents over both doubles; only the permissive licence is varied.
  EXPECT_EQ(altered["none"], 0);
  EXPECT_GT(plain["none"], 0);
  EXPECT_EQ(plain["both"], 0);
  EXPECT_GT(altered["both"], 0);
}

TEST_F(AlterationsTest, AGroupWithNoLicensedDoubleSaysWhyEachWasExcluded) {
  crowd::SceneSpec spec = Scene(json::object());
  spec.production = theatrical_;  // both licences cover streaming only
  auto report = RenderShot(*bank_, spec, {});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kFailedPrecondition);
  const std::string& m = report.status().message();
  EXPECT_NE(m.find("crowd group 'square'"), std::string::npos) << m;
  EXPECT_NE(m.find("no double in the bank is licensed"), std::string::npos) << m;
  EXPECT_NE(m.find("medium_not_covered 2"), std::string::npos) << m;
}

TEST_F(AlterationsTest, NoVariationAskedAltersNobody) {
  auto report = RenderShot(*bank_, Scene(json::object()), {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_FALSE(report->agents.empty());
  for (const CastAgent& a : report->agents) EXPECT_FALSE(a.altered) << a.name;
}

}  // namespace
}  // namespace figurant::shot

// The clone report stage: per double shown, how close its agents come, over rendered agents only.
#include "shot/internal/clone_report.h"

#include <gtest/gtest.h>

namespace figurant::shot::internal {
namespace {

PlacedAgent At(const std::string& double_id, float x, std::optional<geom::Vec2f> screen) {
  PlacedAgent a;
  a.double_id = double_id;
  a.cast.position = {x, 0, 0};
  a.cast.screen = screen;
  return a;
}

TEST(CloneReportTest, ReportsRenderedDoublesInOrderOfFirstPlacement) {
  const std::vector<PlacedAgent> agents = {
      At("dbl_refused", 0, geom::Vec2f{0.1f, 0.3f}),  // placed first, then refused
      At("dbl_b", 1, geom::Vec2f{0.2f, 0.3f}),
      At("dbl_a", 2, geom::Vec2f{0.3f, 0.3f}),
      At("dbl_b", 5, geom::Vec2f{0.6f, 0.3f}),
      At("dbl_a", 3, std::nullopt),  // off screen: counts in the set only
  };
  const CloneSummary s = SummariseClones(agents, {1, 2, 3, 4});
  ASSERT_EQ(s.doubles.size(), 2u);
  EXPECT_EQ(s.doubles[0]["double"], "dbl_b");
  EXPECT_EQ(s.doubles[0]["agents"], 2);
  EXPECT_NEAR(s.doubles[0]["world_min_m"].get<double>(), 4.0, 1e-6);
  EXPECT_NEAR(s.doubles[0]["screen_min_fraction"].get<double>(), 0.4, 1e-6);
  EXPECT_EQ(s.doubles[1]["double"], "dbl_a");
  EXPECT_NEAR(s.doubles[1]["world_min_m"].get<double>(), 1.0, 1e-6);
  EXPECT_TRUE(s.doubles[1]["screen_min_fraction"].is_null());
  EXPECT_NEAR(s.world_min_m, 1.0, 1e-6);
  EXPECT_NEAR(s.screen_min_fraction, 0.4, 1e-6);
}

TEST(CloneReportTest, NoCloneGivesNoMinimum) {
  const CloneSummary s = SummariseClones({At("dbl_a", 0, std::nullopt)}, {0});
  ASSERT_EQ(s.doubles.size(), 1u);
  EXPECT_TRUE(s.doubles[0]["world_min_m"].is_null());
  EXPECT_TRUE(std::isinf(s.world_min_m));
  EXPECT_TRUE(std::isinf(s.screen_min_fraction));
}

}  // namespace
}  // namespace figurant::shot::internal

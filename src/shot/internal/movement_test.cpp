// The crowd simulation a shot runs (movement.h): explicit agents stand in it, so walkers go round
// them rather than through them.
#include "shot/internal/movement.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "shot/internal/placement.h"

namespace figurant::shot::internal {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Eight people walk from z = 10 to a door at z = 0 past `agents` standing in their way.
json Scene(const json& agents) {
  return {
      {"figurant_scene", 1},
      {"production", "prd_test"},
      {"shot", "walkers"},
      {"seed", 3u},
      {"frames", {{"start", 1}, {"end", 240}, {"fps", 24}}},
      {"camera", {{"position", {0, 1.6, -6}}, {"look_at", {0, 1, 5}}, {"resolution", {64, 36}}}},
      {"render", {{"spp", 1}, {"output", "w/f.####.exr"}, {"preview_png", false}}},
      {"crowds",
       {{{"kind", "area"},
         {"name", "walkers"},
         {"polygon", {{-1.5, 9}, {1.5, 9}, {1.5, 11}, {-1.5, 11}}},
         {"count", 8},
         {"behaviour",
          {{"kind", "goto"},
           {"targets", {{0, 0}}},
           {"start_spread_s", 2},
           {"arrive_within_m", 3}}}}}},
      {"agents", agents}};
}

Result<CrowdTracks> Simulate(const json& scene, const fs::path& cache) {
  FIGURANT_ASSIGN_OR_RETURN(crowd::SceneSpec spec, crowd::ParseSceneSpec(scene, "test scene"));
  FIGURANT_ASSIGN_OR_RETURN(ShotSet set, LoadShotSet(spec));
  FIGURANT_ASSIGN_OR_RETURN(auto layouts, LayOutGroups(spec, set));
  FIGURANT_ASSIGN_OR_RETURN(auto tracks, SimulateCrowd(spec, set, layouts, 1.8f, cache));
  if (!tracks) return Internal("no simulation");
  return std::move(*tracks);
}

// The closest any walker (the first 8 agents) comes to the point (x, z) over the shot. [metres]
double Closest(const CrowdTracks& t, double x, double z) {
  double closest = INFINITY;
  for (int f = 0; f < t.paths.frames; ++f) {
    for (int a = 0; a < 8; ++a) {
      const geom::Vec3f& p = t.paths.At(f, a).position;
      closest = std::min(closest, std::hypot(p.x - x, p.z - z));
    }
  }
  return closest;
}

TEST(ShotMovementTest, WalkersGoRoundTheExplicitAgentsInTheirWay) {
  const fs::path cache = fs::path(::testing::TempDir()) / "movement_test_navmesh";
  const json standing = json::array({{{"double", "dbl_a"}, {"position", {0, 0, 5}}},
                                     {{"double", "dbl_b"}, {"position", {0.7, 0, 5}}}});
  auto with = Simulate(Scene(standing), cache);
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  auto without = Simulate(Scene(json::array()), cache);
  ASSERT_TRUE(without.ok()) << without.status().ToString();
  EXPECT_EQ(with->paths.agents, 10) << "the two explicit agents stand in the simulation";
  EXPECT_EQ(without->paths.agents, 8);
  // The explicit agents hold their places.
  for (int f : {0, 120, 239}) {
    EXPECT_NEAR(with->paths.At(f, 8).position.z, 5, 1e-3);
    EXPECT_NEAR(with->paths.At(f, 9).position.x, 0.7, 1e-3);
  }
  // Without them someone walks straight through where they stand; with them no one comes
  // closer than their two personal circles (0.3 m each, less Detour's half-radius leeway).
  EXPECT_LT(Closest(*without, 0, 5), 0.3);
  EXPECT_GT(Closest(*with, 0, 5), 0.45);
  EXPECT_GT(Closest(*with, 0.7, 5), 0.45);
  RecordProperty("closest_mm", static_cast<int>(std::lround(Closest(*with, 0, 5) * 1000)));
}

}  // namespace
}  // namespace figurant::shot::internal

// Crowds that move, end to end (docs/scene-spec.md, "behaviour"): a wandering crowd travels through
// the set between frames, keeps the clone distances in every frame, reads its navigation mesh from
// the cache the second time and renders the same bytes; an agent walking towards the camera is
// checked at its largest size over the shot, not where it starts.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "crowd/scene_spec.h"
#include "shot/shot.h"
#include "shot/shot_test_bank.h"

namespace figurant::shot {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class MovementTest : public ShotTestBank {
 protected:
  void SetUp() override {
    ShotTestBank::SetUp();
    if (HasFatalFailure()) return;
    for (int i = 0; i < 4; ++i) {
      auto d = AddPerformerDouble("walker" + std::to_string(i), 40 + static_cast<uint64_t>(i));
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      auto licence = SignLicence(d->performer_id, LicenceTerms(production_, json::array(), 0.5));
      ASSERT_TRUE(licence.ok()) << licence.status().ToString();
    }
  }

  // A scene of `frames` frames at 24 fps seen from (0, 1.6, -4) towards `look_at`, 96×54 pixels.
  json Scene(const std::string& shot, int frames, const json& crowds, const json& look_at) {
    return {
        {"figurant_scene", 1},
        {"production", production_},
        {"shot", shot},
        {"seed", 5u},
        {"frames", {{"start", 1}, {"end", frames}, {"fps", 24}}},
        {"camera", {{"position", {0, 1.6, -4}}, {"look_at", look_at}, {"resolution", {96, 54}}}},
        {"render", {{"spp", 1}, {"output", shot + "/f.####.exr"}, {"preview_png", false}}},
        {"crowds", crowds}};
  }

  Result<ShotReport> Render(const json& scene, const ShotOptions& options = {}) {
    FIGURANT_ASSIGN_OR_RETURN(crowd::SceneSpec spec, crowd::ParseSceneSpec(scene, "test scene"));
    spec.base_dir = dir_;
    return RenderShot(*bank_, spec, options);
  }

  // Each agent's coverage bbox centre in a frame's coverage record, by name.
  static std::map<std::string, std::pair<double, double>> Centres(const FrameOutput& f) {
    auto text = ReadFile(f.coverage);
    EXPECT_TRUE(text.ok()) << f.coverage;
    std::map<std::string, std::pair<double, double>> out;
    const json coverage = json::parse(text.ok() ? *text : "{}");
    for (const json& a : coverage["agents"]) {
      const json& b = a["bbox"];
      out[a["agent"].get<std::string>()] = {(b[0].get<double>() + b[2].get<double>()) / 2,
                                            (b[1].get<double>() + b[3].get<double>()) / 2};
    }
    return out;
  }
};

TEST_F(MovementTest, AWanderingCrowdMovesAndKeepsItsClonesApartInEveryFrame) {
  const json crowds = json::array(
      {{{"kind", "area"},
        {"name", "square"},
        {"polygon", {{-6, 4}, {6, 4}, {6, 16}, {-6, 16}}},
        {"count", 12},
        {"min_same_double_distance_m", 3},
        {"min_same_double_screen_fraction", 0},
        {"behaviour", {{"kind", "wander"}, {"pause_min_s", 0}, {"pause_max_s", 0.2}}}}});
  const json scene = Scene("wander", 24, crowds, {0, 1, 10});
  auto r = Render(scene);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->movement.has_value());
  EXPECT_TRUE(r->movement->navmesh_built);
  EXPECT_EQ(r->movement->agents_simulated, 12);
  EXPECT_EQ(r->movement->frames, 24);
  EXPECT_EQ(r->groups.at(0).agents_moving, 12);
  // Over every frame, no two agents of one double came within 3 m.
  EXPECT_GE(r->clone_world_min_m, 3.0 - 1e-6);
  // The agents walked: most are somewhere else on screen a second later.
  const auto first = Centres(r->frames.front()), last = Centres(r->frames.back());
  int moved = 0;
  for (const auto& [name, c] : first) {
    const auto it = last.find(name);
    if (it != last.end() &&
        std::hypot(it->second.first - c.first, it->second.second - c.second) > 2)
      ++moved;
  }
  EXPECT_GE(moved, 6) << "of " << first.size() << " agents seen in the first frame";
  // Walkers show walk poses at many phase steps: far more prototypes than doubles.
  EXPECT_GT(r->posed_prototypes, 4 * 8);

  // Again: the mesh comes from the cache and the crowd is the same, byte for byte.
  auto bytes = ReadFile(r->frames.back().exr);
  ASSERT_TRUE(bytes.ok());
  auto again = Render(scene);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->movement->navmesh_built);
  EXPECT_EQ(again->movement->navmesh_key, r->movement->navmesh_key);
  auto bytes_again = ReadFile(again->frames.back().exr);
  ASSERT_TRUE(bytes_again.ok());
  EXPECT_TRUE(*bytes_again == *bytes);
}

TEST_F(MovementTest, AWalkerIsCheckedWhereItIsLargestOnScreen) {
  // One person 18 m away walks to 1.5 m in front of the camera: about 0.2 of the frame's height
  // where they start, more than the licences' 0.5 where they arrive.
  json group = {{"kind", "area"},
                {"name", "comer"},
                {"polygon", {{-0.5, 17.5}, {0.5, 17.5}, {0.5, 18.5}, {-0.5, 18.5}}},
                {"count", 1}};
  ShotOptions one_frame;
  one_frame.last_frame = 1;
  auto standing = Render(Scene("stand", 480, json::array({group}), {0, 1, 10}), one_frame);
  ASSERT_TRUE(standing.ok()) << standing.status().ToString();
  EXPECT_FALSE(standing->movement.has_value());

  group["behaviour"] = {{"kind", "goto"}, {"targets", {{0, -2.5}}}, {"start_spread_s", 0}};
  auto walking = Render(Scene("walk", 480, json::array({group}), {0, 1, 10}), one_frame);
  ASSERT_FALSE(walking.ok());
  EXPECT_EQ(walking.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(walking.status().message().find("comer_0"), std::string::npos)
      << walking.status().message();
}

}  // namespace
}  // namespace figurant::shot

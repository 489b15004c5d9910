#include "crowd/groups.h"

#include <gtest/gtest.h>

namespace figurant::crowd {
namespace {

using nlohmann::json;

TEST(GroupsTest, ParsesTheThreeKindsFromTheSpec) {
  const json crowds = json::parse(R"([
    {"kind": "area", "name": "square", "polygon": [[-20, 0], [20, 0], [20, 30], [-20, 30]],
     "holes": [[[-2, 10], [2, 10], [2, 14], [-2, 14]]], "density_per_m2": 0.8,
     "personal_radius_m": 0.35, "heading": {"mode": "random"}, "look_tags": [],
     "min_same_double_distance_m": 8.0, "min_same_double_screen_fraction": 0.15},
    {"kind": "seats", "name": "stand_a", "origin": [-30, 0, 40], "rows": 20, "seats_per_row": 120,
     "seat_spacing_m": 0.5, "row_depth_m": 0.8, "row_rise_m": 0.4, "fill": 0.85,
     "heading": {"mode": "toward", "point": [0, 0, 0]}},
    {"kind": "path", "name": "pavement", "points": [[-40, -5], [40, -5]], "width_m": 3.0,
     "spacing_m": 1.2}
  ])");
  auto g = ParseCrowdGroups(crowds, "scene.json");
  ASSERT_TRUE(g.ok()) << g.status().message();
  ASSERT_EQ(g->size(), 3u);
  const auto& area = std::get<AreaSpec>((*g)[0].layout);
  EXPECT_EQ(area.holes.size(), 1u);
  EXPECT_DOUBLE_EQ(*area.density_per_m2, 0.8);
  const auto& seats = std::get<SeatsSpec>((*g)[1].layout);
  EXPECT_EQ(seats.rows, 20);
  EXPECT_EQ(seats.heading.mode, HeadingMode::kToward);
  const auto& path = std::get<PathSpec>((*g)[2].layout);
  EXPECT_EQ(path.heading.mode, HeadingMode::kAlongPath);
  EXPECT_DOUBLE_EQ((*g)[2].clones.min_same_double_distance_m, 8.0);
}

TEST(GroupsTest, EveryProblemIsNamedWithItsGroup) {
  const json crowds = json::parse(R"([
    {"kind": "area", "name": "sq", "polygon": [[0, 0], [1, 0]], "count": 10, "density_per_m2": 1},
    {"kind": "seats", "name": "sq", "origin": [0, 0], "rows": 0, "seats_per_row": 10, "fil": 0.5},
    {"kind": "blob", "name": "b"},
    {"kind": "path", "name": "p", "points": [[0, 0], [10, 0]], "heading": {"mode": "sideways"},
     "tag_mix": {"formal": 0.8, "casual": 0.5}}
  ])");
  auto g = ParseCrowdGroups(crowds, "scene.json");
  ASSERT_FALSE(g.ok());
  const std::string& m = g.status().message();
  for (const char* s :
       {"scene.json: crowds[0] (sq): field 'polygon'", "crowds[0] (sq): field 'density_per_m2'",
        "crowds[1] (sq): field 'name': 'sq' is used by another group",
        "crowds[1] (sq): field 'origin'", "crowds[1] (sq): field 'rows'",
        "crowds[1] (sq): field 'fil': unknown field", "crowds[2] (b): field 'kind'",
        "crowds[3] (p): field 'heading.mode'", "crowds[3] (p): field 'tag_mix'"}) {
    EXPECT_NE(m.find(s), std::string::npos) << "missing: " << s << "\n" << m;
  }
}

TEST(GroupsTest, MotionDefaultsByKindAndIsChecked) {
  const json ok = json::parse(R"([
    {"kind": "area", "name": "a", "polygon": [[0, 0], [4, 0], [4, 4]], "count": 3},
    {"kind": "seats", "name": "s", "origin": [0, 0, 0], "rows": 1, "seats_per_row": 2},
    {"kind": "path", "name": "p", "points": [[0, 0], [10, 0]]},
    {"kind": "area", "name": "w", "polygon": [[0, 0], [4, 0], [4, 4]], "count": 3,
     "motion": {"cycle": "walk", "variants": 32, "cycle_seconds": 1.4}},
    {"kind": "path", "name": "q", "points": [[0, 0], [10, 0]], "motion": {"cycle": "still"}},
    {"kind": "seats", "name": "t", "origin": [0, 0, 0], "rows": 1, "seats_per_row": 2,
     "seated": true},
    {"kind": "seats", "name": "u", "origin": [0, 0, 0], "rows": 1, "seats_per_row": 2,
     "seated": true, "motion": {"cycle": "idle"}}
  ])");
  auto g = ParseCrowdGroups(ok, "scene.json");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ((*g)[0].motion.cycle, anim::MotionCycle::kIdle);
  EXPECT_EQ((*g)[0].motion.variants, 8);
  EXPECT_DOUBLE_EQ((*g)[0].motion.cycle_seconds, 6.0);
  EXPECT_EQ((*g)[1].motion.cycle, anim::MotionCycle::kIdle);
  EXPECT_EQ((*g)[2].motion.cycle, anim::MotionCycle::kWalk);
  EXPECT_DOUBLE_EQ((*g)[2].motion.cycle_seconds, 1.1);
  EXPECT_EQ((*g)[3].motion.cycle, anim::MotionCycle::kWalk);
  EXPECT_EQ((*g)[3].motion.variants, 32);
  EXPECT_DOUBLE_EQ((*g)[3].motion.cycle_seconds, 1.4);
  EXPECT_EQ((*g)[4].motion.cycle, anim::MotionCycle::kStill);
  // Seated spectators sit unless the group says otherwise.
  EXPECT_EQ((*g)[5].motion.cycle, anim::MotionCycle::kSit);
  EXPECT_EQ((*g)[6].motion.cycle, anim::MotionCycle::kIdle);

  const json bad = json::parse(R"([
    {"kind": "area", "name": "a", "polygon": [[0, 0], [4, 0], [4, 4]], "count": 3,
     "motion": {"cycle": "run", "variants": 33, "cycle_seconds": 0, "phase": 0.5}},
    {"kind": "path", "name": "p", "points": [[0, 0], [10, 0]], "motion": "walk"},
    {"kind": "seats", "name": "s", "origin": [0, 0, 0], "seat_mesh": 7},
    {"kind": "area", "name": "b", "polygon": [[0, 0], [4, 0], [4, 4]], "count": 3,
     "seat_mesh": "chair.obj"}
  ])");
  g = ParseCrowdGroups(bad, "scene.json");
  ASSERT_FALSE(g.ok());
  const std::string& m = g.status().message();
  for (const char* s :
       {"crowds[0] (a): field 'motion.cycle': expected one of: idle, walk, sit, still, got \"run\"",
        "crowds[0] (a): field 'motion.variants': expected an integer in 1..32",
        "crowds[0] (a): field 'motion.cycle_seconds'",
        "crowds[0] (a): field 'motion.phase': unknown",
        "crowds[1] (p): field 'motion': expected an object",
        "crowds[2] (s): field 'seat_mesh': expected a mesh file name",
        "crowds[3] (b): field 'seat_mesh': unknown field for a 'area' group"}) {
    EXPECT_NE(m.find(s), std::string::npos) << "missing: " << s << "\n" << m;
  }
}

// Groups once took a "clip" that nothing played; a scene still giving one is told what moves a
// group now, like any other unknown field.
TEST(GroupsTest, ClipIsRefusedWithWhatReplacedIt) {
  const json crowds = json::parse(R"([
    {"kind": "area", "name": "a", "polygon": [[0, 0], [4, 0], [4, 4]], "count": 3, "clip": "walk"}
  ])");
  auto g = ParseCrowdGroups(crowds, "scene.json");
  ASSERT_FALSE(g.ok());
  const std::string& m = g.status().message();
  EXPECT_NE(m.find("crowds[0] (a): field 'clip': unknown field for a 'area' group"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("'motion'"), std::string::npos) << m;
}

}  // namespace
}  // namespace figurant::crowd

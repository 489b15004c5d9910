#include "crowd/groups.h"

#include <gtest/gtest.h>

#include <cmath>

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

TEST(GroupsTest, BehavioursTakeTheirGroupsShapeAndSetPoints) {
  const json crowds = json::parse(R"([
    {"kind": "area", "name": "square", "polygon": [[0, 0], [20, 0], [20, 20], [0, 20]],
     "count": 50, "behaviour": {"kind": "wander", "pause_min_s": 1, "pause_max_s": 4,
                                "companions": {"share": 0.6, "max_size": 4}}},
    {"kind": "path", "name": "pavement", "points": [[-40, -5], [40, -5]], "width_m": 3,
     "behaviour": {"kind": "path", "both_ways": false, "companions": {"share": 0}}},
    {"kind": "area", "name": "leavers", "polygon": [[0, 30], [5, 30], [5, 35]], "count": 5,
     "behaviour": {"kind": "goto", "targets": [[10, 40], [12, 0.5, 40]], "start_spread_s": 9},
     "motion": {"cycle": "still"}},
    {"kind": "seats", "name": "stand", "origin": [0, 0, 50], "rows": 2, "seats_per_row": 4,
     "seated": true, "behaviour": {"kind": "watch", "point": [0, 1.5, 0]}},
    {"kind": "area", "name": "line", "polygon": [[30, 0], [35, 0], [35, 5]], "count": 6,
     "behaviour": {"kind": "queue", "head": [40, 0], "back": [0, -1], "exit": [45, 3]}},
    {"kind": "area", "name": "bystanders", "polygon": [[50, 0], [60, 0], [60, 10]], "count": 9,
     "behaviour": {"kind": "part", "obstacle": {"points": [[45, 5], [65, 5]], "speed_mps": 2}}}
  ])");
  auto g = ParseCrowdGroups(crowds, "scene.json");
  ASSERT_TRUE(g.ok()) << g.status().message();
  using Kind = nav::Behaviour::Kind;
  const CrowdGroup& square = (*g)[0];
  ASSERT_TRUE(square.behaviour.has_value());
  EXPECT_EQ(square.behaviour->kind, Kind::kWander);
  ASSERT_EQ(square.behaviour->wander.area.size(), 4u);  // the group's own polygon
  EXPECT_FLOAT_EQ(square.behaviour->wander.area[2][1], 20);
  EXPECT_FLOAT_EQ(square.behaviour->wander.pause_max_s, 4);
  EXPECT_FLOAT_EQ(square.behaviour->companions.share, 0.6f);
  EXPECT_EQ(square.behaviour->companions.max_size, 4);
  EXPECT_FLOAT_EQ(square.behaviour->companions.spacing_m, 0.9f);  // the default
  EXPECT_FLOAT_EQ((*g)[1].behaviour->companions.share, 0);        // alone unless asked
  EXPECT_EQ((*g)[1].behaviour->companions.max_size, 3);
  EXPECT_TRUE(square.Moves());
  EXPECT_EQ(square.motion.cycle, anim::MotionCycle::kIdle);  // what a wanderer does standing
  const nav::Path& walk = (*g)[1].behaviour->path;
  EXPECT_EQ(walk.points.size(), 2u);
  EXPECT_FLOAT_EQ(walk.width_m, 3);  // the path group's width
  EXPECT_FALSE(walk.both_ways);
  EXPECT_EQ((*g)[1].motion.cycle, anim::MotionCycle::kIdle);  // not walk in place
  const nav::GoTo& go = (*g)[2].behaviour->go_to;
  ASSERT_EQ(go.targets.size(), 2u);
  EXPECT_TRUE(std::isnan(go.targets[0].y));  // [x, z]: stood on the set by the shot
  EXPECT_FLOAT_EQ(go.targets[1].y, 0.5f);
  EXPECT_FLOAT_EQ(go.start_spread_s, 9);
  EXPECT_EQ((*g)[2].motion.cycle, anim::MotionCycle::kStill);
  EXPECT_FALSE((*g)[3].Moves());
  EXPECT_EQ((*g)[3].motion.cycle, anim::MotionCycle::kSit);  // watching, still seated
  EXPECT_FLOAT_EQ((*g)[4].behaviour->queue.back[1], -1);
  EXPECT_FLOAT_EQ((*g)[5].behaviour->part.obstacle.speed_mps, 2);
  EXPECT_FALSE((*g)[5].behaviour->part.obstacle.points.empty());
}

TEST(GroupsTest, BehaviourProblemsAreNamedByField) {
  const json crowds = json::parse(R"([
    {"kind": "path", "name": "a", "points": [[0, 0], [1, 0]],
     "behaviour": {"kind": "wander"}},
    {"kind": "area", "name": "b", "polygon": [[0, 0], [1, 0], [1, 1]], "count": 1,
     "behaviour": {"kind": "goto", "targets": [[1, 2], "door"], "arrive_within_m": 0.1}},
    {"kind": "area", "name": "c", "polygon": [[0, 0], [1, 0], [1, 1]], "count": 1,
     "behaviour": {"kind": "queue", "head": [0, 0], "back": [0, 0], "exit": [1, 1],
                   "service_min_s": 9, "service_max_s": 2, "spacing": 1}},
    {"kind": "seats", "name": "d", "origin": [0, 0, 0], "rows": 1, "seats_per_row": 2,
     "seated": true, "behaviour": {"kind": "goto", "targets": [[0, 9]]}},
    {"kind": "area", "name": "e", "polygon": [[0, 0], [1, 0], [1, 1]], "count": 1,
     "motion": {"cycle": "walk"}, "behaviour": {"kind": "wander"}},
    {"kind": "area", "name": "f", "polygon": [[0, 0], [1, 0], [1, 1]], "count": 1,
     "behaviour": {"kind": "run"}},
    {"kind": "area", "name": "g", "polygon": [[0, 0], [1, 0], [1, 1]], "count": 1,
     "behaviour": {"kind": "wander", "companions": {"share": 2, "max_size": 9, "size": 2}}},
    {"kind": "area", "name": "h", "polygon": [[0, 0], [1, 0], [1, 1]], "count": 1,
     "behaviour": {"kind": "watch", "point": [0, 0], "companions": {"share": 1}}}
  ])");
  auto g = ParseCrowdGroups(crowds, "s.json");
  ASSERT_FALSE(g.ok());
  const std::string m(g.status().message());
  for (const char* want : {
           "crowds[0] (a): field 'behaviour.area': missing: only an area group wanders",
           "crowds[1] (b): field 'behaviour.targets[1]': expected a point",
           "crowds[1] (b): field 'behaviour.arrive_within_m'",
           "crowds[2] (c): field 'behaviour.back': expected the way the line runs",
           "crowds[2] (c): field 'behaviour.service_min_s': must be at most service_max_s",
           "crowds[2] (c): field 'behaviour.spacing': unknown field",
           "crowds[3] (d): field 'behaviour.kind': seated people stay seated",
           "crowds[4] (e): field 'motion.cycle': a moving group walks when its agents travel",
           "crowds[5] (f): field 'behaviour.kind': expected one of: goto, part, path, queue, "
           "stand, wander, watch, got \"run\"",
           "crowds[6] (g): field 'behaviour.companions.share'",
           "crowds[6] (g): field 'behaviour.companions.max_size'",
           "crowds[6] (g): field 'behaviour.companions.size': unknown field",
           "crowds[7] (h): field 'behaviour.companions': unknown field",
       }) {
    EXPECT_NE(m.find(want), std::string::npos) << "missing: " << want << "\nin:\n" << m;
  }
}

}  // namespace
}  // namespace figurant::crowd

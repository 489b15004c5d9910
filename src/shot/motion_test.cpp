// Motion end to end (docs/motion.md): agents of a rigged double posed at different phases render
// different silhouettes, the same seed gives the same bytes, a still agent is untouched, phases
// advance over a shot (and a frame rendered alone matches the same frame of the whole shot), and
// a double that cannot be posed stands still.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/file.h"
#include "crowd/scene_spec.h"
#include "shot/shot.h"
#include "shot/shot_test_bank.h"

namespace figurant::shot {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class MotionTest : public ShotTestBank {
 protected:
  void SetUp() override {
    ShotTestBank::SetUp();
    if (HasFatalFailure()) return;
    // A rigged body, and the same kind of body with its rig stripped (a bare scan). The licence
    // permits no alteration at all: motion must not need one.
    for (const bool rigged : {true, false}) {
      auto d = AddPerformerDouble(rigged ? "rigged" : "bare", rigged ? 21 : 22, rigged);
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      (rigged ? rigged_ : bare_) = d->id;
      auto licence = SignLicence(d->performer_id, LicenceTerms(production_, json::array(), 0.95));
      ASSERT_TRUE(licence.ok()) << licence.status().ToString();
    }
  }

  // Two agents seen from the side (heading 90°), 1.6 m apart, in a 160×90 frame.
  json TwoAgents(const json& motion_a, const json& motion_b, const std::string& out) {
    json a = {{"double", rigged_}, {"position", {-0.8, 0, 0}}, {"heading_deg", 90}, {"name", "a"}};
    json b = {{"double", rigged_}, {"position", {0.8, 0, 0}}, {"heading_deg", 90}, {"name", "b"}};
    if (!motion_a.is_null()) a["motion"] = motion_a;
    if (!motion_b.is_null()) b["motion"] = motion_b;
    return {
        {"figurant_scene", 1},
        {"production", production_},
        {"shot", "motion"},
        {"seed", 9u},
        {"camera", {{"position", {0, 1, -6}}, {"look_at", {0, 0.9, 0}}, {"resolution", {160, 90}}}},
        {"render", {{"spp", 2}, {"output", out + "/m.####.exr"}}},
        {"agents", {a, b}}};
  }

  Result<ShotReport> Render(const json& scene, const ShotOptions& options = {}) {
    FIGURANT_ASSIGN_OR_RETURN(crowd::SceneSpec spec, crowd::ParseSceneSpec(scene, "test scene"));
    spec.base_dir = dir_;
    return RenderShot(*bank_, spec, options);
  }

  static json Coverage(const ShotReport& r, size_t frame) {
    auto text = ReadFile(r.frames.at(frame).coverage);
    EXPECT_TRUE(text.ok());
    return json::parse(text.ok() ? *text : "{}");
  }
  static json AgentCoverage(const json& cov, const std::string& name) {
    for (const json& a : cov["agents"]) {
      if (a["agent"] == name) return a;
    }
    ADD_FAILURE() << "no coverage for " << name;
    return json::object();
  }
  static std::string Bytes(const fs::path& p) {
    auto b = ReadFile(p);
    EXPECT_TRUE(b.ok()) << p;
    return b.ok() ? *b : "";
  }

  std::string rigged_, bare_;
};

TEST_F(MotionTest, TwoPhasesOfOneDoubleRenderDifferentSilhouettes) {
  // Walk phase 0: the left leg furthest forward, a wide stride; 0.25: the legs passing.
  auto r = Render(
      TwoAgents({{"cycle", "walk"}, {"phase", 0.0}}, {{"cycle", "walk"}, {"phase", 0.25}}, "two"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->prototypes, 2);
  EXPECT_EQ(r->posed_prototypes, 2);
  for (const CastAgent& a : r->agents) EXPECT_FALSE(a.altered) << a.name;
  const json cov = Coverage(*r, 0);
  const json a = AgentCoverage(cov, "a"), b = AgentCoverage(cov, "b");
  const int width_a = a["bbox"][2].get<int>() - a["bbox"][0].get<int>();
  const int width_b = b["bbox"][2].get<int>() - b["bbox"][0].get<int>();
  EXPECT_GE(width_a - width_b, 3) << a.dump() << "\n" << b.dump();
  // Both are the same double and performer, and metered as such.
  EXPECT_EQ(a["double"], b["double"]);
  EXPECT_GT(a["pixels"].get<double>(), 50);
  EXPECT_GT(b["pixels"].get<double>(), 50);
  // The pose does not change the standing height the licence check and the ledger see.
  EXPECT_DOUBLE_EQ(a["screen_height_fraction"].get<double>(),
                   b["screen_height_fraction"].get<double>());
}

TEST_F(MotionTest, TheSameSeedGivesTheSameBytesForAnyThreadCount) {
  const json scene = {
      {"figurant_scene", 1},
      {"production", production_},
      {"shot", "crowd"},
      {"seed", 4u},
      {"camera", {{"position", {0, 1.7, -14}}, {"look_at", {0, 1, 0}}, {"resolution", {96, 54}}}},
      {"render", {{"spp", 1}, {"output", "x/c.####.exr"}}},
      {"crowds",
       {{{"kind", "area"},
         {"name", "square"},
         {"polygon", {{-5, 0}, {5, 0}, {5, 6}, {-5, 6}}},
         {"count", 14},
         {"min_same_double_distance_m", 0},
         {"min_same_double_screen_fraction", 0}}}}};
  ShotOptions one, two;
  one.threads = 1;
  two.threads = 2;
  auto r1 = Render(scene, one);
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  const std::string first = Bytes(r1->frames[0].exr);
  fs::remove_all(dir_ / "x");
  auto r2 = Render(scene, two);
  ASSERT_TRUE(r2.ok()) << r2.status().ToString();
  EXPECT_EQ(first, Bytes(r2->frames[0].exr));
  // Area groups idle by default; the rigged double's agents move, the bare double's stand still.
  const json g = r1->ToJson()["groups"][0]["motion"];
  EXPECT_EQ(g["cycle"], "idle");
  EXPECT_EQ(g["variants"], 8);
  int moving = 0, still = 0;
  for (const CastAgent& a : r1->agents) ++(a.double_id == rigged_ ? moving : still);
  EXPECT_GT(moving, 0);
  EXPECT_GT(still, 0);
  EXPECT_EQ(g["agents_moving"], moving);
  EXPECT_EQ(g["agents_still"], still);
  EXPECT_LE(r1->posed_prototypes, 8);  // one double × at most 8 phase steps
  EXPECT_GE(r1->posed_prototypes, 2);
}

TEST_F(MotionTest, AStillAgentRendersAsBefore) {
  // No motion field, and motion "still" with a phase, give the very same bytes and no posed copy.
  auto plain = Render(TwoAgents(nullptr, nullptr, "plain"));
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->prototypes, 1);
  EXPECT_EQ(plain->posed_prototypes, 0);
  auto still = Render(TwoAgents({{"cycle", "still"}, {"phase", 0.7}}, nullptr, "still"));
  ASSERT_TRUE(still.ok()) << still.status().ToString();
  EXPECT_EQ(Bytes(plain->frames[0].exr), Bytes(still->frames[0].exr));
  // A walking neighbour does not change how the still agent is drawn.
  auto mixed = Render(TwoAgents(nullptr, {{"cycle", "walk"}, {"phase", 0.5}}, "mixed"));
  ASSERT_TRUE(mixed.ok()) << mixed.status().ToString();
  EXPECT_EQ(mixed->prototypes, 2);
  EXPECT_EQ(AgentCoverage(Coverage(*plain, 0), "a")["bbox"],
            AgentCoverage(Coverage(*mixed, 0), "a")["bbox"]);
  EXPECT_NE(Bytes(plain->frames[0].exr), Bytes(mixed->frames[0].exr));
}

TEST_F(MotionTest, PhaseAdvancesOverTheShotAndAFrameAloneMatchesTheShot) {
  json scene = TwoAgents({{"cycle", "walk"}, {"phase", 0.0}, {"cycle_seconds", 0.5}},
                         {{"cycle", "walk"}, {"phase", 0.0}, {"cycle_seconds", 0.5}}, "seq");
  scene["frames"] = {{"start", 1}, {"end", 4}, {"fps", 24}};
  auto r = Render(scene);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->frames.size(), 4u);
  // A quarter cycle every 3 frames: frame 4 is at phase 0.25, legs passing; frame 1 mid-stride.
  const int w1 = AgentCoverage(Coverage(*r, 0), "a")["bbox"][2].get<int>() -
                 AgentCoverage(Coverage(*r, 0), "a")["bbox"][0].get<int>();
  const int w4 = AgentCoverage(Coverage(*r, 3), "a")["bbox"][2].get<int>() -
                 AgentCoverage(Coverage(*r, 3), "a")["bbox"][0].get<int>();
  EXPECT_GE(w1 - w4, 3);
  EXPECT_GE(r->posed_prototypes, 4);  // the steps of four frames, shared by both agents
  const std::string frame3 = Bytes(r->frames[2].exr);
  const std::string frame1 = Bytes(r->frames[0].exr);

  // Frame 3 rendered on its own (as a farm job would) is the same image.
  fs::remove_all(dir_ / "seq");
  ShotOptions only3;
  only3.first_frame = 3;
  only3.last_frame = 3;
  auto alone = Render(scene, only3);
  ASSERT_TRUE(alone.ok()) << alone.status().ToString();
  ASSERT_EQ(alone->frames.size(), 1u);
  EXPECT_EQ(Bytes(alone->frames[0].exr), frame3);
  EXPECT_NE(frame1, frame3);
}

TEST_F(MotionTest, ADoubleThatCannotBePosedStandsStill) {
  json scene = TwoAgents({{"cycle", "walk"}, {"phase", 0.3}}, nullptr, "bare");
  scene["agents"][0]["double"] = bare_;
  scene["agents"][1]["double"] = bare_;
  auto r = Render(scene);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->prototypes, 1);
  EXPECT_EQ(r->posed_prototypes, 0);
  // The report names the double, what was asked and why it could not move.
  ASSERT_EQ(r->standing_still.size(), 1u);
  EXPECT_EQ(r->standing_still[0].double_id, bare_);
  EXPECT_EQ(r->standing_still[0].agents, 1);  // the other agent asked for nothing
  EXPECT_EQ(r->standing_still[0].asked, std::set<std::string>{"walk"});
  EXPECT_FALSE(r->standing_still[0].why.empty());
  EXPECT_EQ(r->ToJson()["standing_still"][0]["double"], bare_);
}

TEST_F(MotionTest, StillAgentsOfAnUnposableDoubleAreNotReported) {
  json scene = TwoAgents(nullptr, nullptr, "bare_still");
  scene["agents"][0]["double"] = bare_;
  scene["agents"][1]["double"] = bare_;
  auto r = Render(scene);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->standing_still.empty());
}

// A stand of two seats facing the camera, seated or standing: the rigged double's head drops by
// about a quarter of its height (~0.4 m, ~10 rows of this frame) when it sits.
TEST_F(MotionTest, SeatedSpectatorsSit) {
  auto rigged = [&](bool seated, const std::string& out) -> json {
    json scene = TwoAgents(nullptr, nullptr, out);
    scene["agents"] = json::array();
    scene["crowds"] = {{{"kind", "seats"},
                        {"name", "stand"},
                        {"origin", {-0.5, 0, 0}},
                        {"rows", 1},
                        {"seats_per_row", 2},
                        {"seat_spacing_m", 1.0},
                        {"seated", seated},
                        {"min_same_double_distance_m", 0.5},
                        {"min_same_double_screen_fraction", 0.0},
                        {"heading", {{"mode", "toward"}, {"point", {0, 0, -6}}}}}};
    auto r = Render(scene);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok()) return json::object();
    const json cov = Coverage(*r, 0);
    for (const json& a : cov["agents"]) {
      if (a["double"] == rigged_) return a;
    }
    ADD_FAILURE() << "the rigged double was not cast: " << cov.dump();
    return json::object();
  };
  const json standing = rigged(false, "standing");
  const json seated = rigged(true, "seated");
  ASSERT_TRUE(standing.contains("bbox") && seated.contains("bbox"));
  const int head_standing = standing["bbox"][1].get<int>(),
            head_seated = seated["bbox"][1].get<int>();
  EXPECT_GE(head_seated - head_standing, 6) << standing.dump() << "\n" << seated.dump();
  // The feet stay on the floor: the lowest rows barely move.
  EXPECT_NEAR(seated["bbox"][3].get<int>(), standing["bbox"][3].get<int>(), 3);
  EXPECT_LT(seated["visible_height_fraction"].get<double>(),
            0.9 * standing["visible_height_fraction"].get<double>());
}

// Without set meshes an area group stands on the ground plane at its height, not at y = 0 (where
// the opaque plane would hide it from a camera above).
TEST_F(MotionTest, AreaGroupsStandOnARaisedGroundPlane) {
  json scene = TwoAgents(nullptr, nullptr, "raised");
  scene["agents"] = json::array();
  scene["camera"] = {
      {"position", {0, 2.6, -7}}, {"look_at", {0, 1.9, 0}}, {"resolution", {160, 90}}};
  scene["set"] = {{"ground_plane", {{"height", 1.0}}}};
  scene["crowds"] = {{{"kind", "area"},
                      {"name", "square"},
                      {"polygon", {{-1.5, -0.5}, {1.5, -0.5}, {1.5, 0.5}, {-1.5, 0.5}}},
                      {"count", 2},
                      {"min_same_double_distance_m", 0.5},
                      {"min_same_double_screen_fraction", 0.0}}};
  auto r = Render(scene);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const json cov = Coverage(*r, 0);
  ASSERT_EQ(cov["agents"].size(), 2u);
  for (const json& a : cov["agents"]) {
    EXPECT_GT(a["pixels"].get<double>(), 100) << a.dump();
    EXPECT_GT(a["visible_height_fraction"].get<double>(), 0.25) << a.dump();
  }
}

}  // namespace
}  // namespace figurant::shot

// Foot skate of travelling walkers (docs/motion.md, "Travelling"): a crowd wandering a square
// round a kiosk — starting, stopping, turning, each at its own speed — drawn as Travel draws it,
// keeps most planted ankles within 2 cm of where they landed at every speed band, and is never
// drawn more than kMaxDrawnOffsetM off its simulated place.
#include "shot/internal/travel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nav/navmesh.h"
#include "scan/scan.h"
#include "synth/synth.h"

namespace figurant::shot::internal {
namespace {

constexpr float kSide = 16;  // the square [metres]

std::unique_ptr<nav::NavMesh> Square() {
  nav::NavInput in;
  in.AddGround(0, 0, kSide, kSide, 0);
  auto mesh = nav::NavMesh::Build(in, {0.3f, 1.9f, 0.25f, 40});
  EXPECT_TRUE(mesh.ok()) << mesh.status().ToString();
  return mesh.ok() ? std::move(mesh).value() : nullptr;
}

// The left ankle (its bone's head) in the body's frame at each walk step: [x, z].
std::vector<std::array<double, 2>> LeftAnkle(const geom::Mesh& bind, uint64_t jitter) {
  std::vector<std::array<double, 2>> out;
  const int left = bind.skeleton->Find("leftFoot");
  for (int s = 0; s < kTravelVariants; ++s) {
    auto posed = anim::PoseMesh(
        bind, {anim::MotionCycle::kWalk, static_cast<double>(s) / kTravelVariants, 1, jitter});
    EXPECT_TRUE(posed.ok());
    const geom::Mat4f& m = posed->skeleton->bones[static_cast<size_t>(left)].bind_pose;
    out.push_back({m.m[3][0], m.m[3][2]});
  }
  return out;
}

TEST(TravelTest, MostOfAWanderersStepsKeepThePlantedFootWithinTwoCentimetres) {
  auto scan = scan::ImportGenerated(synth::Generate(41, 0.04).mesh, "walker", "x", {});
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  ASSERT_TRUE(scan->rigged);
  ShownDoubles shown;
  shown["d"] = {std::make_shared<const geom::DoubleAsset>(scan->asset), "p",
                anim::CheckMotionSupport(scan->asset.mesh), 1.7f};
  const auto mesh = Square();
  ASSERT_NE(mesh, nullptr);
  nav::Behaviour wander;
  wander.kind = nav::Behaviour::Kind::kWander;
  wander.wander = {{{1, 1}, {kSide - 1, 1}, {kSide - 1, kSide - 1}, {1, kSide - 1}}, 0.5f, 2};
  constexpr int kAgents = 24;
  std::vector<nav::MovingAgent> people;
  for (int i = 0; i < kAgents; ++i) {
    people.push_back(
        {{2.0f + static_cast<float>(i % 6) * 2.4f, 0, 2.0f + (i / 6) * 3.5f}, 0, 0.3f, 1.8f, 0});
  }
  nav::SimulationOptions sim;
  sim.frames = 480;
  auto paths = nav::Simulate(*mesh, std::vector{wander}, people, sim);
  ASSERT_TRUE(paths.ok()) << paths.status().ToString();

  constexpr uint64_t kJitter = 77;
  std::vector<int> tracks;
  std::vector<AgentMotion> motions;
  for (int i = 0; i < kAgents; ++i) {
    tracks.push_back(i);
    AgentMotion m;
    m.cycle = anim::MotionCycle::kIdle;
    m.cycle_seconds = 6;
    m.phase0 = i / static_cast<double>(kAgents);
    m.travels = true;
    m.walk_jitter_seed = kJitter;
    motions.push_back(m);
  }
  const crowd::FrameRange frames{1, sim.frames, 24};
  const std::vector<render::AgentInstance> placed(kAgents);
  auto travel = Travel::Make(*paths, tracks, motions, std::vector<std::string>(kAgents, "d"), shown,
                             placed, frames);
  ASSERT_TRUE(travel.ok()) << travel.status().ToString();
  const auto ankle = LeftAnkle(scan->asset.mesh, kJitter);

  // Per speed band (0.8–1.1, 1.1–1.4, 1.4–1.8 m/s), each left stance's drift: the farthest its
  // ankle gets from where it was when the stance began.
  std::array<std::vector<double>, 3> drift;
  std::vector<std::optional<std::array<double, 2>>> landed(kAgents);
  std::vector<double> worst(kAgents, 0);
  std::vector<double> offsets;  // how far walkers are drawn from their synced places
  for (int frame = frames.start; frame <= frames.end; ++frame) {
    const std::vector<render::AgentPlacement> at = travel->PlacementsAt(frame);
    for (int a = 0; a < kAgents; ++a) {
      if (travel->KeyAt(static_cast<size_t>(a), frame)) {
        offsets.push_back(travel->DrawnOffsetM(static_cast<size_t>(a), frame));
      }
      const auto key = travel->KeyAt(static_cast<size_t>(a), frame);
      const bool planted = key && key->step > 1 && key->step < kTravelVariants / 2 - 1;
      const auto band = static_cast<size_t>(std::clamp(
          static_cast<int>((paths->max_speed[static_cast<size_t>(a)] - 0.8f) / 0.3f), 0, 2));
      auto& l = landed[static_cast<size_t>(a)];
      if (!planted) {
        if (l) drift[band].push_back(worst[static_cast<size_t>(a)]);
        l.reset();
        continue;
      }
      const render::AgentPlacement& p = at[static_cast<size_t>(a)];
      const auto& k = ankle[static_cast<size_t>(key->step)];
      const double s = std::sin(p.heading_rad), c = std::cos(p.heading_rad);
      const std::array<double, 2> world = {p.position.x + k[0] * c + k[1] * s,
                                           p.position.z - k[0] * s + k[1] * c};
      if (!l) {
        l = world;
        worst[static_cast<size_t>(a)] = 0;
      }
      worst[static_cast<size_t>(a)] = std::max(worst[static_cast<size_t>(a)],
                                               std::hypot(world[0] - (*l)[0], world[1] - (*l)[1]));
    }
  }
  size_t steps = 0, within = 0;
  for (size_t b = 0; b < drift.size(); ++b) {
    std::vector<double>& d = drift[b];
    if (d.empty()) continue;
    std::sort(d.begin(), d.end());
    steps += d.size();
    within += static_cast<size_t>(std::upper_bound(d.begin(), d.end(), 0.02) - d.begin());
    const std::string band = "band" + std::to_string(b);
    RecordProperty(band + "_steps", static_cast<int>(d.size()));
    RecordProperty(band + "_median_mm", static_cast<int>(std::lround(d[d.size() / 2] * 1000)));
    RecordProperty(band + "_p90_mm", static_cast<int>(std::lround(d[d.size() * 9 / 10] * 1000)));
    RecordProperty(band + "_max_mm", static_cast<int>(std::lround(d.back() * 1000)));
    // Walking on: most steps keep the foot put; the rest are turns from standing and side-steps.
    EXPECT_LE(d[d.size() / 2], 0.02) << "speed band " << b << ": " << d.size() << " steps";
  }
  EXPECT_GT(steps, 200u);
  RecordProperty("steps_within_2cm_pct", static_cast<int>(std::lround(100.0 * within / steps)));
  EXPECT_GE(within * 10, steps * 7) << within << " of " << steps << " steps within 2 cm";
  // Walkers are drawn at most kMaxDrawnOffsetM off their simulated places.
  std::sort(offsets.begin(), offsets.end());
  ASSERT_FALSE(offsets.empty());
  EXPECT_LE(offsets.back(), kMaxDrawnOffsetM + 1e-4);
}

}  // namespace
}  // namespace figurant::shot::internal

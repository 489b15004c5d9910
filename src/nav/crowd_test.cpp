#include "nav/crowd.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace figurant::nav {
namespace {

// A 24 m square of ground with a 4 m kiosk in its middle.
std::unique_ptr<NavMesh> Square() {
  NavInput in;
  in.AddGround(-12, -12, 12, 12, 0);
  geom::Mesh kiosk;
  for (int i = 0; i < 8; ++i) {
    kiosk.positions.push_back(
        {(i & 1) ? 2.0f : -2.0f, (i & 2) ? 2.5f : 0.0f, (i & 4) ? 2.0f : -2.0f});
  }
  const uint32_t quads[6][4] = {{0, 4, 6, 2}, {1, 3, 7, 5}, {0, 1, 5, 4},
                                {2, 6, 7, 3}, {0, 2, 3, 1}, {4, 5, 7, 6}};
  for (const auto& q : quads) {
    for (uint32_t i : {q[0], q[1], q[2], q[0], q[2], q[3]}) kiosk.indices.push_back(i);
  }
  in.AddMesh(kiosk);
  auto mesh = NavMesh::Build(in, {0.35f, 1.9f, 0.25f, 40});
  EXPECT_TRUE(mesh.ok()) << mesh.status().ToString();
  return mesh.ok() ? std::move(mesh).value() : nullptr;
}

float Horizontal(geom::Vec3f a, geom::Vec3f b) { return std::hypot(a.x - b.x, a.z - b.z); }

// Two groups of 20 cross the square through each other and round the kiosk: by 45 s nearly all
// have arrived; agents almost never overlap (closer than half their combined radii) and never
// stand inside the kiosk.
struct Crossing {
  std::vector<geom::Vec3f> final_positions;
  double overlap_fraction = 0;
  int arrived = 0;
  float deepest_in_kiosk = -INFINITY;  // how far inside the kiosk's footprint any agent got [m]
};

Crossing Cross(const NavMesh& mesh) {
  std::vector<CrowdAgentSpec> specs;
  std::vector<geom::Vec3f> targets;
  for (int i = 0; i < 40; ++i) {
    const float side = i < 20 ? -1.0f : 1.0f;
    const float z = -7.6f + 0.8f * static_cast<float>(i % 20);
    CrowdAgentSpec a;
    a.start = {9 * side, 0, z};
    a.radius = 0.25f + 0.005f * static_cast<float>(i % 7);
    a.max_speed = 1.2f + 0.02f * static_cast<float>(i % 10);
    specs.push_back(a);
    targets.push_back({-9 * side, 0, z});
  }
  auto crowd = Crowd::Create(mesh, specs);
  EXPECT_TRUE(crowd.ok()) << crowd.status().ToString();
  Crossing out;
  if (!crowd.ok()) return out;
  for (int i = 0; i < 40; ++i)
    EXPECT_TRUE((*crowd)->SetTarget(i, targets[static_cast<size_t>(i)]).ok());
  const float dt = 1.0f / 24;
  long pairs = 0, overlaps = 0;
  for (int step = 0; step < 45 * 24; ++step) {
    EXPECT_TRUE((*crowd)->Step(dt).ok());
    for (int i = 0; i < 40; ++i) {
      const geom::Vec3f p = (*crowd)->Position(i);
      const float inside = std::min({2.0f - p.x, p.x + 2.0f, 2.0f - p.z, p.z + 2.0f});
      out.deepest_in_kiosk = std::max(out.deepest_in_kiosk, inside);
      for (int j = i + 1; j < 40; ++j) {
        ++pairs;
        const float half =
            0.5f * (specs[static_cast<size_t>(i)].radius + specs[static_cast<size_t>(j)].radius);
        if (Horizontal(p, (*crowd)->Position(j)) < half) ++overlaps;
      }
    }
  }
  out.overlap_fraction = static_cast<double>(overlaps) / static_cast<double>(pairs);
  for (int i = 0; i < 40; ++i) {
    out.final_positions.push_back((*crowd)->Position(i));
    const geom::Vec3f p = out.final_positions.back();
    if ((*crowd)->Arrived(i) && Horizontal(p, targets[static_cast<size_t>(i)]) < 0.5f) {
      ++out.arrived;
    } else {
      std::cout << "agent " << i << " at " << p.x << "," << p.z << "\n";
    }
  }
  return out;
}

TEST(CrowdTest, TwoGroupsCrossWithoutWalkingThroughEachOtherOrTheKiosk) {
  const auto mesh = Square();
  ASSERT_NE(mesh, nullptr);
  const Crossing c = Cross(*mesh);
  std::cout << "arrived " << c.arrived << "/40, overlap fraction " << c.overlap_fraction
            << ", deepest into the kiosk " << c.deepest_in_kiosk << " m\n";
  EXPECT_GE(c.arrived, 38);
  EXPECT_LE(c.overlap_fraction, 0.001);
  EXPECT_LT(c.deepest_in_kiosk, -0.2f) << "the kiosk's wall keeps about the mesh's radius";
}

TEST(CrowdTest, TheSameCrowdMovesTheSameWayBitForBit) {
  const auto mesh = Square();
  ASSERT_NE(mesh, nullptr);
  const Crossing a = Cross(*mesh);
  const Crossing b = Cross(*mesh);
  ASSERT_EQ(a.final_positions.size(), b.final_positions.size());
  for (size_t i = 0; i < a.final_positions.size(); ++i) {
    EXPECT_EQ(a.final_positions[i].x, b.final_positions[i].x) << i;
    EXPECT_EQ(a.final_positions[i].z, b.final_positions[i].z) << i;
  }
}

TEST(CrowdTest, BadAgentsAndTargetsAreRefused) {
  const auto mesh = Square();
  ASSERT_NE(mesh, nullptr);
  CrowdAgentSpec off;
  off.start = {40, 0, 40};
  auto refused = Crowd::Create(*mesh, std::vector<CrowdAgentSpec>{CrowdAgentSpec{}, off});
  EXPECT_EQ(refused.status().code(), StatusCode::kNotFound);
  EXPECT_NE(refused.status().message().find("agent 1"), std::string::npos);
  CrowdAgentSpec too_wide;
  too_wide.start = {-8, 0, 0};
  too_wide.radius = 0.6f;  // wider than the mesh was eroded for
  EXPECT_EQ(Crowd::Create(*mesh, std::vector<CrowdAgentSpec>{too_wide}).status().code(),
            StatusCode::kInvalidArgument);
  CrowdAgentSpec ok;
  ok.start = {-8, 0, 0};
  auto crowd = Crowd::Create(*mesh, std::vector<CrowdAgentSpec>{ok});
  ASSERT_TRUE(crowd.ok()) << crowd.status().ToString();
  EXPECT_EQ((*crowd)->SetTarget(0, {40, 0, 40}).code(), StatusCode::kNotFound);
  EXPECT_EQ((*crowd)->SetTarget(1, {8, 0, 0}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*crowd)->Step(0).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*crowd)->Step(1).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE((*crowd)->SetTarget(0, {8, 0, 0}).ok());
  for (int step = 0; step < 24 * 15; ++step) ASSERT_TRUE((*crowd)->Step(1.0f / 24).ok());
  EXPECT_LT(Horizontal((*crowd)->Position(0), {8, 0, 0}), 0.3f);
}

}  // namespace
}  // namespace figurant::nav

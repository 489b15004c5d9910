#include "crowd/set_surface.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

namespace figurant::crowd {
namespace {

// A closed axis-aligned box [x0, x1] × [y0, y1] × [z0, z1], twelve triangles.
geom::Mesh Box(float x0, float y0, float z0, float x1, float y1, float z1) {
  geom::Mesh m;
  for (int k = 0; k < 8; ++k) {
    m.positions.push_back({(k & 1) ? x1 : x0, (k & 2) ? y1 : y0, (k & 4) ? z1 : z0});
  }
  const uint32_t quads[6][4] = {{0, 1, 3, 2}, {4, 6, 7, 5}, {0, 4, 5, 1},
                                {2, 3, 7, 6}, {0, 2, 6, 4}, {1, 5, 7, 3}};
  for (const auto& q : quads) {
    for (uint32_t i : {q[0], q[1], q[2], q[0], q[2], q[3]}) m.indices.push_back(i);
  }
  return m;
}

// A single-sided quad rising from y = 0 at z = 0 to z = 2 at `deg` degrees.
geom::Mesh Ramp(float deg) {
  const float s = std::tan(deg * 3.14159265f / 180.0f);
  geom::Mesh m;
  m.positions = {{-5, 0, 0}, {5, 0, 0}, {5, 2 * s, 2}, {-5, 2 * s, 2}};
  m.indices = {0, 1, 2, 0, 2, 3};
  return m;
}

TEST(SetSurfaceTest, StandsOnTheHighestWalkableSurface) {
  const std::vector<geom::Mesh> set = {Box(0, 0, 0, 4, 0.5f, 4)};
  const SetSurface s(set, 0.0);
  EXPECT_EQ(s.triangle_count(), 12u);
  EXPECT_FLOAT_EQ(*s.StandAt({2, 2}, 0.35), 0.5f);   // on the platform
  EXPECT_FLOAT_EQ(*s.StandAt({-2, 2}, 0.35), 0.0f);  // on the ground beside it
  // Too close to the edge on top (the circle overhangs a 0.5 m drop), or beside it below (the
  // body would touch the platform's side): nowhere to stand.
  EXPECT_FALSE(s.StandAt({3.8, 2}, 0.35).has_value());
  EXPECT_FALSE(s.StandAt({4.2, 2}, 0.35).has_value());
  EXPECT_TRUE(s.StandAt({4.36, 2}, 0.35).has_value());
}

TEST(SetSurfaceTest, WithoutAGroundPlaneOnlyTheSetCarriesPeople) {
  const std::vector<geom::Mesh> set = {Box(0, 0, 0, 4, 0.5f, 4)};
  const SetSurface s(set, std::nullopt);
  EXPECT_TRUE(s.StandAt({2, 2}, 0.35).has_value());
  EXPECT_FALSE(s.StandAt({-2, 2}, 0.35).has_value());
}

TEST(SetSurfaceTest, SlopesSteeperThanTheLimitAreNotWalkable) {
  const std::vector<geom::Mesh> gentle = {Ramp(30)};
  const std::vector<geom::Mesh> steep = {Ramp(40)};
  const SetSurface a(gentle, std::nullopt), b(steep, std::nullopt);
  EXPECT_NEAR(*a.StandAt({0, 1}, 0.2), std::tan(30 * 3.14159265 / 180), 1e-5);
  EXPECT_FALSE(b.StandAt({0, 1}, 0.2).has_value());
}

TEST(SetSurfaceTest, PillarsWallsAndLowCeilingsKeepTheirDistance) {
  const std::vector<geom::Mesh> set = {
      Box(-0.2f, 0, -0.2f, 0.2f, 3, 0.2f),  // pillar
      Box(5, 0, -5, 5.2f, 2.5f, 5),         // wall
      Box(-6, 1.5f, -1, -4, 1.7f, 1),       // a slab 1.5 m up: not enough head room under it
  };
  const SetSurface s(set, 0.0);
  const double r = 0.35;
  // The pillar's top is too small to stand on, and under it is inside it.
  EXPECT_FALSE(s.StandAt({0, 0}, r).has_value());
  // Exactly: the body's circle may not touch the pillar's side (at x = 0.2).
  EXPECT_FALSE(s.StandAt({0.2 + r - 1e-4, 0}, r).has_value());
  EXPECT_TRUE(s.StandAt({0.2 + r + 1e-4, 0}, r).has_value());
  EXPECT_FALSE(s.StandAt({5 - r + 1e-4, 0}, r).has_value());
  EXPECT_TRUE(s.StandAt({5 - r - 1e-4, 0}, r).has_value());
  // Under the slab there is no head room; on top of it (2 m × 2 m) there is.
  EXPECT_FLOAT_EQ(*s.StandAt({-5, 0}, r), 1.7f);
  EXPECT_FALSE(s.StandAt({-5, 1.2}, r).has_value());
  EXPECT_TRUE(s.CylinderHits({-5, 0}, r, 0.3, 1.9));
  EXPECT_FALSE(s.CylinderHits({-5, 0}, r, 0.3, 1.4));
}

TEST(SetSurfaceTest, StepsUnderTheFootprintAreFine) {
  // A 0.15 m kerb: people stand across its edge; the body cylinder starts above it.
  const std::vector<geom::Mesh> set = {Box(0, 0, -5, 5, 0.15f, 5)};
  const SetSurface s(set, 0.0);
  EXPECT_FLOAT_EQ(*s.StandAt({0.1, 0}, 0.35), 0.15f);
  EXPECT_FLOAT_EQ(*s.StandAt({-0.1, 0}, 0.35), 0.0f);
}

TEST(LayoutOnSetTest, AreaAgentsStandOnTheSetAndNeverInsideIt) {
  const std::vector<geom::Mesh> set = {Box(0, 0, 0, 4, 0.5f, 4), Box(-3, 0, -3, -2.6f, 3, 3)};
  const SetSurface s(set, 0.0);
  AreaSpec a;
  a.outline = {{-6, -4}, {6, -4}, {6, 6}, {-6, 6}};
  a.count = 150;
  a.personal_radius_m = 0.3;
  auto r = LayoutArea(a, 3, &s);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->placements.size(), 150u);
  EXPECT_TRUE(r->shortfall.empty()) << r->shortfall;
  EXPECT_GT(r->set_blocked_fraction, 0.0);
  int on_platform = 0;
  for (const Placement& p : r->placements) {
    const bool over =
        p.position.x >= 0 && p.position.x <= 4 && p.position.z >= 0 && p.position.z <= 4;
    on_platform += over ? 1 : 0;
    EXPECT_NEAR(p.position.y, over ? 0.5 : 0.0, 1e-3) << p.position.x << ", " << p.position.z;
    // Outside the wall box by more than the radius (horizontal distance to its footprint).
    const double dx = std::max({-3.0 - p.position.x, 0.0, p.position.x + 2.6});
    const double dz = std::max({-3.0 - p.position.z, 0.0, p.position.z - 3.0});
    EXPECT_GT(std::hypot(dx, dz), a.personal_radius_m);
  }
  EXPECT_GT(on_platform, 5);
  // Same seed, same set: the same placements, bit for bit.
  auto again = LayoutArea(a, 3, &s);
  ASSERT_EQ(again->placements.size(), r->placements.size());
  for (size_t i = 0; i < r->placements.size(); ++i) {
    EXPECT_EQ(std::memcmp(&again->placements[i].position, &r->placements[i].position,
                          sizeof(geom::Vec3f)),
              0);
  }
}

TEST(LayoutOnSetTest, DensityIsMetOverTheUsableArea) {
  // A 20 × 20 m square, its left half a 1 m tall block. The block's top counts (walkable and
  // clear) but not the band of one personal radius along its edges (the circle would overhang),
  // nor the ground band beside it (the body would touch it): three bands of 0.35 m × 20 m.
  const std::vector<geom::Mesh> set = {Box(-10, 0, -12, 0, 1, 12)};
  const SetSurface s(set, 0.0);
  AreaSpec a;
  a.outline = {{-10, -10}, {10, -10}, {10, 10}, {-10, 10}};
  a.density_per_m2 = 1.0;
  auto r = LayoutArea(a, 9, &s);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->set_blocked_fraction, 3 * 0.35 * 20 / 400.0, 0.02);
  EXPECT_NEAR(r->area_m2, 400 * (1 - r->set_blocked_fraction), 1e-9);
  EXPECT_EQ(r->asked, static_cast<int>(std::round(r->area_m2)));
  EXPECT_EQ(static_cast<int>(r->placements.size()), r->asked);
  // A block taller than kMaxStandHeightM is a building, not a floor: its whole footprint and the
  // band beside it are blocked.
  const std::vector<geom::Mesh> tall = {Box(-10, 0, -12, 0, 2.5f, 12)};
  const SetSurface t(tall, 0.0);
  r = LayoutArea(a, 9, &t);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->set_blocked_fraction, (200 + 0.35 * 20) / 400.0, 0.02);
  for (const Placement& p : r->placements) {
    EXPECT_GT(p.position.x, 0.35f);
    EXPECT_EQ(p.position.y, 0.0f);
  }
}

TEST(LayoutOnSetTest, AFullyBlockedPolygonPlacesNoOneAndSaysWhy) {
  const std::vector<geom::Mesh> set = {Box(-1, 0, -1, 1, 3, 1)};
  const SetSurface s(set, 0.0);
  AreaSpec a;
  a.outline = {{-0.9, -0.9}, {0.9, -0.9}, {0.9, 0.9}, {-0.9, 0.9}};
  a.count = 5;
  auto r = LayoutArea(a, 1, &s);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->asked, 5);
  EXPECT_TRUE(r->placements.empty());
  EXPECT_NE(r->shortfall.find("set geometry blocks 100% of the polygon"), std::string::npos)
      << r->shortfall;
  // Partly blocked, too small for the count: the reason says how much the set takes.
  a.outline = {{-3, -3}, {3, -3}, {3, 3}, {-3, 3}};
  a.count = 200;
  r = LayoutArea(a, 1, &s);
  ASSERT_TRUE(r.ok());
  EXPECT_LT(r->placements.size(), 200u);
  EXPECT_NE(r->shortfall.find("set geometry blocks"), std::string::npos) << r->shortfall;
  EXPECT_NE(r->shortfall.find("asked 200"), std::string::npos) << r->shortfall;
}

TEST(LayoutOnSetTest, PathAgentsStepAroundSetGeometry) {
  const std::vector<geom::Mesh> set = {Box(4, 0, -3, 6, 3, 3), Box(10, 0, -3, 14, 0.5f, 3)};
  const SetSurface s(set, 0.0);
  PathSpec p;
  p.points = {{0, 0}, {20, 0}};
  p.width_m = 1;
  auto r = LayoutPath(p, 4, &s);
  ASSERT_TRUE(r.ok());
  for (const Placement& pl : r->placements) {
    EXPECT_FALSE(pl.position.x > 4 - 0.3 && pl.position.x < 6 + 0.3) << pl.position.x;
    const bool up = pl.position.x > 10 && pl.position.x < 14;
    EXPECT_NEAR(pl.position.y, up ? 0.5 : 0.0, 1e-3) << pl.position.x;
  }
  EXPECT_NE(r->shortfall.find("had no walkable, clear ground"), std::string::npos) << r->shortfall;
}

}  // namespace
}  // namespace figurant::crowd

#include "crowd/casting.h"

#include <gtest/gtest.h>

#include "crowd/layout.h"
#include "geom/camera.h"

namespace figurant::crowd {
namespace {

std::vector<CastAgent> Grid(int nx, int nz, double spacing) {
  std::vector<CastAgent> out;
  for (int z = 0; z < nz; ++z) {
    for (int x = 0; x < nx; ++x) {
      CastAgent a;
      a.position = {static_cast<float>(x * spacing), 0, static_cast<float>(z * spacing)};
      out.push_back(a);
    }
  }
  return out;
}

std::vector<int> Range(int n) {
  std::vector<int> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<size_t>(i)] = i;
  return v;
}

TEST(CastingTest, MeetsDistanceAndSpreadsUseFairly) {
  const auto agents = Grid(30, 30, 1.0);  // 900 agents, 1 m apart
  CastOptions o;
  o.min_world_m = 6;
  o.seed = 1;
  auto r = Cast(agents, {Range(60)}, 60, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->constraints_met);
  EXPECT_GE(r->world_min_m, 6.0 - 1e-9);
  auto report = CloneReport(agents, r->assignment, 60);
  int lo = 1 << 30, hi = 0;
  for (const auto& s : report) {
    lo = std::min(lo, s.agents);
    hi = std::max(hi, s.agents);
    EXPECT_GE(s.world_min_m, 6.0 - 1e-9);
  }
  EXPECT_LE(hi - lo, 1);
}

TEST(CastingTest, RefusesWithTheNumbersWhenThePoolIsTooSmall) {
  const auto agents = Grid(20, 20, 1.0);
  CastOptions o;
  o.min_world_m = 8;
  auto r = Cast(agents, {Range(5)}, 5, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("400 agents from 5 eligible doubles"), std::string::npos) << m;
  EXPECT_NE(m.find("achievable"), std::string::npos);
  // In the library's words: the remedy is CastOptions::allow_clones, not a command-line flag.
  EXPECT_NE(m.find("allow clones"), std::string::npos) << m;
  EXPECT_EQ(m.find("--"), std::string::npos) << m;
}

TEST(CastingTest, AllowClonesMaximisesTheSmallestDistance) {
  const auto agents = Grid(20, 20, 1.0);
  CastOptions o;
  o.min_world_m = 8;
  o.allow_clones = true;
  auto r = Cast(agents, {Range(5)}, 5, o);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->constraints_met);
  EXPECT_LT(r->scale, 1.0);
  // Round robin over 5 doubles on a 20-wide grid puts clones 1 m apart (directly behind).
  std::vector<int> rr(agents.size());
  for (size_t i = 0; i < rr.size(); ++i) rr[i] = static_cast<int>(i % 5);
  double rr_min = INFINITY;
  for (const auto& s : CloneReport(agents, rr, 5)) rr_min = std::min(rr_min, s.world_min_m);
  EXPECT_NEAR(rr_min, 1.0, 1e-6);
  EXPECT_GT(r->world_min_m, 1.9) << "should beat round robin clearly";
}

TEST(CastingTest, ScreenDistanceIsHonouredForAgentsInFrame) {
  auto agents = Grid(40, 1, 5.0);  // a line of agents far apart in the world...
  for (size_t i = 0; i < agents.size(); ++i) {
    agents[i].screen = geom::Vec2f{0.5f, 0.01f * static_cast<float>(i)};  // ...stacked on screen
  }
  CastOptions o;
  o.min_world_m = 1;
  o.min_screen_fraction = 0.1;
  o.seed = 3;
  auto r = Cast(agents, {Range(10)}, 10, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(r->screen_min_fraction, 0.1 - 1e-6);
}

// A long stand from few doubles, seen from the pitch, its ends out of frame: the on-screen minimum
// binds long before the world one. Spreading clones only as far as the screen ratio needs would
// leave agents just out of frame beside their clone; casting keeps both distances large.
TEST(CastingTest, AllowClonesSpreadsClonesInTheWorldAndOnScreen) {
  SeatsSpec seats;
  seats.origin = {-60, 0.3f, 40};
  seats.rows = 25;
  seats.seats_per_row = 240;
  seats.seat_spacing_m = 0.5;
  seats.row_depth_m = 0.85;
  seats.row_rise_m = 0.42;
  auto layout = LayoutSeats(seats, 3);
  ASSERT_TRUE(layout.ok());
  geom::Camera camera;
  camera.position = {0, 8, -40};
  camera.look_at = {0, 8, 60};
  const geom::Camera::Basis basis = camera.ComputeBasis();
  std::vector<CastAgent> agents(layout->placements.size());
  int in_frame = 0;
  for (size_t i = 0; i < agents.size(); ++i) {
    agents[i].position = layout->placements[i].position;
    const auto px = camera.Project(basis, agents[i].position);
    if (px && px->x >= 0 && px->x < 1920 && px->y >= 0 && px->y < 1080) {
      agents[i].screen = geom::Vec2f{px->x / 1920.0f, px->y / 1920.0f};
      ++in_frame;
    }
  }
  ASSERT_GT(in_frame, 1000);
  ASSERT_LT(in_frame, 5000);  // the ends are out of frame
  std::vector<int> round_robin(agents.size());
  for (size_t i = 0; i < agents.size(); ++i) round_robin[i] = static_cast<int>(i % 10);
  double rr_world = INFINITY, rr_screen = INFINITY;
  for (const CloneStats& c : CloneReport(agents, round_robin, 10)) {
    rr_world = std::min(rr_world, c.world_min_m);
    rr_screen = std::min(rr_screen, c.screen_min_fraction);
  }
  CastOptions o;
  o.min_world_m = 8;
  o.min_screen_fraction = 0.15;
  o.allow_clones = true;
  o.seed = 2;
  auto r = Cast(agents, {Range(10)}, 10, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->constraints_met);
  EXPECT_GE(r->world_min_m, 1.5 * rr_world);
  EXPECT_GE(r->screen_min_fraction, 1.5 * rr_screen);
}

TEST(CastingTest, PoolsRestrictWhichDoublesAnAgentMayShow) {
  auto agents = Grid(10, 10, 2.0);
  for (size_t i = 0; i < agents.size(); ++i) agents[i].pool = i % 2 == 0 ? 0 : 1;
  CastOptions o;
  auto r = Cast(agents, {{0, 1, 2}, {3, 4}}, 5, o);
  ASSERT_TRUE(r.ok());
  for (size_t i = 0; i < agents.size(); ++i) {
    if (agents[i].pool == 0) {
      EXPECT_LE(r->assignment[i], 2);
    } else {
      EXPECT_GE(r->assignment[i], 3);
    }
  }
  EXPECT_EQ(Cast(agents, {{0}, {}}, 5, o).status().code(), StatusCode::kFailedPrecondition);
}

TEST(CastingTest, DeterministicForASeed) {
  const auto agents = Grid(25, 25, 1.0);
  CastOptions o;
  o.min_world_m = 5;
  o.allow_clones = true;
  o.seed = 99;
  auto a = Cast(agents, {Range(40)}, 40, o);
  auto b = Cast(agents, {Range(40)}, 40, o);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->assignment, b->assignment);
  o.seed = 100;
  EXPECT_NE(Cast(agents, {Range(40)}, 40, o)->assignment, a->assignment);
}

// Two lines of walkers pass each other: 20 walk +X along z = 0 while 20 walk -X along z = 2, so
// agents far apart at the start meet half way. Cast on the first moment alone, some pairs of one
// double come within the minimum; cast over every moment, none does.
TEST(CastingTest, MovingAgentsKeepTheirDistanceAtEveryMoment) {
  constexpr int kWalkers = 20, kMoments = 11;
  std::vector<CastAgent> agents;
  for (int k = 0; k < kMoments; ++k) {
    const float t = static_cast<float>(k) / (kMoments - 1);  // 0..1 of the crossing
    for (int i = 0; i < 2 * kWalkers; ++i) {
      const bool east = i < kWalkers;
      const float x0 = static_cast<float>((i % kWalkers) * 4);  // 4 m apart along each line
      CastAgent a;
      a.position = east ? geom::Vec3f{x0 + 80 * t, 0, 0} : geom::Vec3f{x0 + 80 - 80 * t, 0, 2};
      agents.push_back(a);
    }
  }
  CastOptions o;
  o.min_world_m = 6;
  o.seed = 3;
  const std::vector<CastAgent> first(agents.begin(), agents.begin() + 2 * kWalkers);
  auto still = Cast(first, {Range(24)}, 24, o);
  ASSERT_TRUE(still.ok()) << still.status().ToString();
  double still_min = INFINITY;
  for (const CloneStats& s : CloneReport(agents, still->assignment, 24, kMoments)) {
    still_min = std::min(still_min, s.world_min_m);
  }
  EXPECT_LT(still_min, 6);  // the first moment alone lets clones meet

  o.moments = kMoments;
  auto moving = Cast(agents, {Range(24)}, 24, o);
  ASSERT_TRUE(moving.ok()) << moving.status().ToString();
  ASSERT_EQ(moving->assignment.size(), static_cast<size_t>(2 * kWalkers));
  EXPECT_TRUE(moving->constraints_met);
  EXPECT_GE(moving->world_min_m, 6 - 1e-6);
  for (const CloneStats& s : CloneReport(agents, moving->assignment, 24, kMoments)) {
    EXPECT_GE(s.world_min_m, 6 - 1e-6);
  }
  o.moments = 7;  // does not divide 440 agents
  EXPECT_EQ(Cast(agents, {Range(24)}, 24, o).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace figurant::crowd

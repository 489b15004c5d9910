#include "crowd/layout.h"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>

namespace figurant::crowd {
namespace {

double MinPairDistance(const std::vector<Placement>& ps) {
  double best = INFINITY;
  for (size_t i = 0; i < ps.size(); ++i) {
    for (size_t j = i + 1; j < ps.size(); ++j) {
      best = std::min(best, static_cast<double>(geom::Length(ps[i].position - ps[j].position)));
    }
  }
  return best;
}

AreaSpec Square() {
  AreaSpec a;
  a.outline = {{-20, 0}, {20, 0}, {20, 30}, {-20, 30}};
  a.holes = {{{-2, 10}, {2, 10}, {2, 14}, {-2, 14}}, {{8, 20}, {14, 20}, {11, 26}}};
  a.density_per_m2 = 0.8;
  a.personal_radius_m = 0.35;
  return a;
}

TEST(LayoutAreaTest, DensityIsHonouredWithinFivePercentWithHoles) {
  const AreaSpec a = Square();
  auto r = LayoutArea(a, 7);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const double area = 40.0 * 30 - 16 - 18;
  EXPECT_NEAR(r->area_m2, area, 1e-9);
  const double density = static_cast<double>(r->placements.size()) / area;
  EXPECT_NEAR(density, 0.8, 0.8 * 0.05);
  EXPECT_TRUE(r->shortfall.empty());
  for (const Placement& p : r->placements) {
    const Point2 q{p.position.x, p.position.z};
    EXPECT_TRUE(PointInPolygon(a.outline, q));
    for (const Polygon& h : a.holes) EXPECT_FALSE(PointInPolygon(h, q));
  }
  EXPECT_GE(MinPairDistance(r->placements), 2 * a.personal_radius_m - 1e-5);
}

TEST(LayoutAreaTest, DensityIsEvenAcrossTheArea) {
  AreaSpec a;
  a.outline = {{0, 0}, {40, 0}, {40, 40}, {0, 40}};
  a.density_per_m2 = 0.5;
  auto r = LayoutArea(a, 11);
  ASSERT_TRUE(r.ok());
  // Each 10 m × 10 m block holds 50 ± 20 % people: no clumps, no empty patches.
  for (int bx = 0; bx < 4; ++bx) {
    for (int bz = 0; bz < 4; ++bz) {
      int n = 0;
      for (const Placement& p : r->placements) {
        if (p.position.x >= bx * 10 && p.position.x < bx * 10 + 10 && p.position.z >= bz * 10 &&
            p.position.z < bz * 10 + 10) {
          ++n;
        }
      }
      EXPECT_NEAR(n, 50, 10) << "block " << bx << "," << bz;
    }
  }
}

TEST(LayoutAreaTest, ExactCountAndDeterminism) {
  AreaSpec a = Square();
  a.density_per_m2.reset();
  a.count = 300;
  auto r1 = LayoutArea(a, 3);
  auto r2 = LayoutArea(a, 3);
  auto r3 = LayoutArea(a, 4);
  ASSERT_TRUE(r1.ok());
  ASSERT_EQ(r1->placements.size(), 300u);
  ASSERT_EQ(r2->placements.size(), 300u);
  for (size_t i = 0; i < 300; ++i) {
    EXPECT_EQ(r1->placements[i].position, r2->placements[i].position);
    EXPECT_EQ(r1->placements[i].heading_rad, r2->placements[i].heading_rad);
  }
  EXPECT_NE(r1->placements[0].position, r3->placements[0].position);
}

// Smallest distance between two placements, by a sweep along x (for sets too large for pairs).
double SweepMinDistance(const std::vector<Placement>& ps) {
  std::vector<std::pair<double, double>> pts;
  for (const Placement& p : ps) pts.emplace_back(p.position.x, p.position.z);
  std::sort(pts.begin(), pts.end());
  double best = INFINITY;
  for (size_t i = 1; i < pts.size(); ++i) {
    for (size_t j = i; j-- > 0 && pts[i].first - pts[j].first < best;) {
      best = std::min(best, std::hypot(pts[i].first - pts[j].first, pts[i].second - pts[j].second));
    }
  }
  return best;
}

// Large areas are sampled and thinned in bands of rows, two passes of concurrent bands: the seams
// must not show (spacing and density hold across them) and the result must not depend on the
// number of threads.
TEST(LayoutAreaTest, LargeAreasInBandsKeepSpacingDensityAndDeterminism) {
  AreaSpec a;
  a.outline = {{0, 0}, {300, 0}, {300, 300}, {0, 300}};
  a.holes = {{{100, 100}, {140, 100}, {140, 140}, {100, 140}}};
  a.count = 120'000;
  a.personal_radius_m = 0.3;
  auto many = LayoutArea(a, 21);
  ASSERT_TRUE(many.ok()) << many.status().ToString();
  ASSERT_EQ(many->placements.size(), 120'000u);
  EXPECT_GE(SweepMinDistance(many->placements), 2 * a.personal_radius_m - 1e-5);
  // Every 20 m × 20 m block clear of the hole holds its share (density 120000 / 88400 per m²)
  // within 10 %: no seam left half-empty or crowded.
  const double density = 120'000.0 / (300.0 * 300 - 40 * 40);
  std::vector<int> blocks(15 * 15, 0);
  for (const Placement& p : many->placements) {
    ++blocks[static_cast<size_t>(std::min(14, static_cast<int>(p.position.z / 20)) * 15 +
                                 std::min(14, static_cast<int>(p.position.x / 20)))];
  }
  for (int bz = 0; bz < 15; ++bz) {
    for (int bx = 0; bx < 15; ++bx) {
      if (bx >= 5 && bx <= 6 && bz >= 5 && bz <= 6) continue;  // the hole's blocks
      EXPECT_NEAR(blocks[static_cast<size_t>(bz * 15 + bx)], density * 400, density * 40)
          << "block " << bx << "," << bz;
    }
  }
  tbb::task_arena one_thread(1);
  Result<LayoutResult> alone = InvalidArgument("not run");
  one_thread.execute([&] { alone = LayoutArea(a, 21); });
  ASSERT_TRUE(alone.ok());
  ASSERT_EQ(alone->placements.size(), many->placements.size());
  for (size_t i = 0; i < many->placements.size(); ++i) {
    ASSERT_EQ(alone->placements[i].position, many->placements[i].position) << i;
    ASSERT_EQ(alone->placements[i].heading_rad, many->placements[i].heading_rad) << i;
  }
}

TEST(LayoutAreaTest, OvercrowdedAreaReportsWhatFits) {
  AreaSpec a;
  a.outline = {{0, 0}, {5, 0}, {5, 5}, {0, 5}};
  a.count = 500;
  a.personal_radius_m = 0.35;
  auto r = LayoutArea(a, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->asked, 500);
  EXPECT_LT(r->placements.size(), 500u);
  EXPECT_GT(r->placements.size(), 25u);
  EXPECT_NE(r->shortfall.find("fits only"), std::string::npos) << r->shortfall;
  EXPECT_GE(MinPairDistance(r->placements), 0.7 - 1e-5);
}

TEST(LayoutAreaTest, BadSpecsNameTheField) {
  AreaSpec a = Square();
  a.count = 10;  // both density and count
  EXPECT_NE(LayoutArea(a, 1).status().message().find("exactly one"), std::string::npos);
  a = Square();
  a.outline.resize(2);
  EXPECT_NE(LayoutArea(a, 1).status().message().find("polygon"), std::string::npos);
  a = Square();
  a.personal_radius_m = 0;
  EXPECT_NE(LayoutArea(a, 1).status().message().find("personal_radius_m"), std::string::npos);
}

TEST(LayoutAreaTest, HeadingTowardFacesThePoint) {
  AreaSpec a;
  a.outline = {{-5, -5}, {5, -5}, {5, 5}, {-5, 5}};
  a.count = 40;
  a.heading.mode = HeadingMode::kToward;
  a.heading.point = {0, 0, 20};
  auto r = LayoutArea(a, 2);
  ASSERT_TRUE(r.ok());
  for (const Placement& p : r->placements) {
    const geom::Vec3f facing{std::sin(p.heading_rad), 0, std::cos(p.heading_rad)};
    const geom::Vec3f to = geom::Normalize(a.heading.point - p.position);
    EXPECT_GT(geom::Dot(facing, to), 0.999f);
  }
}

TEST(LayoutSeatsTest, FillsToTheRatioFacingTheTarget) {
  SeatsSpec s;
  s.origin = {-30, 0, 40};
  s.rows = 20;
  s.seats_per_row = 120;
  s.seat_spacing_m = 0.5;
  s.row_depth_m = 0.8;
  s.row_rise_m = 0.4;
  s.fill = 0.85;
  s.heading.mode = HeadingMode::kToward;
  s.heading.point = {0, 0, 0};
  auto r = LayoutSeats(s, 5);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->placements.size(), static_cast<size_t>(std::llround(0.85 * 2400)));
  for (const Placement& p : r->placements) {
    ASSERT_GE(p.row, 0);
    EXPECT_NEAR(p.position.y, p.row * 0.4f, 1e-4);
    EXPECT_NEAR(p.position.z, 40 + p.row * 0.8f, 1e-3);  // rows recede away from the pitch
    EXPECT_NEAR(p.position.x, -30 + p.seat * 0.5f, 1e-3);
    const geom::Vec3f facing{std::sin(p.heading_rad), 0, std::cos(p.heading_rad)};
    EXPECT_GT(geom::Dot(facing, geom::Normalize(s.heading.point - p.position)), 0.99f);
  }
  // No seat holds two people.
  std::set<std::pair<int, int>> seats;
  for (const Placement& p : r->placements) EXPECT_TRUE(seats.insert({p.row, p.seat}).second);
}

// A seat mesh at every seat, taken or not, turned to face the front; sitters sit in them, at the
// back of the tread, and a seat too detailed for the stand is refused with the numbers.
TEST(LayoutSeatsTest, SeatMeshesAtEverySeatFacingTheFront) {
  auto seat = std::make_shared<geom::Mesh>();
  // A wedge: one triangle whose apex points forwards (+Z), 0.4 m up.
  seat->positions = {{-0.2f, 0.4f, -0.2f}, {0.2f, 0.4f, -0.2f}, {0, 0.4f, 0.3f}};
  seat->indices = {0, 1, 2};
  SeatsSpec s;
  s.origin = {0, 0, 10};
  s.rows = 3;
  s.seats_per_row = 4;
  s.row_depth_m = 0.8;
  s.fill = 0.5;
  s.seated = true;
  s.heading.mode = HeadingMode::kToward;
  s.heading.point = {0, 0, 0};  // the front is -Z: rows recede along +Z
  s.seat_geometry = seat;
  auto r = LayoutSeats(s, 3);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->set_geometry.triangle_count(), 12u);  // every seat, taken or not
  for (size_t t = 0; t < 12; ++t) {
    const geom::Vec3f apex = r->set_geometry.positions[3 * t + 2];
    const geom::Vec3f left = r->set_geometry.positions[3 * t];
    EXPECT_LT(apex.z, left.z - 0.4f) << t;  // the seat faces the front (-Z)
  }
  ASSERT_EQ(r->placements.size(), 6u);
  for (const Placement& p : r->placements) {
    // At the back of the tread by min(0.2 m, a quarter of the row depth), over a seat's centre.
    EXPECT_NEAR(p.position.z, 10 + p.row * 0.8f + 0.2f, 1e-4);
    bool over_a_seat = false;
    for (size_t t = 0; t < 12; ++t) {
      const geom::Vec3f a = r->set_geometry.positions[3 * t];
      const geom::Vec3f b = r->set_geometry.positions[3 * t + 1];
      over_a_seat |= std::abs((a.x + b.x) / 2 - p.position.x) < 1e-4f &&
                     std::abs(a.z - 0.2f - p.position.z) < 1e-4f;
    }
    EXPECT_TRUE(over_a_seat) << p.row << " " << p.seat;
  }
  s.rows = 1000;
  s.seats_per_row = 10000;
  seat->indices = {0, 1, 2, 0, 1, 2, 0, 1, 2};
  auto huge = LayoutSeats(s, 3);
  ASSERT_FALSE(huge.ok());
  EXPECT_NE(huge.status().message().find("seat_mesh: 10000000 seats × 3 triangles"),
            std::string::npos)
      << huge.status().message();
}

TEST(LayoutPathTest, SpacingAndHeadingAlongThePath) {
  PathSpec p;
  p.points = {{-40, -5}, {40, -5}};
  p.width_m = 3;
  p.spacing_m = 1.2;
  auto r = LayoutPath(p, 9);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->asked, 67);
  EXPECT_GE(r->placements.size(), 60u);
  for (const Placement& pl : r->placements) {
    EXPECT_NEAR(pl.position.z, -5, 1.5 + 1e-4);
    EXPECT_GE(pl.position.x, -40 - 1e-3);
    EXPECT_LE(pl.position.x, 40 + 1e-3);
    EXPECT_NEAR(std::fabs(std::sin(pl.heading_rad)), 1.0, 1e-5);  // facing ±X
  }
  EXPECT_GE(MinPairDistance(r->placements), 0.6 - 1e-5);
}

}  // namespace
}  // namespace figurant::crowd

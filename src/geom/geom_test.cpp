#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "geom/mesh.h"
#include "geom/vec.h"

namespace figurant::geom {
namespace {

Mesh UnitTriangle() {
  Mesh m;
  m.positions = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}};
  m.indices = {0, 1, 2};
  return m;
}

TEST(Mat4Test, InverseAffineUndoesTransform) {
  Mat4f t = Mat4f::Translation({1, 2, 3}) * Mat4f::RotationY(0.7f) * Mat4f::Scale(2.0f);
  Vec3f p{0.3f, -1.0f, 4.0f};
  Vec3f back = t.InverseAffine().TransformPoint(t.TransformPoint(p));
  EXPECT_NEAR(back.x, p.x, 1e-5);
  EXPECT_NEAR(back.y, p.y, 1e-5);
  EXPECT_NEAR(back.z, p.z, 1e-5);
}

TEST(Mat4Test, RotationYTurnsFacingTowardsPlusX) {
  Vec3f v = Mat4f::RotationY(std::numbers::pi_v<float> / 2).TransformVector({0, 0, 1});
  EXPECT_NEAR(v.x, 1, 1e-6);
  EXPECT_NEAR(v.z, 0, 1e-6);
}

TEST(MeshTest, ValidateCatchesBadIndicesAndNaN) {
  Mesh m = UnitTriangle();
  EXPECT_TRUE(m.Validate().ok());
  m.indices[2] = 7;
  EXPECT_NE(m.Validate().message().find("vertex 7"), std::string::npos);
  m = UnitTriangle();
  m.positions[1].y = NAN;
  EXPECT_FALSE(m.Validate().ok());
  m = UnitTriangle();
  m.regions = {Region::kSkin, Region::kSkin};
  EXPECT_FALSE(m.Validate().ok());
}

TEST(MeshTest, StandingHeightCountsFromTheGroundOrTheLowestPoint) {
  Mesh m;
  m.positions = {{0, 0.2f, 0}, {0.3f, 1.7f, 0}};
  EXPECT_FLOAT_EQ(m.StandingHeight(), 1.7f);  // floating above the ground: from the ground
  m.positions.push_back({0, -0.1f, 0});
  EXPECT_FLOAT_EQ(m.StandingHeight(), 1.8f);  // sunk below it: from the lowest point
  m.positions = {{0, 0, 0}, {1, 0, 1}};
  EXPECT_FLOAT_EQ(m.StandingHeight(), kMinStandingHeightM);  // a flat mesh is never zero high
}

TEST(MeshTest, NormalsPointOutOfCounterClockwiseFaces) {
  Mesh m = UnitTriangle();
  m.ComputeNormals();
  ASSERT_EQ(m.normals.size(), 3u);
  EXPECT_NEAR(m.normals[0].z, 1.0f, 1e-6);
  Bounds3f b = m.ComputeBounds();
  EXPECT_EQ(b.size().x, 1.0f);
}

}  // namespace
}  // namespace figurant::geom

#include "geom/camera.h"

namespace figurant::geom {
namespace {

TEST(CameraTest, CentreProjectsToTheMiddleAndRaysRoundTrip) {
  Camera c;
  c.position = {0, 1.7f, -12};
  c.look_at = {0, 1.7f, 0};
  const auto b = c.ComputeBasis();
  auto p = c.Project(b, {0, 1.7f, 10});
  ASSERT_TRUE(p.has_value());
  EXPECT_NEAR(p->x, 960, 1e-3);
  EXPECT_NEAR(p->y, 540, 1e-3);
  // A point up and to the camera's right lands up-right of centre; its ray passes through it.
  const Vec3f world{-2, 3, 8};
  auto q = c.Project(b, world);
  ASSERT_TRUE(q.has_value());
  EXPECT_GT(q->x, 960);
  EXPECT_LT(q->y, 540);
  const Vec3f dir = Normalize(c.RayDirection(b, q->x, q->y));
  const Vec3f to = Normalize(world - c.position);
  EXPECT_GT(Dot(dir, to), 0.99999f);
  EXPECT_FALSE(c.Project(b, {0, 1.7f, -20}).has_value());
}

TEST(CameraTest, ScreenHeightMatchesPinholeGeometry) {
  Camera c;  // 35 mm lens on a 36 mm sensor, 1920 × 1080
  c.position = {0, 0.9f, -10};
  c.look_at = {0, 0.9f, 0};
  const auto b = c.ComputeBasis();
  // A 1.8 m person 10 m away: image height = f * H / d = 35 * 1.8 / 10 = 6.3 mm of a
  // 36 * 1080 / 1920 = 20.25 mm tall sensor.
  EXPECT_NEAR(c.ScreenHeightFraction(b, {0, 0, 0}, 1.8), 6.3 / 20.25, 1e-4);
}

// A 0.5 × 1.8 × 0.3 m box standing at the origin.
Bounds3f Person() {
  Bounds3f box;
  box.Extend({-0.25f, 0, -0.15f});
  box.Extend({0.25f, 1.8f, 0.15f});
  return box;
}

TEST(CameraTest, ProjectedExtentHoldsTheBoxFromAnyViewpoint) {
  Camera c;  // 1920 × 1080
  c.position = {0, 0.9f, -10};
  c.look_at = {0, 0.9f, 0};
  const Vec2f front = c.ProjectedExtent(c.ComputeBasis(), Mat4f::Identity(), Person());
  // Seen from the front: at least the standing height (its near face is closer than 10 m).
  EXPECT_GT(front.y / c.height, c.ScreenHeightFraction(c.ComputeBasis(), {0, 0, 0}, 1.8));
  EXPECT_LT(front.y / c.height, 0.33);
  EXPECT_LT(front.x, front.y);
  // Straight down from 4.5 m: the standing height projects to a point, the box does not. The
  // box's top is 2.7 m away: its 0.5 m width spans f * 0.5 / 2.7 = 6.5 mm of the 36 mm sensor.
  c.position = {0, 4.5f, 0};
  c.look_at = {0, 0, 0};
  c.up = {0, 0, 1};
  const auto down = c.ComputeBasis();
  EXPECT_LT(c.ScreenHeightFraction(down, {0, 0, 0}, 1.8), 1e-6);
  const Vec2f above = c.ProjectedExtent(down, Mat4f::Identity(), Person());
  EXPECT_NEAR(above.x / c.width, 35 * 0.5 / 2.7 / 36, 1e-3);
  // Turned by the agent's heading, the width is seen along the other axis.
  const Vec2f turned = c.ProjectedExtent(down, Mat4f::RotationY(1.5707964f), Person());
  EXPECT_NEAR(turned.y, above.x, 0.5);
}

TEST(CameraTest, ProjectedExtentOfABoxAroundTheCameraIsHugeAndBehindItEmpty) {
  Camera c;
  c.position = {0, 0.9f, 0};
  c.look_at = {0, 0.9f, 1};
  const auto b = c.ComputeBasis();
  const Vec2f around = c.ProjectedExtent(b, Mat4f::Identity(), Person());
  EXPECT_GT(around.y / c.height, 10);
  const Vec2f behind = c.ProjectedExtent(b, Mat4f::Translation({0, 0, -5}), Person());
  EXPECT_EQ(behind.x, 0);
  EXPECT_EQ(behind.y, 0);
}

}  // namespace
}  // namespace figurant::geom

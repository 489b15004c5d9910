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

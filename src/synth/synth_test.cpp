#include "synth/synth.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "geom/mesh_codec.h"

namespace figurant::synth {
namespace {

TEST(SynthTest, SameSeedSameBytes) {
  const auto a = Generate(42), b = Generate(42), c = Generate(43);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(geom::EncodeDoubleAsset({a.mesh, {}}), geom::EncodeDoubleAsset({b.mesh, {}}));
  EXPECT_NE(geom::EncodeDoubleAsset({a.mesh, {}}), geom::EncodeDoubleAsset({c.mesh, {}}));
}

TEST(SynthTest, BodiesAreWatertightPeopleOfTheRightSize) {
  std::set<Pose> poses;
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    const SyntheticPerformer p = Generate(seed);
    const geom::Mesh& m = p.mesh;
    ASSERT_TRUE(m.Validate().ok()) << m.Validate().message();
    EXPECT_TRUE(IsWatertight(m)) << "seed " << seed;
    EXPECT_GE(m.triangle_count(), 10000u) << seed;
    EXPECT_LE(m.triangle_count(), 40000u) << seed;
    const geom::Bounds3f b = m.ComputeBounds();
    EXPECT_NEAR(b.lo.y, 0.0, 1e-5);
    EXPECT_GE(b.size().y, 1.49) << seed;
    EXPECT_LE(b.size().y, 1.96) << seed;
    EXPECT_NEAR(b.size().y, p.params.height_m, 0.03) << seed;
    // Skin, wardrobe and hair (or bald) regions, and wardrobe is substantial.
    size_t wardrobe = 0, skin = 0;
    for (geom::Region r : m.regions) {
      wardrobe += r == geom::Region::kWardrobe;
      skin += r == geom::Region::kSkin;
    }
    EXPECT_GT(wardrobe, m.triangle_count() / 5) << seed;
    EXPECT_GT(skin, m.triangle_count() / 50) << seed;
    // Skeleton and weights.
    ASSERT_TRUE(m.skeleton.has_value());
    EXPECT_GE(m.skeleton->Find("hips"), 0);
    EXPECT_GE(m.skeleton->Find("leftHand"), 0);
    for (const auto& w : m.skin.weights) EXPECT_NEAR(w[0] + w[1] + w[2] + w[3], 1.0f, 1e-4);
    // Faces +Z: the nose is the most forward point of the head, on the mid-line.
    geom::Vec3f nose{0, 0, -1};
    for (const auto& v : m.positions) {
      if (v.y > 0.9f * b.size().y && v.z > nose.z) nose = v;
    }
    EXPECT_LT(std::fabs(nose.x), 0.03f) << seed;
    poses.insert(p.params.pose);
  }
  EXPECT_GE(poses.size(), 3u);
}

TEST(SynthTest, SixtyBodiesAreAllDistinct) {
  std::vector<std::vector<double>> shapes;
  std::set<std::string> names;
  for (uint64_t seed = 1; seed <= 60; ++seed) {
    const SyntheticPerformer p = Describe(seed);
    shapes.push_back(p.params.ShapeVector());
    names.insert(p.name);
  }
  double closest = INFINITY;
  for (size_t i = 0; i < shapes.size(); ++i) {
    for (size_t k = i + 1; k < shapes.size(); ++k) {
      double d = 0;
      for (size_t c = 0; c < shapes[i].size(); ++c) d += std::pow(shapes[i][c] - shapes[k][c], 2);
      closest = std::min(closest, std::sqrt(d));
    }
  }
  // Each coordinate spans ~0..1: two bodies closer than 0.05 would look like twins.
  EXPECT_GT(closest, 0.05);
  EXPECT_GE(names.size(), 55u);
}

}  // namespace
}  // namespace figurant::synth

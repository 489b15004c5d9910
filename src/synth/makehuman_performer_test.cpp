#include "synth/makehuman_performer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>

#include "geom/mesh_codec.h"

namespace figurant::synth {
namespace {

namespace fs = std::filesystem;
const fs::path kMakeHuman = fs::path(FIGURANT_MAKEHUMAN_DIR);

const MakeHumanKit& Kit() {
  static const MakeHumanKit kit = [] {
    auto k = OpenMakeHumanKit(kMakeHuman);
    EXPECT_TRUE(k.ok()) << k.status().ToString();
    return k.ok() ? *k : MakeHumanKit{};
  }();
  return kit;
}

TEST(MakeHumanPerformerTest, DrawsAdultsOfThePerformersSexStanding) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const bool female = seed % 2 == 0;
    const MakeHumanDraw d = DrawMakeHuman(seed, female);
    EXPECT_EQ(d.body.gender < 0.5, female);
    EXPECT_GE(d.body.age, 0.39);  // 20 years
    EXPECT_LE(d.body.age, 0.85);  // 70 years
    EXPECT_NEAR(d.body.african + d.body.asian + d.body.caucasian, 1.0, 1e-9);
    // Scanned standing: motion cycles vary the pose in the crowd.
    EXPECT_EQ(d.pose.named, "stand");
    EXPECT_TRUE(d.pose.clip.empty());
    const MakeHumanDraw again = DrawMakeHuman(seed, female);
    EXPECT_EQ(again.body.height, d.body.height);
    EXPECT_EQ(again.body.weight, d.body.weight);
  }
}

TEST(MakeHumanPerformerTest, BodiesAreDressedAndWithinHeightLimits) {
  for (uint64_t seed : {1000u, 1003u}) {
    SyntheticPerformer p = Describe(seed);
    const auto t0 = std::chrono::steady_clock::now();
    auto s = BuildMakeHumanDouble(p, Kit());
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_LT(seconds, 5.0);
    EXPECT_GE(s->height_m, kMinHeightM);
    EXPECT_LE(s->height_m, kMaxHeightM);
    EXPECT_DOUBLE_EQ(p.params.height_m, s->height_m);
    const geom::Mesh& m = s->asset.mesh;
    ASSERT_EQ(m.regions.size(), m.triangle_count());
    ASSERT_EQ(m.colors.size(), m.vertex_count());
    size_t wardrobe = 0, skin = 0;
    for (geom::Region r : m.regions) {
      wardrobe += r == geom::Region::kWardrobe;
      skin += r == geom::Region::kSkin;
    }
    // Clothes cover the torso and legs; face and hands (finely meshed) and more, by outfit, stay
    // skin.
    EXPECT_GT(wardrobe, m.triangle_count() / 5) << "seed " << seed;
    EXPECT_GT(skin, m.triangle_count() / 10) << "seed " << seed;
    EXPECT_TRUE(m.HasWardrobeRegions());
    // The crotch and lower belly are clothed (front and back of the pelvis, mid-line).
    size_t pelvis = 0, pelvis_clothed = 0;
    const auto h = static_cast<float>(s->height_m);
    for (size_t t = 0; t < m.triangle_count(); ++t) {
      const geom::Vec3f c = (m.positions[m.indices[3 * t]] + m.positions[m.indices[3 * t + 1]] +
                             m.positions[m.indices[3 * t + 2]]) /
                            3.0f;
      if (std::fabs(c.x - s->bounds.center().x) < 0.06f && c.y > 0.44f * h && c.y < 0.54f * h) {
        ++pelvis;
        pelvis_clothed += m.regions[t] == geom::Region::kWardrobe;
      }
    }
    ASSERT_GT(pelvis, 20u) << "seed " << seed;
    EXPECT_GT(pelvis_clothed, pelvis * 9 / 10) << "seed " << seed;
  }
}

TEST(MakeHumanPerformerTest, SameSeedSameBytes) {
  SyntheticPerformer p = Describe(1001), q = Describe(1001);
  auto a = BuildMakeHumanDouble(p, Kit());
  auto b = BuildMakeHumanDouble(q, Kit());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(geom::EncodeDoubleAsset(a->asset), geom::EncodeDoubleAsset(b->asset));
  EXPECT_EQ(a->source_sha256, b->source_sha256);
}

TEST(MakeHumanPerformerTest, MissingDataIsNamed) {
  auto k = OpenMakeHumanKit("/nonexistent/makehuman");
  ASSERT_FALSE(k.ok());
  EXPECT_NE(k.status().message().find("/nonexistent/makehuman"), std::string::npos);
}

}  // namespace
}  // namespace figurant::synth

// ImportMakeHuman with a pose: the posed double still comes out grounded, facing +Z, with LODs.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "geom/mesh_codec.h"
#include "scan/scan.h"
#include "scan/scan_test_util.h"

namespace figurant::scan {
namespace {

namespace fs = std::filesystem;
const fs::path kMakeHuman = fs::path(FIGURANT_MAKEHUMAN_DIR);
const MakeHumanBody kBody{0.8, 0.55, 0.6, 0.45, 0.6, 0.2, 0.3, 0.5};

MakeHumanPose Clip(const char* path, int frame) {
  MakeHumanPose p;
  p.named.clear();
  p.clip = path;
  p.frame = frame;
  return p;
}

MakeHumanPose Named(const char* name) {
  MakeHumanPose p;
  p.named = name;
  return p;
}

// A posed body's nose may be off the mid-line a little more (arm swing moves the box). [metres]
constexpr float kNoseOffAxis = 0.04f;

TEST(ScanMakeHumanPoseTest, StandingKeepsTheHeightFeetOnTheGroundAndFacing) {
  ASSERT_TRUE(fs::exists(kMakeHuman / "rigs" / "default.mhskel")) << kMakeHuman;
  auto rest = ImportMakeHuman(kMakeHuman, kBody, {});
  auto stand = ImportMakeHuman(kMakeHuman, kBody, {}, Named("stand"));
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  ASSERT_TRUE(stand.ok()) << stand.status().ToString();
  EXPECT_NEAR(stand->height_m, rest->height_m, 0.03 * rest->height_m);
  EXPECT_NEAR(stand->bounds.lo.y, 0.0, 1e-4);
  ExpectFacesPlusZ(stand->asset.mesh, stand->height_m, kNoseOffAxis);
  EXPECT_EQ(stand->asset.mesh.vertex_count(), rest->asset.mesh.vertex_count());
  EXPECT_GE(stand->lods.size(), 2u);
  EXPECT_TRUE(stand->rigged);
  // Arms down: the body is much narrower than in the A-pose.
  EXPECT_LT(stand->bounds.size().x, 0.75 * rest->bounds.size().x);
  EXPECT_NE(stand->source_sha256, rest->source_sha256);
}

TEST(ScanMakeHumanPoseTest, Walk1FramesArePosedGroundedAndFinite) {
  auto rest = ImportMakeHuman(kMakeHuman, kBody, {});
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  for (int frame : {3, 9}) {
    auto s = ImportMakeHuman(kMakeHuman, kBody, {}, Clip("animations/walks/walk1.bvh", frame));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    const geom::Mesh& m = s->asset.mesh;
    ASSERT_EQ(m.vertex_count(), rest->asset.mesh.vertex_count());
    for (const auto& p : m.positions) ASSERT_TRUE(geom::IsFinite(p));
    EXPECT_NEAR(s->bounds.lo.y, 0.0, 1e-4) << "frame " << frame;
    // A walking person is a little shorter than standing (knees, stride), never much.
    EXPECT_GT(s->height_m, 0.93 * rest->height_m) << "frame " << frame;
    EXPECT_LE(s->height_m, 1.01 * rest->height_m) << "frame " << frame;
    ExpectFacesPlusZ(m, s->height_m, 2 * kNoseOffAxis);
    EXPECT_LT(s->bounds.size().x, 0.8 * rest->bounds.size().x) << "arms still in the A-pose";
  }
}

TEST(ScanMakeHumanPoseTest, SamePoseSameBytes) {
  const MakeHumanPose walk = Clip("animations/walks/walk1.bvh", 6);
  auto a = ImportMakeHuman(kMakeHuman, kBody, {}, walk);
  auto b = ImportMakeHuman(kMakeHuman, kBody, {}, walk);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(geom::EncodeDoubleAsset(a->asset), geom::EncodeDoubleAsset(b->asset));
  EXPECT_EQ(a->source_sha256, b->source_sha256);
}

TEST(ScanMakeHumanPoseTest, ParsesPoseSpecs) {
  EXPECT_EQ(ParseMakeHumanPose("stand")->named, "stand");
  EXPECT_EQ(ParseMakeHumanPose("rest")->named, "rest");
  auto p = ParseMakeHumanPose("animations/walks/walk1.bvh:7");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->clip, "animations/walks/walk1.bvh");
  EXPECT_EQ(p->frame, 7);
  EXPECT_TRUE(p->named.empty());
  auto q = ParseMakeHumanPose("/data/x.bvh");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->clip, "/data/x.bvh");
  EXPECT_EQ(q->frame, 0);
  const Status empty = ParseMakeHumanPose("").status();
  EXPECT_EQ(empty.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.message().rfind("pose: expected rest, stand", 0), 0u) << empty.message();
}

TEST(ScanMakeHumanPoseTest, BadPosesNameTheClip) {
  auto out_of_range =
      ImportMakeHuman(kMakeHuman, kBody, {}, Clip("animations/walks/walk1.bvh", 14));
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_NE(out_of_range.status().message().find("walk1.bvh"), std::string::npos)
      << out_of_range.status().message();
  EXPECT_NE(out_of_range.status().message().find("0..13"), std::string::npos);
  auto missing = ImportMakeHuman(kMakeHuman, kBody, {}, Clip("no/such/clip.bvh", 0));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no/such/clip.bvh"), std::string::npos);
  auto named = ImportMakeHuman(kMakeHuman, kBody, {}, Named("cartwheel"));
  ASSERT_FALSE(named.ok());
  EXPECT_NE(named.status().message().find("cartwheel"), std::string::npos);
  // A truncated clip: the error names the file and the line.
  const fs::path bad =
      fs::temp_directory_path() / ("figurant-bad-" + std::to_string(::getpid()) + ".bvh");
  std::ofstream(bad) << "HIERARCHY\nROOT root\n{\n  OFFSET 0 0 0\n  CHANNELS 3 Xrotation\n";
  auto truncated = ImportMakeHuman(kMakeHuman, kBody, {}, Clip(bad.c_str(), 0));
  fs::remove(bad);
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find(bad.string()), std::string::npos)
      << truncated.status().message();
}

}  // namespace
}  // namespace figurant::scan

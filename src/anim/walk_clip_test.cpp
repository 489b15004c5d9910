#include "anim/walk_clip.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <optional>

#include "anim/pose_variation.h"
#include "scan/scan.h"

namespace figurant::anim {
namespace {

namespace fs = std::filesystem;
using geom::Mat4f;
using geom::Vec3f;
const fs::path kMakeHuman = fs::path(FIGURANT_MAKEHUMAN_DIR);
const fs::path kWalkFile = kMakeHuman / "animations" / "walks" / "walk1.bvh";

// A real MakeHuman double (average body, standing pose) as the bank would store it.
const geom::DoubleAsset* MakeHumanDouble() {
  static const std::optional<geom::DoubleAsset> asset = []() -> std::optional<geom::DoubleAsset> {
    scan::MakeHumanPose pose;
    pose.named = "stand";
    auto s = scan::ImportMakeHuman(kMakeHuman, {}, {}, pose);
    EXPECT_TRUE(s.ok()) << kMakeHuman << ": " << s.status().ToString();
    if (!s.ok()) return std::nullopt;
    return s->asset;
  }();
  return asset ? &*asset : nullptr;
}

Vec3f Head(const geom::Mesh& m, const char* bone) {
  const int b = m.skeleton->Find(bone);
  EXPECT_GE(b, 0) << bone;
  const Mat4f& f = m.skeleton->bones[static_cast<size_t>(b)].bind_pose;
  return {f.m[3][0], f.m[3][1], f.m[3][2]};
}

double AngleDegrees(Vec3f a, Vec3f b) {
  const double c = geom::Dot(geom::Normalize(a), geom::Normalize(b));
  return std::acos(std::clamp(c, -1.0, 1.0)) * 180 / M_PI;
}

TEST(WalkClipTest, TheEmbeddedClipIsTheRepositorysWalk1) {
  auto embedded = WalkClip::Embedded();
  ASSERT_TRUE(embedded.ok()) << embedded.status().ToString();
  auto bvh = LoadBvh(kWalkFile);
  ASSERT_TRUE(bvh.ok()) << bvh.status().ToString();
  auto from_file = WalkClip::FromBvh(*bvh);
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  EXPECT_EQ((*embedded)->name(), "walk1");
  EXPECT_EQ((*embedded)->frame_count(), bvh->frame_count);
  EXPECT_DOUBLE_EQ((*embedded)->phase_offset(), from_file->phase_offset());
  EXPECT_GE((*embedded)->phase_offset(), 0.0);
  EXPECT_LT((*embedded)->phase_offset(), 1.0);
}

TEST(WalkClipTest, AClipForAnotherRigIsRefusedNamingTheJoint) {
  auto tpose = LoadBvh(kMakeHuman / "poses" / "tpose.bvh");
  ASSERT_TRUE(tpose.ok()) << tpose.status().ToString();
  auto walk = WalkClip::FromBvh(*tpose);
  ASSERT_FALSE(walk.ok());
  EXPECT_EQ(walk.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(walk.status().message().find("tpose"), std::string::npos) << walk.status().message();
  EXPECT_NE(walk.status().message().find("no joint named"), std::string::npos);
}

TEST(WalkClipTest, ASkeletonWithoutLegsIsRefused) {
  geom::Skeleton sk;
  sk.bones.push_back({"hips", -1, Mat4f::Translation({0, 1, 0})});
  sk.bones.push_back({"spine", 0, Mat4f::Translation({0, 1.2f, 0})});
  auto walk = (*WalkClip::Embedded())->On(sk);
  ASSERT_FALSE(walk.ok());
  EXPECT_EQ(walk.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(walk.status().message().find("leftUpperLeg"), std::string::npos);
}

// Retargeting by direction: at each clip frame the double's shin points the way the clip's does,
// although the double was imported standing with its arms down and the clip rests in a T-pose.
TEST(WalkClipTest, TheDoublesLimbsPointWhereTheClipsDo) {
  const geom::DoubleAsset* mh = MakeHumanDouble();
  ASSERT_NE(mh, nullptr);
  auto bvh = LoadBvh(kWalkFile);
  ASSERT_TRUE(bvh.ok());
  auto clip = WalkClip::FromBvh(*bvh);
  ASSERT_TRUE(clip.ok());
  const auto clip_dir = [&](int frame, const char* from, const char* to) {
    const int j = bvh->Find(from), k = bvh->Find(to);
    return bvh->GlobalRotation(frame, j).TransformVector(
        bvh->joints[static_cast<size_t>(k)].rest_position -
        bvh->joints[static_cast<size_t>(j)].rest_position);
  };
  for (int frame : {0, 4, 9}) {
    // The embedded clip's phase of this frame.
    double phase = static_cast<double>(frame) / bvh->frame_count - clip->phase_offset();
    auto posed = PoseMesh(mh->mesh, {MotionCycle::kWalk, phase});
    ASSERT_TRUE(posed.ok()) << posed.status().ToString();
    const Vec3f shin = Head(*posed, "leftFoot") - Head(*posed, "leftLowerLeg");
    const Vec3f thigh = Head(*posed, "rightLowerLeg") - Head(*posed, "rightUpperLeg");
    const Vec3f forearm = Head(*posed, "leftHand") - Head(*posed, "leftLowerArm");
    EXPECT_LT(AngleDegrees(shin, clip_dir(frame, "LoLeg_L", "Foot_L")), 1.0) << frame;
    EXPECT_LT(AngleDegrees(thigh, clip_dir(frame, "UpLeg_R", "LoLeg_R")), 1.0) << frame;
    EXPECT_LT(AngleDegrees(forearm, clip_dir(frame, "LoArm_L", "Hand_L")), 1.0) << frame;
  }
}

// Walk phase 0 has the left foot furthest forward; the stride's right stance starts where the
// right foot is; and the walk's cadence at a usual speed is a person's, not a march's.
TEST(WalkClipTest, TheMakeHumanStrideIsAnAdultsAtAUsualCadence) {
  const geom::DoubleAsset* mh = MakeHumanDouble();
  ASSERT_NE(mh, nullptr);
  auto stride = WalkStride(mh->mesh, 0);
  ASSERT_TRUE(stride.ok()) << stride.status().ToString();
  double left_most = -1, left_at = 0;
  for (int k = 0; k < 64; ++k) {
    auto posed = PoseMesh(mh->mesh, {MotionCycle::kWalk, k / 64.0});
    ASSERT_TRUE(posed.ok());
    const double ahead = Head(*posed, "leftFoot").z - Head(*posed, "hips").z;
    if (ahead > left_most) left_most = ahead, left_at = k / 64.0;
  }
  EXPECT_TRUE(left_at < 0.05 || left_at > 0.95) << "left foot furthest forward at " << left_at;
  EXPECT_GT(stride->right_from(), 0.4);
  EXPECT_LT(stride->right_from(), 0.6);
  // Walking at 1.34 m/s, people take 100-125 steps a minute (Winter 2009; Bertram & Ruina 2001).
  const double steps_per_minute = 2 * 1.34 / stride->length_m() * 60;
  EXPECT_GT(steps_per_minute, 95) << "stride " << stride->length_m() << " m";
  EXPECT_LT(steps_per_minute, 130) << "stride " << stride->length_m() << " m";
  RecordProperty("stride_mm", static_cast<int>(std::lround(stride->length_m() * 1000)));
  RecordProperty("right_from_percent", static_cast<int>(std::lround(stride->right_from() * 100)));
  RecordProperty("steps_per_minute_at_1_34", static_cast<int>(std::lround(steps_per_minute)));
}

TEST(WalkClipTest, JitterScalesThePartsAboutTheirMeanAndZeroAmplitudeIsTheBind) {
  const geom::DoubleAsset* mh = MakeHumanDouble();
  ASSERT_NE(mh, nullptr);
  auto walk = (*WalkClip::Embedded())->On(*mh->mesh.skeleton);
  ASSERT_TRUE(walk.ok());
  for (const BoneRotation& r : walk->At(0.3, {}, 0)) {
    for (int c = 0; c < 3; ++c) {
      for (int row = 0; row < 3; ++row) {
        EXPECT_NEAR(r.rotation.m[c][row], c == row ? 1 : 0, 1e-5);
      }
    }
  }
  // Legs still (scale 0) at two phases: every leg bone in the same pose; the arms still move.
  const auto a = walk->At(0.1, {0, 1, 1, 1}, 1), b = walk->At(0.6, {0, 1, 1, 1}, 1);
  ASSERT_EQ(a.size(), b.size());
  const int thigh = mh->mesh.skeleton->Find("leftUpperLeg");
  const int arm = mh->mesh.skeleton->Find("leftUpperArm");
  for (size_t i = 0; i < a.size(); ++i) {
    double diff = 0;
    for (int c = 0; c < 3; ++c) {
      for (int row = 0; row < 3; ++row)
        diff += std::fabs(a[i].rotation.m[c][row] - b[i].rotation.m[c][row]);
    }
    if (a[i].bone == thigh) EXPECT_LT(diff, 1e-4);
    if (a[i].bone == arm) EXPECT_GT(diff, 0.05);
  }
}

}  // namespace
}  // namespace figurant::anim

#include "anim/pose_variation.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <optional>

#include "scan/scan.h"

namespace figurant::anim {
namespace {

namespace fs = std::filesystem;
using geom::Mat4f;
using geom::Vec3f;
const fs::path kMakeHuman = fs::path(FIGURANT_MAKEHUMAN_DIR);

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

// A stick figure: hips at 1 m, legs straight down to feet with toes forward, a torso and head.
// Bone frames are axis-aligned at each head; every vertex belongs to one bone.
geom::Mesh StickFigure() {
  geom::Mesh m;
  geom::Skeleton sk;
  auto bone = [&](const std::string& name, int parent, Vec3f head) {
    sk.bones.push_back({name, parent, Mat4f::Translation(head)});
    return static_cast<uint16_t>(sk.bones.size() - 1);
  };
  auto vertex = [&](Vec3f p, uint16_t b) {
    m.positions.push_back(p);
    m.normals.push_back({0, 0, 1});
    m.skin.joints.push_back({b, 0, 0, 0});
    m.skin.weights.push_back({1, 0, 0, 0});
  };
  const uint16_t hips = bone("hips", -1, {0, 1, 0});
  const uint16_t spine = bone("spine", hips, {0, 1.1f, 0});
  const uint16_t head = bone("head", spine, {0, 1.6f, 0});
  vertex({0, 1, 0}, hips);
  vertex({0, 1.3f, 0}, spine);
  vertex({0, 1.8f, 0}, head);
  for (float side : {1.0f, -1.0f}) {
    const std::string s = side > 0 ? "left" : "right";
    const uint16_t upper = bone(s + "UpperLeg", hips, {0.1f * side, 0.95f, 0});
    const uint16_t lower = bone(s + "LowerLeg", upper, {0.1f * side, 0.5f, 0});
    const uint16_t foot = bone(s + "Foot", lower, {0.1f * side, 0.08f, 0});
    vertex({0.1f * side, 0.7f, 0}, upper);
    vertex({0.1f * side, 0.3f, 0}, lower);
    vertex({0.1f * side, 0, -0.05f}, foot);  // heel
    vertex({0.1f * side, 0, 0.15f}, foot);   // toe
  }
  for (uint32_t i = 0; i + 2 < m.positions.size(); ++i) {
    m.indices.insert(m.indices.end(), {i, i + 1, i + 2});
  }
  m.skeleton = std::move(sk);
  return m;
}

// The mean position of the vertices whose strongest influence is `bone`.
Vec3f BoneCentroid(const geom::Mesh& m, const std::string& bone) {
  const int b = m.skeleton->Find(bone);
  EXPECT_GE(b, 0) << bone;
  Vec3f sum;
  int n = 0;
  for (size_t v = 0; v < m.positions.size(); ++v) {
    const auto& w = m.skin.weights[v];
    const auto strongest = std::max_element(w.begin(), w.end()) - w.begin();
    if (m.skin.joints[v][static_cast<size_t>(strongest)] != b) continue;
    sum += m.positions[v];
    ++n;
  }
  EXPECT_GT(n, 0) << bone;
  return n > 0 ? sum / static_cast<float>(n) : sum;
}

float Height(const geom::Mesh& m) { return m.ComputeBounds().size().y; }

TEST(PoseVariationTest, CycleNamesRoundTrip) {
  for (MotionCycle c :
       {MotionCycle::kStill, MotionCycle::kIdle, MotionCycle::kWalk, MotionCycle::kSit}) {
    EXPECT_EQ(ParseMotionCycle(MotionCycleName(c)), c);
  }
  EXPECT_FALSE(ParseMotionCycle("run").has_value());
}

TEST(PoseVariationTest, AmplitudeZeroReturnsTheBindPose) {
  std::vector<geom::Mesh> meshes = {StickFigure()};
  if (const geom::DoubleAsset* mh = MakeHumanDouble()) meshes.push_back(mh->mesh);
  for (const geom::Mesh& bind : meshes) {
    for (MotionCycle c : {MotionCycle::kIdle, MotionCycle::kWalk}) {
      auto posed = PoseMesh(bind, {c, 0.3, 0.0});
      ASSERT_TRUE(posed.ok()) << posed.status().ToString();
      ASSERT_EQ(posed->positions.size(), bind.positions.size());
      for (size_t v = 0; v < bind.positions.size(); ++v) {
        ASSERT_NEAR(geom::Length(posed->positions[v] - bind.positions[v]), 0, 1e-4) << v;
      }
    }
  }
}

TEST(PoseVariationTest, StillIsACopyEvenWithoutASkeleton) {
  geom::Mesh m = StickFigure();
  m.skeleton.reset();
  m.skin = {};
  auto posed = PoseMesh(m, {MotionCycle::kStill, 0.7});
  ASSERT_TRUE(posed.ok());
  EXPECT_EQ(posed->positions, m.positions);
}

TEST(PoseVariationTest, AMeshWithoutSkeletonOrLegsIsRefusedCleanly) {
  geom::Mesh bare = StickFigure();
  bare.skeleton.reset();
  bare.skin = {};
  EXPECT_EQ(CheckMotionSupport(bare).support, MotionSupport::kNoSkeleton);
  auto r = PoseMesh(bare, {MotionCycle::kWalk, 0.1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("no skeleton"), std::string::npos);

  geom::Mesh legless = StickFigure();
  legless.skeleton->bones[static_cast<size_t>(legless.skeleton->Find("leftLowerLeg"))].name =
      "shin.L";
  const MotionCheck check = CheckMotionSupport(legless);
  EXPECT_EQ(check.support, MotionSupport::kMissingBones);
  EXPECT_NE(check.detail.find("leftLowerLeg"), std::string::npos) << check.detail;
  EXPECT_EQ(PoseMesh(legless, {MotionCycle::kIdle, 0.1}).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(PoseVariationTest, BadInputIsAnErrorNotACrash) {
  const geom::Mesh m = StickFigure();
  EXPECT_EQ(PoseMesh(m, {MotionCycle::kWalk, NAN}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PoseMesh(m, {MotionCycle::kWalk, 0, 2.5}).status().code(),
            StatusCode::kInvalidArgument);
  geom::Mesh bad = m;
  bad.skin.joints[3][0] = 999;
  EXPECT_EQ(PoseMesh(bad, {MotionCycle::kWalk, 0}).status().code(), StatusCode::kInvalidArgument);
  bad = m;
  bad.skin.weights.pop_back();
  EXPECT_EQ(PoseMesh(bad, {MotionCycle::kIdle, 0}).status().code(), StatusCode::kInvalidArgument);
}

TEST(PoseVariationTest, StickFigureWalkSwingsTheLegsInOpposition) {
  const geom::Mesh bind = StickFigure();
  auto a = PoseMesh(bind, {MotionCycle::kWalk, 0.0});
  auto b = PoseMesh(bind, {MotionCycle::kWalk, 0.5});
  ASSERT_TRUE(a.ok() && b.ok());
  const float left_a = BoneCentroid(*a, "leftFoot").z, right_a = BoneCentroid(*a, "rightFoot").z;
  const float left_b = BoneCentroid(*b, "leftFoot").z, right_b = BoneCentroid(*b, "rightFoot").z;
  EXPECT_GT(left_a - right_a, 0.3f);  // ~2 · 0.9 m · sin(18°)
  EXPECT_NEAR(left_a - right_a, right_b - left_b, 1e-3f);
  EXPECT_NEAR(a->ComputeBounds().lo.y, 0, 1e-5);
}

TEST(PoseVariationTest, MakeHumanWalkMirrorsWhichLegIsForward) {
  const geom::DoubleAsset* mh = MakeHumanDouble();
  ASSERT_NE(mh, nullptr) << "no MakeHuman double from " << kMakeHuman;
  ASSERT_TRUE(CheckMotionSupport(mh->mesh).ok()) << CheckMotionSupport(mh->mesh).detail;
  auto a = PoseMesh(mh->mesh, {MotionCycle::kWalk, 0.0});
  auto b = PoseMesh(mh->mesh, {MotionCycle::kWalk, 0.5});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  const float bind_gap =
      BoneCentroid(mh->mesh, "leftFoot").z - BoneCentroid(mh->mesh, "rightFoot").z;
  const float gap_a = BoneCentroid(*a, "leftFoot").z - BoneCentroid(*a, "rightFoot").z;
  const float gap_b = BoneCentroid(*b, "leftFoot").z - BoneCentroid(*b, "rightFoot").z;
  // A stride of a few decimetres each way about the imported stance.
  EXPECT_GT(gap_a - bind_gap, 0.2f) << gap_a << " " << bind_gap;
  EXPECT_LT(gap_b - bind_gap, -0.2f) << gap_b << " " << bind_gap;
  // The arms swing opposite the legs.
  const float arm_a = BoneCentroid(*a, "leftLowerArm").z - BoneCentroid(*a, "rightLowerArm").z;
  const float arm_b = BoneCentroid(*b, "leftLowerArm").z - BoneCentroid(*b, "rightLowerArm").z;
  EXPECT_LT(arm_a, arm_b);
}

TEST(PoseVariationTest, MakeHumanFeetStayOnTheGroundAndHeightHolds) {
  const geom::DoubleAsset* mh = MakeHumanDouble();
  ASSERT_NE(mh, nullptr) << "no MakeHuman double from " << kMakeHuman;
  const geom::Bounds3f bind_bounds = mh->mesh.ComputeBounds();
  ASSERT_NEAR(bind_bounds.lo.y, 0, 1e-4);
  const float bind_height = Height(mh->mesh);
  for (MotionCycle c : {MotionCycle::kIdle, MotionCycle::kWalk}) {
    for (double phase : {0.0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875}) {
      auto posed = PoseMesh(mh->mesh, {c, phase, 1.0, 77});
      ASSERT_TRUE(posed.ok()) << posed.status().ToString();
      const geom::Bounds3f b = posed->ComputeBounds();
      EXPECT_NEAR(b.lo.y, 0, 1e-4) << MotionCycleName(c) << " " << phase;
      // The lowest vertex is a foot's, not a hand's or the pelvis's.
      const float feet_low =
          std::min(BoneCentroid(*posed, "leftFoot").y, BoneCentroid(*posed, "rightFoot").y);
      EXPECT_LT(feet_low, 0.1f) << MotionCycleName(c) << " " << phase;
      // The walk's long strides lower the pelvis in double support (the clip's, by up to 6 %).
      EXPECT_NEAR(Height(*posed) / bind_height, 1.0, c == MotionCycle::kWalk ? 0.07 : 0.05)
          << MotionCycleName(c) << " " << phase;
      for (const Vec3f& n : posed->normals) ASSERT_NEAR(geom::Length(n), 1, 1e-3);
    }
  }
}

TEST(PoseVariationTest, MakeHumanIdleMovesLoopsAndJittersDeterministically) {
  const geom::DoubleAsset* mh = MakeHumanDouble();
  ASSERT_NE(mh, nullptr) << "no MakeHuman double from " << kMakeHuman;
  auto max_move = [](const geom::Mesh& a, const geom::Mesh& b) {
    float d = 0;
    for (size_t v = 0; v < a.positions.size(); ++v) {
      d = std::max(d, geom::Length(a.positions[v] - b.positions[v]));
    }
    return d;
  };
  auto p0 = PoseMesh(mh->mesh, {MotionCycle::kIdle, 0.0, 1.0, 5});
  auto p1 = PoseMesh(mh->mesh, {MotionCycle::kIdle, 1.0, 1.0, 5});
  auto p25 = PoseMesh(mh->mesh, {MotionCycle::kIdle, 0.25, 1.0, 5});
  auto other_seed = PoseMesh(mh->mesh, {MotionCycle::kIdle, 0.25, 1.0, 6});
  auto again = PoseMesh(mh->mesh, {MotionCycle::kIdle, 0.25, 1.0, 5});
  ASSERT_TRUE(p0.ok() && p1.ok() && p25.ok() && other_seed.ok() && again.ok());
  EXPECT_LT(max_move(*p0, *p1), 1e-4f);   // the cycle loops
  EXPECT_GT(max_move(*p0, *p25), 0.03f);  // and moves visibly within it
  EXPECT_GT(max_move(*p25, *other_seed), 0.005f);
  EXPECT_EQ(p25->positions, again->positions);
}

// A seated spectator: feet on the ground below the knees, thighs about level,
// seated height about three quarters of standing height; the phase moves the head and trunk.
TEST(PoseVariationTest, MakeHumanSitsOnAKneeHighSeat) {
  const geom::DoubleAsset* mh = MakeHumanDouble();
  ASSERT_NE(mh, nullptr) << "no MakeHuman double from " << kMakeHuman;
  const float standing = Height(mh->mesh);
  auto a = PoseMesh(mh->mesh, {MotionCycle::kSit, 0.0, 1.0, 9});
  auto b = PoseMesh(mh->mesh, {MotionCycle::kSit, 0.25, 1.0, 9});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  const geom::Bounds3f bounds = a->ComputeBounds();
  EXPECT_NEAR(bounds.lo.y, 0, 1e-4);
  EXPECT_LT(std::min(BoneCentroid(*a, "leftFoot").y, BoneCentroid(*a, "rightFoot").y), 0.1f);
  EXPECT_GT(Height(*a) / standing, 0.65f) << Height(*a) << " of " << standing;
  EXPECT_LT(Height(*a) / standing, 0.85f) << Height(*a) << " of " << standing;
  // The hip joints rest at seat height, the knees out in front of them at about the same height
  // (level thighs), the ankles below the knees.
  auto joint = [&](const std::string& bone) {
    const int b = a->skeleton->Find(bone);
    EXPECT_GE(b, 0) << bone;
    const Mat4f& m = a->skeleton->bones[static_cast<size_t>(std::max(b, 0))].bind_pose;
    return Vec3f{m.m[3][0], m.m[3][1], m.m[3][2]};
  };
  for (const char* side : {"left", "right"}) {
    const Vec3f hip = joint(std::string(side) + "UpperLeg");
    const Vec3f knee = joint(std::string(side) + "LowerLeg");
    const Vec3f ankle = joint(std::string(side) + "Foot");
    EXPECT_GT(hip.y, 0.3f) << side;
    EXPECT_LT(hip.y, 0.7f) << side;
    EXPECT_GT(knee.z - hip.z, 0.3f) << side;
    EXPECT_NEAR(knee.y, hip.y, 0.12f) << side;
    EXPECT_LT(ankle.y, knee.y - 0.25f) << side;
  }
  float moved = 0;
  for (size_t v = 0; v < a->positions.size(); ++v) {
    moved = std::max(moved, geom::Length(a->positions[v] - b->positions[v]));
  }
  EXPECT_GT(moved, 0.02f);
}

TEST(PoseVariationTest, PosedDoubleKeepsItsLevelsOfDetail) {
  const geom::DoubleAsset* mh = MakeHumanDouble();
  ASSERT_NE(mh, nullptr) << "no MakeHuman double from " << kMakeHuman;
  auto posed = PoseDouble(*mh, {MotionCycle::kWalk, 0.2});
  ASSERT_TRUE(posed.ok()) << posed.status().ToString();
  ASSERT_EQ(posed->lods.size(), mh->lods.size());
  for (size_t l = 0; l < mh->lods.size(); ++l)
    EXPECT_EQ(posed->lods[l].indices, mh->lods[l].indices);
  EXPECT_EQ(posed->mesh.indices, mh->mesh.indices);
  EXPECT_TRUE(posed->mesh.Validate().ok());
}

// Foot skate: a MakeHuman double walking straight at 0.8–1.8 m/s, drawn at 24 fps with its poses
// quantised to 32 steps (TravelAt), keeps each planted ankle within 2 cm of where it landed.
TEST(PoseVariationTest, MakeHumanTravellingWalkKeepsThePlantedFootStill) {
  const geom::DoubleAsset* mh = MakeHumanDouble();
  ASSERT_NE(mh, nullptr);
  auto stride = WalkStride(mh->mesh, 0);
  ASSERT_TRUE(stride.ok()) << stride.status().ToString();
  EXPECT_GT(stride->length_m(), 0.7);  // two steps of an adult
  EXPECT_LT(stride->length_m(), 1.8);
  auto jittered = WalkStride(mh->mesh, 12345);
  ASSERT_TRUE(jittered.ok());
  EXPECT_NE(jittered->length_m(), stride->length_m());  // its legs swing further or less
  EXPECT_NEAR(stride->PhaseAt(stride->DistanceAt(0.3)), 0.3, 1e-6);

  constexpr int kVariants = 32;
  const int left = mh->mesh.skeleton->Find("leftFoot");
  ASSERT_GE(left, 0);
  // The left ankle in the body's frame at each step, from the posed skeleton: [x, z].
  std::vector<std::array<double, 2>> ankle(kVariants);
  for (int s = 0; s < kVariants; ++s) {
    auto posed = PoseMesh(mh->mesh, {MotionCycle::kWalk, static_cast<double>(s) / kVariants});
    ASSERT_TRUE(posed.ok());
    const geom::Mat4f& m = posed->skeleton->bones[static_cast<size_t>(left)].bind_pose;
    ankle[static_cast<size_t>(s)] = {m.m[3][0], m.m[3][2]};
  }
  for (double speed : {0.8, 1.34, 1.8}) {
    // Horizontal drift of the planted ankle over each stance: the largest distance from where it
    // was when the stance began.
    double worst = 0;
    std::optional<std::array<double, 2>> landed;
    int stance_frames = 0;
    for (int frame = 0; frame < 240; ++frame) {
      const double travelled = speed * frame / 24.0;
      const TravelPose t = TravelAt(*stride, 0.1, travelled, kVariants);
      const auto& a = ankle[static_cast<size_t>(t.step)];
      const std::array<double, 2> world = {t.side_m + a[0], travelled - t.back_m + a[1]};
      // Inside the left stance (not the steps where it lands or lifts).
      const bool planted = t.step > 1 && stride->LeftPlantedAt((t.step + 1.0) / kVariants);
      if (!planted) {
        landed.reset();
        continue;
      }
      if (!landed) landed = world;
      worst = std::max(worst, std::hypot(world[0] - (*landed)[0], world[1] - (*landed)[1]));
      ++stance_frames;
    }
    EXPECT_GT(stance_frames, 20) << speed;
    EXPECT_LE(worst, 0.02) << "planted ankle drifted " << worst << " m at " << speed << " m/s";
    RecordProperty("drift_mm_at_" + std::to_string(static_cast<int>(speed * 100)) + "cm_s",
                   static_cast<int>(std::lround(worst * 1000)));
  }
}

}  // namespace
}  // namespace figurant::anim

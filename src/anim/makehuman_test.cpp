#include "anim/makehuman.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace figurant::anim {
namespace {

namespace fs = std::filesystem;
using geom::Vec3f;
const fs::path kMakeHuman = fs::path(FIGURANT_MAKEHUMAN_DIR);

// The base mesh's vertices (decimetres), all groups.
const std::vector<Vec3f>& BaseVertices() {
  static const std::vector<Vec3f> v = [] {
    std::vector<Vec3f> out;
    std::ifstream in(kMakeHuman / "3dobjs" / "base.obj");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("v ", 0) != 0) continue;
      std::istringstream s(line.substr(2));
      Vec3f p;
      s >> p.x >> p.y >> p.z;
      out.push_back(p);
    }
    return out;
  }();
  return v;
}

struct Rig {
  MhSkeleton skeleton;
  MhWeights weights;
};

const Rig& DefaultRig() {
  static const Rig rig = [] {
    Rig r;
    auto sk = LoadMhSkeleton(kMakeHuman / "rigs" / "default.mhskel", BaseVertices());
    EXPECT_TRUE(sk.ok()) << sk.status().ToString();
    if (sk.ok()) r.skeleton = *sk;
    auto w = LoadMhWeights(kMakeHuman / "rigs" / "default_weights.mhw", r.skeleton,
                           BaseVertices().size());
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    if (w.ok()) r.weights = *w;
    return r;
  }();
  return rig;
}

Vec3f PosedHead(const Rig& rig, const MhPose& pose, const char* bone) {
  const int b = rig.skeleton.Find(bone);
  EXPECT_GE(b, 0) << bone;
  return SkinningMatrices(rig.skeleton, pose)[static_cast<size_t>(b)].TransformPoint(
      rig.skeleton.bones[static_cast<size_t>(b)].head);
}

TEST(MhSkeletonTest, DefaultSkeletonSitsOnTheBaseMeshWithOrthonormalFrames) {
  ASSERT_TRUE(fs::exists(kMakeHuman / "rigs" / "default.mhskel")) << kMakeHuman;
  const Rig& rig = DefaultRig();
  ASSERT_EQ(rig.skeleton.bones.size(), 163u);
  EXPECT_EQ(rig.skeleton.bones[0].name, "root");
  EXPECT_EQ(rig.skeleton.bones[0].parent, -1);
  for (size_t b = 0; b < rig.skeleton.bones.size(); ++b) {
    const MhBone& bone = rig.skeleton.bones[b];
    if (b > 0) {
      EXPECT_LT(bone.parent, static_cast<int>(b)) << bone.name;
    }
    const Vec3f x{bone.rest.m[0][0], bone.rest.m[0][1], bone.rest.m[0][2]};
    const Vec3f y{bone.rest.m[1][0], bone.rest.m[1][1], bone.rest.m[1][2]};
    const Vec3f z{bone.rest.m[2][0], bone.rest.m[2][1], bone.rest.m[2][2]};
    EXPECT_NEAR(geom::Length(x), 1, 1e-4) << bone.name;
    EXPECT_NEAR(geom::Dot(x, y), 0, 1e-4) << bone.name;
    EXPECT_NEAR(geom::Dot(geom::Cross(x, y), z), 1, 1e-4) << bone.name;  // right-handed
    if (geom::Length(bone.tail - bone.head) > 1e-3f) {
      EXPECT_NEAR(geom::Dot(y, geom::Normalize(bone.tail - bone.head)), 1, 1e-4) << bone.name;
    }
  }
  const MhBone& arm = rig.skeleton.bones[static_cast<size_t>(rig.skeleton.Find("upperarm01.L"))];
  EXPECT_GT(arm.head.x, 1.0f);  // the left arm is on +X
  // Knee-hinge bones bend about their X axis: the lower leg's X is roughly sideways.
  const MhBone& shin = rig.skeleton.bones[static_cast<size_t>(rig.skeleton.Find("lowerleg01.L"))];
  EXPECT_GT(std::fabs(shin.rest.m[0][0]), 0.8f);
}

TEST(MhSkinTest, RestPoseLeavesTheMeshWhereItIs) {
  const Rig& rig = DefaultRig();
  const auto out =
      Skin(BaseVertices(), rig.weights, SkinningMatrices(rig.skeleton, RestPose(rig.skeleton)));
  ASSERT_EQ(out.size(), BaseVertices().size());
  for (size_t v = 0; v < out.size(); v += 97) {
    EXPECT_NEAR(out[v].x, BaseVertices()[v].x, 1e-4f);
    EXPECT_NEAR(out[v].y, BaseVertices()[v].y, 1e-4f);
  }
}

TEST(MhPoseTest, Walk1BringsTheArmsDownAndAlternatesTheFeet) {
  const Rig& rig = DefaultRig();
  auto clip = LoadBvh(kMakeHuman / "animations" / "walks" / "walk1.bvh");
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  const MhPose rest = RestPose(rig.skeleton);
  const float rest_wrist = PosedHead(rig, rest, "wrist.L").y;
  const float rest_elbow = PosedHead(rig, rest, "lowerarm01.L").y;
  int left_ahead = 0, right_ahead = 0;
  float wrist_sum = 0;
  for (int f = 0; f < clip->frame_count; ++f) {
    auto pose = PoseFromClip(*clip, f, rig.skeleton);
    ASSERT_TRUE(pose.ok()) << pose.status().ToString();
    // Arms hang (the clip rests in a T-pose, the mesh in an A-pose): elbows always below their
    // A-pose height, wrists below on average (they swing forward and bend at the elbow).
    for (const char* elbow : {"lowerarm01.L", "lowerarm01.R"}) {
      EXPECT_LT(PosedHead(rig, *pose, elbow).y, rest_elbow - 0.2f) << elbow << " frame " << f;
    }
    wrist_sum += PosedHead(rig, *pose, "wrist.L").y + PosedHead(rig, *pose, "wrist.R").y;
    // The head stays up (no tumbling from a wrong axis conversion).
    EXPECT_GT(PosedHead(rig, *pose, "head").y, PosedHead(rig, rest, "head").y - 0.6f);
    const float dz = PosedHead(rig, *pose, "foot.L").z - PosedHead(rig, *pose, "foot.R").z;
    left_ahead += dz > 0.5f;
    right_ahead += dz < -0.5f;
    const auto skinned = Skin(BaseVertices(), rig.weights, SkinningMatrices(rig.skeleton, *pose));
    ASSERT_EQ(skinned.size(), BaseVertices().size());
    for (const Vec3f& p : skinned) ASSERT_TRUE(geom::IsFinite(p)) << "frame " << f;
  }
  EXPECT_LT(wrist_sum / static_cast<float>(2 * clip->frame_count), rest_wrist - 0.8f);
  EXPECT_GE(left_ahead, 2) << "the left foot never leads";
  EXPECT_GE(right_ahead, 2) << "the right foot never leads";
  EXPECT_FALSE(PoseFromClip(*clip, clip->frame_count, rig.skeleton).ok());
}

TEST(MhPoseTest, StandingPoseLowersTheArmsAndKeepsTheRest) {
  const Rig& rig = DefaultRig();
  const MhPose rest = RestPose(rig.skeleton), stand = StandingPose(rig.skeleton);
  EXPECT_LT(PosedHead(rig, stand, "wrist.L").y, PosedHead(rig, rest, "wrist.L").y - 1.5f);
  EXPECT_LT(PosedHead(rig, stand, "wrist.R").y, PosedHead(rig, rest, "wrist.R").y - 1.5f);
  EXPECT_GT(PosedHead(rig, stand, "wrist.L").x, 0.5f);  // still on its own side
  for (const char* b : {"head", "foot.L", "foot.R"}) {
    const Vec3f a = PosedHead(rig, stand, b), r = PosedHead(rig, rest, b);
    EXPECT_NEAR(geom::Length(a - r), 0, 1e-5f) << b;
  }
}

TEST(MhPoseTest, DefaultSkeletonClipsMapByName) {
  const Rig& rig = DefaultRig();
  auto clip = LoadBvh(kMakeHuman / "poses" / "tpose.bvh");
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  auto pose = PoseFromClip(*clip, 0, rig.skeleton);
  ASSERT_TRUE(pose.ok()) << pose.status().ToString();
  // T-pose: the wrist rises to shoulder height, and moves out.
  const MhPose rest = RestPose(rig.skeleton);
  const Vec3f wrist = PosedHead(rig, *pose, "wrist.L");
  EXPECT_NEAR(wrist.y, PosedHead(rig, rest, "upperarm01.L").y, 0.8f);
  EXPECT_GT(wrist.x, PosedHead(rig, rest, "wrist.L").x + 1.0f);
}

TEST(MhSkeletonTest, MalformedSkeletonsAndWeightsNameTheFile) {
  const fs::path dir =
      fs::temp_directory_path() / ("figurant-mhskel-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  struct Case {
    const char* name;
    const char* text;
    const char* expect;
  };
  const Case cases[] = {
      {"truncated.mhskel", R"({"bones": {"root": {"head": "a")", "not valid JSON"},
      {"nobones.mhskel", R"({"joints": {}})", "expected objects 'bones'"},
      {"badjoint.mhskel",
       R"({"bones": {"root": {"head": "a", "tail": "b", "parent": null}}, "joints": {"a": [0]}})",
       "joint 'b'"},
      {"badvertex.mhskel",
       R"({"bones": {"root": {"head": "a", "tail": "a", "parent": null}}, "joints": {"a": [99999999]}})",
       "vertex 99999999"},
      {"orphan.mhskel",
       R"({"bones": {"x": {"head": "a", "tail": "a", "parent": "nope"}}, "joints": {"a": [0]}})",
       "parent \"nope\""},
  };
  for (const Case& c : cases) {
    const fs::path f = dir / c.name;
    std::ofstream(f) << c.text;
    auto sk = LoadMhSkeleton(f, BaseVertices());
    ASSERT_FALSE(sk.ok()) << c.name;
    EXPECT_NE(sk.status().message().find(f.string()), std::string::npos) << sk.status().message();
    EXPECT_NE(sk.status().message().find(c.expect), std::string::npos) << sk.status().message();
  }
  const fs::path w = dir / "bad.mhw";
  std::ofstream(w) << R"({"weights": {"root": [[0, 0.5], [1]]}})";
  auto weights = LoadMhWeights(w, DefaultRig().skeleton, BaseVertices().size());
  ASSERT_FALSE(weights.ok());
  EXPECT_NE(weights.status().message().find(w.string()), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace figurant::anim

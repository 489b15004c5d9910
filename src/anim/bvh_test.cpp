#include "anim/bvh.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace figurant::anim {
namespace {

namespace fs = std::filesystem;
const fs::path kMakeHuman = fs::path(FIGURANT_MAKEHUMAN_DIR);
const fs::path kWalk = kMakeHuman / "animations" / "walks" / "walk1.bvh";

fs::path TempFile(const std::string& name, const std::string& text) {
  const fs::path p =
      fs::temp_directory_path() / ("figurant-bvh-" + std::to_string(::getpid()) + "-" + name);
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

TEST(BvhTest, Walk1HasItsFramesFrameTimeAndJoints) {
  ASSERT_TRUE(fs::exists(kWalk)) << kWalk;
  auto clip = LoadBvh(kWalk);
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  EXPECT_EQ(clip->name, "walk1");
  EXPECT_EQ(clip->frame_count, 14);
  EXPECT_NEAR(clip->frame_time_s, 0.041667, 1e-5);
  EXPECT_TRUE(clip->converted_from_z_up);  // walks.mhanim: "z_is_up"
  ASSERT_FALSE(clip->joints.empty());
  EXPECT_EQ(clip->joints[0].name, "Root");
  EXPECT_EQ(clip->joints[0].parent, -1);
  for (const char* j : {"Spine1", "Spine3", "Neck", "Head", "Clavicle_L", "UpArm_L", "LoArm_L",
                        "Hand_L", "Hips", "UpLeg_R", "LoLeg_R", "Foot_R", "Toe_R"}) {
    EXPECT_GE(clip->Find(j), 0) << j;
  }
  EXPECT_EQ(clip->joints[static_cast<size_t>(clip->Find("LoArm_L"))].parent, clip->Find("UpArm_L"));
  // Converted to +Y up: the head is above the feet, the left arm on +X.
  const auto pos = [&](const char* n) {
    return clip->joints[static_cast<size_t>(clip->Find(n))].rest_position;
  };
  EXPECT_GT(pos("Head").y - pos("Foot_L").y, 10.0f);
  EXPECT_GT(pos("Hand_L").x, 4.0f);
  EXPECT_EQ(clip->rotations.size(), clip->joints.size() * 14);
}

TEST(BvhTest, RotationsFollowTheChannelOrder) {
  // One joint, channels Z X Y, frame: 90° about Z only → the +X axis turns to +Y.
  const std::string text =
      "HIERARCHY\nROOT a\n{\n  OFFSET 0 0 0\n  CHANNELS 3 Zrotation Xrotation Yrotation\n"
      "  JOINT b\n  {\n    OFFSET 0 1 0\n    CHANNELS 3 Zrotation Xrotation Yrotation\n"
      "    End Site\n    {\n      OFFSET 0 1 0\n    }\n  }\n}\nMOTION\nFrames: 2\n"
      "Frame Time: 0.5\n90 0 0 0 0 0\n0 0 0 0 90 0\n";
  const fs::path f = TempFile("order.bvh", text);
  auto clip = LoadBvh(f, BvhUp::kY);
  fs::remove(f);
  ASSERT_TRUE(clip.ok()) << clip.status().ToString();
  EXPECT_EQ(clip->frame_count, 2);
  EXPECT_NEAR(clip->frame_time_s, 0.5, 1e-9);
  const geom::Vec3f x = clip->Rotation(0, 0).TransformVector({1, 0, 0});
  EXPECT_NEAR(x.y, 1.0f, 1e-5f);
  // Frame 1: b rotates 90° about X; b's global rotation is the root's (identity) times its own.
  const geom::Vec3f y = clip->GlobalRotation(1, 1).TransformVector({0, 1, 0});
  EXPECT_NEAR(y.z, 1.0f, 1e-5f);
}

TEST(BvhTest, MalformedClipsNameTheFile) {
  const std::string head =
      "HIERARCHY\nROOT a\n{\n  OFFSET 0 0 0\n  CHANNELS 3 Xrotation Yrotation Zrotation\n"
      "  End Site\n  {\n    OFFSET 0 1 0\n  }\n}\nMOTION\n";
  struct Case {
    const char* name;
    std::string text;
    const char* expect;
  };
  const Case cases[] = {
      {"short-frame.bvh", head + "Frames: 2\nFrame Time: 0.1\n1 2 3\n", ":15"},  // line 15
      {"no-motion.bvh", "HIERARCHY\nROOT a\n{\n  OFFSET 0 0\n", ""},
      {"zero-time.bvh", head + "Frames: 1\nFrame Time: 0\n1 2 3\n", ""},
      {"not-bvh.bvh", "hello\n", ""},
  };
  for (const Case& c : cases) {
    const fs::path f = TempFile(c.name, c.text);
    auto clip = LoadBvh(f);
    fs::remove(f);
    ASSERT_FALSE(clip.ok()) << c.name;
    EXPECT_NE(clip.status().message().find(f.string()), std::string::npos)
        << c.name << ": " << clip.status().message();
    EXPECT_NE(clip.status().message().find(c.expect), std::string::npos)
        << c.name << ": " << clip.status().message();
  }
  auto missing = LoadBvh("/nonexistent/clip.bvh");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/clip.bvh"), std::string::npos);
}

TEST(BvhTest, RotationBetweenTurnsOneDirectionIntoAnother) {
  const geom::Vec3f a = geom::Normalize({1, 2, 0.5f}), b = geom::Normalize({-0.3f, 0.1f, 1});
  const geom::Vec3f r = RotationBetween(a, b).TransformVector(a);
  EXPECT_NEAR(r.x, b.x, 1e-5f);
  EXPECT_NEAR(r.y, b.y, 1e-5f);
  EXPECT_NEAR(r.z, b.z, 1e-5f);
  const geom::Vec3f back = RotationBetween(a, -a).TransformVector(a);
  EXPECT_NEAR(geom::Dot(back, -a), 1.0f, 1e-5f);
}

}  // namespace
}  // namespace figurant::anim

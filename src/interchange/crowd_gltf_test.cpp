// The crowd .glb read back with tinygltf and evaluated here: every agent's root and joints are
// where the crowd put them in every frame, only what moves is keyed, the same crowd gives the same
// bytes, and bad crowds are refused naming the problem. (Blender's own importer reads a shot's
// export in shot/export_test.cpp.)
#include "interchange/crowd_gltf.h"

#include <gtest/gtest.h>
#include <tiny_gltf.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>

#include "interchange/mannequin.h"

namespace figurant::interchange {
namespace {

using geom::Mat4f;
using geom::Vec3f;

// A bone frame at `head`, turned by `angle` about +X (its +Y along the bone when angle is 0).
Mat4f Frame(Vec3f head, float angle = 0) {
  Mat4f m;
  const float c = std::cos(angle), s = std::sin(angle);
  m.m[1] = {0, c, s, 0};
  m.m[2] = {0, -s, c, 0};
  m.m[3] = {head.x, head.y, head.z, 1};
  return m;
}

// hips → spine → head, hips → leftUpperLeg → leftLowerLeg → leftFoot; the legs' bones scaled by
// 0.1 as a MakeHuman import's are (the writer drops the scale).
geom::Skeleton Rig() {
  geom::Skeleton s;
  s.bones = {{"hips", -1, Frame({0, 1.0f, 0})},
             {"spine", 0, Frame({0, 1.2f, 0})},
             {"head", 1, Frame({0, 1.6f, 0})},
             {"leftUpperLeg", 0, Frame({0.1f, 1.0f, 0})},
             {"leftLowerLeg", 3, Frame({0.1f, 0.5f, 0})},
             {"leftFoot", 4, Frame({0.1f, 0.08f, 0})}};
  for (size_t b = 3; b < 6; ++b) {
    for (int c = 0; c < 3; ++c) {
      for (int r = 0; r < 3; ++r) s.bones[b].bind_pose.m[c][r] *= 10.0f;
    }
  }
  return s;
}

// The rig with its left leg swung by `angle` about the hip: the leg's bones turned and moved.
std::vector<Mat4f> LegSwung(const geom::Skeleton& rig, float angle) {
  std::vector<Mat4f> frames;
  for (const geom::Bone& b : rig.bones) frames.push_back(b.bind_pose);
  const Vec3f hip{0.1f, 1.0f, 0};
  Mat4f turn;
  const float c = std::cos(angle), s = std::sin(angle);
  turn.m[1] = {0, c, s, 0};
  turn.m[2] = {0, -s, c, 0};
  const Mat4f about_hip = Mat4f::Translation(hip) * turn * Mat4f::Translation(hip * -1.0f);
  for (size_t b = 3; b < 6; ++b) frames[b] = about_hip * frames[b];
  return frames;
}

// Two doubles (one rigged, one not) and three agents over 10 frames: a walker swinging its leg
// and moving along +X, a rigged agent standing in its bind pose, a box walking along +Z.
struct Crowd {
  geom::Skeleton rig = Rig();
  std::vector<CrowdDouble> doubles{{"dbl_rigged", &rig, 1.7f}, {"dbl_bare", nullptr, 1.8f}};
  std::vector<CrowdAgent> agents{{"walker_0", 0, 1.1f}, {"stander_1", 0, 1}, {"box_2", 1, 1}};
  CrowdMotion motion;
  static constexpr int kFrames = 10;

  Crowd() {
    motion.fps = 24;
    motion.placements.agents = 3;
    motion.placements.frames = kFrames;
    for (int k = 0; k < 4; ++k) motion.poses.push_back({0, LegSwung(rig, 0.2f * k - 0.3f)});
    for (int f = 0; f < kFrames; ++f) {
      const auto t = static_cast<float>(f);
      motion.placements.placements.push_back({{0.05f * t, 0, 2}, 1.5f, 0});
      motion.placements.placements.push_back({{-1, 0, 0}, 0.3f, 0});
      motion.placements.placements.push_back({{3, 0, 0.1f * t}, 0, 0});
      motion.pose_at.insert(motion.pose_at.end(), {f % 4, -1, -1});
    }
  }
  Result<std::string> Encode() const { return EncodeCrowdGlb(doubles, agents, motion); }
  // Where bone `b` of agent `a` is in the world at frame `f`, as the crowd says.
  Vec3f BoneAt(size_t a, int f, size_t b) const {
    const nav::Placement& p = motion.placements.At(f, static_cast<int>(a));
    const int pose = motion.pose_at[static_cast<size_t>(f) * agents.size() + a];
    const Mat4f& frame = pose < 0 ? rig.bones[b].bind_pose : motion.poses[pose].bones[b];
    const Mat4f world = Mat4f::Translation(p.position) * Mat4f::RotationY(p.heading_rad) *
                        Mat4f::Scale(agents[a].scale);
    return world.TransformPoint({frame.m[3][0], frame.m[3][1], frame.m[3][2]});
  }
};

// The file read back, and its nodes evaluated at a frame (a reference evaluator of glTF's node
// transforms and animation channels, independent of the writer).
class Read {
 public:
  explicit Read(const std::string& glb) {
    tinygltf::TinyGLTF loader;
    std::string err, warn;
    ok_ = loader.LoadBinaryFromMemory(&model_, &err, &warn,
                                      reinterpret_cast<const unsigned char*>(glb.data()),
                                      static_cast<unsigned>(glb.size()));
    EXPECT_TRUE(ok_) << err << warn;
    for (size_t n = 0; n < model_.nodes.size(); ++n) {
      for (int c : model_.nodes[n].children) parent_[c] = static_cast<int>(n);
      by_name_.emplace(model_.nodes[n].name, static_cast<int>(n));
    }
  }
  const tinygltf::Model& model() const { return model_; }
  int Node(const std::string& name) const {
    const auto it = by_name_.find(name);
    return it == by_name_.end() ? -1 : it->second;
  }
  // The child of `node` named `name` (a joint of one agent's copy), or -1.
  int Child(int node, const std::string& name) const {
    for (int c : model_.nodes[static_cast<size_t>(node)].children) {
      if (model_.nodes[static_cast<size_t>(c)].name == name) return c;
    }
    return -1;
  }
  // The channels that animate `node`, by path.
  std::map<std::string, int> Channels(int node) const {
    std::map<std::string, int> out;
    if (model_.animations.empty()) return out;
    for (const auto& ch : model_.animations[0].channels) {
      if (ch.target_node == node) out[ch.target_path] = ch.sampler;
    }
    return out;
  }
  Vec3f WorldAt(int node, int frame) const {
    Mat4f world;
    for (int n = node; n >= 0; n = Parent(n)) world = LocalAt(n, frame) * world;
    return {world.m[3][0], world.m[3][1], world.m[3][2]};
  }
  // An accessor's values as floats: floats as they are, normalized signed shorts decoded
  // (glTF 2.0, "Animations": max(c / 32767, -1)).
  std::vector<float> Floats(int accessor) const {
    const tinygltf::Accessor& a = model_.accessors[static_cast<size_t>(accessor)];
    const tinygltf::BufferView& v = model_.bufferViews[static_cast<size_t>(a.bufferView)];
    const unsigned char* data =
        model_.buffers[static_cast<size_t>(v.buffer)].data.data() + v.byteOffset + a.byteOffset;
    const size_t n = a.count * static_cast<size_t>(tinygltf::GetNumComponentsInType(a.type));
    std::vector<float> out(n);
    for (size_t i = 0; i < n; ++i) {
      if (a.componentType == TINYGLTF_COMPONENT_TYPE_SHORT) {
        EXPECT_TRUE(a.normalized);
        int16_t c = 0;
        std::memcpy(&c, data + i * sizeof c, sizeof c);
        out[i] = std::max(static_cast<float>(c) / 32767.0f, -1.0f);
      } else {
        EXPECT_EQ(a.componentType, TINYGLTF_COMPONENT_TYPE_FLOAT);
        std::memcpy(&out[i], data + i * sizeof(float), sizeof(float));
      }
    }
    return out;
  }

 private:
  int Parent(int n) const {
    const auto it = parent_.find(n);
    return it == parent_.end() ? -1 : it->second;
  }
  Mat4f LocalAt(int n, int frame) const {
    const tinygltf::Node& node = model_.nodes[static_cast<size_t>(n)];
    std::vector<double> t = node.translation, r = node.rotation, s = node.scale;
    for (const auto& [path, sampler] : Channels(n)) {
      const std::vector<float> keys =
          Floats(model_.animations[0].samplers[static_cast<size_t>(sampler)].output);
      const size_t width = path == "rotation" ? 4 : 3;
      std::vector<double>& out = path == "rotation" ? r : (path == "scale" ? s : t);
      out.assign(keys.begin() + static_cast<long>(frame * width),
                 keys.begin() + static_cast<long>((frame + 1) * width));
    }
    if (t.empty()) t = {0, 0, 0};
    if (r.empty()) r = {0, 0, 0, 1};
    if (s.empty()) s = {1, 1, 1};
    const double x = r[0], y = r[1], z = r[2], w = r[3];
    Mat4f m;  // T · R · S, the quaternion's matrix by columns
    m.m[0] = {static_cast<float>((1 - 2 * (y * y + z * z)) * s[0]),
              static_cast<float>(2 * (x * y + z * w) * s[0]),
              static_cast<float>(2 * (x * z - y * w) * s[0]), 0};
    m.m[1] = {static_cast<float>(2 * (x * y - z * w) * s[1]),
              static_cast<float>((1 - 2 * (x * x + z * z)) * s[1]),
              static_cast<float>(2 * (y * z + x * w) * s[1]), 0};
    m.m[2] = {static_cast<float>(2 * (x * z + y * w) * s[2]),
              static_cast<float>(2 * (y * z - x * w) * s[2]),
              static_cast<float>((1 - 2 * (x * x + y * y)) * s[2]), 0};
    m.m[3] = {static_cast<float>(t[0]), static_cast<float>(t[1]), static_cast<float>(t[2]), 1};
    return m;
  }

  tinygltf::Model model_;
  bool ok_ = false;
  std::map<int, int> parent_;
  std::multimap<std::string, int> by_name_;
};

TEST(CrowdGltfTest, EveryRootAndJointIsWhereTheCrowdPutItInEveryFrame) {
  const Crowd c;
  auto glb = c.Encode();
  ASSERT_TRUE(glb.ok()) << glb.status().ToString();
  const Read file(*glb);
  double worst = 0;
  for (size_t a = 0; a < c.agents.size(); ++a) {
    const int root = file.Node(c.agents[a].name);
    ASSERT_GE(root, 0) << c.agents[a].name;
    for (int f = 0; f < Crowd::kFrames; ++f) {
      const Vec3f p = c.motion.placements.At(f, static_cast<int>(a)).position;
      worst = std::max(worst, static_cast<double>(geom::Length(file.WorldAt(root, f) - p)));
      if (c.agents[a].double_index != 0) continue;
      // Down the agent's own copy of the joints, by name.
      int node = root;
      for (size_t b : {size_t{0}, size_t{3}, size_t{4}, size_t{5}}) {
        node = file.Child(node, c.rig.bones[b].name);
        ASSERT_GE(node, 0) << c.rig.bones[b].name << " of " << c.agents[a].name;
        worst = std::max(
            worst, static_cast<double>(geom::Length(file.WorldAt(node, f) - c.BoneAt(a, f, b))));
      }
    }
  }
  std::cout << "largest distance from the crowd: " << worst * 1000 << " mm\n";
  // Rotations are stored to 1/32767 a component: a few hundredths of a millimetre a joint.
  EXPECT_LT(worst, 2e-4) << "metres";
}

TEST(CrowdGltfTest, OnlyWhatMovesIsKeyed) {
  const Crowd c;
  auto glb = c.Encode();
  ASSERT_TRUE(glb.ok()) << glb.status().ToString();
  const Read file(*glb);
  const tinygltf::Model& m = file.model();
  ASSERT_EQ(m.animations.size(), 1u);
  EXPECT_EQ(m.animations[0].name, "crowd");
  const int walker = file.Node("walker_0"), stander = file.Node("stander_1");
  const int box = file.Node("box_2");
  // The walker turns in place (constant heading) while it moves; the stander never moves.
  EXPECT_EQ(file.Channels(walker).count("translation"), 1u);
  EXPECT_EQ(file.Channels(walker).count("rotation"), 0u);
  EXPECT_TRUE(file.Channels(stander).empty());
  EXPECT_EQ(file.Channels(box).count("translation"), 1u);
  // Its swung leg is keyed (the hip's rotation), the spine and head are not.
  const int hips = file.Child(walker, "hips");
  EXPECT_EQ(file.Channels(file.Child(hips, "leftUpperLeg")).count("rotation"), 1u);
  EXPECT_TRUE(file.Channels(file.Child(hips, "spine")).empty());
  EXPECT_TRUE(file.Channels(file.Child(file.Child(stander, "hips"), "leftUpperLeg")).empty());
  // One mannequin mesh per double, one skin per rigged agent sharing its double's bind matrices.
  EXPECT_EQ(m.meshes.size(), 2u);
  ASSERT_EQ(m.skins.size(), 2u);
  EXPECT_EQ(m.skins[0].inverseBindMatrices, m.skins[1].inverseBindMatrices);
  EXPECT_NE(m.skins[0].joints, m.skins[1].joints);
  EXPECT_TRUE(m.images.empty()) << "no texture of anyone";
}

TEST(CrowdGltfTest, TheSameCrowdGivesTheSameBytes) {
  const Crowd c;
  auto one = c.Encode(), two = c.Encode();
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(*one, *two);
  Crowd moved;
  moved.motion.placements.placements[5].position.x += 0.01f;
  EXPECT_NE(*moved.Encode(), *one);
}

// The message of refusing `c`'s crowd, which must be InvalidArgument.
std::string Refusal(const Crowd& c) {
  auto glb = c.Encode();
  EXPECT_EQ(glb.status().code(), StatusCode::kInvalidArgument);
  return glb.status().message();
}

TEST(CrowdGltfTest, ABadCrowdIsRefusedNamingTheProblem) {
  auto expect = [](const std::string& message, const std::string& part) {
    EXPECT_NE(message.find(part), std::string::npos) << message;
  };
  {
    Crowd c;
    c.agents[1].name = c.agents[0].name;
    expect(Refusal(c), "agent name walker_0 is used twice");
  }
  {
    Crowd c;
    c.agents[2].double_index = 5;
    expect(Refusal(c), "agent box_2 shows no double");
  }
  {
    Crowd c;
    c.motion.fps = 0;
    expect(Refusal(c), "fps");
  }
  {
    Crowd c;
    c.agents.pop_back();
    expect(Refusal(c), "placements are not of these agents");
  }
  {
    Crowd c;
    c.motion.pose_at[2] = 0;  // the box agent shows a pose of the rigged double
    expect(Refusal(c), "agent box_2 shows a pose of another double");
  }
  {
    Crowd c;
    c.motion.poses[1].bones.pop_back();
    expect(Refusal(c), "pose 1 has 5 bones, its skeleton 6");
  }
  {
    Crowd c;
    c.motion.poses[0].double_index = 1;
    expect(Refusal(c), "pose 0 is of a double without a skeleton");
  }
  {
    Crowd c;
    c.rig.bones[1].parent = 3;
    expect(Refusal(c), "bone spine comes before its parent");
  }
  {
    Crowd c;
    c.motion.placements.placements[4].heading_rad = NAN;
    expect(Refusal(c), "not finite");
  }
  {
    Crowd c;
    c.agents[0].scale = 0;
    expect(Refusal(c), "scale");
  }
}

TEST(MannequinTest, BoxesOnTheBonesRigidlySkinnedAndNothingElse) {
  const geom::Skeleton rig = Rig();
  const geom::Mesh m = Mannequin(&rig, 1.7f);
  ASSERT_TRUE(m.Validate().ok()) << m.Validate().ToString();
  // hips → spine, hips → each upper leg, spine → head, upper → lower leg → foot; head and foot
  // leaves: 7 boxes of 12 triangles.
  EXPECT_EQ(m.indices.size(), 7u * 12 * 3);
  ASSERT_EQ(m.skin.joints.size(), m.positions.size());
  for (size_t v = 0; v < m.positions.size(); ++v) {
    EXPECT_EQ(m.skin.weights[v][0], 1.0f);
    EXPECT_LT(m.skin.joints[v][0], rig.bones.size());
  }
  EXPECT_TRUE(m.uvs.empty() && m.colors.empty() && m.albedo.empty());
  const geom::Mesh box = Mannequin(nullptr, 1.8f);
  geom::Bounds3f b;
  for (const Vec3f& p : box.positions) b.Extend(p);
  EXPECT_NEAR(b.lo.y, 0, 1e-6);
  EXPECT_NEAR(b.hi.y, 1.8, 1e-6);
  EXPECT_FALSE(box.skeleton.has_value());
}

}  // namespace
}  // namespace figurant::interchange

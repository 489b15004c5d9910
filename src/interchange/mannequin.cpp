#include "interchange/mannequin.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>
#include <vector>

namespace figurant::interchange {
namespace {

using geom::Vec3f;

constexpr std::array<std::string_view, 22> kHumanoid = {
    "hips",          "spine",         "chest",         "upperChest",    "neck",
    "head",          "leftShoulder",  "leftUpperArm",  "leftLowerArm",  "leftHand",
    "rightShoulder", "rightUpperArm", "rightLowerArm", "rightHand",     "leftUpperLeg",
    "leftLowerLeg",  "leftFoot",      "leftToes",      "rightUpperLeg", "rightLowerLeg",
    "rightFoot",     "rightToes"};

bool IsHumanoid(const std::string& name) {
  return std::find(kHumanoid.begin(), kHumanoid.end(), name) != kHumanoid.end();
}

Vec3f Head(const geom::Bone& bone) {
  const auto& t = bone.bind_pose.m[3];
  return {t[0], t[1], t[2]};
}

// Appends a box from `from` to `to`, `width` across, its 24 vertices (4 per face, flat normals)
// skinned to `bone` when `bone` >= 0.
void AddBox(geom::Mesh& m, Vec3f from, Vec3f to, float width, int bone) {
  const Vec3f axis = to - from;
  const Vec3f d = geom::Normalize(axis);
  const Vec3f ref = std::fabs(d.z) < 0.9f ? Vec3f{0, 0, 1} : Vec3f{1, 0, 0};
  const Vec3f u = geom::Normalize(geom::Cross(d, ref)) * (width / 2);
  const Vec3f v = geom::Normalize(geom::Cross(d, u)) * (width / 2);
  // Corner k: along the axis by bit 0, ±u by bit 1, ±v by bit 2.
  auto corner = [&](int k) {
    return from + ((k & 1) ? axis : Vec3f{}) + ((k & 2) ? u : u * -1.0f) +
           ((k & 4) ? v : v * -1.0f);
  };
  // Faces as corner quads, counter-clockwise seen from outside.
  constexpr int kFaces[6][4] = {{0, 2, 6, 4}, {1, 5, 7, 3}, {0, 1, 3, 2},
                                {4, 6, 7, 5}, {0, 4, 5, 1}, {2, 3, 7, 6}};
  for (const auto& f : kFaces) {
    const Vec3f a = corner(f[0]), b = corner(f[1]), c = corner(f[2]);
    Vec3f n = geom::Normalize(geom::Cross(b - a, c - a));
    const Vec3f centre = from + axis * 0.5f;
    if (geom::Dot(n, a - centre) < 0) n = n * -1.0f;  // outwards whatever the axes' handedness
    const auto base = static_cast<uint32_t>(m.positions.size());
    for (int k = 0; k < 4; ++k) {
      m.positions.push_back(corner(f[k]));
      m.normals.push_back(n);
      if (bone >= 0) {
        m.skin.joints.push_back({static_cast<uint16_t>(bone), 0, 0, 0});
        m.skin.weights.push_back({1, 0, 0, 0});
      }
    }
    const bool outwards = geom::Dot(geom::Cross(b - a, c - a), n) > 0;
    const std::array<uint32_t, 6> tri = outwards ? std::array<uint32_t, 6>{0, 1, 2, 0, 2, 3}
                                                 : std::array<uint32_t, 6>{0, 2, 1, 0, 3, 2};
    for (uint32_t i : tri) m.indices.push_back(base + i);
  }
}

float WidthFor(float length) {
  return std::clamp(length * kMannequinThickness, kMannequinMinWidthM, kMannequinMaxWidthM);
}

// Per bone, whether it gets a box: the humanoid ones, or every one when the rig names none.
std::vector<bool> BoxedBones(const geom::Skeleton& s) {
  std::vector<bool> out(s.bones.size());
  for (size_t b = 0; b < s.bones.size(); ++b) out[b] = IsHumanoid(s.bones[b].name);
  if (std::find(out.begin(), out.end(), true) == out.end()) out.assign(s.bones.size(), true);
  return out;
}

void AddBones(geom::Mesh& m, const geom::Skeleton& s) {
  const std::vector<bool> boxed = BoxedBones(s);
  // Each boxed bone's nearest boxed ancestor (-1: none).
  std::vector<int> up(s.bones.size(), -1);
  for (size_t b = 0; b < s.bones.size(); ++b) {
    for (int p = s.bones[b].parent; p >= 0; p = s.bones[static_cast<size_t>(p)].parent) {
      if (boxed[static_cast<size_t>(p)]) {
        up[b] = p;
        break;
      }
    }
  }
  for (size_t b = 0; b < s.bones.size(); ++b) {
    if (!boxed[b]) continue;
    const Vec3f head = Head(s.bones[b]);
    bool leaf = true;
    for (size_t c = b + 1; c < s.bones.size(); ++c) {
      if (!boxed[c] || up[c] != static_cast<int>(b)) continue;
      const Vec3f to = Head(s.bones[c]);
      const float length = geom::Length(to - head);
      if (length <= 1e-4f) continue;
      AddBox(m, head, to, WidthFor(length), static_cast<int>(b));
      leaf = false;
    }
    if (leaf) {
      const auto& y = s.bones[b].bind_pose.m[1];
      const Vec3f axis{y[0], y[1], y[2]};
      // Along the bone (+Y, as rigs orient bones); straight up for a degenerate frame.
      const Vec3f along = geom::Length(axis) > 1e-6f ? geom::Normalize(axis) : Vec3f{0, 1, 0};
      AddBox(m, head, head + along * kMannequinLeafLengthM, WidthFor(kMannequinLeafLengthM * 2),
             static_cast<int>(b));
    }
  }
}

}  // namespace

geom::Mesh Mannequin(const geom::Skeleton* skeleton, float standing_height_m) {
  geom::Mesh m;
  if (skeleton == nullptr || skeleton->bones.empty()) {
    AddBox(m, {0, 0, 0}, {0, standing_height_m, 0}, kMannequinBoxWidthM, -1);
    return m;
  }
  AddBones(m, *skeleton);
  m.skeleton = *skeleton;
  return m;
}

}  // namespace figurant::interchange

// BVH clips through Assimp's BVH importer (code/AssetLib/BVH/BVHLoader.cpp): it builds one node
// per joint (offset as the node's translation) and one animation channel per joint whose rotation
// keys are the product of the joint's rotation channels in file order, the BVH convention.
#include "anim/bvh.h"

#include <assimp/MemoryIOWrapper.h>
#include <assimp/scene.h>

#include <assimp/Importer.hpp>
#include <cmath>
#include <map>

namespace figurant::anim {
namespace {

using geom::Mat4f;
using geom::Vec3f;

Mat4f FromQuaternion(const aiQuaternion& q) {
  const aiMatrix3x3 r = q.GetMatrix();  // row-major
  Mat4f m;
  m.m[0] = {r.a1, r.b1, r.c1, 0};
  m.m[1] = {r.a2, r.b2, r.c2, 0};
  m.m[2] = {r.a3, r.b3, r.c3, 0};
  return m;
}

// (x, y, z) Z-up → (x, z, -y) Y-up, as a rotation matrix.
Mat4f ZUpToYUp() {
  Mat4f c;
  c.m[1] = {0, 0, -1, 0};
  c.m[2] = {0, 1, 0, 0};
  return c;
}

struct Walk {
  const std::map<std::string, const aiNodeAnim*>& channels;
  std::vector<BvhJoint>& joints;
  std::vector<const aiNodeAnim*>& joint_channels;

  // Joints are the nodes with an animation channel; the rest are End Sites.
  void Visit(const aiNode& node, int parent, const Vec3f& parent_pos) {
    const auto it = channels.find(node.mName.C_Str());
    if (it == channels.end()) return;
    const Vec3f pos = parent_pos + Vec3f{node.mTransformation.a4, node.mTransformation.b4,
                                         node.mTransformation.c4};
    const int index = static_cast<int>(joints.size());
    joints.push_back({node.mName.C_Str(), parent, pos});
    joint_channels.push_back(it->second);
    for (unsigned i = 0; i < node.mNumChildren; ++i) Visit(*node.mChildren[i], index, pos);
  }
};

}  // namespace

int BvhClip::Find(std::string_view name) const {
  for (size_t i = 0; i < joints.size(); ++i) {
    if (joints[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

const Mat4f& BvhClip::Rotation(int frame, int joint) const {
  return rotations[static_cast<size_t>(frame) * joints.size() + static_cast<size_t>(joint)];
}

Mat4f BvhClip::GlobalRotation(int frame, int joint) const {
  Mat4f r = Rotation(frame, joint);
  for (int p = joints[static_cast<size_t>(joint)].parent; p >= 0;
       p = joints[static_cast<size_t>(p)].parent) {
    r = Rotation(frame, p) * r;
  }
  return r;
}

Mat4f Transposed(const Mat4f& r) {
  Mat4f t;
  for (int c = 0; c < 3; ++c) {
    for (int row = 0; row < 3; ++row) t.m[c][row] = r.m[row][c];
  }
  return t;
}

Mat4f RotationBetween(const Vec3f& from, const Vec3f& to) {
  const Vec3f a = geom::Normalize(from), b = geom::Normalize(to);
  const Vec3f v = geom::Cross(a, b);
  const float c = geom::Dot(a, b);
  Mat4f r;
  if (c < -0.999999f) {  // opposite: half a turn about any axis perpendicular to `a`
    Vec3f axis = geom::Cross(a, std::fabs(a.x) < 0.9f ? Vec3f{1, 0, 0} : Vec3f{0, 1, 0});
    axis = geom::Normalize(axis);
    for (int col = 0; col < 3; ++col) {
      for (int row = 0; row < 3; ++row) {
        const float ai = row == 0 ? axis.x : row == 1 ? axis.y : axis.z;
        const float aj = col == 0 ? axis.x : col == 1 ? axis.y : axis.z;
        r.m[col][row] = 2 * ai * aj - (row == col ? 1.0f : 0.0f);
      }
    }
    return r;
  }
  // Rodrigues: R = I + [v]x + [v]x^2 / (1 + c).
  const float k = 1.0f / (1.0f + c);
  r.m[0] = {1 + k * (-v.z * v.z - v.y * v.y), v.z + k * v.x * v.y, -v.y + k * v.x * v.z, 0};
  r.m[1] = {-v.z + k * v.x * v.y, 1 + k * (-v.z * v.z - v.x * v.x), v.x + k * v.y * v.z, 0};
  r.m[2] = {v.y + k * v.x * v.z, -v.x + k * v.y * v.z, 1 + k * (-v.y * v.y - v.x * v.x), 0};
  return r;
}

Result<BvhClip> LoadBvh(const std::filesystem::path& file, BvhUp up) {
  // Read here, bounded, and parsed from memory: Assimp opening the path itself would read a FIFO
  // or a device without end.
  FIGURANT_ASSIGN_OR_RETURN(const std::string bytes, ReadUserFile(file, kBvhFile));
  return ParseBvh(bytes, file.string(), file.stem().string(), up);
}

Result<BvhClip> ParseBvh(std::string_view bytes, const std::string& name,
                         const std::string& clip_name, BvhUp up) {
  if (bytes.size() > kBvhFile.max_bytes) {
    return InvalidArgument(name + ": a BVH clip is at most " + std::to_string(kBvhFile.max_bytes) +
                           " bytes");
  }
  BvhClip clip;
  clip.name = clip_name;
  std::vector<const aiNodeAnim*> joint_channels;
  try {
    Assimp::Importer importer;
    const aiScene* scene = importer.ReadFileFromMemory(bytes.data(), bytes.size(), 0, "bvh");
    if (scene == nullptr) {
      std::string why = importer.GetErrorString();
      // Assimp's BVH errors read "<file>:<line> - <what>", the file being Assimp's name for
      // memory; say which file.
      const std::string memory_name = AI_MEMORYIO_MAGIC_FILENAME ".bvh";
      if (const size_t at = why.find(memory_name); at != std::string::npos) {
        why.replace(at, memory_name.size(), name);
      }
      if (why.find(name) == std::string::npos) why = name + ": " + why;
      return InvalidArgument("malformed BVH: " + why);
    }
    if (scene->mNumAnimations != 1 || scene->mRootNode == nullptr) {
      return InvalidArgument(name + ": not a BVH clip (expected one joint hierarchy and motion)");
    }
    const aiAnimation& anim = *scene->mAnimations[0];
    std::map<std::string, const aiNodeAnim*> channels;
    for (unsigned i = 0; i < anim.mNumChannels; ++i) {
      channels[anim.mChannels[i]->mNodeName.C_Str()] = anim.mChannels[i];
    }
    Walk{channels, clip.joints, joint_channels}.Visit(*scene->mRootNode, -1, {});
    if (clip.joints.empty()) return InvalidArgument(name + ": the clip has no joints");
    if (!(anim.mTicksPerSecond > 0) || !std::isfinite(anim.mTicksPerSecond)) {
      return InvalidArgument(name + ": 'Frame Time' must be a positive number of seconds");
    }
    clip.frame_time_s = 1.0 / anim.mTicksPerSecond;
    clip.frame_count = static_cast<int>(joint_channels[0]->mNumRotationKeys);
    if (clip.frame_count < 1) return InvalidArgument(name + ": 'Frames' must be at least 1");
    for (size_t j = 0; j < joint_channels.size(); ++j) {
      if (static_cast<int>(joint_channels[j]->mNumRotationKeys) != clip.frame_count) {
        return InvalidArgument(name + ": joint " + clip.joints[j].name + " has " +
                               std::to_string(joint_channels[j]->mNumRotationKeys) +
                               " rotation keys, expected one per frame (" +
                               std::to_string(clip.frame_count) + ")");
      }
    }
    clip.rotations.resize(static_cast<size_t>(clip.frame_count) * clip.joints.size());
    for (int f = 0; f < clip.frame_count; ++f) {
      for (size_t j = 0; j < joint_channels.size(); ++j) {
        const aiQuaternion& q = joint_channels[j]->mRotationKeys[f].mValue;
        if (!std::isfinite(q.w) || !std::isfinite(q.x) || !std::isfinite(q.y) ||
            !std::isfinite(q.z)) {
          return InvalidArgument(name + ": frame " + std::to_string(f) + ", joint " +
                                 clip.joints[j].name + ": rotation is not a finite number");
        }
        clip.rotations[static_cast<size_t>(f) * clip.joints.size() + j] = FromQuaternion(q);
      }
    }
  } catch (const std::exception& e) {
    return InvalidArgument(name + ": cannot read the BVH clip: " + e.what());
  }

  geom::Bounds3f b;
  for (const BvhJoint& j : clip.joints) b.Extend(j.rest_position);
  const bool z_up = up == BvhUp::kZ || (up == BvhUp::kAuto && b.size().z > b.size().y);
  if (z_up) {
    const Mat4f c = ZUpToYUp(), ct = Transposed(c);
    for (BvhJoint& j : clip.joints) j.rest_position = c.TransformVector(j.rest_position);
    for (Mat4f& r : clip.rotations) r = c * r * ct;
    clip.converted_from_z_up = true;
  }
  return clip;
}

}  // namespace figurant::anim

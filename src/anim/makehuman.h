// MakeHuman's default skeleton on a morphed body, its skin weights, posing from BVH clips and
// linear blend skinning — the way MakeHuman 1.x does it (makehumancommunity/makehuman,
// `shared/skeleton.py`, `shared/animation.py`, `shared/bvh.py`):
//   - a joint is the mean of its reference vertices on the (morphed) base mesh;
//   - a bone's rest frame has +Y from head to tail, +X towards the normal of its rotation plane
//     (three joints, counter-clockwise), +Z = X × Y;
//   - a BVH joint's rotation acts about the bone head in world-aligned axes, so a clip recorded on
//     a skeleton whose rest pose is MakeHuman's gives each bone the clip's world rotation;
//   - weights are normalised per vertex; a vertex with no weight follows the root rigidly.
// Clips recorded for another rest pose (MakeHuman 1.0's soft1 rig, whose rest is a T-pose while
// the base mesh rests in an A-pose) are retargeted: each mapped bone takes the clip joint's world
// rotation times the rotation that turns the bone from MakeHuman's rest direction into the clip's
// rest direction (the offset a retargeter such as MakeWalk applies); bones with no clip joint
// follow their parent.
//
// Positions are in the base mesh's units (decimetres for MakeHuman data). All functions are pure
// and thread-safe; the loaders read one file each and name it in every error.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "anim/bvh.h"
#include "core/file.h"
#include "core/status.h"
#include "geom/vec.h"

namespace figurant::anim {

// Any one file of a MakeHuman data directory (base mesh, target, skeleton, weights): the largest
// of MakeHuman 1.1's is under 2 MB.
inline constexpr FileLimit kMakeHumanDataFile{"MakeHuman data file", 64u << 20};  // 64 MiB

struct MhBone {
  std::string name;  // MakeHuman's name, e.g. "upperarm01.L"
  int parent = -1;   // index into MhSkeleton::bones; parents precede children
  geom::Vec3f head;  // rest position of the head joint [Units: the mesh's]
  geom::Vec3f tail;  // rest position of the tail joint [Units: the mesh's]
  geom::Mat4f rest;  // bone-to-model rest frame (MakeHuman's matRestGlobal)
};

struct MhSkeleton {
  std::vector<MhBone> bones;              // breadth-first from the root, as MakeHuman orders them
  int Find(std::string_view name) const;  // index, or -1
};

// Reads a .mhskel (JSON: bones with head/tail joint names, parent and rotation_plane; joints as
// lists of vertex indices; planes as three joint names) and places it on `positions`, the morphed
// base mesh (all its vertices). InvalidArgument naming `file` for malformed JSON, a bone whose
// joint or parent is missing, a vertex index out of range, a cycle in the hierarchy.
Result<MhSkeleton> LoadMhSkeleton(const std::filesystem::path& file,
                                  std::span<const geom::Vec3f> positions);

// Per-vertex influences, normalised to sum 1; an empty list means "rigid with the root".
struct MhWeights {
  std::vector<std::vector<std::pair<uint16_t, float>>> influences;  // one list per mesh vertex
};

// Reads a .mhw (JSON: {"weights": {bone: [[vertex, weight], ...]}}) for `skeleton` over a mesh of
// `vertex_count` vertices. Bones the skeleton lacks are ignored (MakeHuman does the same);
// malformed entries and vertex indices out of range are InvalidArgument naming `file`.
Result<MhWeights> LoadMhWeights(const std::filesystem::path& file, const MhSkeleton& skeleton,
                                size_t vertex_count);

// A pose: per bone, its rotation in the world relative to its rest frame (posed frame =
// rotation · rest frame, about the posed head). Same order as MhSkeleton::bones.
struct MhPose {
  std::vector<geom::Mat4f> rotation;
};

MhPose RestPose(const MhSkeleton& skeleton);
// A relaxed standing pose: upper arms hanging beside the body, elbows slightly bent, the rest as
// in the rest pose.
MhPose StandingPose(const MhSkeleton& skeleton);
// Poses `skeleton` as `clip` at `frame` (0-based). Clips for MakeHuman's default skeleton map by
// name (case, '-' and '_' ignored, as MakeHuman's getJointByCanonicalName); clips for the soft1
// rig (walk1, dance1, zombieWalk1) are retargeted from their T-pose rest. InvalidArgument when the
// frame is out of range or the clip has neither naming.
Result<MhPose> PoseFromClip(const BvhClip& clip, int frame, const MhSkeleton& skeleton);

// Per bone, the transform taking a rest-pose point to its posed position (MakeHuman's
// matPoseVerts).
std::vector<geom::Mat4f> SkinningMatrices(const MhSkeleton& skeleton, const MhPose& pose);

// Linear blend skinning of `rest` (same vertex count as `weights`). Output has the same count.
std::vector<geom::Vec3f> Skin(std::span<const geom::Vec3f> rest, const MhWeights& weights,
                              const std::vector<geom::Mat4f>& skinning);

}  // namespace figurant::anim

// BVH motion-capture clips (Biovision Hierarchy; the format as MakeHuman reads and writes it,
// makehumancommunity/makehuman `shared/bvh.py`): a joint hierarchy with rest offsets, then one
// line of channel values per frame. Read with Assimp's BVH importer, then turned into what
// retargeting needs: rest joint positions and, per frame, each joint's rotation in world-aligned
// axes (a BVH joint rests unrotated, so its channels rotate it about axes parallel to the world's).
//
// Clips are converted to Figurant's axes (+Y up) on loading: MakeHuman's own clips for its soft1
// rig are Z-up (their .mhanim files say `z_is_up`), so (x, y, z) → (x, z, -y) as MakeHuman does.
// Root translation channels are not kept: doubles are posed in place and then grounded.
//
// The file is read in-process; Assimp's BVH parser is a small recursive-descent reader. Intended
// for clips from the operator's MakeHuman data, not for arbitrary uploads. Thread-compatible.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/file.h"
#include "core/status.h"
#include "geom/vec.h"

namespace figurant::anim {

// A motion-capture clip: ten minutes at 120 fps for a 60-joint rig is about 100 MB of text.
inline constexpr FileLimit kBvhFile{"BVH clip", 128u << 20};  // 128 MiB

enum class BvhUp {
  kAuto,  // the taller of the rest skeleton's Y and Z extents is up (MakeHuman guesses likewise)
  kY,
  kZ,
};

struct BvhJoint {
  std::string name;
  int parent = -1;            // index into BvhClip::joints; parents precede children
  geom::Vec3f rest_position;  // in the rest pose, +Y up [Units: the file's]
};

struct BvhClip {
  std::string name;  // the file name without extension
  std::vector<BvhJoint> joints;
  int frame_count = 0;      // [Limits: >= 1]
  double frame_time_s = 0;  // [Units: seconds] [Limits: > 0]
  bool converted_from_z_up = false;
  // rotations[frame * joints.size() + joint]: the joint's rotation relative to its parent, in
  // world-aligned axes, +Y up (rotation only; no translation).
  std::vector<geom::Mat4f> rotations;

  int Find(std::string_view name) const;  // index, or -1
  const geom::Mat4f& Rotation(int frame, int joint) const;
  // The joint's rotation in the world at `frame`: the product of rotations from the root down.
  geom::Mat4f GlobalRotation(int frame, int joint) const;
};

// Loads a clip, a regular file of at most kBvhFile bytes (core/file.h ReadUserFile). On failure
// NotFound when it does not exist, else InvalidArgument naming `file` (and the line, for syntax
// errors): not a regular file, too large, malformed, no frames, a non-positive frame time, a frame
// with too few values. Nothing is kept on failure.
Result<BvhClip> LoadBvh(const std::filesystem::path& file, BvhUp up = BvhUp::kAuto);
// The same from the file's bytes: `name` is what errors call it (a path, or "embedded clip X"),
// `clip_name` becomes BvhClip::name. InvalidArgument as LoadBvh, and for more than kBvhFile bytes.
Result<BvhClip> ParseBvh(std::string_view bytes, const std::string& name,
                         const std::string& clip_name, BvhUp up = BvhUp::kAuto);

// Rotation matrices (rotation part of Mat4f only).
geom::Mat4f Transposed(const geom::Mat4f& r);
// The smallest rotation taking unit direction `from` to unit direction `to`.
geom::Mat4f RotationBetween(const geom::Vec3f& from, const geom::Vec3f& to);

}  // namespace figurant::anim

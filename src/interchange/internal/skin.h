// What both glTF writers (gltf_export.h, one double; crowd_gltf.h, a crowd) agree on about a
// skeleton: bones written at their frames without scale, the local transform of each joint under
// its parent, and the inverse bind matrices (Khronos glTF 2.0 specification, section 3.7.3,
// "Skins"). Pure functions, thread-safe.
#pragma once

#include <array>
#include <vector>

#include "geom/mesh.h"

namespace figurant::interchange::internal {

// `frame` with each of its three axes scaled to unit length: a bone's frame without scale. Imports
// keep the source's units in the bind poses (a MakeHuman bone scales by 0.1, decimetres to
// metres); skinning only needs each joint's rest transform times its inverse bind matrix to be the
// identity, and importers such as Blender's, whose bones cannot be scaled at rest, misplace scaled
// joints. Its translation is the bone's head, unchanged.
geom::Mat4f Unscaled(const geom::Mat4f& frame);

// The local transform of bone `b` under its parent, both unscaled, given every bone's
// bone-to-model frame `frames` (the bind poses, or a posed skeleton's). A root's is its own frame.
// [Limits: frames.size() == bones.size(), b < bones.size()]
geom::Mat4f LocalFrame(const std::vector<geom::Bone>& bones, const std::vector<geom::Mat4f>& frames,
                       size_t b);

// Each bone's inverse bind matrix: its unscaled bind frame, inverted.
std::vector<geom::Mat4f> InverseBindMatrices(const geom::Skeleton& skeleton);

// A rigid transform split as glTF animates it: translation (x, y, z) and rotation as a unit
// quaternion (x, y, z, w) with w >= 0 (Shepperd, "Quaternion from rotation matrix", 1978).
struct Trs {
  std::array<float, 3> translation{};
  std::array<float, 4> rotation{0, 0, 0, 1};
};
Trs RigidTrs(const geom::Mat4f& rigid);

}  // namespace figurant::interchange::internal

// A crowd as glTF 2.0 binary (.glb), so that Blender, Houdini or Unreal can take it further,
// written with Debian's tinygltf (libtinygltf-dev). docs/interchange.md, "A crowd in motion", is
// the specification of what is written; this is its one writer.
//
// Consent first: no performer's scan is ever written. Each double is shown by its mannequin
// (mannequin.h: boxes on its skeleton's bones, nothing of the performer's likeness) and keeps its
// real skeleton — bone names, hierarchy, bind matrices — so that a studio can skin its own
// characters onto the animation. The mannequin's mesh and the skeleton's inverse bind matrices are
// written once per double; each agent gets a root node named as the agent (its Cryptomatte name)
// and, when its double has a skeleton, its own copy of the skeleton's joint nodes and its own skin
// over them (each agent poses its joints its own way). One animation, "crowd", keys per frame: each
// agent's root (translation, and rotation about +Y by its heading) and each joint's local rotation
// and translation, written only for the nodes whose value changes over the frames.
//
// Units: metres, +Y up, facing +Z, feet at y = 0 (glTF's own); frame f (0 the first written) at
// f / fps seconds, LINEAR. Deterministic: the same crowd gives the same bytes. Thread-safe (no
// state).
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "geom/mesh.h"
#include "interchange/gltf_export.h"
#include "nav/behaviours.h"

namespace figurant::interchange {

struct CrowdDouble {
  std::string name;  // the mannequin mesh's name (the double's id)
  // Its rig in the bind pose (bone-to-model frames), not owned, outliving the call; nullptr for a
  // double without one (a box stands in and no joint is written).
  const geom::Skeleton* skeleton = nullptr;
  float standing_height_m = 1.75f;  // [Units: metres] [Limits: (0, 3]]
};

struct CrowdAgent {
  std::string name;  // its root node's name (the agent's Cryptomatte name), unique, not empty
  int double_index = 0;
  float scale = 1;  // uniform, on its root node [Limits: (0, 10]]
};

// One pose of one double: every bone's bone-to-model frame posed (anim::PoseMesh's
// skeleton->bones[b].bind_pose), in its skeleton's bone order.
struct CrowdPose {
  int double_index = 0;
  std::vector<geom::Mat4f> bones;  // [Units: metres]
};

// Where each agent is and which pose it shows in each frame written.
struct CrowdMotion {
  double fps = 24;  // [Units: frames per second] [Limits: (0, 1000]]
  // placements.At(f, a): agent a's feet and heading at frame f (f = 0 the first written);
  // frames >= 1, agents = the agents'. Speeds and obstacles are not read.
  nav::Trajectories placements;
  std::vector<CrowdPose> poses;  // the distinct poses shown
  // [f * agents + a]: index into poses of agent a's pose at frame f, a pose of the agent's double;
  // -1 for the double's bind pose. Empty: every agent in its bind pose throughout.
  std::vector<int> pose_at;
};

// The .glb bytes of `agents` showing `doubles` as `motion` says. InvalidArgument, nothing written,
// naming the first problem: a double or pose index out of range, a pose of another double than
// its agent's or of a double without a skeleton, a pose whose bone count is not its skeleton's, a
// skeleton whose parent follows its child, counts that do not match, an agent name empty or used
// twice, a value outside its limits or not finite, or a file over glTF's 32-bit byte lengths;
// Internal when tinygltf cannot write it.
Result<std::string> EncodeCrowdGlb(std::span<const CrowdDouble> doubles,
                                   std::span<const CrowdAgent> agents, const CrowdMotion& motion,
                                   const GltfOptions& options = {});

}  // namespace figurant::interchange

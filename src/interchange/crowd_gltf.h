// A simulated crowd as glTF 2.0 binary (.glb), so that Blender, Houdini or Unreal can take it
// further, written with Debian's tinygltf (libtinygltf-dev). docs/interchange.md, "A moving
// crowd", is the specification of what is written.
//
// One scene: each double's mesh once (positions, normals, vertex colours, triangles; metres, +Y
// up, feet at y = 0, facing +Z), one node per agent instancing its double's mesh, named as the
// agent, and one animation, "crowd", moving every agent's node: a translation key and a rotation
// key (about +Y, by its heading) per frame, at frame / fps seconds, linear. Skeletons and their
// walk cycles are not written yet: each double stands in its imported pose.
// Deterministic: the same crowd gives the same bytes. Thread-safe (no state).
#pragma once

#include <span>
#include <string>

#include "core/status.h"
#include "geom/mesh.h"
#include "interchange/gltf_export.h"
#include "nav/behaviours.h"

namespace figurant::interchange {

struct CrowdDouble {
  std::string name;                  // the mesh's name (the double's id)
  const geom::Mesh* mesh = nullptr;  // not owned; must outlive the call
};

struct CrowdAgent {
  std::string name;  // the node's name (the agent's Cryptomatte name), unique
  int double_index = 0;
};

// The .glb bytes of the crowd whose agents `agents` move as `trajectories` says (agent i of the
// trajectories is agents[i]) at `fps` frames a second. InvalidArgument for a double index out of
// range, a mesh that fails geom::Mesh::Validate(), counts that do not match, a name used twice,
// an fps outside (0, 1000], or a file over glTF's 32-bit byte lengths; Internal when tinygltf
// cannot write it.
Result<std::string> EncodeCrowdGlb(std::span<const CrowdDouble> doubles,
                                   std::span<const CrowdAgent> agents,
                                   const nav::Trajectories& trajectories, double fps,
                                   const GltfOptions& options = {});

}  // namespace figurant::interchange

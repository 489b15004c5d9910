// A double's geometry as glTF 2.0 binary (.glb): what a performer downloads when they ask for
// all their data (GDPR art. 15 and 20: in a structured, commonly used, machine-readable format),
// readable by Blender, Maya, Houdini, Unreal and any glTF viewer. docs/interchange.md is the
// specification of what is written.
//
// The file holds one scene with one skinned mesh (or a plain mesh when the double has no
// skeleton): positions, normals, UVs, vertex colours, triangles, the albedo texture as an
// embedded PNG (else the base colour as baseColorFactor), and the skeleton as a node hierarchy
// with inverse bind matrices and four joint weights per vertex. Units are metres, +Y up, the
// double facing +Z with its feet at y = 0 (glTF's own conventions, so no conversion is needed).
// Levels of detail are not written: they are derived data the bank rebuilds from the mesh.
// Deterministic: the same mesh gives the same bytes. Thread-safe (no state).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "geom/mesh.h"

namespace figurant::interchange {

struct GltfOptions {
  std::string generator = "Figurant";  // asset.generator
  std::string name = "double";         // the mesh's and root node's name
};

// The .glb bytes of `mesh`. InvalidArgument when the mesh fails geom::Mesh::Validate() (the
// message names the problem) or is too large for glTF's 32-bit byte lengths.
Result<std::string> EncodeGlb(const geom::Mesh& mesh, const GltfOptions& options = {});

}  // namespace figurant::interchange

// A scene's set meshes (docs/scene-spec.md, `set.meshes`): static geometry — platforms, walls,
// pillars, benches, buildings — imported with Assimp (any format it reads: OBJ, PLY, glTF/GLB,
// FBX, Collada, STL, ...), placed in the world, rendered with a flat albedo and stood on by crowd
// groups (crowd/set_surface.h).
//
// Coordinates are read as metres, +Y up, after the file's own node transforms; then each mesh is
// scaled, rotated about +Y and translated as the scene says. Files are untrusted input: Assimp runs
// in a forked child with a time and memory limit (scan/internal/isolate.h), so a malformed file
// that crashes or hangs it is an error, never a crash of the caller.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "crowd/scene_spec.h"
#include "render/renderer.h"

namespace figurant::shot {

inline constexpr size_t kMaxSetTriangles = 4'000'000;  // per mesh file [Limits: > 0]
inline constexpr int kSetImportTimeoutSeconds = 60;    // per mesh file [Units: s]

// Loads every mesh of `set`, relative paths resolved against `base_dir`, in world space with its
// albedo, in the scene's order. On failure nothing is returned: InvalidArgument (NotFound for a
// missing file) naming the scene field and the file, e.g. "scene field 'set.meshes[1].file':
// /shots/props.obj: cannot read it as a mesh (...)". Not thread-safe with respect to fork: call it
// from the thread that owns the shot, before worker threads hold locks.
Result<std::vector<render::SetGeometry>> LoadSetMeshes(const crowd::SetSpec& set,
                                                       const std::filesystem::path& base_dir);

// Loads a seats group's seat mesh (`crowds[i].seat_mesh`, relative to `base_dir`) as it is in the
// file: metres, +Y up, origin on the floor under the seat, facing +Z (crowd::SeatsSpec). Errors as
// LoadSetMeshes, naming `field`. Same fork caveat.
Result<std::shared_ptr<const geom::Mesh>> LoadSeatMesh(const std::string& file,
                                                       const std::filesystem::path& base_dir,
                                                       const std::string& field);

}  // namespace figurant::shot

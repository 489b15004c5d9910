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
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "crowd/scene_spec.h"
#include "crowd/set_surface.h"
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

// A shot's set, loaded: what the crowd groups stand on and what the renderer draws besides the
// agents.
struct ShotSet {
  // The set's meshes in the scene's order (LoadSetMeshes); the shot appends the stand tiers its
  // seats groups generate.
  std::vector<render::SetGeometry> geometry;
  // Seats groups' seat meshes (LoadSeatMesh), by index into the scene's crowds.
  std::map<size_t, std::shared_ptr<const geom::Mesh>> seat_meshes;
  // What area and path groups stand on: the set's meshes and the ground plane when the scene has
  // one; none when the set has no meshes (they then stand on the ground plane or at y = 0).
  std::optional<crowd::SetSurface> surface;

  const crowd::SetSurface* stand_on() const { return surface ? &*surface : nullptr; }
};

// Loads the set meshes, then the seat meshes (`crowds[i].seat_mesh`), and builds the surface.
// Errors as LoadSetMeshes and LoadSeatMesh, the first met. Same fork caveat: call it before
// anything else in the shot.
Result<ShotSet> LoadShotSet(const crowd::SceneSpec& spec);

}  // namespace figurant::shot

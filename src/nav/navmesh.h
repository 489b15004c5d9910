// Where a crowd can walk: a navigation mesh built from a set with Recast, and the paths across it
// with Detour (Debian librecast-dev). docs/navigation.md specifies the build parameters and the
// cache file.
//
// - Input: world-space triangles in metres, Y up (the ground and the set's meshes). Triangles
//   walkable for the agent's slope are floors; everything else is an obstacle the mesh keeps the
//   agent's radius away from.
// - Build: Recast's single-tile pipeline (voxelise, filter ledges and low ceilings, erode by the
//   agent's radius, watershed regions, contours, polygons of up to 6 vertices, a detail mesh),
//   then Detour's navigation mesh data. Deterministic: the same input gives the same bytes.
// - Cache: the built mesh is derived data keyed by the SHA-256 of everything it derives from
//   (NavMeshKey); LoadOrBuild reads it from a cache directory or builds and stores it atomically.
// - Queries: Nearest snaps a point to the mesh; FindPath gives the corners of the shortest path.
// A NavMesh is immutable once built; its queries are const but share one Detour query object, so
// they are not thread-safe (one NavMesh per thread, or a lock).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "geom/mesh.h"
#include "geom/vec.h"

class dtNavMesh;

namespace figurant::nav {

// Who walks: the mesh keeps this agent's radius from every obstacle, and only passes under what
// is higher than its height.
struct AgentShape {
  float radius = 0.3f;          // [Units: metres] [Limits: 0.05..2]
  float height = 1.9f;          // [Units: metres] [Limits: 0.5..3]
  float max_climb = 0.25f;      // a step it walks up [Units: metres] [Limits: 0..1]
  float max_slope_deg = 40.0f;  // the steepest floor [Units: degrees] [Limits: 0..85]
};

// The voxel grid Recast builds on: finer cells follow obstacles more closely and cost time and
// memory (cells = area / cell_size²).
struct BuildOptions {
  float cell_size = 0.1f;     // [Units: metres] [Limits: 0.02..1]
  float cell_height = 0.05f;  // [Units: metres] [Limits: 0.01..1]
};

// What is walked on and around.
struct NavInput {
  std::vector<geom::Vec3f> positions;  // [Units: metres], world space, Y up
  std::vector<uint32_t> indices;       // three per triangle

  // The ground: the rectangle [x0, x1] × [z0, z1] at height `y`, as two triangles facing up.
  void AddGround(float x0, float z0, float x1, float z1, float y);
  // A set mesh already in world space (its triangles; other attributes are ignored).
  void AddMesh(const geom::Mesh& mesh);
};

// The cache key: lowercase hex SHA-256 of the format version, the shape, the options and the
// input's bytes.
std::string NavMeshKey(const NavInput& input, const AgentShape& shape, const BuildOptions& options);

class NavMesh {
 public:
  // Builds the mesh. InvalidArgument for a shape or options out of their limits, an empty input,
  // an index out of range or a non-finite position, or a grid of more than 2^26 cells;
  // FailedPrecondition when nothing in the input is walkable for the shape; Internal when Recast
  // or Detour fail.
  static Result<std::unique_ptr<NavMesh>> Build(const NavInput& input, const AgentShape& shape,
                                                const BuildOptions& options = {});
  // A mesh from its cache file's bytes (Serialize). DataLoss naming `shown` when the bytes are
  // not a cache file of this format, are truncated, or Detour refuses its data.
  static Result<std::unique_ptr<NavMesh>> Load(std::string_view bytes, const std::string& shown);
  ~NavMesh();
  NavMesh(const NavMesh&) = delete;
  NavMesh& operator=(const NavMesh&) = delete;

  // The cache file (docs/navigation.md, "The cache file").
  std::string Serialize() const;

  // The point of the mesh nearest `p` within `search` (half-extents of the box searched: by
  // default 2 m across and 1 m up and down, so that a roof above a point is not its ground);
  // NotFound when the box holds none of the mesh.
  Result<geom::Vec3f> Nearest(const geom::Vec3f& p,
                              const geom::Vec3f& search = {2.0f, 1.0f, 2.0f}) const;
  // The corners of the shortest path from `from` to `to`, both first snapped to the mesh (within
  // Nearest's default box), from the start to the end included. NotFound when either is off the
  // mesh or `to` cannot be reached from `from`.
  Result<std::vector<geom::Vec3f>> FindPath(const geom::Vec3f& from, const geom::Vec3f& to) const;

  int polygon_count() const;
  const AgentShape& shape() const;
  const std::string& key() const;  // NavMeshKey of what it was built from
  // Detour's mesh, owned by this object, for Detour's crowd (nav/crowd.h), whose init takes a
  // non-const pointer but only reads through it.
  dtNavMesh* detour() const;

  struct Impl;

 private:
  explicit NavMesh(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The mesh for `input` from `cache_dir` (<key>.navmesh) when it holds one, else built and written
// there atomically (creating the directory). `built` (optional) says which. A cache file that
// fails to load is DataLoss naming it (delete it to rebuild), never silently replaced; Build's
// errors; Unavailable when the directory cannot be written.
Result<std::unique_ptr<NavMesh>> LoadOrBuild(const std::filesystem::path& cache_dir,
                                             const NavInput& input, const AgentShape& shape,
                                             const BuildOptions& options = {},
                                             bool* built = nullptr);

}  // namespace figurant::nav

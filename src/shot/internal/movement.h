// Crowds that move (docs/scene-spec.md, "behaviour"; docs/navigation.md): the set's navigation mesh
// (built once per set and agent shape, cached), every crowd group's agents simulated together over
// the scene's frames — the moving groups by their behaviours, the others holding their places so
// that walkers go round them — and where each simulated agent is in each frame, for casting, the
// licence check, the clone report and the frames.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "crowd/layout.h"
#include "crowd/scene_spec.h"
#include "nav/behaviours.h"
#include "shot/set_meshes.h"

namespace figurant::shot::internal {

// How many snapshots of a moving crowd casting reads at most (crowd::CastOptions::moments) and how
// many agent positions in all: frames are sampled evenly within both.
inline constexpr int kMaxCastMoments = 48;
inline constexpr size_t kMaxCastPoints = 4'000'000;

// The scene's crowd in motion.
struct CrowdTracks {
  // Frame f of the scene (frames.start + f) is paths' frame f; its agents are the simulated ones.
  nav::Trajectories paths;
  // Per crowd group, per agent as layout placed it: index into paths' agents, or -1 for an agent
  // left out (one of a group without a moving behaviour, not standing on the walkable ground).
  std::vector<std::vector<int>> track_of;
  std::string navmesh_key;     // its cache file is <key>.navmesh
  bool navmesh_built = false;  // false: read from the cache
  int navmesh_polygons = 0;
  double simulate_seconds = 0;  // [Units: seconds]
};

// Where the navigation meshes are cached: <bank dir>/cache/navmesh (docs/store.md).
std::filesystem::path NavMeshCacheDir(const std::filesystem::path& bank_dir);

// Simulates the crowd when any group has a behaviour (nullopt otherwise): the mesh built from the
// set (its meshes and the stand tiers, `set.geometry`) and the ground, for the largest personal
// radius among the groups and the tallest of `tallest_m` (clamped to 0.5..3 m), read from or
// written to `cache_dir`; the groups' points given as [x, z] stood on the set; every agent of a
// moving group, and every agent of the others that stands on the mesh, simulated over the scene's
// frames. `layouts` are per crowd group, in the scene's order. Errors, naming the group and field
// or agent: InvalidArgument for a point with no walkable ground under it; NotFound for a moving
// agent or a behaviour's point off the mesh; the mesh's and the simulation's errors.
Result<std::optional<CrowdTracks>> SimulateCrowd(const crowd::SceneSpec& spec, const ShotSet& set,
                                                 const std::vector<crowd::LayoutResult>& layouts,
                                                 float tallest_m,
                                                 const std::filesystem::path& cache_dir);

// The frames of the scene (indices into CrowdTracks::paths) casting reads for `agents` simulated
// agents: evenly spread, first and last included, at most kMaxCastMoments and kMaxCastPoints.
std::vector<int> CastMoments(int frames, size_t agents);

// How much further apart than the clone minimum two moving agents must be at the moments cast so
// that they are at least the minimum apart in every frame between: each walks at most its top
// speed for half the longest gap between moments. [Units: metres]
double CastMargin(const CrowdTracks& tracks, const std::vector<int>& moments, double fps);

}  // namespace figurant::shot::internal

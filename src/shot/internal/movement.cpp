#include "shot/internal/movement.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>
#include <utility>
#include <variant>

#include "core/random.h"
#include "nav/navmesh.h"

namespace figurant::shot::internal {
namespace {

// A seats group's personal circle when its people get up and walk. [Units: metres]
constexpr double kSeatsRadiusM = 0.3;
// Ground around everything the crowd is given or may walk to. [Units: metres]
constexpr float kGroundMarginM = 10;
// The ground is cut into at most this many cells a side (nav::NavMesh::Build allows 2^26 in all).
constexpr float kMaxCellsPerSide = 8000;
// Salt of the simulation's seed, so that it does not repeat layout's or casting's draws.
constexpr uint64_t kSimulationSalt = 0x73696d5f63726f77ULL;

std::string InGroup(const crowd::SceneSpec& spec, size_t gi) {
  return "crowds[" + std::to_string(gi) + "] (" + spec.crowds[gi].name + ")";
}

double GroupRadius(const crowd::CrowdGroup& g) {
  if (const auto* a = std::get_if<crowd::AreaSpec>(&g.layout)) return a->personal_radius_m;
  if (const auto* p = std::get_if<crowd::PathSpec>(&g.layout)) return p->personal_radius_m;
  return kSeatsRadiusM;
}

// The group's behaviour, its points given as [x, z] stood on the set (or the ground plane, or
// y = 0 with neither); a group without one stands.
Result<nav::Behaviour> GroupBehaviour(const crowd::SceneSpec& spec, size_t gi, const ShotSet& set) {
  const crowd::CrowdGroup& g = spec.crowds[gi];
  nav::Behaviour b = g.behaviour.value_or(nav::Behaviour{});
  const double ground = spec.set.has_ground ? spec.set.ground_height : 0.0;
  auto stand = [&](geom::Vec3f& p, const std::string& field) -> Status {
    if (!std::isnan(p.y)) return Status::Ok();
    if (set.stand_on() == nullptr) {
      p.y = static_cast<float>(ground);
      return Status::Ok();
    }
    const auto y = set.stand_on()->StandAt({p.x, p.z}, GroupRadius(g));
    if (!y) {
      return InvalidArgument(InGroup(spec, gi) + ": field 'behaviour." + field +
                             "': no walkable, clear ground at [" + std::to_string(p.x) + ", " +
                             std::to_string(p.z) + "] for a person of radius " +
                             std::to_string(GroupRadius(g)) + " m");
    }
    p.y = *y;
    return Status::Ok();
  };
  for (size_t t = 0; t < b.go_to.targets.size(); ++t) {
    FIGURANT_RETURN_IF_ERROR(stand(b.go_to.targets[t], "targets[" + std::to_string(t) + "]"));
  }
  FIGURANT_RETURN_IF_ERROR(stand(b.queue.head, "head"));
  FIGURANT_RETURN_IF_ERROR(stand(b.queue.exit, "exit"));
  FIGURANT_RETURN_IF_ERROR(stand(b.watch.point, "point"));
  return b;
}

// Every point the crowd starts at or may be sent to.
geom::Bounds3f CrowdBounds(const std::vector<crowd::LayoutResult>& layouts,
                           const std::vector<nav::Behaviour>& behaviours) {
  geom::Bounds3f b;
  for (const crowd::LayoutResult& l : layouts) {
    for (const crowd::Placement& p : l.placements) b.Extend(p.position);
  }
  auto flat = [&](const std::vector<std::array<float, 2>>& pts) {
    for (const auto& p : pts) b.Extend({p[0], b.empty() ? 0 : b.lo.y, p[1]});
  };
  for (const nav::Behaviour& x : behaviours) {
    flat(x.wander.area);
    flat(x.path.points);
    flat(x.part.obstacle.points);
    for (const geom::Vec3f& t : x.go_to.targets) b.Extend(t);
    if (x.kind == nav::Behaviour::Kind::kQueue) {
      b.Extend(x.queue.head);
      b.Extend(x.queue.exit);
    }
  }
  return b;
}

// What the crowd walks on: the set's meshes (and tiers), and the ground under everything the crowd
// is given, grown by kGroundMarginM.
nav::NavInput NavInputOf(const crowd::SceneSpec& spec, const ShotSet& set,
                         const geom::Bounds3f& crowd, nav::BuildOptions& options) {
  nav::NavInput in;
  geom::Bounds3f all = crowd;
  for (const render::SetGeometry& g : set.geometry) {
    in.AddMesh(g.mesh);
    const geom::Bounds3f mb = g.mesh.ComputeBounds();
    if (!mb.empty()) {
      all.Extend(mb.lo);
      all.Extend(mb.hi);
    }
  }
  const bool ground = spec.set.has_ground || set.geometry.empty();
  if (ground && !all.empty()) {
    const float x0 = all.lo.x - kGroundMarginM, x1 = all.hi.x + kGroundMarginM;
    const float z0 = all.lo.z - kGroundMarginM, z1 = all.hi.z + kGroundMarginM;
    in.AddGround(x0, z0, x1, z1,
                 spec.set.has_ground ? static_cast<float>(spec.set.ground_height) : 0.0f);
    // Coarser cells for a very large set, within Recast's grid.
    options.cell_size = std::max(
        options.cell_size, std::ceil(std::max(x1 - x0, z1 - z0) / kMaxCellsPerSide * 100) / 100);
  }
  return in;
}

// An explicit agent's personal circle in the simulation (walkers keep this far from its centre,
// plus their own). [Units: metres]
constexpr float kExplicitAgentRadiusM = 0.3f;

// The simulated agents: every agent of a moving group, each other group's agent that stands on
// the mesh (the others keep their places outside the simulation), then each explicit agent that
// stands on it, holding its place with behaviour `explicit_behaviour` (`stand`) so that walkers go
// round it. Fills tracks.track_of (crowd groups only: explicit agents are drawn where the scene
// puts them).
Result<std::vector<nav::MovingAgent>> CrowdAgents(const crowd::SceneSpec& spec,
                                                  const std::vector<crowd::LayoutResult>& layouts,
                                                  const nav::NavMesh& mesh, float height,
                                                  int explicit_behaviour, CrowdTracks& tracks) {
  std::vector<nav::MovingAgent> agents;
  tracks.track_of.resize(layouts.size());
  for (size_t gi = 0; gi < layouts.size(); ++gi) {
    const crowd::CrowdGroup& g = spec.crowds[gi];
    for (size_t i = 0; i < layouts[gi].placements.size(); ++i) {
      const crowd::Placement& p = layouts[gi].placements[i];
      const bool on_mesh = mesh.Nearest(p.position, {0.5f, 1.0f, 0.5f}).ok();
      if (!on_mesh && g.Moves()) {
        return NotFound(InGroup(spec, gi) + ": agent " + g.name + "_" + std::to_string(i) +
                        " starts off the walkable ground of the set's navigation mesh");
      }
      tracks.track_of[gi].push_back(on_mesh ? static_cast<int>(agents.size()) : -1);
      if (!on_mesh) continue;
      agents.push_back({p.position, p.heading_rad, static_cast<float>(GroupRadius(g)), height,
                        static_cast<int>(gi)});
    }
  }
  for (const crowd::AgentSpec& a : spec.agents) {
    if (!mesh.Nearest(a.position, {0.5f, 1.0f, 0.5f}).ok()) continue;
    agents.push_back({a.position, static_cast<float>(a.heading_deg * std::numbers::pi / 180),
                      std::min(kExplicitAgentRadiusM, mesh.shape().radius), height,
                      explicit_behaviour});
  }
  return agents;
}

}  // namespace

std::filesystem::path NavMeshCacheDir(const std::filesystem::path& bank_dir) {
  return bank_dir / "cache" / "navmesh";
}

Result<std::optional<CrowdTracks>> SimulateCrowd(const crowd::SceneSpec& spec, const ShotSet& set,
                                                 const std::vector<crowd::LayoutResult>& layouts,
                                                 float tallest_m,
                                                 const std::filesystem::path& cache_dir) {
  const bool any = std::any_of(spec.crowds.begin(), spec.crowds.end(),
                               [](const crowd::CrowdGroup& g) { return g.behaviour.has_value(); });
  if (!any) return std::optional<CrowdTracks>();
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<nav::Behaviour> behaviours;
  nav::AgentShape shape;
  shape.radius = 0.05f;
  for (size_t gi = 0; gi < spec.crowds.size(); ++gi) {
    FIGURANT_ASSIGN_OR_RETURN(nav::Behaviour b, GroupBehaviour(spec, gi, set));
    behaviours.push_back(std::move(b));
    if (!layouts[gi].placements.empty()) {
      shape.radius = std::max(shape.radius, static_cast<float>(GroupRadius(spec.crowds[gi])));
    }
  }
  shape.radius = std::min(shape.radius, 2.0f);
  shape.height = std::clamp(tallest_m, 0.5f, 3.0f);
  nav::BuildOptions options;
  const nav::NavInput input = NavInputOf(spec, set, CrowdBounds(layouts, behaviours), options);
  CrowdTracks tracks;
  FIGURANT_ASSIGN_OR_RETURN(
      auto mesh, nav::LoadOrBuild(cache_dir, input, shape, options, &tracks.navmesh_built));
  tracks.navmesh_key = mesh->key();
  tracks.navmesh_polygons = mesh->polygon_count();
  behaviours.emplace_back();  // explicit agents stand
  FIGURANT_ASSIGN_OR_RETURN(const std::vector<nav::MovingAgent> agents,
                            CrowdAgents(spec, layouts, *mesh, shape.height,
                                        static_cast<int>(behaviours.size()) - 1, tracks));
  nav::SimulationOptions sim;
  sim.frames = spec.frames.count();
  sim.fps = spec.frames.fps;
  sim.seed = Rng::Mix(spec.seed ^ kSimulationSalt);
  auto paths = nav::Simulate(*mesh, behaviours, agents, sim);
  if (!paths.ok()) return paths.status().WithContext("simulating the crowd");
  tracks.paths = std::move(paths).value();
  tracks.simulate_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return std::optional<CrowdTracks>(std::move(tracks));
}

std::vector<int> CastMoments(int frames, size_t agents) {
  size_t k = std::min<size_t>(static_cast<size_t>(std::max(frames, 1)), kMaxCastMoments);
  if (agents > 0) k = std::min(k, std::max<size_t>(1, kMaxCastPoints / agents));
  if (k < 2 || frames < 2) return {0};
  std::vector<int> out;
  for (size_t i = 0; i < k; ++i) {
    const auto f = static_cast<int>(
        std::lround(static_cast<double>(i) * (frames - 1) / static_cast<double>(k - 1)));
    if (out.empty() || out.back() != f) out.push_back(f);
  }
  return out;
}

double CastMargin(const CrowdTracks& tracks, const std::vector<int>& moments, double fps) {
  int gap = 0;
  for (size_t i = 1; i < moments.size(); ++i) gap = std::max(gap, moments[i] - moments[i - 1]);
  if (moments.size() == 1) gap = tracks.paths.frames - 1;
  float top = 0;
  for (float s : tracks.paths.max_speed) top = std::max(top, s);
  // Each of the two walks at most `top` for half the gap (in whole frames) away from
  // the nearest moment; a part obstacle is no double and is not cast.
  const double half = std::floor(gap / 2.0) / fps;
  return 2.0 * top * half;
}

}  // namespace figurant::shot::internal

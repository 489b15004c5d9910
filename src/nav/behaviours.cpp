#include "nav/behaviours.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <string>

namespace figurant::nav {
namespace {

constexpr int kTargetTries = 32;       // random points tried for one wander target
constexpr float kTargetInset = 0.75f;  // wander targets keep this far inside the area [m]
constexpr float kMovingSpeed = 0.05f;  // slower than this, an agent keeps its heading [m/s]

// SplitMix64 (Steele, Lea and Flood 2014), one stream per agent: (seed, agent) → numbers.
class Rng {
 public:
  Rng(uint64_t seed, uint64_t agent) : state_(seed ^ (agent * 0xd1b54a32d192ed03ULL)) { Next(); }
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi).
  float Uniform(float lo, float hi) {
    return lo + (hi - lo) * static_cast<float>(Next() >> 40) / static_cast<float>(1ULL << 24);
  }
  // Normal (Box–Muller).
  float Normal(float mean, float deviation) {
    const double u1 = (static_cast<double>(Next() >> 11) + 1) / 9007199254740993.0;
    const double u2 = static_cast<double>(Next() >> 11) / 9007199254740992.0;
    return mean + deviation * static_cast<float>(std::sqrt(-2 * std::log(u1)) *
                                                 std::cos(2 * std::numbers::pi * u2));
  }

 private:
  uint64_t state_;
};

bool InPolygon(const std::vector<std::array<float, 2>>& poly, float x, float z) {
  bool inside = false;
  for (size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
    const auto& a = poly[i];
    const auto& b = poly[j];
    if ((a[1] > z) != (b[1] > z) && x < (b[0] - a[0]) * (z - a[1]) / (b[1] - a[1]) + a[0]) {
      inside = !inside;
    }
  }
  return inside;
}

// The distance from (x, z) to the polygon's nearest edge. [Units: metres]
float DistanceToEdges(const std::vector<std::array<float, 2>>& poly, float x, float z) {
  float best = INFINITY;
  for (size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
    const float ax = poly[j][0], az = poly[j][1], bx = poly[i][0], bz = poly[i][1];
    const float dx = bx - ax, dz = bz - az;
    const float len2 = dx * dx + dz * dz;
    const float t = len2 > 0 ? std::clamp(((x - ax) * dx + (z - az) * dz) / len2, 0.0f, 1.0f) : 0;
    best = std::min(best, std::hypot(x - (ax + t * dx), z - (az + t * dz)));
  }
  return best;
}

// A random point of the area on the mesh, at least kTargetInset inside its edges (so that a
// wanderer stepping aside near its destination stays in the area), or nothing after kTargetTries.
std::optional<geom::Vec3f> PointIn(const NavMesh& mesh, const Wander& w, float y, Rng& rng) {
  float x0 = INFINITY, z0 = INFINITY, x1 = -INFINITY, z1 = -INFINITY;
  for (const auto& p : w.area) {
    x0 = std::min(x0, p[0]), x1 = std::max(x1, p[0]);
    z0 = std::min(z0, p[1]), z1 = std::max(z1, p[1]);
  }
  for (int t = 0; t < kTargetTries; ++t) {
    const float x = rng.Uniform(x0, x1), z = rng.Uniform(z0, z1);
    if (!InPolygon(w.area, x, z) || DistanceToEdges(w.area, x, z) < kTargetInset) continue;
    auto on = mesh.Nearest({x, y, z}, {0.5f, 1.0f, 0.5f});
    if (on.ok()) return *on;
  }
  return std::nullopt;
}

Status CheckBehaviours(const NavMesh& mesh, std::span<const Behaviour> behaviours,
                       std::span<const MovingAgent> agents) {
  for (size_t b = 0; b < behaviours.size(); ++b) {
    const Behaviour& be = behaviours[b];
    const std::string what = "behaviour " + std::to_string(b) + ": ";
    if (be.kind == Behaviour::Kind::kWander) {
      const Wander& w = be.wander;
      if (w.area.size() < 3) return InvalidArgument(what + "a wander area needs 3 points or more");
      if (!(w.pause_min_s >= 0 && w.pause_max_s >= w.pause_min_s && w.pause_max_s <= 3600)) {
        return InvalidArgument(what + "expected 0 <= pause_min_s <= pause_max_s <= 3600");
      }
      // Walkable at the level of the first agent wandering there.
      const auto first = std::find_if(agents.begin(), agents.end(), [&](const MovingAgent& a) {
        return a.behaviour == static_cast<int>(b);
      });
      if (first == agents.end()) continue;
      Rng probe(0, b);
      bool walkable = false;
      for (int t = 0; t < 4 && !walkable; ++t) {
        walkable = PointIn(mesh, w, first->start.y, probe).has_value();
      }
      if (!walkable) return InvalidArgument(what + "no point of the wander area is walkable");
    } else if (be.kind == Behaviour::Kind::kGoTo) {
      const GoTo& g = be.go_to;
      if (g.targets.empty()) return InvalidArgument(what + "goto needs a target");
      for (size_t t = 0; t < g.targets.size(); ++t) {
        if (!mesh.Nearest(g.targets[t]).ok()) {
          return NotFound(what + "goto target " + std::to_string(t) +
                          " is off the walkable ground");
        }
      }
      if (!(g.start_spread_s >= 0 && g.start_spread_s <= 3600) ||
          !(g.arrive_within_m >= kArrivalRadius && g.arrive_within_m <= 100)) {
        return InvalidArgument(what +
                               "expected start_spread_s in 0..3600 s, arrive_within_m in "
                               "0.25..100 m");
      }
    }
  }
  return Status::Ok();
}

// One agent's state between steps.
struct AgentState {
  Rng rng;
  float wait_s = 0;  // a wander pause or a goto's start delay still to run [s]
  bool walking = false;
  bool done = false;  // a goto agent that has arrived
  float heading = 0;
};

float Horizontal(const geom::Vec3f& a, const geom::Vec3f& b) {
  return std::hypot(a.x - b.x, a.z - b.z);
}

}  // namespace

Result<Trajectories> Simulate(const NavMesh& mesh, std::span<const Behaviour> behaviours,
                              std::span<const MovingAgent> agents,
                              const SimulationOptions& options) {
  if (options.frames < 1 || options.frames > 100000 || !(options.fps > 0 && options.fps <= 1000) ||
      options.steps_per_frame < 1 || options.steps_per_frame > 16) {
    return InvalidArgument(
        "simulation: expected frames 1..100000, fps in (0, 1000] and steps_per_frame 1..16");
  }
  FIGURANT_RETURN_IF_ERROR(CheckBehaviours(mesh, behaviours, agents));
  const int n = static_cast<int>(agents.size());
  std::vector<CrowdAgentSpec> specs(agents.size());
  std::vector<AgentState> state;
  Trajectories out;
  out.frames = options.frames;
  out.agents = n;
  out.max_speed.resize(agents.size());
  for (int i = 0; i < n; ++i) {
    const MovingAgent& a = agents[static_cast<size_t>(i)];
    if (a.behaviour < 0 || static_cast<size_t>(a.behaviour) >= behaviours.size()) {
      return InvalidArgument("moving agent " + std::to_string(i) + ": no behaviour " +
                             std::to_string(a.behaviour));
    }
    state.push_back({Rng(options.seed, static_cast<uint64_t>(i)), 0, false, false, a.heading_rad});
    AgentState& s = state.back();
    CrowdAgentSpec& spec = specs[static_cast<size_t>(i)];
    spec.start = a.start;
    spec.radius = a.radius;
    spec.height = a.height;
    spec.max_speed = std::clamp(s.rng.Normal(kSpeedMean, kSpeedDeviation), kSpeedMin, kSpeedMax);
    out.max_speed[static_cast<size_t>(i)] = spec.max_speed;
    const Behaviour& be = behaviours[static_cast<size_t>(a.behaviour)];
    // Not every wanderer sets off at once: a first pause anywhere in a whole one.
    if (be.kind == Behaviour::Kind::kWander) s.wait_s = s.rng.Uniform(0, be.wander.pause_max_s);
    if (be.kind == Behaviour::Kind::kGoTo) s.wait_s = s.rng.Uniform(0, be.go_to.start_spread_s);
  }
  FIGURANT_ASSIGN_OR_RETURN(auto crowd, Crowd::Create(mesh, specs));
  for (int i = 0; i < n; ++i) FIGURANT_RETURN_IF_ERROR(crowd->Stop(i));  // hold until told

  // Each agent's goto target: the nearest, fixed when it sets off.
  std::vector<geom::Vec3f> goal(agents.size());
  const auto record = [&]() {
    for (int i = 0; i < n; ++i) {
      const geom::Vec3f v = crowd->Velocity(i);
      const float speed = std::hypot(v.x, v.z);
      AgentState& s = state[static_cast<size_t>(i)];
      if (speed > kMovingSpeed) s.heading = std::atan2(v.x, v.z);
      out.placements.push_back({crowd->Position(i), s.heading, speed});
    }
  };
  out.placements.reserve(static_cast<size_t>(options.frames) * agents.size());
  record();
  const float dt = static_cast<float>(1.0 / (options.fps * options.steps_per_frame));
  for (int frame = 1; frame < options.frames; ++frame) {
    for (int step = 0; step < options.steps_per_frame; ++step) {
      for (int i = 0; i < n; ++i) {
        AgentState& s = state[static_cast<size_t>(i)];
        const Behaviour& be =
            behaviours[static_cast<size_t>(agents[static_cast<size_t>(i)].behaviour)];
        if (be.kind == Behaviour::Kind::kStand || s.done) continue;
        if (s.walking) {
          const bool arrived = be.kind == Behaviour::Kind::kGoTo
                                   ? Horizontal(crowd->Position(i), goal[static_cast<size_t>(i)]) <
                                         be.go_to.arrive_within_m
                                   : crowd->Arrived(i);
          if (!arrived) continue;
          s.walking = false;
          FIGURANT_RETURN_IF_ERROR(crowd->Stop(i));
          if (be.kind == Behaviour::Kind::kGoTo) {
            s.done = true;
            continue;
          }
          s.wait_s = s.rng.Uniform(be.wander.pause_min_s, be.wander.pause_max_s);
        }
        s.wait_s -= dt;
        if (s.wait_s > 0) continue;
        if (be.kind == Behaviour::Kind::kWander) {
          const auto target = PointIn(mesh, be.wander, crowd->Position(i).y, s.rng);
          if (!target) continue;  // try again next step
          FIGURANT_RETURN_IF_ERROR(crowd->SetTarget(i, *target));
        } else {
          const geom::Vec3f at = crowd->Position(i);
          const auto& targets = be.go_to.targets;
          const geom::Vec3f nearest = *std::min_element(
              targets.begin(), targets.end(), [&](const geom::Vec3f& a, const geom::Vec3f& b) {
                return Horizontal(at, a) < Horizontal(at, b);
              });
          goal[static_cast<size_t>(i)] = nearest;
          const Status set = crowd->SetTarget(i, nearest);
          if (!set.ok()) {
            return NotFound("moving agent " + std::to_string(i) + ": " + set.message());
          }
        }
        s.walking = true;
      }
      FIGURANT_RETURN_IF_ERROR(crowd->Step(dt));
    }
    record();
  }
  return out;
}

}  // namespace figurant::nav

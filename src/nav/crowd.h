// Agents walking a navigation mesh together: Detour's crowd (DetourCrowd, Debian librecast-dev)
// steering each agent along its path corridor with local avoidance of the others (velocity
// sampling, "obstacle avoidance" in Detour's words) and separation. docs/navigation.md, "The
// crowd", gives the parameters.
//
// - Agents are added once, each with its own radius, height, speed and acceleration (from its
//   double and the behaviour's distributions), standing on the mesh.
// - A target is set per agent (a behaviour decides which); Step(dt) moves every agent. An agent
//   within kArrivalRadius of its target has arrived: it stops there and holds its place (no
//   separation push; the others steer round it) until it gets another target. Within
//   kSeparationFade of its target an agent's separation fades linearly to 0, so that neighbours
//   already standing at theirs do not hold it off its own.
// - Deterministic: one thread, fixed order, so the same agents, targets and steps give the same
//   positions bit for bit.
// Not thread-safe. The NavMesh must outlive the Crowd.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "core/status.h"
#include "geom/vec.h"
#include "nav/navmesh.h"

class dtCrowd;

namespace figurant::nav {

inline constexpr int kMaxCrowdAgents = 100000;
inline constexpr float kArrivalRadius = 0.25f;     // [Units: metres]
inline constexpr float kSeparationFade = 2.0f;     // [Units: metres]
inline constexpr float kMaxObstacleRadius = 5.0f;  // [Units: metres]

struct CrowdAgentSpec {
  geom::Vec3f start;               // snapped to the mesh [Units: metres]
  float radius = 0.3f;             // [Units: metres] [Limits: 0.05..the mesh's agent radius]
  float height = 1.8f;             // [Units: metres] [Limits: 0.5..3]
  float max_speed = 1.4f;          // [Units: m/s] [Limits: 0..10]
  float max_acceleration = 4.0f;   // [Units: m/s²] [Limits: 0.1..50]
  float separation_weight = 0.5f;  // how hard it keeps its distance [Limits: 0..20]
  // A moving obstacle (a hero actor, a car going through the crowd) rather than a person: it
  // moves as SetVelocity says and avoids nobody; everyone else avoids it. Its radius may be up to
  // kMaxObstacleRadius (its centre stays on the mesh).
  bool obstacle = false;
};

class Crowd {
 public:
  // Puts every agent on `mesh`. InvalidArgument for more than kMaxCrowdAgents agents or a spec
  // out of its limits (naming the agent); NotFound naming the first agent whose start is off the
  // mesh; Internal when Detour fails.
  static Result<std::unique_ptr<Crowd>> Create(const NavMesh& mesh,
                                               std::span<const CrowdAgentSpec> agents);
  ~Crowd();
  Crowd(const Crowd&) = delete;
  Crowd& operator=(const Crowd&) = delete;

  // Sends agent `i` towards `target` (snapped to the mesh). With `hold_on_arrival` false it does
  // not stop and hold there but keeps steering (stepping aside for what comes at it, then back):
  // `part`'s way of standing. NotFound when the target is off the mesh; InvalidArgument for an
  // index out of range or an obstacle's.
  Status SetTarget(int i, const geom::Vec3f& target, bool hold_on_arrival = true);
  // Agent `i` stops where it is and holds its place.
  Status Stop(int i);
  // Obstacle `i` moves at `velocity` from the next step (horizontal components). InvalidArgument
  // for an index that is not an obstacle's or a velocity that is not finite.
  Status SetVelocity(int i, const geom::Vec3f& velocity);
  // Moves every agent by `dt` seconds. InvalidArgument (and nothing moved) for a `dt` outside
  // (0, 0.5]. [Units: s]
  Status Step(float dt);

  int size() const;
  geom::Vec3f Position(int i) const;
  geom::Vec3f Velocity(int i) const;  // [Units: m/s]
  // Whether agent `i` reached its last target (and has not been given another since).
  bool Arrived(int i) const;

 private:
  Crowd(const NavMesh& mesh, int size);
  const NavMesh& mesh_;
  struct Free {
    void operator()(dtCrowd* c) const;
  };
  std::unique_ptr<dtCrowd, Free> crowd_;
  int size_ = 0;
  struct Goal {
    bool moving = false;
    bool arrived = false;
    bool hold_on_arrival = true;
    geom::Vec3f target;
    float separation_weight = 0;  // as specified, restored when it moves again
    bool obstacle = false;
  };
  std::vector<Goal> goals_;
  // Stops agent `i` and makes it hold its place.
  void Hold(int i);
};

}  // namespace figurant::nav

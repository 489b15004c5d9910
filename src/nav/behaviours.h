// What each agent of a moving crowd does, frame by frame: behaviours that choose targets on the
// navigation mesh, played through nav::Crowd at a fixed step, recorded as one placement per agent
// per frame (docs/navigation.md, "Behaviours").
//
// - `wander`: inside an area (a polygon on the ground), walk to a random point, pause there a
//   while (idling), then pick another;
// - `goto`: leave after a start delay and walk to one of the targets (a stand emptying, a crowd
//   converging on a door), then stay; the delays spread the arrivals the way a real crowd's are;
// - `path`: walk a polyline, each agent in its own lane across the path's width, one way or both
//   (turning back at the ends, a promenade);
// - `watch`: stand facing a point of interest;
// - `queue`: line up at a point, move up as the first are served, leave for an exit;
// - `part`: stand, step aside for a moving obstacle (a hero actor, a car) and close up behind it;
// - `stand`: stay where placed.
// Per-agent speeds and pauses are drawn from documented distributions with a generator seeded by
// (seed, agent index): the same scene and seed give the same placements bit for bit, whatever
// else runs.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"
#include "geom/vec.h"
#include "nav/crowd.h"
#include "nav/navmesh.h"

namespace figurant::nav {

// Walking speed, normal with this mean and deviation, clamped (Weidmann 1993: free walking speed
// of pedestrians 1.34 ± 0.26 m/s). [Units: m/s]
inline constexpr float kSpeedMean = 1.34f, kSpeedDeviation = 0.26f;
inline constexpr float kSpeedMin = 0.8f, kSpeedMax = 1.8f;

struct Wander {
  std::vector<std::array<float, 2>> area;  // [x, z] polygon, ≥ 3 points [Units: metres]
  float pause_min_s = 2, pause_max_s = 8;  // each pause, uniform [Units: s]
};

struct GoTo {
  std::vector<geom::Vec3f> targets;  // each agent goes to the nearest one (≥ 1)
  // Each agent leaves after a delay drawn uniformly in [0, start_spread_s]. [Units: s]
  float start_spread_s = 5;
  // It stops once this close to its target: a place for one person wants 0.5 m; a door many go
  // to, the room they fill around it. [Units: metres] [Limits: 0.25..100]
  float arrive_within_m = 0.5f;
};

struct Path {
  std::vector<std::array<float, 2>> points;  // [x, z] polyline, ≥ 2 points [Units: metres]
  float width_m = 2;  // lanes spread across it [Units: metres] [Limits: 0..100]
  // Both directions (each agent picks one at random), else from the first point to the last.
  bool both_ways = true;
};

struct Watch {
  geom::Vec3f point;  // what they face [Units: metres]
};

// A line at a point (a ticket window, a turnstile): its agents line up behind the head in the
// order they are nearest to it, the first is served for a while, then leaves for the exit, and
// everyone behind moves up one place.
struct Queue {
  geom::Vec3f head;                  // where the first in line stands [Units: metres]
  std::array<float, 2> back{0, -1};  // [x, z]: the line runs from the head this way
  float spacing_m = 0.8f;            // between people in line [Units: metres] [Limits: 0.4..3]
  float service_min_s = 3, service_max_s = 8;  // at the head, uniform [Units: s]
  geom::Vec3f exit;                            // where the served go (and stay, within 1.5 m)
};

// Something that goes through the crowd (a hero actor, a car): along a polyline at a speed, from a
// start time; before it, it waits at the first point, after it at the last.
struct MovingObstacle {
  std::vector<std::array<float, 2>> points;  // [x, z], ≥ 2, the first on the mesh [Units: m]
  float speed_mps = 1.4f;                    // [Units: m/s] [Limits: 0.1..30]
  float start_s = 0;                         // [Units: s] [Limits: 0..3600]
  float radius_m = 0.5f;                     // [Units: metres] [Limits: 0.1..5]
};

// Standing people who step aside for a moving obstacle and close up behind it.
struct Part {
  MovingObstacle obstacle;
  // They start stepping aside when it comes within its radius + theirs + this. [Units: metres]
  // [Limits: 0.5..20]
  float notice_m = 3;
};

// Friends walking together (Moussaïd et al., "The walking behaviour of pedestrian social groups
// and its impact on crowd dynamics", PLoS ONE 5(4), 2010: in a commercial street most pedestrians
// walk in groups, pairs about twice as often as threes, fours rarely; a group walks abreast at low
// density, and slower than people alone). Applies to `wander`, `path` and `goto`: one of a group
// (its leader) does what the behaviour says, the others walk beside it and stop with it.
struct Companions {
  // The share of the behaviour's agents that walk in a group. [Limits: 0..1] 0: all alone.
  float share = 0;
  // A group's size is drawn from 2 (weight 6), 3 (3), 4 (1), 5 (0.5), 6 (0.25), up to this.
  int max_size = 3;  // [Limits: 2..6]
  // Between neighbours walking abreast. [Units: metres] [Limits: 0.5..3]
  float spacing_m = 0.9f;
};

struct Behaviour {
  enum class Kind { kStand, kWander, kGoTo, kPath, kWatch, kQueue, kPart };
  Kind kind = Kind::kStand;
  Wander wander;
  GoTo go_to;
  Path path;
  Watch watch;
  Queue queue;
  Part part;
  Companions companions;  // wander, path and goto only
};

// True for the behaviours that move their agents: wander, goto, path, queue and part.
bool Moves(Behaviour::Kind kind);

struct MovingAgent {
  geom::Vec3f start;      // feet, on the mesh [Units: metres]
  float heading_rad = 0;  // facing before it moves (about +Y, 0 faces +Z)
  float radius = 0.3f;    // its personal circle [Units: metres]
  float height = 1.8f;    // [Units: metres]
  int behaviour = 0;      // index into the behaviours
};

struct SimulationOptions {
  int frames = 1;           // [Limits: 1..100000]
  double fps = 24;          // [Limits: (0, 1000]]
  int steps_per_frame = 2;  // crowd steps between frames [Limits: 1..16]
  uint64_t seed = 0;
};

// One agent in one frame.
struct Placement {
  geom::Vec3f position;   // feet [Units: metres]
  float heading_rad = 0;  // about +Y, 0 faces +Z: where it walks, or where it last walked
  float speed = 0;        // horizontal [Units: m/s]
};

// placements[frame * agents + agent]; frame 0 is where the agents start.
struct Trajectories {
  int frames = 0, agents = 0;
  std::vector<Placement> placements;
  // The `part` behaviours' obstacles, by behaviour index (none for others): where each is in each
  // frame.
  std::vector<std::vector<geom::Vec3f>> obstacles;
  std::vector<float> max_speed;  // each agent's drawn walking speed [Units: m/s]
  // Each agent's group leader (Companions), or -1 for one walking alone or leading.
  std::vector<int> companion_of;
  const Placement& At(int frame, int agent) const {
    return placements[static_cast<size_t>(frame) * static_cast<size_t>(agents) +
                      static_cast<size_t>(agent)];
  }
};

// Plays the behaviours. InvalidArgument naming the agent or behaviour for a behaviour index out of
// range, an area of fewer than 3 points or with no walkable point at its agents' level, a `goto`
// without targets, pauses, spreads or distances out of their limits, or options out of theirs;
// NotFound
// naming the agent whose start or target is off the mesh; Crowd's errors otherwise.
Result<Trajectories> Simulate(const NavMesh& mesh, std::span<const Behaviour> behaviours,
                              std::span<const MovingAgent> agents,
                              const SimulationOptions& options);

}  // namespace figurant::nav

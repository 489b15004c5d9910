#include "nav/behaviours.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <optional>
#include <string>
#include <utility>

namespace figurant::nav {
namespace {

constexpr int kTargetTries = 32;       // random points tried for one wander target
constexpr float kTargetInset = 0.75f;  // wander targets keep this far inside the area [m]
constexpr float kMovingSpeed = 0.05f;  // slower than this, an agent keeps its heading [m/s]
// How fast a person turns to face the way they walk: half a turn in half a second. [rad/s]
constexpr float kTurnRate = 2 * std::numbers::pi_v<float>;

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

bool TakesCompanions(Behaviour::Kind kind) {
  return kind == Behaviour::Kind::kWander || kind == Behaviour::Kind::kPath ||
         kind == Behaviour::Kind::kGoTo;
}

Status CheckCompanions(const Behaviour& be, const std::string& what) {
  const Companions& c = be.companions;
  if (!(c.share >= 0 && c.share <= 1) || c.max_size < 2 || c.max_size > 6 ||
      !(c.spacing_m >= 0.5f && c.spacing_m <= 3)) {
    return InvalidArgument(what +
                           "companions need a share in 0..1, max_size 2..6 and spacing_m "
                           "0.5..3 m");
  }
  if (c.share > 0 && !TakesCompanions(be.kind)) {
    return InvalidArgument(what + "only wander, path and goto walk with companions");
  }
  return Status::Ok();
}

Status CheckBehaviours(const NavMesh& mesh, std::span<const Behaviour> behaviours,
                       std::span<const MovingAgent> agents) {
  for (size_t b = 0; b < behaviours.size(); ++b) {
    const Behaviour& be = behaviours[b];
    const std::string what = "behaviour " + std::to_string(b) + ": ";
    FIGURANT_RETURN_IF_ERROR(CheckCompanions(be, what));
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
    } else if (be.kind == Behaviour::Kind::kPath) {
      if (be.path.points.size() < 2) return InvalidArgument(what + "a path needs 2 points or more");
      if (!(be.path.width_m >= 0 && be.path.width_m <= 100)) {
        return InvalidArgument(what + "expected a path width_m in 0..100 m");
      }
    } else if (be.kind == Behaviour::Kind::kPart) {
      const MovingObstacle& o = be.part.obstacle;
      if (o.points.size() < 2 || !(o.speed_mps >= 0.1f && o.speed_mps <= 30) ||
          !(o.start_s >= 0 && o.start_s <= 3600) || !(o.radius_m >= 0.1f && o.radius_m <= 5) ||
          !(be.part.notice_m >= 0.5f && be.part.notice_m <= 20)) {
        return InvalidArgument(what +
                               "a part obstacle needs 2 points or more, speed_mps "
                               "0.1..30, start_s 0..3600, radius_m 0.1..5, and notice_m "
                               "0.5..20");
      }
      if (!mesh.Nearest({o.points[0][0], 0, o.points[0][1]}, {2, 1000, 2}).ok()) {
        return NotFound(what + "the obstacle's first point is off the walkable ground");
      }
    } else if (be.kind == Behaviour::Kind::kQueue) {
      const Queue& q = be.queue;
      const float len = std::hypot(q.back[0], q.back[1]);
      if (!(len > 1e-3f) || !(q.spacing_m >= 0.4f && q.spacing_m <= 3) ||
          !(q.service_min_s >= 0 && q.service_max_s >= q.service_min_s &&
            q.service_max_s <= 3600)) {
        return InvalidArgument(what +
                               "a queue needs a direction `back`, spacing_m in 0.4..3 m "
                               "and 0 <= service_min_s <= service_max_s <= 3600");
      }
      if (!mesh.Nearest(q.head).ok() || !mesh.Nearest(q.exit).ok()) {
        return NotFound(what + "the queue's head or exit is off the walkable ground");
      }
    } else if (be.kind == Behaviour::Kind::kWatch) {
      const geom::Vec3f& p = be.watch.point;
      if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) {
        return InvalidArgument(what + "the point watched is not finite");
      }
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
// `from` turned towards `to` by at most `most` radians, the shorter way round. [Units: radians]
float Turn(float from, float to, float most) {
  float delta = std::remainder(to - from, 2 * std::numbers::pi_v<float>);
  delta = std::clamp(delta, -most, most);
  return std::remainder(from + delta, 2 * std::numbers::pi_v<float>);
}

struct AgentState {
  Rng rng;
  float wait_s = 0;  // a wander pause or a goto's start delay still to run [s]
  bool walking = false;
  bool done = false;  // a goto agent that has arrived, a one-way path walker at its end
  float heading = 0;
  geom::Vec3f goal;      // where it walks now
  int waypoint = 0;      // a path walker's next point
  int direction = 1;     // along the path (+1) or back (-1)
  float lane = 0;        // a path walker's offset to the right of its way [m]
  bool leaving = false;  // a queuer served, on its way to the exit
  bool dodging = false;  // a part agent steering round the obstacle (not holding its place)
  geom::Vec3f home;      // a part agent's place
};

// A queue's line: its agents in order, the first being served once at the head.
struct Line {
  std::vector<int> agents;
  float service_left_s = -1;  // the first's service still to run; < 0 until it is at the head
  int served = 0;
};

// Place `k` of a queue (0 at the head).
geom::Vec3f SlotPoint(const Queue& q, int k) {
  const float len = std::hypot(q.back[0], q.back[1]);
  const float d = q.spacing_m * static_cast<float>(k) / len;
  return {q.head.x + q.back[0] * d, q.head.y, q.head.z + q.back[1] * d};
}

// How close to the exit a served queuer stops: the disc the n already there fill at one person
// per square metre, plus half a metre. [Units: metres]
float ExitRadius(int served) {
  return 0.5f + std::sqrt(static_cast<float>(served) / std::numbers::pi_v<float>);
}

// The first in line is at the head within this. [Units: metres]
constexpr float kAtHead = 0.4f;

float Horizontal(const geom::Vec3f& a, const geom::Vec3f& b) {
  return std::hypot(a.x - b.x, a.z - b.z);
}

// Path points closer than this are passed without slowing down. [Units: metres]
constexpr float kWaypointRadius = 1.0f;
// The share of path walkers keeping to the right of their way (the rest keep left).
constexpr float kKeepRight = 0.8f;

// The path's points with more between them, at most kWaypointSpacing apart, so that a walker
// keeps to its lane along a long straight instead of drifting from it after a turn.
constexpr float kWaypointSpacing = 2.0f;  // [Units: metres]
Path Densified(const Path& p) {
  Path out = p;
  out.points.clear();
  for (size_t i = 0; i + 1 < p.points.size(); ++i) {
    const auto& a = p.points[i];
    const auto& b = p.points[i + 1];
    const int pieces = std::max(
        1, static_cast<int>(std::ceil(std::hypot(b[0] - a[0], b[1] - a[1]) / kWaypointSpacing)));
    for (int k = 0; k < pieces; ++k) {
      const float t = static_cast<float>(k) / static_cast<float>(pieces);
      out.points.push_back({a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])});
    }
  }
  out.points.push_back(p.points.back());
  return out;
}

// Point `k` of the path, moved `lane` metres to its left (the left of its direction of travel
// from the first point to the last: the average of its segments' left normals).
geom::Vec3f LanePoint(const Path& p, int k, float lane, float y) {
  const auto n = static_cast<int>(p.points.size());
  const auto& here = p.points[static_cast<size_t>(k)];
  const auto& before = p.points[static_cast<size_t>(std::max(k - 1, 0))];
  const auto& after = p.points[static_cast<size_t>(std::min(k + 1, n - 1))];
  float dx = after[0] - before[0], dz = after[1] - before[1];
  const float len = std::hypot(dx, dz);
  if (len > 0) dx /= len, dz /= len;
  return {here[0] - dz * lane, y, here[1] + dx * lane};
}

// The index of the path's segment nearest (x, z).
int NearestSegment(const Path& p, float x, float z) {
  int best = 0;
  float best_d = INFINITY;
  for (size_t i = 0; i + 1 < p.points.size(); ++i) {
    const float d = DistanceToEdges({p.points[i], p.points[i + 1]}, x, z);
    if (d < best_d) best_d = d, best = static_cast<int>(i);
  }
  return best;
}

// The point `distance` metres along the polyline (clamped to its ends), at height `y`.
geom::Vec3f PointAlong(const std::vector<std::array<float, 2>>& points, float distance, float y) {
  float left = std::max(0.0f, distance);
  for (size_t i = 0; i + 1 < points.size(); ++i) {
    const auto& a = points[i];
    const auto& b = points[i + 1];
    const float len = std::hypot(b[0] - a[0], b[1] - a[1]);
    if (left <= len && len > 0) {
      const float t = left / len;
      return {a[0] + t * (b[0] - a[0]), y, a[1] + t * (b[1] - a[1])};
    }
    left -= len;
  }
  return {points.back()[0], y, points.back()[1]};
}

// Companions (who walks with whom): an agent walks with the nearest agents of its behaviour who
// are alone and start within this of it. [Units: metres]
constexpr float kCompanionReach = 4.0f;
// Group sizes 2, 3, 4, 5, 6: relative weights (pairs twice as often as threes, fours rare).
constexpr std::array<float, 5> kGroupSizeWeights = {6, 3, 1, 0.5f, 0.25f};
// A companion aims this far ahead of its place beside the leader, in seconds of the leader's
// velocity, so that it walks level rather than behind. [Units: s]
constexpr float kCompanionLead = 0.5f;
// A walking companion is re-aimed every this many steps (staggered over agents). [Units: steps]
constexpr int kCompanionEvery = 4;
// A companion walks up to this much faster than its group, to catch up.
constexpr float kCatchUp = 1.3f;

int DrawGroupSize(int max_size, Rng& rng) {
  float total = 0;
  for (int k = 2; k <= max_size; ++k) total += kGroupSizeWeights[static_cast<size_t>(k - 2)];
  float x = rng.Uniform(0, total);
  for (int k = 2; k < max_size; ++k) {
    if ((x -= kGroupSizeWeights[static_cast<size_t>(k - 2)]) < 0) return k;
  }
  return max_size;
}

struct Groups {
  std::vector<int> leader;  // per agent: its leader, or -1
  std::vector<int> place;   // per companion: 1 on the leader's left, 2 its right, 3 further left…
};

// The agents of `members` still alone that start within kCompanionReach of `self`, nearest first
// (ties by index).
std::vector<int> NearestAlone(std::span<const MovingAgent> agents, const std::vector<int>& members,
                              const std::vector<bool>& taken, int self) {
  std::vector<std::pair<float, int>> near;
  const geom::Vec3f& at = agents[static_cast<size_t>(self)].start;
  for (int i : members) {
    if (i == self || taken[static_cast<size_t>(i)]) continue;
    const float d = Horizontal(at, agents[static_cast<size_t>(i)].start);
    if (d <= kCompanionReach) near.emplace_back(d, i);
  }
  std::sort(near.begin(), near.end());
  std::vector<int> out;
  out.reserve(near.size());
  for (const auto& [d, i] : near) out.push_back(i);
  return out;
}

// Who walks with whom: for each behaviour with companions, agents taken in an order shuffled by
// the seed lead a group of a drawn size with the nearest agents still alone, until the share of
// its agents in groups is reached (or no one alone is near enough). Deterministic for a seed.
Groups FormGroups(std::span<const Behaviour> behaviours, std::span<const MovingAgent> agents,
                  uint64_t seed) {
  Groups g{std::vector<int>(agents.size(), -1), std::vector<int>(agents.size(), 0)};
  std::vector<bool> taken(agents.size(), false);
  for (size_t b = 0; b < behaviours.size(); ++b) {
    const Companions& c = behaviours[b].companions;
    if (!(c.share > 0)) continue;
    std::vector<int> members;
    for (size_t i = 0; i < agents.size(); ++i) {
      if (agents[i].behaviour == static_cast<int>(b)) members.push_back(static_cast<int>(i));
    }
    // Its own stream, so that the agents' own draws do not change with companions.
    Rng rng(seed ^ 0x636f6d70616e696fULL, agents.size() + b);
    std::vector<int> order = members;
    for (size_t k = order.size(); k > 1; --k) std::swap(order[k - 1], order[rng.Next() % k]);
    const auto wanted =
        static_cast<size_t>(std::lround(c.share * static_cast<float>(members.size())));
    size_t grouped = 0;
    for (int leader : order) {
      if (grouped + 2 > wanted) break;
      if (taken[static_cast<size_t>(leader)]) continue;
      const auto size =
          std::min(static_cast<size_t>(DrawGroupSize(c.max_size, rng)), wanted - grouped);
      const std::vector<int> near = NearestAlone(agents, members, taken, leader);
      if (near.empty()) continue;
      taken[static_cast<size_t>(leader)] = true;
      ++grouped;
      for (size_t k = 0; k + 1 < size && k < near.size(); ++k) {
        const auto i = static_cast<size_t>(near[k]);
        taken[i] = true;
        g.leader[i] = leader;
        g.place[i] = static_cast<int>(k) + 1;
        ++grouped;
      }
    }
  }
  return g;
}

// Plays the behaviours step by step; Simulate is its driver.
class Simulator {
 public:
  Simulator(const NavMesh& mesh, std::span<const Behaviour> behaviours,
            std::span<const MovingAgent> agents)
      : mesh_(mesh), behaviours_(behaviours), agents_(agents) {
    for (const Behaviour& b : behaviours) {
      paths_.push_back(b.kind == Behaviour::Kind::kPath ? Densified(b.path) : Path{});
    }
  }

  // Draws each agent's speed and first wait, and puts them on the mesh.
  Status Start(uint64_t seed, Trajectories& out) {
    std::vector<CrowdAgentSpec> specs(agents_.size());
    for (size_t i = 0; i < agents_.size(); ++i) {
      const MovingAgent& a = agents_[i];
      if (a.behaviour < 0 || static_cast<size_t>(a.behaviour) >= behaviours_.size()) {
        return InvalidArgument("moving agent " + std::to_string(i) + ": no behaviour " +
                               std::to_string(a.behaviour));
      }
      state_.push_back({Rng(seed, i)});
      AgentState& s = state_.back();
      s.heading = a.heading_rad;
      specs[i] = {a.start, a.radius, a.height,
                  std::clamp(s.rng.Normal(kSpeedMean, kSpeedDeviation), kSpeedMin, kSpeedMax)};
      out.max_speed.push_back(specs[i].max_speed);
      const Behaviour& be = BehaviourOf(i);
      // Not every wanderer sets off at once: a first pause anywhere in a whole one.
      if (be.kind == Behaviour::Kind::kWander) s.wait_s = s.rng.Uniform(0, be.wander.pause_max_s);
      if (be.kind == Behaviour::Kind::kGoTo) s.wait_s = s.rng.Uniform(0, be.go_to.start_spread_s);
      if (be.kind == Behaviour::Kind::kPath) {
        StartPath(paths_[static_cast<size_t>(a.behaviour)], a, s);
      }
    }
    groups_ = FormGroups(behaviours_, agents_, seed);
    GroupSpeeds(specs, out);
    FIGURANT_RETURN_IF_ERROR(AddObstacles(specs, out));
    FIGURANT_ASSIGN_OR_RETURN(crowd_, Crowd::Create(mesh_, specs));
    for (int i = 0; i < crowd_->size(); ++i) FIGURANT_RETURN_IF_ERROR(crowd_->Stop(i));
    for (size_t i = 0; i < state_.size(); ++i)
      state_[i].home = crowd_->Position(static_cast<int>(i));
    return StartQueues();
  }

  // One crowd step of `dt` seconds: the queues, every agent's behaviour, then the crowd.
  Status Step(float dt) {
    FIGURANT_RETURN_IF_ERROR(MoveObstacles(dt));
    for (size_t b = 0; b < lines_.size(); ++b) {
      if (behaviours_[b].kind == Behaviour::Kind::kQueue) {
        FIGURANT_RETURN_IF_ERROR(StepQueue(behaviours_[b].queue, dt, lines_[b]));
      }
    }
    for (size_t i = 0; i < state_.size(); ++i) {
      AgentState& s = state_[i];
      const int a = static_cast<int>(i);
      if (groups_.leader[i] >= 0) {
        FIGURANT_RETURN_IF_ERROR(StepCompanion(a, s));
        continue;
      }
      switch (const Behaviour& be = BehaviourOf(i); be.kind) {
        case Behaviour::Kind::kWander:
          FIGURANT_RETURN_IF_ERROR(StepWander(a, be.wander, dt, s));
          break;
        case Behaviour::Kind::kGoTo:
          FIGURANT_RETURN_IF_ERROR(StepGoTo(a, be.go_to, dt, s));
          break;
        case Behaviour::Kind::kPath:
          FIGURANT_RETURN_IF_ERROR(
              StepPath(a, paths_[static_cast<size_t>(agents_[i].behaviour)], s));
          break;
        case Behaviour::Kind::kPart:
          FIGURANT_RETURN_IF_ERROR(StepPart(a, be.part, agents_[i].radius,
                                            obstacle_of_[static_cast<size_t>(agents_[i].behaviour)],
                                            s));
          break;
        case Behaviour::Kind::kQueue:
          FIGURANT_RETURN_IF_ERROR(
              StepServed(a, be.queue, s, lines_[static_cast<size_t>(agents_[i].behaviour)]));
          break;
        case Behaviour::Kind::kStand:
        case Behaviour::Kind::kWatch:
          break;
      }
    }
    time_s_ += dt;
    ++steps_;
    return crowd_->Step(dt);
  }

  // Appends every agent's placement now.
  // `dt`: the time since the last record [s]; 0 for the first.
  void Record(Trajectories& out, float dt) {
    for (size_t i = 0; i < state_.size(); ++i) {
      const int a = static_cast<int>(i);
      const geom::Vec3f v = crowd_->Velocity(a), p = crowd_->Position(a);
      const float speed = std::hypot(v.x, v.z);
      AgentState& s = state_[i];
      const Behaviour& be = BehaviourOf(i);
      if (be.kind == Behaviour::Kind::kWatch) {
        s.heading = std::atan2(be.watch.point.x - p.x, be.watch.point.z - p.z);
      } else if (speed > kMovingSpeed) {
        s.heading = Turn(s.heading, std::atan2(v.x, v.z), kTurnRate * dt);
      } else if (be.kind == Behaviour::Kind::kQueue && !s.leaving) {
        const float facing_head = std::atan2(-be.queue.back[0], -be.queue.back[1]);
        s.heading = Turn(s.heading, facing_head, kTurnRate * dt);
      }
      out.placements.push_back({p, s.heading, speed});
    }
    for (size_t b = 0; b < obstacle_of_.size(); ++b) {
      if (obstacle_of_[b] >= 0) out.obstacles[b].push_back(crowd_->Position(obstacle_of_[b]));
    }
  }

 private:
  const Behaviour& BehaviourOf(size_t i) const {
    return behaviours_[static_cast<size_t>(agents_[i].behaviour)];
  }

  // A group walks at its slowest member's speed; its companions up to kCatchUp faster.
  void GroupSpeeds(std::vector<CrowdAgentSpec>& specs, Trajectories& out) const {
    for (size_t i = 0; i < specs.size(); ++i) {
      if (const int l = groups_.leader[i]; l >= 0) {
        float& lead = specs[static_cast<size_t>(l)].max_speed;
        lead = std::min(lead, specs[i].max_speed);
      }
    }
    for (size_t i = 0; i < specs.size(); ++i) {
      if (const int l = groups_.leader[i]; l >= 0) {
        specs[i].max_speed = specs[static_cast<size_t>(l)].max_speed * kCatchUp;
      }
      out.max_speed[i] = specs[i].max_speed;
    }
    out.companion_of = groups_.leader;
  }

  // Beside its leader: its place abreast (left, right, further left…) a little ahead by the
  // leader's velocity, re-aimed every kCompanionEvery steps while the leader walks; held once
  // reached while the leader stands.
  Status StepCompanion(int a, AgentState& s) {
    const int l = groups_.leader[static_cast<size_t>(a)];
    const geom::Vec3f at = crowd_->Position(l), v = crowd_->Velocity(l);
    const bool moving = std::hypot(v.x, v.z) > kMovingSpeed;
    const float h = moving ? std::atan2(v.x, v.z) : state_[static_cast<size_t>(l)].heading;
    const int k = groups_.place[static_cast<size_t>(a)];
    const int rank = (k + 1) / 2;  // 1, 1, 2, 2, 3: how many places out from the leader
    const float side = static_cast<float>(rank) *
                       BehaviourOf(static_cast<size_t>(a)).companions.spacing_m *
                       (k % 2 == 1 ? 1.0f : -1.0f);
    const float lead = moving ? kCompanionLead : 0.0f;
    // Its left, facing its way (dx, dz), is (dz, -dx).
    const geom::Vec3f place{at.x + std::cos(h) * side + v.x * lead, at.y,
                            at.z - std::sin(h) * side + v.z * lead};
    const bool changed = moving != s.walking;
    const bool due = changed || (moving ? (steps_ + a) % kCompanionEvery == 0
                                        : Horizontal(place, s.goal) > 0.3f);
    if (!due) return Status::Ok();
    s.walking = moving;
    s.goal = place;
    // A place off the walkable ground (beside a wall): towards the leader instead.
    if (crowd_->SetTarget(a, place, /*hold_on_arrival=*/!moving).ok()) return Status::Ok();
    s.goal = at;
    return crowd_->SetTarget(a, at, /*hold_on_arrival=*/!moving);
  }

  // One crowd agent per `part` behaviour, after the people: its obstacle, at its first point.
  Status AddObstacles(std::vector<CrowdAgentSpec>& specs, Trajectories& out) {
    obstacle_of_.assign(behaviours_.size(), -1);
    out.obstacles.resize(behaviours_.size());
    for (size_t b = 0; b < behaviours_.size(); ++b) {
      if (behaviours_[b].kind != Behaviour::Kind::kPart) continue;
      const MovingObstacle& o = behaviours_[b].part.obstacle;
      FIGURANT_ASSIGN_OR_RETURN(const geom::Vec3f first,
                                mesh_.Nearest({o.points[0][0], 0, o.points[0][1]}, {2, 1000, 2}));
      CrowdAgentSpec spec;
      spec.start = first;
      spec.radius = o.radius_m;
      spec.max_speed = o.speed_mps * 1.5f;
      spec.max_acceleration = 50;
      spec.obstacle = true;
      obstacle_of_[b] = static_cast<int>(specs.size());
      specs.push_back(spec);
    }
    return Status::Ok();
  }

  // Each obstacle towards where its schedule puts it at the end of the step.
  Status MoveObstacles(float dt) {
    for (size_t b = 0; b < obstacle_of_.size(); ++b) {
      if (obstacle_of_[b] < 0) continue;
      const MovingObstacle& o = behaviours_[b].part.obstacle;
      const geom::Vec3f at = crowd_->Position(obstacle_of_[b]);
      const float along = o.speed_mps * std::max(0.0f, time_s_ + dt - o.start_s);
      const geom::Vec3f next = PointAlong(o.points, along, at.y);
      FIGURANT_RETURN_IF_ERROR(
          crowd_->SetVelocity(obstacle_of_[b], {(next.x - at.x) / dt, 0, (next.z - at.z) / dt}));
    }
    return Status::Ok();
  }

  // Holding its place until the obstacle comes near; then steering round it, and back.
  Status StepPart(int a, const Part& p, float radius, int obstacle, AgentState& s) {
    const float d = Horizontal(crowd_->Position(a), crowd_->Position(obstacle));
    const bool near = d < p.obstacle.radius_m + radius + p.notice_m;
    if (near == s.dodging) return Status::Ok();
    s.dodging = near;
    return crowd_->SetTarget(a, s.home, /*hold_on_arrival=*/!near);
  }

  // Each queue's agents in line, nearest to its head first (then by index), sent to their places.
  Status StartQueues() {
    lines_.resize(behaviours_.size());
    for (size_t i = 0; i < agents_.size(); ++i) {
      const auto b = static_cast<size_t>(agents_[i].behaviour);
      if (behaviours_[b].kind == Behaviour::Kind::kQueue) {
        lines_[b].agents.push_back(static_cast<int>(i));
      }
    }
    for (size_t b = 0; b < lines_.size(); ++b) {
      std::vector<int>& line = lines_[b].agents;
      const geom::Vec3f head = behaviours_[b].queue.head;
      std::stable_sort(line.begin(), line.end(), [&](int x, int y) {
        return Horizontal(crowd_->Position(x), head) < Horizontal(crowd_->Position(y), head);
      });
      FIGURANT_RETURN_IF_ERROR(MoveUp(behaviours_[b].queue, line));
    }
    return Status::Ok();
  }

  // Sends everyone in `line` to their place.
  Status MoveUp(const Queue& q, const std::vector<int>& line) {
    for (size_t k = 0; k < line.size(); ++k) {
      const Status set = crowd_->SetTarget(line[k], SlotPoint(q, static_cast<int>(k)));
      // A place off the walkable ground (a long line into the set): where it stands.
      if (!set.ok()) FIGURANT_RETURN_IF_ERROR(crowd_->Stop(line[k]));
    }
    return Status::Ok();
  }

  // Serves the first in line once it is at the head; when done, it leaves and the line moves up.
  Status StepQueue(const Queue& q, float dt, Line& line) {
    if (line.agents.empty()) return Status::Ok();
    const int first = line.agents.front();
    if (Horizontal(crowd_->Position(first), q.head) > kAtHead) return Status::Ok();
    AgentState& s = state_[static_cast<size_t>(first)];
    if (line.service_left_s < 0)
      line.service_left_s = s.rng.Uniform(q.service_min_s, q.service_max_s);
    if ((line.service_left_s -= dt) > 0) return Status::Ok();
    s.leaving = true;
    s.walking = true;
    s.goal = q.exit;
    FIGURANT_RETURN_IF_ERROR(crowd_->SetTarget(first, q.exit));
    line.agents.erase(line.agents.begin());
    line.service_left_s = -1;
    return MoveUp(q, line.agents);
  }

  // A served queuer stops once near the exit.
  Status StepServed(int a, const Queue& q, AgentState& s, Line& line) {
    if (!s.leaving || s.done) return Status::Ok();
    if (Horizontal(crowd_->Position(a), q.exit) >= ExitRadius(line.served)) return Status::Ok();
    s.done = true;
    ++line.served;
    return crowd_->Stop(a);
  }

  Status StepWander(int a, const Wander& w, float dt, AgentState& s) {
    if (s.walking) {
      if (!crowd_->Arrived(a)) return Status::Ok();
      s.walking = false;
      s.wait_s = s.rng.Uniform(w.pause_min_s, w.pause_max_s);
    }
    if ((s.wait_s -= dt) > 0) return Status::Ok();
    const auto target = PointIn(mesh_, w, crowd_->Position(a).y, s.rng);
    if (!target) return Status::Ok();  // try again next step
    s.walking = true;
    return crowd_->SetTarget(a, *target);
  }

  Status StepGoTo(int a, const GoTo& g, float dt, AgentState& s) {
    if (s.done) return Status::Ok();
    if (s.walking) {
      if (Horizontal(crowd_->Position(a), s.goal) >= g.arrive_within_m) return Status::Ok();
      s.done = true;
      return crowd_->Stop(a);
    }
    if ((s.wait_s -= dt) > 0) return Status::Ok();
    const geom::Vec3f at = crowd_->Position(a);
    s.goal = *std::min_element(g.targets.begin(), g.targets.end(),
                               [&](const geom::Vec3f& x, const geom::Vec3f& y) {
                                 return Horizontal(at, x) < Horizontal(at, y);
                               });
    s.walking = true;
    const Status set = crowd_->SetTarget(a, s.goal);
    if (!set.ok()) return NotFound("moving agent " + std::to_string(a) + ": " + set.message());
    return Status::Ok();
  }

  // A direction, a lane and the first point ahead of where the agent stands.
  static void StartPath(const Path& p, const MovingAgent& a, AgentState& s) {
    s.direction = p.both_ways && s.rng.Uniform(0, 1) < 0.5f ? -1 : 1;
    // Most walkers keep to the right of their way (kKeepRight of them), so that the two ways
    // form lanes instead of meeting head on.
    const float half = std::max(0.0f, p.width_m / 2 - a.radius);
    s.lane = s.rng.Uniform(0, half) * (s.rng.Uniform(0, 1) < kKeepRight ? 1.0f : -1.0f);
    const int seg = NearestSegment(p, a.start.x, a.start.z);
    s.waypoint = s.direction > 0 ? seg + 1 : seg;
    // Facing the way it walks from the start (the first point ahead it has not reached),
    // whichever way layout turned it.
    const auto n = static_cast<int>(p.points.size());
    for (int w = s.waypoint; w >= 0 && w < n; w += s.direction) {
      const auto& ahead = p.points[static_cast<size_t>(w)];
      if (std::hypot(ahead[0] - a.start.x, ahead[1] - a.start.z) > kWaypointRadius) {
        s.heading = std::atan2(ahead[0] - a.start.x, ahead[1] - a.start.z);
        break;
      }
    }
  }

  Status StepPath(int a, const Path& p, AgentState& s) {
    if (s.done) return Status::Ok();
    const auto n = static_cast<int>(p.points.size());
    const geom::Vec3f at = crowd_->Position(a);
    if (s.walking && Horizontal(at, s.goal) >= kWaypointRadius) return Status::Ok();
    if (s.walking) s.waypoint += s.direction;  // passed one: on to the next
    if (s.waypoint < 0 || s.waypoint >= n) {
      if (!p.both_ways) {
        s.done = true;
        return crowd_->Stop(a);
      }
      s.direction = -s.direction;  // a promenade: back the other way
      s.waypoint = std::clamp(s.waypoint + 2 * s.direction, 0, n - 1);
    }
    s.walking = true;
    s.goal = LanePoint(p, s.waypoint, -static_cast<float>(s.direction) * s.lane, at.y);
    // A lane point off the walkable ground (the path squeezed by the set): its middle instead.
    if (crowd_->SetTarget(a, s.goal).ok()) return Status::Ok();
    s.goal = LanePoint(p, s.waypoint, 0, at.y);
    const Status set = crowd_->SetTarget(a, s.goal);
    if (!set.ok()) return NotFound("moving agent " + std::to_string(a) + ": " + set.message());
    return Status::Ok();
  }

  const NavMesh& mesh_;
  std::span<const Behaviour> behaviours_;
  std::span<const MovingAgent> agents_;
  std::vector<Path> paths_;       // by behaviour: its path, densified (empty for other behaviours)
  std::vector<Line> lines_;       // by behaviour: its queue's line (empty for other behaviours)
  std::vector<int> obstacle_of_;  // by behaviour: its obstacle's crowd index, or -1
  float time_s_ = 0;              // since the first frame [Units: s]
  int steps_ = 0;                 // crowd steps so far
  Groups groups_;
  std::vector<AgentState> state_;
  std::unique_ptr<Crowd> crowd_;
};

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
  Trajectories out;
  out.frames = options.frames;
  out.agents = static_cast<int>(agents.size());
  out.placements.reserve(static_cast<size_t>(options.frames) * agents.size());
  Simulator sim(mesh, behaviours, agents);
  FIGURANT_RETURN_IF_ERROR(sim.Start(options.seed, out));
  sim.Record(out, 0);
  const float dt = static_cast<float>(1.0 / (options.fps * options.steps_per_frame));
  for (int frame = 1; frame < options.frames; ++frame) {
    for (int step = 0; step < options.steps_per_frame; ++step) {
      FIGURANT_RETURN_IF_ERROR(sim.Step(dt));
    }
    sim.Record(out, static_cast<float>(1.0 / options.fps));
  }
  return out;
}

bool Moves(Behaviour::Kind kind) {
  return kind != Behaviour::Kind::kStand && kind != Behaviour::Kind::kWatch;
}

}  // namespace figurant::nav

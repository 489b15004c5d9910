// Crowds that move (issue 16): building the navigation mesh of a square with obstacles, and
// simulating a wandering crowd on it (nav::Simulate, the crowd and its behaviours). Target: 10,000
// agents over 240 frames (10 s at 24 fps) in at most 20 s on a 2-core machine;
// `sim_s_per_240_frames` is that figure.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>
#include <vector>

#include "nav/behaviours.h"
#include "nav/crowd.h"
#include "nav/navmesh.h"

namespace figurant::nav {
namespace {

// A square sized for `agents` at 0.2 people per m² (a busy square, walking room for all), with a
// 2 m kiosk every 20 m.
NavInput SquareFor(int agents, float* side_out) {
  const float side = std::ceil(std::sqrt(static_cast<float>(agents) / 0.2f));
  NavInput in;
  in.AddGround(0, 0, side, side, 0);
  for (float x = 10; x < side - 5; x += 20) {
    for (float z = 10; z < side - 5; z += 20) {
      geom::Mesh kiosk;
      for (int i = 0; i < 8; ++i) {
        kiosk.positions.push_back(
            {x + ((i & 1) ? 1.0f : -1.0f), (i & 2) ? 2.5f : 0.0f, z + ((i & 4) ? 1.0f : -1.0f)});
      }
      const uint32_t quads[6][4] = {{0, 4, 6, 2}, {1, 3, 7, 5}, {0, 1, 5, 4},
                                    {2, 6, 7, 3}, {0, 2, 3, 1}, {4, 5, 7, 6}};
      for (const auto& q : quads) {
        for (uint32_t i : {q[0], q[1], q[2], q[0], q[2], q[3]}) kiosk.indices.push_back(i);
      }
      in.AddMesh(kiosk);
    }
  }
  *side_out = side;
  return in;
}

// A small deterministic generator (splitmix64) for starts and targets.
float Uniform(uint64_t& state, float lo, float hi) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return lo + (hi - lo) * static_cast<float>(z >> 40) / static_cast<float>(1ULL << 24);
}

const AgentShape kShape{0.35f, 1.9f, 0.25f, 40};

// The mesh of SquareFor(agents); null (and the benchmark skipped with the error) when it fails.
std::unique_ptr<NavMesh> SquareMesh(int agents, float* side, benchmark::State& state) {
  auto mesh = NavMesh::Build(SquareFor(agents, side), kShape, {0.2f, 0.05f});
  if (!mesh.ok()) {
    state.SkipWithError(mesh.status().ToString().c_str());
    return nullptr;
  }
  return std::move(mesh).value();
}

void BM_NavMeshBuild(benchmark::State& state) {
  float side = 0;
  const NavInput in = SquareFor(static_cast<int>(state.range(0)), &side);
  int polygons = 0;
  for (auto _ : state) {
    auto mesh = NavMesh::Build(in, kShape, {0.2f, 0.05f});
    if (!mesh.ok()) {
      state.SkipWithError(mesh.status().ToString().c_str());
      return;
    }
    polygons = (*mesh)->polygon_count();
  }
  state.counters["side_m"] = side;
  state.counters["polygons"] = polygons;
}
BENCHMARK(BM_NavMeshBuild)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

// Every agent wanders the whole square (nav::Simulate's `wander`: walk, pause 2–8 s, walk again),
// 48 frames at 24 fps per iteration, at `steps_per_frame` crowd steps a frame (Simulate's
// default at 24 fps is 1).
void BM_SimulateWander(benchmark::State& state) {
  const int agents = static_cast<int>(state.range(0));
  const int steps = static_cast<int>(state.range(1));
  float side = 0;
  const std::unique_ptr<NavMesh> mesh = SquareMesh(agents, &side, state);
  if (mesh == nullptr) return;
  Behaviour wander;
  wander.kind = Behaviour::Kind::kWander;
  wander.wander.area = {{2, 2}, {side - 2, 2}, {side - 2, side - 2}, {2, side - 2}};
  uint64_t rng = 7;
  std::vector<MovingAgent> people(static_cast<size_t>(agents));
  for (MovingAgent& a : people) {
    a.start = {Uniform(rng, 3, side - 3), 0, Uniform(rng, 3, side - 3)};
    a.radius = Uniform(rng, 0.25f, 0.35f);
  }
  SimulationOptions options;
  options.frames = 48;
  options.steps_per_frame = steps;
  for (auto _ : state) {
    auto t = Simulate(*mesh, std::vector<Behaviour>{wander}, people, options);
    if (!t.ok()) {
      state.SkipWithError(t.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(t->placements.data());
  }
  state.counters["agents"] = agents;
  // 48 frames an iteration is 1/5 of 240: batches of 240 frames per second, inverted.
  state.counters["sim_s_per_240_frames"] = benchmark::Counter(
      48.0 / 240, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_SimulateWander)
    ->Args({1000, 2})
    ->Args({10000, 1})
    ->Args({10000, 2})
    ->Unit(benchmark::kMillisecond);

// The crowd a square holds, mixed: 40 % wander the whole square, 30 % walk the lanes between the
// kiosks' rows and columns (both ways, 6 m wide), 30 % go to one of eight doors in its edges
// (leaving over 20 s) and stand round it at about 1 person per m².
struct MixedCrowd {
  std::vector<Behaviour> behaviours;  // 0: wander, 1: the doors, then the lanes
  std::vector<MovingAgent> people;
};

MixedCrowd MixedCrowdFor(int agents, float side) {
  MixedCrowd c;
  Behaviour wander;
  wander.kind = Behaviour::Kind::kWander;
  wander.wander.area = {{2, 2}, {side - 2, 2}, {side - 2, side - 2}, {2, side - 2}};
  c.behaviours.push_back(wander);
  Behaviour doors;
  doors.kind = Behaviour::Kind::kGoTo;
  for (const float at : {side / 3, 2 * side / 3}) {
    for (const geom::Vec3f& door : {geom::Vec3f{at, 0, 1}, geom::Vec3f{at, 0, side - 1},
                                    geom::Vec3f{1, 0, at}, geom::Vec3f{side - 1, 0, at}}) {
      doors.go_to.targets.push_back(door);
    }
  }
  doors.go_to.start_spread_s = 20;
  const double per_door = 0.3 * agents / static_cast<double>(doors.go_to.targets.size());
  doors.go_to.arrive_within_m =
      static_cast<float>(std::min(100.0, 2 + std::sqrt(per_door / std::numbers::pi)));
  c.behaviours.push_back(doors);
  // The kiosks stand every 20 m from 10 m: lanes every 20 m from 20 m, across and down.
  for (float at = 20; at < side - 10; at += 20) {
    Behaviour across;
    across.kind = Behaviour::Kind::kPath;
    across.path = {{{3, at}, {side - 3, at}}, 6, true};
    c.behaviours.push_back(across);
    Behaviour down = across;
    down.path.points = {{at, 3}, {at, side - 3}};
    c.behaviours.push_back(down);
  }
  const auto lanes = static_cast<float>(c.behaviours.size() - 2);
  uint64_t rng = 11;
  for (int i = 0; i < agents; ++i) {
    MovingAgent a;
    a.radius = Uniform(rng, 0.25f, 0.35f);
    const float r = Uniform(rng, 0, 1);
    a.behaviour = r < 0.4f   ? 0
                  : r < 0.7f ? 1
                             : 2 + static_cast<int>(Uniform(rng, 0, lanes - 0.001f));
    if (a.behaviour >= 2) {
      // On its lane: anywhere along it, within its width.
      const Path& p = c.behaviours[static_cast<size_t>(a.behaviour)].path;
      const float t = Uniform(rng, 0.05f, 0.95f), off = Uniform(rng, -2.5f, 2.5f);
      const bool along_x = p.points[0][1] == p.points[1][1];
      a.start = along_x ? geom::Vec3f{3 + t * (side - 6), 0, p.points[0][1] + off}
                        : geom::Vec3f{p.points[0][0] + off, 0, 3 + t * (side - 6)};
    } else {
      a.start = {Uniform(rng, 3, side - 3), 0, Uniform(rng, 3, side - 3)};
    }
    // Not inside a kiosk (every 20 m from 10 m, 1 m each way) or too near one.
    const float kx = std::fmod(a.start.x - 10 + 1000, 20),
                kz = std::fmod(a.start.z - 10 + 1000, 20);
    if ((kx < 1.7f || kx > 18.3f) && (kz < 1.7f || kz > 18.3f)) a.start.x += 3;
    c.people.push_back(a);
  }
  return c;
}

// How the crowd kept apart and out of the set over its frames.
struct Separation {
  int64_t agent_frames = 0;
  int64_t passing_through = 0;  // agent-frames with another agent closer than half their radii' sum
  int64_t inside_set = 0;       // agent-frames whose centre is inside a kiosk
};

Separation Measure(const Trajectories& t, const std::vector<MovingAgent>& people, float side) {
  Separation s;
  constexpr float kCell = 1.0f;  // larger than any two radii
  const auto n = static_cast<int>(std::ceil(side / kCell)) + 2;
  std::vector<std::vector<int>> grid(static_cast<size_t>(n) * static_cast<size_t>(n));
  auto cell = [&](float v) { return std::clamp(static_cast<int>(v / kCell) + 1, 0, n - 1); };
  for (int f = 0; f < t.frames; ++f) {
    for (auto& g : grid) g.clear();
    for (int a = 0; a < t.agents; ++a) {
      const geom::Vec3f p = t.At(f, a).position;
      grid[static_cast<size_t>(cell(p.z)) * static_cast<size_t>(n) + static_cast<size_t>(cell(p.x))]
          .push_back(a);
    }
    for (int a = 0; a < t.agents; ++a) {
      const geom::Vec3f p = t.At(f, a).position;
      ++s.agent_frames;
      const float kx = std::fmod(p.x - 10 + 1000, 20), kz = std::fmod(p.z - 10 + 1000, 20);
      if ((kx < 1 || kx > 19) && (kz < 1 || kz > 19) && p.x > 8 && p.z > 8 && p.x < side - 4 &&
          p.z < side - 4) {
        ++s.inside_set;
      }
      bool through = false;
      for (int dz = -1; dz <= 1 && !through; ++dz) {
        for (int dx = -1; dx <= 1 && !through; ++dx) {
          const int cz = cell(p.z) + dz, cx = cell(p.x) + dx;
          if (cz < 0 || cz >= n || cx < 0 || cx >= n) continue;
          for (int b :
               grid[static_cast<size_t>(cz) * static_cast<size_t>(n) + static_cast<size_t>(cx)]) {
            if (b == a) continue;
            const geom::Vec3f q = t.At(f, b).position;
            const float half = 0.5f * (people[static_cast<size_t>(a)].radius +
                                       people[static_cast<size_t>(b)].radius);
            if (std::hypot(p.x - q.x, p.z - q.z) < half) through = true;
          }
        }
      }
      if (through) ++s.passing_through;
    }
  }
  return s;
}

// Issue 16's figure: 10,000 people over 240 frames (10 s at 24 fps) in a square with kiosks,
// wandering, walking paths and leaving by doors, at 1 (Simulate's default) or 2 steps a frame. One
// iteration is the whole shot; then how often two passed through each other and how often one
// stood inside a kiosk.
void BM_SimulateMixed(benchmark::State& state) {
  const int agents = static_cast<int>(state.range(0));
  const int steps = static_cast<int>(state.range(1));
  float side = 0;
  const std::unique_ptr<NavMesh> mesh = SquareMesh(agents, &side, state);
  if (mesh == nullptr) return;
  const MixedCrowd crowd = MixedCrowdFor(agents, side);
  SimulationOptions options;
  options.frames = 240;
  options.steps_per_frame = steps;
  Trajectories last;
  for (auto _ : state) {
    auto t = Simulate(*mesh, crowd.behaviours, crowd.people, options);
    if (!t.ok()) {
      state.SkipWithError(t.status().ToString().c_str());
      return;
    }
    last = std::move(t).value();
  }
  const Separation s = Measure(last, crowd.people, side);
  state.counters["agents"] = agents;
  state.counters["pass_through_pct"] =
      100.0 * static_cast<double>(s.passing_through) / static_cast<double>(s.agent_frames);
  state.counters["inside_set_agent_frames"] = static_cast<double>(s.inside_set);
}
BENCHMARK(BM_SimulateMixed)
    ->Args({1000, 2})
    ->Args({10000, 1})
    ->Args({10000, 2})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

}  // namespace
}  // namespace figurant::nav

BENCHMARK_MAIN();

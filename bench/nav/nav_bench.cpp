// Crowds that move (issue 16): building the navigation mesh of a square with obstacles, and
// simulating a wandering crowd on it (nav::Simulate, the crowd and its behaviours). Target: 10,000
// agents over 240 frames (10 s at 24 fps) in at most 20 s on a 2-core machine;
// `sim_s_per_240_frames` is that figure.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <memory>
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
// default is 2).
void BM_SimulateWander(benchmark::State& state) {
  const int agents = static_cast<int>(state.range(0));
  const int steps = static_cast<int>(state.range(1));
  float side = 0;
  auto mesh = NavMesh::Build(SquareFor(agents, &side), kShape, {0.2f, 0.05f});
  if (!mesh.ok()) {
    state.SkipWithError(mesh.status().ToString().c_str());
    return;
  }
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
    auto t = Simulate(**mesh, std::vector<Behaviour>{wander}, people, options);
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

}  // namespace
}  // namespace figurant::nav

BENCHMARK_MAIN();

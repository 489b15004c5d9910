// Layout and casting at scale. Target (issue 6): 1,000,000 agents over 500 doubles with the clone
// constraint in under 5 seconds on a 2-core machine.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>

#include "crowd/casting.h"
#include "crowd/layout.h"
#include "geom/camera.h"

namespace figurant::crowd {
namespace {

// A square plaza sized for `agents` at 1 person per m², laid out by Poisson-disk sampling, then
// cast from `doubles` doubles keeping clones 8 m apart in the world.
void BM_LayoutAndCast(benchmark::State& state) {
  const auto agents = static_cast<int>(state.range(0));
  const auto doubles = static_cast<int>(state.range(1));
  const double side = std::sqrt(static_cast<double>(agents));
  AreaSpec area;
  area.outline = {{0, 0}, {side, 0}, {side, side}, {0, side}};
  area.count = agents;
  area.personal_radius_m = 0.3;
  std::vector<int> pool(static_cast<size_t>(doubles));
  for (int i = 0; i < doubles; ++i) pool[static_cast<size_t>(i)] = i;
  CastOptions options;
  options.min_world_m = 8.0;
  options.seed = 1;
  double world_min = 0;
  for (auto _ : state) {
    auto layout = LayoutArea(area, 7);
    if (!layout.ok()) {
      state.SkipWithError(layout.status().ToString().c_str());
      return;
    }
    std::vector<CastAgent> cast_agents(layout->placements.size());
    for (size_t i = 0; i < cast_agents.size(); ++i) {
      cast_agents[i].position = layout->placements[i].position;
    }
    auto cast = Cast(cast_agents, {pool}, doubles, options);
    if (!cast.ok()) {
      state.SkipWithError(cast.status().ToString().c_str());
      return;
    }
    world_min = cast->world_min_m;
    benchmark::DoNotOptimize(cast->assignment.data());
  }
  state.counters["agents"] = agents;
  state.counters["same_double_min_m"] = world_min;
}
BENCHMARK(BM_LayoutAndCast)
    ->Args({10'000, 500})
    ->Args({1'000'000, 500})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);

void BM_LayoutOnly(benchmark::State& state) {
  const auto agents = static_cast<int>(state.range(0));
  const double side = std::sqrt(static_cast<double>(agents));
  AreaSpec area;
  area.outline = {{0, 0}, {side, 0}, {side, side}, {0, side}};
  area.count = agents;
  area.personal_radius_m = 0.3;
  for (auto _ : state) {
    auto layout = LayoutArea(area, 7);
    benchmark::DoNotOptimize(layout->placements.data());
  }
}
BENCHMARK(BM_LayoutOnly)->Arg(1'000'000)->Unit(benchmark::kMillisecond)->Iterations(1);

// The stadium case (a streaming series filled a stadium from 20 scanned extras): 26,000 seats in
// one stand (50 rows of 520), 20 doubles, clones allowed. Casting maximises the smallest
// same-double distance in the world and on screen; the counters compare it with a plain
// round-robin assignment of the same seats (seat order, double = seat index mod 20), measured by
// the same clone report. The camera frames the whole stand from the pitch. Arg 0: the world
// minimum alone; arg 1: the world and the on-screen minimums together.
void BM_StadiumCastVsRoundRobin(benchmark::State& state) {
  constexpr int kDoubles = 20;
  SeatsSpec seats;
  seats.origin = {-130, 0.3f, 40};
  seats.rows = 50;
  seats.seats_per_row = 520;
  seats.seat_spacing_m = 0.5;
  seats.row_depth_m = 0.85;
  seats.row_rise_m = 0.42;
  seats.fill = 1.0;
  auto layout = LayoutSeats(seats, 3);
  if (!layout.ok()) {
    state.SkipWithError(layout.status().ToString().c_str());
    return;
  }
  geom::Camera camera;
  camera.position = {0, 12, -120};
  camera.look_at = {0, 12, 60};
  camera.focal_length_mm = 24;
  const geom::Camera::Basis basis = camera.ComputeBasis();
  std::vector<CastAgent> agents(layout->placements.size());
  for (size_t i = 0; i < agents.size(); ++i) {
    agents[i].position = layout->placements[i].position;
    const auto px = camera.Project(basis, agents[i].position);
    if (px && px->x >= 0 && px->x < camera.width && px->y >= 0 && px->y < camera.height) {
      agents[i].screen = geom::Vec2f{px->x / static_cast<float>(camera.width),
                                     px->y / static_cast<float>(camera.width)};
    }
  }
  std::vector<int> pool(kDoubles);
  for (int i = 0; i < kDoubles; ++i) pool[static_cast<size_t>(i)] = i;
  CastOptions options;
  options.min_world_m = 8.0;
  options.min_screen_fraction = state.range(0) != 0 ? 0.15 : 0.0;
  options.allow_clones = true;
  options.seed = 5;
  CastResult cast;
  for (auto _ : state) {
    auto c = Cast(agents, {pool}, kDoubles, options);
    if (!c.ok()) {
      state.SkipWithError(c.status().ToString().c_str());
      return;
    }
    cast = *std::move(c);
    benchmark::DoNotOptimize(cast.assignment.data());
  }
  std::vector<int> round_robin(agents.size());
  for (size_t i = 0; i < agents.size(); ++i) round_robin[i] = static_cast<int>(i % kDoubles);
  auto worst = [&](const std::vector<int>& assignment, bool screen) {
    double m = INFINITY;
    for (const CloneStats& c : CloneReport(agents, assignment, kDoubles)) {
      m = std::min(m, screen ? c.screen_min_fraction : c.world_min_m);
    }
    return m;
  };
  int in_frame = 0;
  for (const CastAgent& a : agents) in_frame += a.screen.has_value();
  state.counters["agents"] = static_cast<double>(agents.size());
  state.counters["in_frame"] = in_frame;
  state.counters["cast_world_min_m"] = worst(cast.assignment, false);
  state.counters["cast_screen_min"] = worst(cast.assignment, true);
  state.counters["rr_world_min_m"] = worst(round_robin, false);
  state.counters["rr_screen_min"] = worst(round_robin, true);
}
BENCHMARK(BM_StadiumCastVsRoundRobin)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace figurant::crowd

BENCHMARK_MAIN();

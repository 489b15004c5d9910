// Layout and casting at scale. Target (issue 6): 1,000,000 agents over 500 doubles with the clone
// constraint in under 5 seconds on a 2-core machine.
#include <benchmark/benchmark.h>

#include <cmath>

#include "crowd/casting.h"
#include "crowd/layout.h"

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

// Casting alone on seats (no layout cost): the stadium case, 26,000 seats from 20 doubles, with
// clones allowed and the smallest distance maximised.
void BM_StadiumCastAllowClones(benchmark::State& state) {
  SeatsSpec seats;
  seats.origin = {-50, 0, 40};
  seats.rows = 40;
  seats.seats_per_row = 650;
  seats.seat_spacing_m = 0.5;
  seats.fill = 1.0;
  auto layout = LayoutSeats(seats, 3);
  std::vector<CastAgent> agents(layout->placements.size());
  for (size_t i = 0; i < agents.size(); ++i) agents[i].position = layout->placements[i].position;
  std::vector<int> pool(20);
  for (int i = 0; i < 20; ++i) pool[static_cast<size_t>(i)] = i;
  CastOptions options;
  options.min_world_m = 8.0;
  options.allow_clones = true;
  double world_min = 0;
  for (auto _ : state) {
    auto cast = Cast(agents, {pool}, 20, options);
    world_min = cast->world_min_m;
    benchmark::DoNotOptimize(cast->assignment.data());
  }
  state.counters["same_double_min_m"] = world_min;
}
BENCHMARK(BM_StadiumCastAllowClones)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace figurant::crowd

BENCHMARK_MAIN();

// Ledger throughput (issue 7 targets): durable append ≥ 100,000 usage events/s with batched fsync,
// verification ≥ 1,000,000 events/s. Events are what metering writes for frames of 100 visible
// doubles (real id lengths, agent names, pixel counts), on a real file on the machine's disk.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "core/file.h"
#include "ledger/ledger.h"
#include "ledger/metering.h"

namespace figurant::ledger {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kDoublesPerFrame = 100;

// One frame's coverage as the renderer reports it: `kDoublesPerFrame` doubles, one agent each.
std::vector<AgentUsage> FrameCoverage(int64_t frame) {
  std::vector<AgentUsage> agents;
  agents.reserve(kDoublesPerFrame);
  for (int i = 0; i < kDoublesPerFrame; ++i) {
    const std::string d = std::to_string(100000 + (frame * 7 + i) % 500);
    agents.push_back({"agent_" + std::to_string(i), "dbl_0000000000" + d, "per_0000000000" + d,
                      "lic_0000000000" + d, 1234.5 + static_cast<double>(i % 97), 0.12,
                      (i % 3) == 0, false});
  }
  return agents;
}

// The entries metering produces for frames [first, first + frames).
std::vector<std::pair<EntryType, std::string>> MeteredFrames(int64_t first, int64_t frames) {
  std::vector<std::pair<EntryType, std::string>> entries;
  for (int64_t f = first; f < first + frames; ++f) {
    auto e = FrameEntries("rnd_5f0c1d2e4b5a6978",
                          {"prd_3f9a0c1d2e4b5a69", "sh010", static_cast<int>(1001 + f)}, 24.0,
                          FrameCoverage(f), std::nullopt);
    std::move(e.begin(), e.end(), std::back_inserter(entries));
  }
  return entries;
}

fs::path BenchDir(const char* name) {
  return fs::temp_directory_path() /
         ("figurant-ledger-bench-" + std::string(name) + "-" + std::to_string(::getpid()));
}

// Metering with durability, end to end: per iteration, `range(0)` frames of 100 visible doubles
// are aggregated, serialised, appended with a signed head and fdatasynced (one fsync per batch).
// Timed in wall-clock time, so the fsync counts.
void BM_MeterAndAppendDurable(benchmark::State& state) {
  if (!InitCrypto().ok()) return;
  const fs::path dir = BenchDir("append");
  fs::remove_all(dir);
  FixedClock clock(1790000000);
  auto ledger = Ledger::Open(dir, GenerateSigningKeyPair(), clock);
  if (!ledger.ok()) {
    state.SkipWithError(ledger.status().ToString().c_str());
    return;
  }
  const int64_t frames = state.range(0);
  int64_t next = 0, events = 0;
  for (auto _ : state) {
    const auto entries = MeteredFrames(next, frames);
    auto seqs = (*ledger)->AppendPayloads(entries);
    if (!seqs.ok()) {
      state.SkipWithError(seqs.status().ToString().c_str());
      break;
    }
    next += frames;
    events += static_cast<int64_t>(entries.size());
  }
  state.SetItemsProcessed(events);
  state.counters["events_per_fsync"] = static_cast<double>(frames * kDoublesPerFrame);
  ledger->reset();
  fs::remove_all(dir);
}
BENCHMARK(BM_MeterAndAppendDurable)
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// The same through the JSON-tree API (Ledger::Append), as licence events use it.
void BM_AppendJsonDurable(benchmark::State& state) {
  if (!InitCrypto().ok()) return;
  const fs::path dir = BenchDir("append-json");
  fs::remove_all(dir);
  FixedClock clock(1790000000);
  auto ledger = Ledger::Open(dir, GenerateSigningKeyPair(), clock);
  if (!ledger.ok()) {
    state.SkipWithError(ledger.status().ToString().c_str());
    return;
  }
  const int64_t frames = state.range(0);
  int64_t next = 0, events = 0;
  for (auto _ : state) {
    std::vector<std::pair<EntryType, json>> batch;
    for (auto& [type, text] : MeteredFrames(next, frames))
      batch.emplace_back(type, json::parse(text));
    auto seqs = (*ledger)->Append(batch);
    if (!seqs.ok()) {
      state.SkipWithError(seqs.status().ToString().c_str());
      break;
    }
    next += frames;
    events += static_cast<int64_t>(batch.size());
  }
  state.SetItemsProcessed(events);
  ledger->reset();
  fs::remove_all(dir);
}
BENCHMARK(BM_AppendJsonDurable)->Arg(10)->UseRealTime()->Unit(benchmark::kMillisecond);

// A log of `events` usage events in batches of 10 frames (1,000 events), as bytes.
std::string BuildLog(int64_t events) {
  const fs::path dir = BenchDir("verify");
  fs::remove_all(dir);
  FixedClock clock(1790000000);
  SigningKeyPair key = GenerateSigningKeyPair();
  std::string bytes;
  {
    auto ledger = Ledger::Open(dir, key, clock);
    if (!ledger.ok()) return {};
    for (int64_t f = 0; f * kDoublesPerFrame < events; f += 10) {
      if (!(*ledger)->AppendPayloads(MeteredFrames(f, 10)).ok()) return {};
    }
    bytes = *ReadFile((*ledger)->file());
  }
  fs::remove_all(dir);
  return bytes;
}

void BM_Verify(benchmark::State& state) {
  if (!InitCrypto().ok()) return;
  const std::string bytes = BuildLog(state.range(0));
  if (bytes.empty()) {
    state.SkipWithError("could not build the log");
    return;
  }
  uint64_t entries = 0;
  for (auto _ : state) {
    auto v = VerifyLog(bytes, std::nullopt);
    if (!v.ok()) {
      state.SkipWithError(v.status().ToString().c_str());
      break;
    }
    entries += v->entries;
  }
  state.SetItemsProcessed(static_cast<int64_t>(entries));
  state.SetBytesProcessed(static_cast<int64_t>(bytes.size()) * state.iterations());
}
BENCHMARK(BM_Verify)->Arg(200000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace figurant::ledger

BENCHMARK_MAIN();

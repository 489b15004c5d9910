// Ingest of a ~1M-triangle scan (issue 4): read + validate + normalise + all levels of detail +
// encode + encrypt + store, through the same calls `figurant scan import` makes. The mesh is a
// MakeHuman body with every triangle split into 36 (963,216 triangles), written as OBJ in
// centimetres so unit detection runs too.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "bank/bank.h"
#include "core/crypto.h"
#include "scan/scan.h"

namespace figurant {
namespace {
namespace fs = std::filesystem;

constexpr int kSplit = 6;  // each triangle → kSplit² triangles

fs::path MakeMillionTriangleObj(const fs::path& dir) {
  const fs::path out = dir / "million.obj";
  if (fs::exists(out)) return out;
  auto body = scan::ImportMakeHuman(fs::path(FIGURANT_MAKEHUMAN_DIR), {}, {});
  if (!body.ok()) return {};
  const geom::Mesh& m = body->asset.mesh;
  std::ofstream obj(out);
  size_t next = 1;
  for (size_t t = 0; t < m.indices.size(); t += 3) {
    const geom::Vec3f a = m.positions[m.indices[t]] * 100.0f;
    const geom::Vec3f b = m.positions[m.indices[t + 1]] * 100.0f;
    const geom::Vec3f c = m.positions[m.indices[t + 2]] * 100.0f;
    // Barycentric grid of (kSplit + 1)(kSplit + 2) / 2 vertices per triangle.
    std::vector<size_t> id((kSplit + 1) * (kSplit + 1), 0);
    for (int i = 0; i <= kSplit; ++i) {
      for (int j = 0; j <= kSplit - i; ++j) {
        const float u = static_cast<float>(i) / kSplit, v = static_cast<float>(j) / kSplit;
        const geom::Vec3f p = a * (1 - u - v) + b * u + c * v;
        obj << "v " << p.x << " " << p.y << " " << p.z << "\n";
        id[static_cast<size_t>(i * (kSplit + 1) + j)] = next++;
      }
    }
    auto at = [&](int i, int j) { return id[static_cast<size_t>(i * (kSplit + 1) + j)]; };
    for (int i = 0; i < kSplit; ++i) {
      for (int j = 0; j < kSplit - i; ++j) {
        obj << "f " << at(i, j) << " " << at(i + 1, j) << " " << at(i, j + 1) << "\n";
        if (j + 1 < kSplit - i) {
          obj << "f " << at(i + 1, j) << " " << at(i + 1, j + 1) << " " << at(i, j + 1) << "\n";
        }
      }
    }
  }
  return out;
}

void BM_IngestMillionTriangles(benchmark::State& state) {
  (void)InitCrypto();
  const fs::path dir =
      fs::temp_directory_path() / ("figurant-scan-bench-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path obj = MakeMillionTriangleObj(dir);
  if (obj.empty()) {
    state.SkipWithError("MakeHuman data not found");
    return;
  }
  SystemClock clock;
  auto bank = bank::Bank::Init(dir / "bank", clock);
  auto performer = (*bank)->AddPerformer({"Bench", {}, consent::Language::kEnglish, true});
  size_t triangles = 0;
  for (auto _ : state) {
    auto imported = scan::ImportFile(obj, {});
    if (!imported.ok()) {
      state.SkipWithError(imported.status().ToString().c_str());
      break;
    }
    triangles = imported->lods[0].triangles;
    auto d =
        (*bank)->AddDouble({performer->id, "bench", registry::SourceKind::kScan, {}}, *imported);
    benchmark::DoNotOptimize(d);
  }
  state.counters["triangles"] = static_cast<double>(triangles);
  state.counters["triangles_per_s"] = benchmark::Counter(
      static_cast<double>(triangles), benchmark::Counter::kIsIterationInvariantRate);
  fs::remove_all(dir);
}
BENCHMARK(BM_IngestMillionTriangles)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace
}  // namespace figurant

BENCHMARK_MAIN();

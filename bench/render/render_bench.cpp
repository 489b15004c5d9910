// Primary-ray throughput: Figurant's primary-ray stage against raw Embree on the same scene
// (issue 5: "primary-ray throughput >= 0.7 of raw Embree").
//
// Scene: the peer benchmark's field of 10,000 human.zae agents (bench/peers/run_peers.py layout),
// 1920x1080, 8 samples per pixel (one full 8-ray packet per pixel), the same camera rays (one per
// sample, jittered in the pixel). Run with --benchmark_enable_random_interleaving=true
// --benchmark_repetitions=3 on a shared machine, so that load changes hit all three alike.
//   - BM_FigurantPrimaryRays: Renderer with mattes_only — camera rays traced as 8-ray packets, hit
//     shading (albedo, normal, depth), Cryptomatte ranking of three layers, coverage records.
//   - BM_RawEmbreePrimaryRays1 / 8: the same geometry (each agent at the level of detail Figurant
//     picked, as instances of the same shared meshes) built directly with Embree's API, and every
//     camera ray cast with rtcIntersect1 (resp. rtcIntersect8 packets), storing only the hit ids
//     and distance — the least a renderer could do per primary ray.
// Counter "rays_per_s" is primary rays per second of wall time, build excluded. Same TBB thread
// count for all (the machine's).
#include <benchmark/benchmark.h>
#include <embree3/rtcore.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <numbers>

#include "bench_doubles.h"
#include "core/random.h"
#include "render/renderer.h"

namespace figurant::bench {
namespace {

constexpr int kWidth = 1920, kHeight = 1080, kSpp = 8, kAgents = 10000;
constexpr int kTile = 16;

// bench_doubles.h's field with every agent showing human.zae, as a RenderScene.
render::RenderScene FieldRenderScene(std::shared_ptr<const geom::DoubleAsset> human, int n) {
  const crowd::SceneSpec spec = FieldScene(n, {kHumanId}, kWidth, kHeight, kSpp);
  render::RenderScene s;
  s.camera = spec.camera;
  s.lighting = spec.lighting;
  s.prototypes.push_back({kHumanId, "per_human", std::move(human)});
  for (const crowd::AgentSpec& a : spec.agents) {
    render::AgentInstance inst;
    inst.position = a.position;
    inst.heading_rad = static_cast<float>(a.heading_deg * std::numbers::pi / 180);
    inst.name = a.name;
    s.agents.push_back(std::move(inst));
  }
  return s;
}

std::shared_ptr<const geom::DoubleAsset> Human() {
  static const std::shared_ptr<const geom::DoubleAsset> kHuman = [] {
    auto h = ImportHuman();
    return h.ok() ? std::make_shared<const geom::DoubleAsset>(std::move(*h)) : nullptr;
  }();
  return kHuman;
}

void BM_FigurantPrimaryRays(benchmark::State& state) {
  auto human = Human();
  if (human == nullptr) return state.SkipWithError("human.zae missing");
  render::RenderOptions o;
  o.spp = kSpp;
  o.mattes_only = true;
  auto r = render::Renderer::Create(FieldRenderScene(human, kAgents), o);
  if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
  double seconds = 0;
  for (auto _ : state) {
    auto f = (*r)->Render(1);
    benchmark::DoNotOptimize(f);
    seconds += f->stats.seconds;
  }
  state.counters["rays_per_s"] =
      static_cast<double>(state.iterations()) * kWidth * kHeight * kSpp / seconds;
}

// The same geometry and transforms as Figurant's scene, straight into Embree.
struct RawScene {
  RTCDevice device = nullptr;
  RTCScene top = nullptr;
  std::vector<RTCScene> levels;
  ~RawScene() {
    if (top != nullptr) rtcReleaseScene(top);
    for (RTCScene s : levels) rtcReleaseScene(s);
    if (device != nullptr) rtcReleaseDevice(device);
  }
};

std::unique_ptr<RawScene> BuildRaw(const render::RenderScene& scene, const std::vector<int>& lods) {
  auto raw = std::make_unique<RawScene>();
  raw->device = rtcNewDevice(nullptr);
  raw->top = rtcNewScene(raw->device);
  const geom::DoubleAsset& asset = *scene.prototypes[0].asset;
  auto triangles = [&](const std::vector<geom::Vec3f>& pos, const std::vector<uint32_t>& idx) {
    RTCGeometry g = rtcNewGeometry(raw->device, RTC_GEOMETRY_TYPE_TRIANGLE);
    auto* v = static_cast<float*>(
        rtcSetNewGeometryBuffer(g, RTC_BUFFER_TYPE_VERTEX, 0, RTC_FORMAT_FLOAT3, 12, pos.size()));
    for (size_t i = 0; i < pos.size(); ++i) {
      v[3 * i] = pos[i].x;
      v[3 * i + 1] = pos[i].y;
      v[3 * i + 2] = pos[i].z;
    }
    auto* t = static_cast<uint32_t*>(
        rtcSetNewGeometryBuffer(g, RTC_BUFFER_TYPE_INDEX, 0, RTC_FORMAT_UINT3, 12, idx.size() / 3));
    std::copy(idx.begin(), idx.end(), t);
    rtcCommitGeometry(g);
    return g;
  };
  for (int l = 0; l < 3; ++l) {
    const std::vector<uint32_t>& idx =
        l == 0 ? asset.mesh.indices
               : asset.lods[std::min<size_t>(static_cast<size_t>(l - 1), asset.lods.size() - 1)]
                     .indices;
    RTCScene s = rtcNewScene(raw->device);
    RTCGeometry g = triangles(asset.mesh.positions, idx);
    rtcAttachGeometry(s, g);
    rtcReleaseGeometry(g);
    rtcCommitScene(s);
    raw->levels.push_back(s);
  }
  const float e = 5000;
  RTCGeometry ground =
      triangles({{-e, 0, -e}, {e, 0, -e}, {e, 0, e}, {-e, 0, e}}, {0, 2, 1, 0, 3, 2});
  rtcAttachGeometry(raw->top, ground);
  rtcReleaseGeometry(ground);
  for (size_t a = 0; a < scene.agents.size(); ++a) {
    const render::AgentInstance& in = scene.agents[a];
    const geom::Mat4f xfm = geom::Mat4f::Translation(in.position) *
                            geom::Mat4f::RotationY(in.heading_rad) * geom::Mat4f::Scale(in.scale);
    RTCGeometry g = rtcNewGeometry(raw->device, RTC_GEOMETRY_TYPE_INSTANCE);
    rtcSetGeometryInstancedScene(g, raw->levels[static_cast<size_t>(lods[a])]);
    rtcSetGeometryTransform(g, 0, RTC_FORMAT_FLOAT4X4_COLUMN_MAJOR, &xfm.m[0][0]);
    rtcCommitGeometry(g);
    rtcAttachGeometry(raw->top, g);
    rtcReleaseGeometry(g);
  }
  rtcCommitScene(raw->top);
  return raw;
}

// Camera ray k of pixel (x, y): jittered by a hash, through the same pinhole as Figurant's.
struct Rays {
  geom::Vec3f origin, base, dx, dy;
  explicit Rays(const geom::Camera& cam) : origin(cam.position) {
    const geom::Camera::Basis b = cam.ComputeBasis();
    const auto hw = static_cast<float>(cam.HalfWidthAtUnit());
    const auto hh = static_cast<float>(cam.HalfHeightAtUnit());
    base = b.forward - b.right * hw + b.up * hh;
    dx = b.right * (2 * hw / static_cast<float>(cam.width));
    dy = b.up * (-2 * hh / static_cast<float>(cam.height));
  }
  geom::Vec3f Dir(int x, int y, int k) const {
    const uint64_t h = Rng::Mix((static_cast<uint64_t>(y) * kWidth + x) * 64 + k);
    const float jx = static_cast<float>(h & 0xffff) / 65536.0f;
    const float jy = static_cast<float>((h >> 16) & 0xffff) / 65536.0f;
    return geom::Normalize(base + dx * (x + jx) + dy * (y + jy));
  }
};

struct HitRecord {
  unsigned geom, inst, prim;
  float t;
};

template <bool kPackets>
void RawPrimaryRays(benchmark::State& state) {
  auto human = Human();
  if (human == nullptr) return state.SkipWithError("human.zae missing");
  const render::RenderScene scene = FieldRenderScene(human, kAgents);
  auto figurant = render::Renderer::Create(scene, {});  // for the levels of detail it picks
  auto raw = BuildRaw(scene, (*figurant)->agent_lods());
  const Rays rays(scene.camera);
  std::vector<HitRecord> hits(static_cast<size_t>(kWidth) * kHeight * kSpp);
  const int tiles_x = (kWidth + kTile - 1) / kTile,
            tiles = tiles_x * ((kHeight + kTile - 1) / kTile);
  double seconds = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    tbb::parallel_for(tbb::blocked_range<int>(0, tiles, 1), [&](const tbb::blocked_range<int>& r) {
      RTCIntersectContext ctx;
      rtcInitIntersectContext(&ctx);
      if (kPackets) ctx.flags = RTC_INTERSECT_CONTEXT_FLAG_COHERENT;
      for (int tile = r.begin(); tile != r.end(); ++tile) {
        const int tx = tile % tiles_x, ty = tile / tiles_x;
        for (int y = ty * kTile; y < std::min(kHeight, (ty + 1) * kTile); ++y) {
          for (int x = tx * kTile; x < std::min(kWidth, (tx + 1) * kTile); ++x) {
            HitRecord* out = &hits[(static_cast<size_t>(y) * kWidth + x) * kSpp];
            if constexpr (kPackets) {
              alignas(32) int valid[8];
              RTCRayHit8 rh;
              for (int k = 0; k < 8; ++k) {
                valid[k] = k < kSpp ? -1 : 0;
                const geom::Vec3f d = rays.Dir(x, y, k);
                rh.ray.org_x[k] = rays.origin.x;
                rh.ray.org_y[k] = rays.origin.y;
                rh.ray.org_z[k] = rays.origin.z;
                rh.ray.dir_x[k] = d.x;
                rh.ray.dir_y[k] = d.y;
                rh.ray.dir_z[k] = d.z;
                rh.ray.tnear[k] = 0;
                rh.ray.tfar[k] = INFINITY;
                rh.ray.mask[k] = 0xFFFFFFFF;
                rh.ray.flags[k] = 0;
                rh.ray.time[k] = 0;
                rh.hit.geomID[k] = RTC_INVALID_GEOMETRY_ID;
                rh.hit.instID[0][k] = RTC_INVALID_GEOMETRY_ID;
              }
              rtcIntersect8(valid, raw->top, &ctx, &rh);
              for (int k = 0; k < kSpp; ++k) {
                out[k] = {rh.hit.geomID[k], rh.hit.instID[0][k], rh.hit.primID[k], rh.ray.tfar[k]};
              }
            } else {
              for (int k = 0; k < kSpp; ++k) {
                const geom::Vec3f d = rays.Dir(x, y, k);
                RTCRayHit rh{};
                rh.ray.org_x = rays.origin.x;
                rh.ray.org_y = rays.origin.y;
                rh.ray.org_z = rays.origin.z;
                rh.ray.dir_x = d.x;
                rh.ray.dir_y = d.y;
                rh.ray.dir_z = d.z;
                rh.ray.tfar = INFINITY;
                rh.ray.mask = 0xFFFFFFFF;
                rh.hit.geomID = RTC_INVALID_GEOMETRY_ID;
                rh.hit.instID[0] = RTC_INVALID_GEOMETRY_ID;
                rtcIntersect1(raw->top, &ctx, &rh);
                out[k] = {rh.hit.geomID, rh.hit.instID[0], rh.hit.primID, rh.ray.tfar};
              }
            }
          }
        }
      }
    });
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    benchmark::DoNotOptimize(hits.data());
  }
  state.counters["rays_per_s"] =
      static_cast<double>(state.iterations()) * kWidth * kHeight * kSpp / seconds;
}

void BM_RawEmbreePrimaryRays1(benchmark::State& state) { RawPrimaryRays<false>(state); }
void BM_RawEmbreePrimaryRays8(benchmark::State& state) { RawPrimaryRays<true>(state); }

BENCHMARK(BM_FigurantPrimaryRays)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK(BM_RawEmbreePrimaryRays1)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK(BM_RawEmbreePrimaryRays8)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);

}  // namespace
}  // namespace figurant::bench

BENCHMARK_MAIN();

// Path tracing with next-event estimation (Kajiya, "The Rendering Equation", SIGGRAPH 1986; Pharr,
// Jakob & Humphreys, "Physically Based Rendering", 4th ed., ch. 13) on Embree 3 (Wald et al.,
// "Embree: A Kernel Framework for Efficient CPU Ray Tracing", SIGGRAPH 2014).
#include "render/renderer.h"

#include <embree3/rtcore.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <numbers>
#include <optional>
#include <thread>

#include "core/random.h"
#include "render/internal/sampler.h"

namespace figurant::render {
namespace {

using geom::Vec3f;
constexpr float kPi = std::numbers::pi_v<float>;
constexpr int kTile = 16;
constexpr int kPacket = 8;
constexpr float kNoDepth = 1e10f;
constexpr float kRayEpsilon = 1e-4f;
// Dimension pairs 1..17 give the direction leaving each path vertex (max_bounces <= 16); the
// Russian roulette decision at vertex v uses pair kRoulettePair + v.
constexpr int kRoulettePair = 18;
constexpr float kGroundHalfExtent = 5000.0f;  // [Units: metres]

float SrgbToLinear(uint8_t c) {
  const float v = c / 255.0f;
  return v <= 0.04045f ? v / 12.92f : std::pow((v + 0.055f) / 1.055f, 2.4f);
}

// Everything shading needs about one double at one level of detail.
struct ProtoLevel {
  RTCScene scene = nullptr;
  const std::vector<uint32_t>* indices = nullptr;  // triangles of this level
};

struct ProtoData {
  std::shared_ptr<const geom::DoubleAsset> asset;
  // Per vertex, the majority region of its triangles, and the decoded texture (linear RGB):
  // shared by every prototype of one double (poses move vertices, never regions or texels).
  std::shared_ptr<const std::vector<geom::Region>> vertex_region;
  bool wardrobe = false;  // tint wardrobe only
  std::shared_ptr<const std::vector<Vec3f>> texture_linear;
  std::array<ProtoLevel, 3> levels;  // full, mid, far (mid/far may alias coarser/finer)
  double height = 1.7;
};

// What shading needs of an agent, kept small (48 bytes): a million agents cost 48 MB here.
struct AgentData {
  int32_t proto = 0;
  int32_t level = 0;
  int32_t double_index = 0, performer_index = 0;
  float cos_heading = 1, sin_heading = 0;  // rotation about +Y, for normals (scale is uniform)
  Vec3f tint{1, 1, 1};
  float hue_shift_deg = 0, saturation_scale = 1, value_scale = 1;

  Vec3f RotateNormal(const Vec3f& n) const {
    return {n.x * cos_heading + n.z * sin_heading, n.y, -n.x * sin_heading + n.z * cos_heading};
  }
  bool Varied() const { return hue_shift_deg != 0 || saturation_scale != 1 || value_scale != 1; }
};

// A ray's first hit, shaded. Deliberately without member initializers (a packet's eight are on
// the hot path): Shade() sets every field, a miss sets `hit` = false only.
struct Hit {
  bool hit;
  Vec3f p, n, albedo;
  int agent;
  float depth;  // camera-space z of the hit; meaningful for camera rays only
};

// Rotates hue and scales saturation and value of a linear RGB colour (HSV hexcone model, Smith,
// "Color Gamut Transform Pairs", SIGGRAPH 1978).
Vec3f ShiftHsv(const Vec3f& c, float dh_deg, float s_mul, float v_mul) {
  const float mx = std::max({c.x, c.y, c.z}), mn = std::min({c.x, c.y, c.z});
  const float v = mx, d = mx - mn;
  float s = mx > 0 ? d / mx : 0, h = 0;
  if (d > 0) {
    if (mx == c.x) {
      h = 60 * std::fmod((c.y - c.z) / d, 6.0f);
    } else if (mx == c.y) {
      h = 60 * ((c.z - c.x) / d + 2);
    } else {
      h = 60 * ((c.x - c.y) / d + 4);
    }
  }
  h = std::fmod(h + dh_deg + 720.0f, 360.0f);
  s = std::clamp(s * s_mul, 0.0f, 1.0f);
  const float vv = v * v_mul;
  const float cc = vv * s, x = cc * (1 - std::fabs(std::fmod(h / 60, 2.0f) - 1)), m = vv - cc;
  Vec3f rgb;
  if (h < 60) {
    rgb = {cc, x, 0};
  } else if (h < 120) {
    rgb = {x, cc, 0};
  } else if (h < 180) {
    rgb = {0, cc, x};
  } else if (h < 240) {
    rgb = {0, x, cc};
  } else if (h < 300) {
    rgb = {x, 0, cc};
  } else {
    rgb = {cc, 0, x};
  }
  return rgb + Vec3f{m, m, m};
}

// Cosine-weighted direction about the unit normal n (Malley's method) in the orthonormal basis of
// Duff et al., "Building an Orthonormal Basis, Revisited", JCGT 6(1), 2017 (branchless).
Vec3f CosineSample(const Vec3f& n, double u1, double u2) {
  const float r = static_cast<float>(std::sqrt(u1));
  const float phi = static_cast<float>(2 * std::numbers::pi * u2);
  const float x = r * std::cos(phi), y = r * std::sin(phi);
  const float z = static_cast<float>(std::sqrt(std::max(0.0, 1.0 - u1)));
  const float sign = std::copysign(1.0f, n.z);
  const float a = -1.0f / (sign + n.z);
  const float b = n.x * n.y * a;
  const Vec3f t{1.0f + sign * n.x * n.x * a, sign * b, -sign * n.x};
  const Vec3f bt{b, sign + n.y * n.y * a, -n.y};
  return t * x + bt * y + n * z;
}

}  // namespace

struct Renderer::Impl {
  RenderScene scene;
  RenderOptions options;
  RTCDevice device = nullptr;
  RTCScene top = nullptr;
  std::vector<ProtoData> protos;
  std::vector<AgentData> agents;
  std::vector<int> agent_levels;
  unsigned first_agent_geom = 0;
  // The set's meshes, in one scene instanced once into `top` (geometry i is scene.set[i]): the
  // top scene holds instances only, so every ray walks one BVH rather than one per geometry type.
  RTCScene set_scene = nullptr;
  unsigned set_inst = RTC_INVALID_GEOMETRY_ID;
  std::vector<std::string> double_names, performer_names;
  geom::Camera::Basis basis;
  // Camera::RayDirection as base + dx · px + dy · py (the same plane, without per-ray divisions).
  Vec3f ray_base, ray_dx, ray_dy;
  RenderStats build_stats;

  ~Impl() {
    if (top != nullptr) rtcReleaseScene(top);
    if (set_scene != nullptr) rtcReleaseScene(set_scene);
    for (ProtoData& p : protos) {
      for (ProtoLevel& l : p.levels) {
        if (l.scene != nullptr) {
          rtcReleaseScene(l.scene);
          // Aliased levels share one scene; release once.
          for (ProtoLevel& other : p.levels) {
            if (&other != &l && other.scene == l.scene) other.scene = nullptr;
          }
          l.scene = nullptr;
        }
      }
    }
    if (device != nullptr) rtcReleaseDevice(device);
  }

  // Adds a triangle mesh to `s` (not committed); returns its geometry id in `s`.
  unsigned AttachTriangles(RTCScene s, const std::vector<Vec3f>& positions,
                           const std::vector<uint32_t>& indices) {
    RTCGeometry g = rtcNewGeometry(device, RTC_GEOMETRY_TYPE_TRIANGLE);
    auto* v = static_cast<float*>(rtcSetNewGeometryBuffer(
        g, RTC_BUFFER_TYPE_VERTEX, 0, RTC_FORMAT_FLOAT3, 3 * sizeof(float), positions.size()));
    for (size_t i = 0; i < positions.size(); ++i) {
      v[3 * i] = positions[i].x;
      v[3 * i + 1] = positions[i].y;
      v[3 * i + 2] = positions[i].z;
    }
    auto* idx = static_cast<uint32_t*>(rtcSetNewGeometryBuffer(
        g, RTC_BUFFER_TYPE_INDEX, 0, RTC_FORMAT_UINT3, 3 * sizeof(uint32_t), indices.size() / 3));
    std::copy(indices.begin(), indices.end(), idx);
    rtcCommitGeometry(g);
    const unsigned id = rtcAttachGeometry(s, g);
    rtcReleaseGeometry(g);
    return id;
  }

  // One triangle mesh as its own committed scene (a prototype level, instanced by agents).
  RTCScene BuildTriangles(const std::vector<Vec3f>& positions,
                          const std::vector<uint32_t>& indices) {
    RTCScene s = rtcNewScene(device);
    rtcSetSceneBuildQuality(s, RTC_BUILD_QUALITY_HIGH);
    AttachTriangles(s, positions, indices);
    rtcCommitScene(s);
    return s;
  }

  // Adds an instance of the committed scene `child` to `top` (not committed); returns its id.
  unsigned AttachInstance(RTCScene child, const geom::Mat4f& xfm) {
    RTCGeometry g = rtcNewGeometry(device, RTC_GEOMETRY_TYPE_INSTANCE);
    rtcSetGeometryInstancedScene(g, child);
    rtcSetGeometryTransform(g, 0, RTC_FORMAT_FLOAT4X4_COLUMN_MAJOR, &xfm.m[0][0]);
    rtcCommitGeometry(g);
    const unsigned id = rtcAttachGeometry(top, g);
    rtcReleaseGeometry(g);
    return id;
  }

  // The Embree scene of one prototype level, built on first use.
  RTCScene LevelScene(ProtoData& p, int level) {
    ProtoLevel& pl = p.levels[static_cast<size_t>(level)];
    if (pl.scene == nullptr) {
      // Reuse a sibling level's scene when it has the same triangles.
      for (ProtoLevel& other : p.levels) {
        if (other.scene != nullptr && other.indices == pl.indices) pl.scene = other.scene;
      }
      if (pl.scene == nullptr) {
        pl.scene = BuildTriangles(p.asset->mesh.positions, *pl.indices);
        ++build_stats.unique_meshes;
      } else {
        rtcRetainScene(pl.scene);
      }
    }
    return pl.scene;
  }

  Status SetAgentPrototypes(std::span<const int> next) {
    if (next.size() != agents.size()) {
      return InvalidArgument("SetAgentPrototypes: " + std::to_string(next.size()) +
                             " prototypes for " + std::to_string(agents.size()) + " agents");
    }
    for (size_t a = 0; a < next.size(); ++a) {
      const int to = next[a];
      if (to < 0 || static_cast<size_t>(to) >= protos.size()) {
        return InvalidArgument("agent " + scene.agents[a].name + ": no prototype " +
                               std::to_string(to));
      }
      const Prototype& from = scene.prototypes[static_cast<size_t>(agents[a].proto)];
      const Prototype& into = scene.prototypes[static_cast<size_t>(to)];
      if (from.double_id != into.double_id || from.performer_id != into.performer_id) {
        return InvalidArgument("agent " + scene.agents[a].name + " shows double " + from.double_id +
                               ", not " + into.double_id);
      }
    }
    bool changed = false;
    for (size_t a = 0; a < next.size(); ++a) {
      AgentData& ad = agents[a];
      if (ad.proto == next[a]) continue;
      ad.proto = next[a];
      scene.agents[a].prototype = next[a];
      const RTCScene level_scene = LevelScene(protos[static_cast<size_t>(ad.proto)], ad.level);
      RTCGeometry g = rtcGetGeometry(top, first_agent_geom + static_cast<unsigned>(a));
      rtcSetGeometryInstancedScene(g, level_scene);
      rtcCommitGeometry(g);
      changed = true;
    }
    if (changed) rtcCommitScene(top);
    const RTCError err = rtcGetDeviceError(device);
    if (err != RTC_ERROR_NONE) {
      return Internal("Embree error " + std::to_string(err) + " switching prototypes");
    }
    return Status::Ok();
  }

  Status Build() {
    const auto t0 = std::chrono::steady_clock::now();
    device = rtcNewDevice(nullptr);
    if (device == nullptr) return Internal("Embree device creation failed");
    top = rtcNewScene(device);
    rtcSetSceneBuildQuality(top, RTC_BUILD_QUALITY_MEDIUM);
    basis = scene.camera.ComputeBasis();
    const geom::Camera& cam = scene.camera;
    const auto hw = static_cast<float>(cam.HalfWidthAtUnit());
    const auto hh = static_cast<float>(cam.HalfHeightAtUnit());
    ray_base = basis.forward - basis.right * hw + basis.up * hh;
    ray_dx = basis.right * (2 * hw / static_cast<float>(cam.width));
    ray_dy = basis.up * (-2 * hh / static_cast<float>(cam.height));

    // The ground is not in Embree: GroundDistance() intersects its square analytically.
    if (!scene.set.empty()) set_scene = rtcNewScene(device);
    for (const SetGeometry& sg : scene.set) {
      AttachTriangles(set_scene, sg.mesh.positions, sg.mesh.indices);  // ids 0, 1, ... in order
    }
    if (set_scene != nullptr) {
      rtcCommitScene(set_scene);
      set_inst = AttachInstance(set_scene, geom::Mat4f::Scale(1.0f));
    }

    // Prototypes: geometry built lazily per level actually used.
    protos.resize(scene.prototypes.size());
    std::map<std::string, int> double_ids, performer_ids;
    std::vector<int> proto_double(scene.prototypes.size()),
        proto_performer(scene.prototypes.size());
    std::map<std::string, size_t> first_of_double;  // the prototype that decoded a double's data
    for (size_t i = 0; i < scene.prototypes.size(); ++i) {
      const Prototype& p = scene.prototypes[i];
      if (p.asset == nullptr)
        return InvalidArgument("prototype " + p.double_id + " has no geometry");
      ProtoData& d = protos[i];
      const auto [first, fresh] = first_of_double.emplace(p.double_id, i);
      d.asset = p.asset;
      const geom::Mesh& m = p.asset->mesh;
      d.height = p.standing_height_m > 0 ? p.standing_height_m : m.StandingHeight();
      d.wardrobe = m.HasWardrobeRegions();
      if (!fresh) {
        d.vertex_region = protos[first->second].vertex_region;
        d.texture_linear = protos[first->second].texture_linear;
      } else {
        if (d.wardrobe) {
          std::vector<std::array<int, 4>> votes(m.positions.size(), {0, 0, 0, 0});
          for (size_t t = 0; t < m.regions.size(); ++t) {
            for (int k = 0; k < 3; ++k)
              ++votes[m.indices[3 * t + k]][static_cast<int>(m.regions[t])];
          }
          auto regions = std::make_shared<std::vector<geom::Region>>(m.positions.size());
          for (size_t v = 0; v < votes.size(); ++v) {
            (*regions)[v] = static_cast<geom::Region>(
                std::max_element(votes[v].begin(), votes[v].end()) - votes[v].begin());
          }
          d.vertex_region = std::move(regions);
        }
        if (!m.albedo.empty() && !m.uvs.empty()) {
          auto texels = std::make_shared<std::vector<Vec3f>>(static_cast<size_t>(m.albedo.width) *
                                                             m.albedo.height);
          for (size_t px = 0; px < texels->size(); ++px) {
            (*texels)[px] = {SrgbToLinear(m.albedo.rgba[px * 4]),
                             SrgbToLinear(m.albedo.rgba[px * 4 + 1]),
                             SrgbToLinear(m.albedo.rgba[px * 4 + 2])};
          }
          d.texture_linear = std::move(texels);
        }
      }
      d.levels[0].indices = &m.indices;
      for (int l = 1; l < 3; ++l) {
        const size_t lod = static_cast<size_t>(l - 1);
        d.levels[static_cast<size_t>(l)].indices =
            lod < p.asset->lods.size() && !p.asset->lods[lod].indices.empty()
                ? &p.asset->lods[lod].indices
                : d.levels[static_cast<size_t>(l - 1)].indices;
      }
      proto_double[i] =
          double_ids.emplace(p.double_id, static_cast<int>(double_ids.size())).first->second;
      proto_performer[i] =
          performer_ids.emplace(p.performer_id, static_cast<int>(performer_ids.size()))
              .first->second;
    }
    double_names.resize(double_ids.size());
    for (const auto& [name, i] : double_ids) double_names[static_cast<size_t>(i)] = name;
    performer_names.resize(performer_ids.size());
    for (const auto& [name, i] : performer_ids) performer_names[static_cast<size_t>(i)] = name;

    // Agents: choose levels, build the levels used, attach one instance each.
    agents.resize(scene.agents.size());
    agent_levels.resize(scene.agents.size());
    for (size_t a = 0; a < scene.agents.size(); ++a) {
      const AgentInstance& in = scene.agents[a];
      if (in.prototype < 0 || static_cast<size_t>(in.prototype) >= protos.size()) {
        return InvalidArgument("agent " + in.name + " refers to a missing double");
      }
      ProtoData& p = protos[static_cast<size_t>(in.prototype)];
      int level = 0;
      switch (in.lod) {
        case geom::LodChoice::kFull:
          level = 0;
          break;
        case geom::LodChoice::kMid:
          level = 1;
          break;
        case geom::LodChoice::kFar:
          level = 2;
          break;
        case geom::LodChoice::kAuto: {
          const double px =
              scene.camera.ScreenHeightFraction(basis, in.position, p.height * in.scale) *
              scene.camera.height;
          level = px > kFullDetailPixels ? 0 : (px > kMidDetailPixels ? 1 : 2);
          break;
        }
      }
      const RTCScene level_scene = LevelScene(p, level);
      AgentData& ad = agents[a];
      ad.proto = in.prototype;
      ad.level = level;
      agent_levels[a] = level;
      ad.cos_heading = std::cos(in.heading_rad);
      ad.sin_heading = std::sin(in.heading_rad);
      ad.tint = in.tint;
      ad.hue_shift_deg = in.hue_shift_deg;
      ad.saturation_scale = in.saturation_scale;
      ad.value_scale = in.value_scale;
      const geom::Mat4f xfm = geom::Mat4f::Translation(in.position) *
                              geom::Mat4f::RotationY(in.heading_rad) * geom::Mat4f::Scale(in.scale);
      ad.double_index = proto_double[static_cast<size_t>(in.prototype)];
      ad.performer_index = proto_performer[static_cast<size_t>(in.prototype)];
      const unsigned id = AttachInstance(level_scene, xfm);
      if (a == 0) first_agent_geom = id;
    }
    rtcCommitScene(top);
    const RTCError err = rtcGetDeviceError(device);
    if (err != RTC_ERROR_NONE)
      return Internal("Embree error " + std::to_string(err) + " building the scene");
    build_stats.instances = agents.size();
    build_stats.build_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return Status::Ok();
  }

  // The distance (in units of |dir|) at which the ray meets the ground square, or infinity when
  // it does not (no ground, parallel, behind tnear or beyond the square's edge).
  float GroundDistance(const Vec3f& org, const Vec3f& dir, float tnear) const {
    if (!scene.has_ground || dir.y == 0) return INFINITY;
    const float t = (scene.ground_height - org.y) / dir.y;
    if (!(t >= tnear)) return INFINITY;
    const float x = org.x + dir.x * t, z = org.z + dir.z * t;
    if (std::fabs(x) > kGroundHalfExtent || std::fabs(z) > kGroundHalfExtent) return INFINITY;
    return t;
  }

  // Fills `h` for a ray meeting the ground at distance t.
  void ShadeGround(const Vec3f& org, const Vec3f& dir, float t, Hit& h) const {
    h.hit = true;
    h.p = org + dir * t;
    h.p.y = scene.ground_height;
    h.agent = -1;
    h.n = dir.y > 0 ? Vec3f{0, -1, 0} : Vec3f{0, 1, 0};  // facing the viewer, as Shade() does
    h.albedo = scene.ground_albedo;
    h.depth = t * geom::Dot(dir, basis.forward);
  }

  // Fills `h` from an Embree hit record (an agent's or the set's instance): position, shading
  // normal, albedo, agent.
  void Shade(const Vec3f& org, const Vec3f& dir, float t, unsigned geom, unsigned inst,
             unsigned prim, float u, float v, const Vec3f& ng_raw, Hit& h) const {
    h.hit = true;
    h.p = org + dir * t;
    h.agent = -1;
    if (inst != set_inst) {
      const int a = static_cast<int>(inst - first_agent_geom);
      const AgentData& ad = agents[static_cast<size_t>(a)];
      const ProtoData& p = protos[static_cast<size_t>(ad.proto)];
      const geom::Mesh& m = p.asset->mesh;
      const std::vector<uint32_t>& idx = *p.levels[static_cast<size_t>(ad.level)].indices;
      const uint32_t i0 = idx[3 * prim], i1 = idx[3 * prim + 1], i2 = idx[3 * prim + 2];
      const float w = 1 - u - v;
      Vec3f n =
          m.normals.empty() ? ng_raw : m.normals[i0] * w + m.normals[i1] * u + m.normals[i2] * v;
      n = geom::Normalize(ad.RotateNormal(n));
      Vec3f albedo = m.base_color;
      if (p.texture_linear) {
        const geom::Vec2f uv{m.uvs[i0].x * w + m.uvs[i1].x * u + m.uvs[i2].x * v,
                             m.uvs[i0].y * w + m.uvs[i1].y * u + m.uvs[i2].y * v};
        const int tw = m.albedo.width, th = m.albedo.height;
        const float fu = uv.x - std::floor(uv.x), fv = uv.y - std::floor(uv.y);
        const int x = std::clamp(static_cast<int>(fu * tw), 0, tw - 1);
        const int y = std::clamp(static_cast<int>((1 - fv) * th), 0, th - 1);
        albedo = (*p.texture_linear)[static_cast<size_t>(y) * tw + x];
      } else if (!m.colors.empty()) {
        albedo = m.colors[i0] * w + m.colors[i1] * u + m.colors[i2] * v;
      }
      if (!p.wardrobe || (*p.vertex_region)[i0] == geom::Region::kWardrobe) {
        albedo = albedo * ad.tint;
        if (ad.Varied()) {
          albedo = ShiftHsv(albedo, ad.hue_shift_deg, ad.saturation_scale, ad.value_scale);
        }
      }
      h.n = n;
      h.albedo = albedo;
      h.agent = a;
    } else {
      h.n = geom::Normalize(ng_raw);
      h.albedo = scene.set[geom].albedo;
    }
    if (geom::Dot(h.n, dir) > 0) h.n = -h.n;  // face the viewer (two-sided shading)
    h.depth = t * geom::Dot(dir, basis.forward);
  }

  bool Occluded(const Vec3f& org, const Vec3f& dir, uint64_t& rays) const {
    ++rays;
    if (GroundDistance(org, dir, kRayEpsilon) < INFINITY) return true;
    RTCIntersectContext ctx;
    rtcInitIntersectContext(&ctx);
    RTCRay r{};
    r.org_x = org.x;
    r.org_y = org.y;
    r.org_z = org.z;
    r.dir_x = dir.x;
    r.dir_y = dir.y;
    r.dir_z = dir.z;
    r.tnear = kRayEpsilon;
    r.tfar = INFINITY;
    r.mask = 0xFFFFFFFF;
    r.flags = 0;
    rtcOccluded1(top, &ctx, &r);
    return r.tfar < 0;  // Embree sets tfar = -inf on a hit
  }

  bool Intersect(const Vec3f& org, const Vec3f& dir, Hit& h, uint64_t& rays) const {
    RTCIntersectContext ctx;
    rtcInitIntersectContext(&ctx);
    RTCRayHit rh{};
    rh.ray.org_x = org.x;
    rh.ray.org_y = org.y;
    rh.ray.org_z = org.z;
    rh.ray.dir_x = dir.x;
    rh.ray.dir_y = dir.y;
    rh.ray.dir_z = dir.z;
    rh.ray.tnear = kRayEpsilon;
    const float ground = GroundDistance(org, dir, kRayEpsilon);
    rh.ray.tfar = ground;
    rh.ray.mask = 0xFFFFFFFF;
    rh.hit.geomID = RTC_INVALID_GEOMETRY_ID;
    rh.hit.instID[0] = RTC_INVALID_GEOMETRY_ID;
    rtcIntersect1(top, &ctx, &rh);
    ++rays;
    if (rh.hit.geomID == RTC_INVALID_GEOMETRY_ID) {
      if (ground < INFINITY) {
        ShadeGround(org, dir, ground, h);
        return true;
      }
      h.hit = false;
      return false;
    }
    Shade(org, dir, rh.ray.tfar, rh.hit.geomID, rh.hit.instID[0], rh.hit.primID, rh.hit.u, rh.hit.v,
          {rh.hit.Ng_x, rh.hit.Ng_y, rh.hit.Ng_z}, h);
    return true;
  }

  // Radiance leaving a primary hit towards the camera: next-event estimation of the sun at every
  // vertex; the sky through one cosine-weighted direction per vertex, which is also the direction
  // the path continues in (the sky is constant and the BRDF Lambertian, so a cosine-weighted
  // direction that escapes upwards estimates the sky term exactly as a separate shadow ray would,
  // and a direction that hits something carries the indirect light; one ray serves both). At the
  // last vertex (max_bounces reached) an occlusion ray tests the sky alone. Vertex v draws its
  // direction from dimension pair 1 + v.
  // `sun_at_first`: the sun's visibility from the first vertex when already traced (a primary
  // packet's shadow rays go as one packet), else nullopt.
  Vec3f Radiance(Hit h, const internal::PixelSampler& sampler, std::optional<bool> sun_at_first,
                 uint64_t& rays) const {
    Vec3f total{0, 0, 0};
    Vec3f throughput{1, 1, 1};
    const geom::Lighting& L = scene.lighting;
    const Vec3f sun = L.sun_direction;
    const Vec3f sun_radiance = L.sun_color * static_cast<float>(L.sun_irradiance / kPi);
    for (int bounce = 0;; ++bounce) {
      const Vec3f org = h.p + h.n * kRayEpsilon;
      Vec3f reflect = throughput * h.albedo;
      // Sun: (albedo / π) · E · cosθ · visibility.
      const float cos_sun = geom::Dot(h.n, sun);
      if (cos_sun > 0 && L.sun_irradiance > 0) {
        const bool visible =
            bounce == 0 && sun_at_first ? *sun_at_first : !Occluded(org, sun, rays);
        if (visible) total += reflect * sun_radiance * cos_sun;
      }
      // Russian roulette from the first bounce on, as Cycles does: the path goes on (the sky and
      // what lies beyond) with probability sqrt(largest throughput component), weighted by its
      // inverse, so dim paths stop early without bias.
      if (bounce >= 1 && options.russian_roulette) {
        const float p =
            std::min(1.0f, std::sqrt(std::max({throughput.x, throughput.y, throughput.z})));
        if (p < 1) {
          const auto roulette = static_cast<uint32_t>(kRoulettePair + bounce);
          if (p <= 0 || sampler.Get2D(roulette).x >= p) break;
          reflect = reflect * (1.0f / p);
        }
      }
      const internal::Point2 u = sampler.Get2D(1 + static_cast<uint32_t>(bounce));
      const Vec3f dir = CosineSample(h.n, u.x, u.y);
      if (bounce >= options.max_bounces) {
        if (dir.y > 0 && !Occluded(org, dir, rays)) total += reflect * L.sky_radiance;
        break;
      }
      Hit next;
      if (!Intersect(org, dir, next, rays)) {
        if (dir.y > 0) total += reflect * L.sky_radiance;  // escaped: the sky, estimator albedo · L
        break;
      }
      throughput = reflect;
      h = next;
    }
    return total;
  }
};

Renderer::Renderer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Renderer::~Renderer() = default;

const std::vector<int>& Renderer::agent_lods() const { return impl_->agent_levels; }
const std::vector<std::string>& Renderer::double_names() const { return impl_->double_names; }
const std::vector<std::string>& Renderer::performer_names() const { return impl_->performer_names; }
const RenderScene& Renderer::scene() const { return impl_->scene; }
Status Renderer::SetAgentPrototypes(std::span<const int> prototypes) {
  return impl_->SetAgentPrototypes(prototypes);
}

Result<std::unique_ptr<Renderer>> Renderer::Create(RenderScene scene,
                                                   const RenderOptions& options) {
  if (options.spp < 1 || options.spp > 4096) return InvalidArgument("spp must be in 1..4096");
  if (options.max_bounces < 0 || options.max_bounces > 16) {
    return InvalidArgument("max_bounces must be in 0..16");
  }
  auto impl = std::make_unique<Impl>();
  impl->scene = std::move(scene);
  impl->options = options;
  FIGURANT_RETURN_IF_ERROR(impl->Build());
  return std::unique_ptr<Renderer>(new Renderer(std::move(impl)));
}

namespace {

// Orders a pixel's entries: most coverage first, then lower index (deterministic).
bool MoreCoverage(const CryptoEntry& a, const CryptoEntry& b) {
  return a.coverage != b.coverage ? a.coverage > b.coverage : a.index < b.index;
}

// One tile's Cryptomatte entries for the three layers, pixel by pixel in the tile's row-major
// order.
struct TileCrypto {
  std::array<std::vector<uint8_t>, 3> counts;
  std::array<std::vector<CryptoEntry>, 3> entries;
};

// Keeps the kCryptoRanks entries with the most coverage, ranked, and appends them to the tile.
void AppendRanked(std::vector<CryptoEntry>& scratch, std::vector<uint8_t>& counts,
                  std::vector<CryptoEntry>& entries) {
  std::sort(scratch.begin(), scratch.end(), MoreCoverage);
  const size_t n = std::min<size_t>(scratch.size(), kCryptoRanks);
  counts.push_back(static_cast<uint8_t>(n));
  entries.insert(entries.end(), scratch.begin(), scratch.begin() + static_cast<ptrdiff_t>(n));
}

// Sums the coverage of agent entries mapped to the same group (double or performer).
void MergeInto(std::span<const CryptoEntry> agents, const std::vector<int>& group_of,
               std::vector<CryptoEntry>& out) {
  out.clear();
  for (const CryptoEntry& e : agents) {
    const int g = group_of[static_cast<size_t>(e.index)];
    auto it =
        std::find_if(out.begin(), out.end(), [g](const CryptoEntry& o) { return o.index == g; });
    if (it == out.end()) {
      out.push_back({g, e.coverage});
    } else {
      it->coverage += e.coverage;
    }
  }
}

// Gathers the tiles' entries of one layer into a frame-wide sparse layer.
CryptoLayer Assemble(const std::vector<TileCrypto>& tiles, size_t layer, int width, int height,
                     int tiles_x) {
  CryptoLayer out;
  const size_t npx = static_cast<size_t>(width) * height;
  out.offsets.assign(npx + 1, 0);
  auto for_each_pixel = [&](const auto& fn) {
    for (size_t t = 0; t < tiles.size(); ++t) {
      const int tx = static_cast<int>(t) % tiles_x, ty = static_cast<int>(t) / tiles_x;
      size_t local = 0;
      for (int y = ty * kTile; y < std::min(height, (ty + 1) * kTile); ++y) {
        for (int x = tx * kTile; x < std::min(width, (tx + 1) * kTile); ++x) {
          fn(tiles[t], local++, static_cast<size_t>(y) * width + x);
        }
      }
    }
  };
  for_each_pixel([&](const TileCrypto& tc, size_t local, size_t pi) {
    out.offsets[pi + 1] = tc.counts[layer][local];
  });
  for (size_t i = 0; i < npx; ++i) out.offsets[i + 1] += out.offsets[i];
  out.entries.resize(out.offsets[npx]);
  size_t tile_cursor = 0;
  size_t current_tile = SIZE_MAX;
  for_each_pixel([&](const TileCrypto& tc, size_t local, size_t pi) {
    const size_t t = static_cast<size_t>(&tc - tiles.data());
    if (t != current_tile) {
      current_tile = t;
      tile_cursor = 0;
    }
    const size_t n = tc.counts[layer][local];
    std::copy_n(tc.entries[layer].begin() + static_cast<ptrdiff_t>(tile_cursor), n,
                out.entries.begin() + out.offsets[pi]);
    tile_cursor += n;
  });
  return out;
}

}  // namespace

Result<Frame> Renderer::Render(int frame_number) {
  Impl& im = *impl_;
  const geom::Camera& cam = im.scene.camera;
  const int W = cam.width, H = cam.height, spp = im.options.spp;
  Frame f;
  f.frame = frame_number;
  f.width = W;
  f.height = H;
  f.spp = spp;
  const size_t npx = static_cast<size_t>(W) * H;
  f.rgba.assign(npx * 4, 0.0f);
  f.depth.assign(npx, kNoDepth);
  f.normal.assign(npx * 3, 0.0f);
  f.stats = im.build_stats;

  const int tiles_x = (W + kTile - 1) / kTile, tiles_y = (H + kTile - 1) / kTile;
  const int tiles = tiles_x * tiles_y;
  std::vector<TileCrypto> tile_crypto(static_cast<size_t>(tiles));
  std::atomic<int> tiles_done{0};
  std::atomic<uint64_t> rays_total{0};
  const auto t0 = std::chrono::steady_clock::now();

  // Progress on stderr, once a second, while tiles render.
  std::mutex mu;
  std::condition_variable cv;
  bool finished = false;
  std::thread progress;
  if (im.options.progress) {
    progress = std::thread([&] {
      std::unique_lock<std::mutex> lock(mu);
      while (!cv.wait_for(lock, std::chrono::seconds(1), [&] { return finished; })) {
        const double s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const int done = tiles_done.load();
        const double mrays = rays_total.load() / std::max(s, 1e-9) / 1e6;
        const double left = done > 0 ? s * (tiles - done) / done : 0;
        std::fprintf(stderr, "\rframe %d: %d/%d tiles, %.1f Mrays/s, %.0f s left   ", frame_number,
                     done, tiles, mrays, left);
      }
      std::fprintf(stderr, "\r%*s\r", 70, "");
    });
  }

  std::vector<int> double_of(im.agents.size()), performer_of(im.agents.size());
  for (size_t a = 0; a < im.agents.size(); ++a) {
    double_of[a] = im.agents[a].double_index;
    performer_of[a] = im.agents[a].performer_index;
  }
  const uint64_t frame_seed =
      Rng::Mix(im.options.seed ^ Rng::Mix(static_cast<uint64_t>(frame_number)));
  const float weight = 1.0f / static_cast<float>(spp);
  const bool shade_sun = !im.options.mattes_only && im.scene.lighting.sun_irradiance > 0;
  auto render_tile = [&](int tile) {
    const int tx = tile % tiles_x, ty = tile / tiles_x;
    TileCrypto& tc = tile_crypto[static_cast<size_t>(tile)];
    uint64_t rays = 0;
    RTCIntersectContext ctx;
    rtcInitIntersectContext(&ctx);
    ctx.flags = RTC_INTERSECT_CONTEXT_FLAG_COHERENT;
    std::vector<CryptoEntry> agent_hits, merged;
    for (int y = ty * kTile; y < std::min(H, (ty + 1) * kTile); ++y) {
      for (int x = tx * kTile; x < std::min(W, (tx + 1) * kTile); ++x) {
        const size_t pi = static_cast<size_t>(y) * W + x;
        const uint64_t pixel_seed = Rng::Mix(frame_seed ^ Rng::Mix(pi));
        const internal::PairKeys jitter_keys = internal::KeysFor(pixel_seed, 0);
        Vec3f color{0, 0, 0};
        float alpha = 0;
        Vec3f normal_sum{0, 0, 0};
        float nearest = kNoDepth;
        agent_hits.clear();
        for (int s0 = 0; s0 < spp; s0 += kPacket) {
          // Up to eight camera rays of this pixel, traced as one coherent packet.
          alignas(32) int valid[kPacket];
          RTCRayHit8 rh;
          Vec3f dirs[kPacket];
          float ground[kPacket];
          for (int k = 0; k < kPacket; ++k) {
            const int s = s0 + k;
            valid[k] = s < spp ? -1 : 0;
            const internal::Point2 jitter =
                internal::SampleOf(jitter_keys, static_cast<uint32_t>(s), /*shuffle=*/false);
            // Not normalised: Embree does not need it, and hit point (org + t·dir) and depth
            // (t·dir·forward) come out the same.
            dirs[k] = im.ray_base + im.ray_dx * static_cast<float>(x + jitter.x) +
                      im.ray_dy * static_cast<float>(y + jitter.y);
            rh.ray.org_x[k] = cam.position.x;
            rh.ray.org_y[k] = cam.position.y;
            rh.ray.org_z[k] = cam.position.z;
            rh.ray.dir_x[k] = dirs[k].x;
            rh.ray.dir_y[k] = dirs[k].y;
            rh.ray.dir_z[k] = dirs[k].z;
            rh.ray.tnear[k] = 0;
            ground[k] = im.GroundDistance(cam.position, dirs[k], 0);
            rh.ray.tfar[k] = ground[k];
            rh.ray.mask[k] = 0xFFFFFFFF;
            rh.ray.flags[k] = 0;
            rh.ray.time[k] = 0;
            rh.ray.id[k] = static_cast<unsigned>(k);
            rh.hit.geomID[k] = RTC_INVALID_GEOMETRY_ID;
            rh.hit.instID[0][k] = RTC_INVALID_GEOMETRY_ID;
          }
          rtcIntersect8(valid, im.top, &ctx, &rh);
          Hit hits[kPacket];
          for (int k = 0; k < kPacket; ++k) {
            hits[k].hit = false;
            if (!valid[k]) continue;
            if (rh.hit.geomID[k] == RTC_INVALID_GEOMETRY_ID) {
              if (ground[k] < INFINITY) im.ShadeGround(cam.position, dirs[k], ground[k], hits[k]);
              continue;
            }
            im.Shade(cam.position, dirs[k], rh.ray.tfar[k], rh.hit.geomID[k], rh.hit.instID[0][k],
                     rh.hit.primID[k], rh.hit.u[k], rh.hit.v[k],
                     {rh.hit.Ng_x[k], rh.hit.Ng_y[k], rh.hit.Ng_z[k]}, hits[k]);
          }
          // The sun's shadow rays from these hits share a direction and nearly an origin: one
          // coherent packet. `shadow_valid`: traced by Embree; `sun_tested`: traced, or blocked
          // by the ground (tfar = -inf, as Embree marks a hit).
          alignas(32) int shadow_valid[kPacket] = {};
          bool sun_tested[kPacket] = {};
          RTCRay8 shadow;
          bool any_shadow = false;
          const Vec3f sun = im.scene.lighting.sun_direction;
          for (int k = 0; k < kPacket && shade_sun; ++k) {
            sun_tested[k] = hits[k].hit && geom::Dot(hits[k].n, sun) > 0;
            const Vec3f org = sun_tested[k] ? hits[k].p + hits[k].n * kRayEpsilon : cam.position;
            const bool want = sun_tested[k] && im.GroundDistance(org, sun, kRayEpsilon) == INFINITY;
            shadow_valid[k] = want ? -1 : 0;
            any_shadow |= want;
            shadow.org_x[k] = org.x;
            shadow.org_y[k] = org.y;
            shadow.org_z[k] = org.z;
            shadow.dir_x[k] = sun.x;
            shadow.dir_y[k] = sun.y;
            shadow.dir_z[k] = sun.z;
            shadow.tnear[k] = kRayEpsilon;
            shadow.tfar[k] = sun_tested[k] && !want ? -INFINITY : INFINITY;  // ground: blocked
            shadow.mask[k] = 0xFFFFFFFF;
            shadow.flags[k] = 0;
            shadow.time[k] = 0;
            shadow.id[k] = static_cast<unsigned>(k);
          }
          if (any_shadow) rtcOccluded8(shadow_valid, im.top, &ctx, &shadow);
          for (int k = 0; k < kPacket; ++k) {
            if (!valid[k]) continue;
            ++rays;
            if (!hits[k].hit) continue;
            const Hit& h = hits[k];
            if (sun_tested[k]) ++rays;
            if (im.options.mattes_only) {
              color += h.albedo * weight;
            } else {
              const internal::PixelSampler sampler(pixel_seed, static_cast<uint32_t>(s0 + k));
              const std::optional<bool> sun_visible =
                  sun_tested[k] ? std::optional<bool>(shadow.tfar[k] >= 0) : std::nullopt;
              color += im.Radiance(h, sampler, sun_visible, rays) * weight;
            }
            alpha += weight;
            normal_sum += h.n;
            nearest = std::min(nearest, h.depth);
            if (h.agent < 0) continue;
            auto it = std::find_if(agent_hits.begin(), agent_hits.end(),
                                   [&](const CryptoEntry& e) { return e.index == h.agent; });
            if (it == agent_hits.end()) {
              agent_hits.push_back({h.agent, weight});
            } else {
              it->coverage += weight;
            }
          }
        }
        f.rgba[pi * 4] = color.x;
        f.rgba[pi * 4 + 1] = color.y;
        f.rgba[pi * 4 + 2] = color.z;
        f.rgba[pi * 4 + 3] = alpha;
        f.depth[pi] = nearest;
        const Vec3f n = geom::Normalize(normal_sum);
        f.normal[pi * 3] = n.x;
        f.normal[pi * 3 + 1] = n.y;
        f.normal[pi * 3 + 2] = n.z;
        // Cryptomatte: the agent ranks, then the same ranks merged by double and by performer.
        AppendRanked(agent_hits, tc.counts[0], tc.entries[0]);
        const std::span<const CryptoEntry> kept(tc.entries[0].end() - tc.counts[0].back(),
                                                tc.entries[0].end());
        MergeInto(kept, double_of, merged);
        AppendRanked(merged, tc.counts[1], tc.entries[1]);
        MergeInto(kept, performer_of, merged);
        AppendRanked(merged, tc.counts[2], tc.entries[2]);
      }
    }
    rays_total += rays;
    ++tiles_done;
  };

  const int threads =
      im.options.threads > 0 ? im.options.threads : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<int>(0, tiles, 1), [&](const tbb::blocked_range<int>& r) {
      for (int t = r.begin(); t != r.end(); ++t) render_tile(t);
    });
  });
  if (progress.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mu);
      finished = true;
    }
    cv.notify_all();
    progress.join();
  }
  arena.execute([&] {
    tbb::parallel_invoke([&] { f.crypto_agent = Assemble(tile_crypto, 0, W, H, tiles_x); },
                         [&] { f.crypto_double = Assemble(tile_crypto, 1, W, H, tiles_x); },
                         [&] { f.crypto_performer = Assemble(tile_crypto, 2, W, H, tiles_x); });
  });
  tile_crypto = {};

  // Coverage records from what the EXR holds: the agent layer.
  std::vector<AgentCoverage> cov(im.agents.size());
  for (size_t a = 0; a < cov.size(); ++a) {
    cov[a].agent = static_cast<int>(a);
    cov[a].lod = im.agent_levels[a];
    cov[a].bbox = {INT32_MAX, INT32_MAX, -1, -1};
    const AgentInstance& ai = im.scene.agents[a];
    cov[a].screen_height_fraction = cam.ScreenHeightFraction(
        im.basis, ai.position, im.protos[static_cast<size_t>(ai.prototype)].height * ai.scale);
  }
  for (size_t pi = 0; pi < npx; ++pi) {
    const int x = static_cast<int>(pi % W), y = static_cast<int>(pi / W);
    for (const CryptoEntry& e : f.crypto_agent.Pixel(pi)) {
      AgentCoverage& c = cov[static_cast<size_t>(e.index)];
      c.pixels += e.coverage;
      c.bbox[0] = std::min(c.bbox[0], x);
      c.bbox[1] = std::min(c.bbox[1], y);
      c.bbox[2] = std::max(c.bbox[2], x);
      c.bbox[3] = std::max(c.bbox[3], y);
    }
  }
  for (AgentCoverage& c : cov) {
    if (c.bbox[2] < 0) continue;
    c.visible_height_fraction = static_cast<double>(c.bbox[3] - c.bbox[1] + 1) / H;
    f.coverage.push_back(c);
  }
  f.stats.rays = rays_total.load();
  f.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return f;
}

}  // namespace figurant::render

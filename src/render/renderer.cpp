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

// What shading reads of a double's mesh beyond its vertices, decoded once and shared by every
// prototype of the double (poses move vertices, never regions or texels).
struct DoubleShading {
  // Per vertex, the majority region of its triangles; only when the double marks wardrobe.
  std::shared_ptr<const std::vector<geom::Region>> vertex_region;
  // The albedo texture in linear RGB; only when the double has a texture and UVs.
  std::shared_ptr<const std::vector<Vec3f>> texture_linear;
};

struct ProtoData {
  std::shared_ptr<const geom::DoubleAsset> asset;
  DoubleShading shading;
  bool wardrobe = false;             // tint wardrobe only
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

// Camera::RayDirection as base + dx · px + dy · py (the same image plane, without per-ray
// divisions); px, py in pixels.
struct RayPlane {
  Vec3f base, dx, dy;
};

RayPlane RayPlaneFor(const geom::Camera& cam, const geom::Camera::Basis& basis) {
  const auto hw = static_cast<float>(cam.HalfWidthAtUnit());
  const auto hh = static_cast<float>(cam.HalfHeightAtUnit());
  return {basis.forward - basis.right * hw + basis.up * hh,
          basis.right * (2 * hw / static_cast<float>(cam.width)),
          basis.up * (-2 * hh / static_cast<float>(cam.height))};
}

// Per vertex, the majority region of its triangles (wardrobe tint applies by vertex region).
std::shared_ptr<const std::vector<geom::Region>> VertexRegions(const geom::Mesh& m) {
  std::vector<std::array<int, 4>> votes(m.positions.size(), {0, 0, 0, 0});
  for (size_t t = 0; t < m.regions.size(); ++t) {
    for (int k = 0; k < 3; ++k) ++votes[m.indices[3 * t + k]][static_cast<int>(m.regions[t])];
  }
  auto regions = std::make_shared<std::vector<geom::Region>>(m.positions.size());
  for (size_t v = 0; v < votes.size(); ++v) {
    (*regions)[v] = static_cast<geom::Region>(std::max_element(votes[v].begin(), votes[v].end()) -
                                              votes[v].begin());
  }
  return regions;
}

// The albedo texture in linear RGB, one texel per pixel; null without a texture or UVs.
std::shared_ptr<const std::vector<Vec3f>> LinearTexture(const geom::Mesh& m) {
  if (m.albedo.empty() || m.uvs.empty()) return nullptr;
  auto texels =
      std::make_shared<std::vector<Vec3f>>(static_cast<size_t>(m.albedo.width) * m.albedo.height);
  for (size_t px = 0; px < texels->size(); ++px) {
    (*texels)[px] = {SrgbToLinear(m.albedo.rgba[px * 4]), SrgbToLinear(m.albedo.rgba[px * 4 + 1]),
                     SrgbToLinear(m.albedo.rgba[px * 4 + 2])};
  }
  return texels;
}

DoubleShading DecodeShading(const geom::Mesh& m) {
  DoubleShading s;
  if (m.HasWardrobeRegions()) s.vertex_region = VertexRegions(m);
  s.texture_linear = LinearTexture(m);
  return s;
}

// The triangles of each level (Embree scenes are built later, on first use): full is the mesh,
// mid and far the asset's first and second simplified levels, or the next finer level where the
// asset has none.
std::array<ProtoLevel, 3> LevelsOf(const geom::DoubleAsset& asset) {
  std::array<ProtoLevel, 3> levels;
  levels[0].indices = &asset.mesh.indices;
  for (size_t l = 1; l < levels.size(); ++l) {
    const size_t lod = l - 1;
    levels[l].indices = lod < asset.lods.size() && !asset.lods[lod].indices.empty()
                            ? &asset.lods[lod].indices
                            : levels[l - 1].indices;
  }
  return levels;
}

// Cryptomatte's numbering: every distinct double and performer gets an index in order of first
// appearance among the prototypes.
struct CryptoIndex {
  std::vector<int> double_of, performer_of;                // per prototype
  std::vector<std::string> double_names, performer_names;  // by index
};

CryptoIndex IndexNames(const std::vector<Prototype>& prototypes) {
  CryptoIndex out;
  std::map<std::string, int> double_ids, performer_ids;
  for (const Prototype& p : prototypes) {
    out.double_of.push_back(
        double_ids.emplace(p.double_id, static_cast<int>(double_ids.size())).first->second);
    out.performer_of.push_back(
        performer_ids.emplace(p.performer_id, static_cast<int>(performer_ids.size()))
            .first->second);
  }
  out.double_names.resize(double_ids.size());
  for (const auto& [name, i] : double_ids) out.double_names[static_cast<size_t>(i)] = name;
  out.performer_names.resize(performer_ids.size());
  for (const auto& [name, i] : performer_ids) out.performer_names[static_cast<size_t>(i)] = name;
  return out;
}

// What shading needs of one agent at its level.
AgentData AgentDataOf(const AgentInstance& in, int level, const CryptoIndex& index) {
  const auto proto = static_cast<size_t>(in.prototype);
  AgentData ad;
  ad.proto = in.prototype;
  ad.level = level;
  ad.double_index = index.double_of[proto];
  ad.performer_index = index.performer_of[proto];
  ad.cos_heading = std::cos(in.heading_rad);
  ad.sin_heading = std::sin(in.heading_rad);
  ad.tint = in.tint;
  ad.hue_shift_deg = in.hue_shift_deg;
  ad.saturation_scale = in.saturation_scale;
  ad.value_scale = in.value_scale;
  return ad;
}

// A single ray from `org` along `dir` over [tnear, tfar], for rtcIntersect1 / rtcOccluded1.
RTCRay Ray1(const Vec3f& org, const Vec3f& dir, float tnear, float tfar) {
  return {.org_x = org.x,
          .org_y = org.y,
          .org_z = org.z,
          .tnear = tnear,
          .dir_x = dir.x,
          .dir_y = dir.y,
          .dir_z = dir.z,
          .time = 0,
          .tfar = tfar,
          .mask = 0xFFFFFFFF,
          .id = 0,
          .flags = 0};
}

// Lane k of an 8-ray packet: a ray from `org` along `dir` over [tnear, tfar].
void SetLane(RTCRay8& r, int k, const Vec3f& org, const Vec3f& dir, float tnear, float tfar) {
  r.org_x[k] = org.x;
  r.org_y[k] = org.y;
  r.org_z[k] = org.z;
  r.dir_x[k] = dir.x;
  r.dir_y[k] = dir.y;
  r.dir_z[k] = dir.z;
  r.tnear[k] = tnear;
  r.tfar[k] = tfar;
  r.mask[k] = 0xFFFFFFFF;
  r.flags[k] = 0;
  r.time[k] = 0;
  r.id[k] = static_cast<unsigned>(k);
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
  RayPlane ray_plane;
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

  Status SetAgentPlacements(std::span<const AgentPlacement> next) {
    if (next.size() != agents.size()) {
      return InvalidArgument("SetAgentPlacements: " + std::to_string(next.size()) +
                             " placements for " + std::to_string(agents.size()) + " agents");
    }
    for (size_t a = 0; a < next.size(); ++a) {
      const AgentPlacement& to = next[a];
      if (!std::isfinite(to.position.x) || !std::isfinite(to.position.y) ||
          !std::isfinite(to.position.z) || !std::isfinite(to.heading_rad)) {
        return InvalidArgument("agent " + scene.agents[a].name +
                               ": a placement that is not finite");
      }
    }
    bool changed = false;
    for (size_t a = 0; a < next.size(); ++a) {
      AgentInstance& in = scene.agents[a];
      if (in.position == next[a].position && in.heading_rad == next[a].heading_rad) continue;
      in.position = next[a].position;
      in.heading_rad = next[a].heading_rad;
      AgentData& ad = agents[a];
      ad.cos_heading = std::cos(in.heading_rad);
      ad.sin_heading = std::sin(in.heading_rad);
      ProtoData& p = protos[static_cast<size_t>(ad.proto)];
      RTCGeometry g = rtcGetGeometry(top, first_agent_geom + static_cast<unsigned>(a));
      // Walking towards the camera an agent may need a finer level, and a coarser one away.
      const int level = LevelFor(in, p);
      if (level != ad.level) {
        ad.level = level;
        agent_levels[a] = level;
        rtcSetGeometryInstancedScene(g, LevelScene(p, level));
      }
      const geom::Mat4f xfm = in.ToWorld();
      rtcSetGeometryTransform(g, 0, RTC_FORMAT_FLOAT4X4_COLUMN_MAJOR, &xfm.m[0][0]);
      rtcCommitGeometry(g);
      changed = true;
    }
    if (changed) rtcCommitScene(top);
    const RTCError err = rtcGetDeviceError(device);
    if (err != RTC_ERROR_NONE) {
      return Internal("Embree error " + std::to_string(err) + " moving agents");
    }
    return Status::Ok();
  }

  // The Embree scene: the set's instance, then one instance per agent over the prototype levels
  // the agents use (the ground is not in Embree: GroundDistance() intersects it analytically).
  Status Build() {
    const auto t0 = std::chrono::steady_clock::now();
    device = rtcNewDevice(nullptr);
    if (device == nullptr) return Internal("Embree device creation failed");
    top = rtcNewScene(device);
    rtcSetSceneBuildQuality(top, RTC_BUILD_QUALITY_MEDIUM);
    basis = scene.camera.ComputeBasis();
    ray_plane = RayPlaneFor(scene.camera, basis);
    AttachSet();
    FIGURANT_RETURN_IF_ERROR(LoadPrototypes());
    CryptoIndex index = IndexNames(scene.prototypes);
    FIGURANT_RETURN_IF_ERROR(AttachAgents(index));
    double_names = std::move(index.double_names);
    performer_names = std::move(index.performer_names);
    rtcCommitScene(top);
    const RTCError err = rtcGetDeviceError(device);
    if (err != RTC_ERROR_NONE)
      return Internal("Embree error " + std::to_string(err) + " building the scene");
    build_stats.instances = agents.size();
    build_stats.build_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return Status::Ok();
  }

  // The set's meshes as one scene (geometry ids 0, 1, ... in order), instanced once.
  void AttachSet() {
    if (scene.set.empty()) return;
    set_scene = rtcNewScene(device);
    for (const SetGeometry& sg : scene.set) {
      AttachTriangles(set_scene, sg.mesh.positions, sg.mesh.indices);
    }
    rtcCommitScene(set_scene);
    set_inst = AttachInstance(set_scene, geom::Mat4f::Scale(1.0f));
  }

  // Shading data of every prototype; a double's regions and texture are decoded once, by its
  // first prototype, and shared by the others (poses move vertices, never regions or texels).
  Status LoadPrototypes() {
    protos.resize(scene.prototypes.size());
    std::map<std::string, size_t> first_of_double;
    for (size_t i = 0; i < scene.prototypes.size(); ++i) {
      const Prototype& p = scene.prototypes[i];
      if (p.asset == nullptr)
        return InvalidArgument("prototype " + p.double_id + " has no geometry");
      ProtoData& d = protos[i];
      const geom::Mesh& m = p.asset->mesh;
      d.asset = p.asset;
      d.height = p.standing_height_m > 0 ? p.standing_height_m : m.StandingHeight();
      d.wardrobe = m.HasWardrobeRegions();
      const auto [first, fresh] = first_of_double.emplace(p.double_id, i);
      d.shading = fresh ? DecodeShading(m) : protos[first->second].shading;
      d.levels = LevelsOf(*p.asset);
    }
    return Status::Ok();
  }

  // The level an agent shows: its scene's choice, or by its projected standing height.
  int LevelFor(const AgentInstance& in, const ProtoData& p) const {
    switch (in.lod) {
      case geom::LodChoice::kFull:
        return 0;
      case geom::LodChoice::kMid:
        return 1;
      case geom::LodChoice::kFar:
        return 2;
      case geom::LodChoice::kAuto:
        break;
    }
    const double px = scene.camera.ScreenHeightFraction(basis, in.position, p.height * in.scale) *
                      scene.camera.height;
    return px > kFullDetailPixels ? 0 : (px > kMidDetailPixels ? 1 : 2);
  }

  // One instance per agent, in agent order, over the level it shows (built now if first used).
  Status AttachAgents(const CryptoIndex& index) {
    agents.resize(scene.agents.size());
    agent_levels.resize(scene.agents.size());
    for (size_t a = 0; a < scene.agents.size(); ++a) {
      const AgentInstance& in = scene.agents[a];
      if (in.prototype < 0 || static_cast<size_t>(in.prototype) >= protos.size()) {
        return InvalidArgument("agent " + in.name + " refers to a missing double");
      }
      ProtoData& p = protos[static_cast<size_t>(in.prototype)];
      const int level = LevelFor(in, p);
      const RTCScene level_scene = LevelScene(p, level);
      agents[a] = AgentDataOf(in, level, index);
      agent_levels[a] = level;
      const geom::Mat4f xfm = in.ToWorld();
      const unsigned id = AttachInstance(level_scene, xfm);
      if (a == 0) first_agent_geom = id;
    }
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
      if (p.shading.texture_linear) {
        const geom::Vec2f uv{m.uvs[i0].x * w + m.uvs[i1].x * u + m.uvs[i2].x * v,
                             m.uvs[i0].y * w + m.uvs[i1].y * u + m.uvs[i2].y * v};
        const int tw = m.albedo.width, th = m.albedo.height;
        const float fu = uv.x - std::floor(uv.x), fv = uv.y - std::floor(uv.y);
        const int x = std::clamp(static_cast<int>(fu * tw), 0, tw - 1);
        const int y = std::clamp(static_cast<int>((1 - fv) * th), 0, th - 1);
        albedo = (*p.shading.texture_linear)[static_cast<size_t>(y) * tw + x];
      } else if (!m.colors.empty()) {
        albedo = m.colors[i0] * w + m.colors[i1] * u + m.colors[i2] * v;
      }
      if (!p.wardrobe || (*p.shading.vertex_region)[i0] == geom::Region::kWardrobe) {
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
    RTCRay r = Ray1(org, dir, kRayEpsilon, INFINITY);
    rtcOccluded1(top, &ctx, &r);
    return r.tfar < 0;  // Embree sets tfar = -inf on a hit
  }

  bool Intersect(const Vec3f& org, const Vec3f& dir, Hit& h, uint64_t& rays) const {
    RTCIntersectContext ctx;
    rtcInitIntersectContext(&ctx);
    const float ground = GroundDistance(org, dir, kRayEpsilon);
    RTCRayHit rh{};
    rh.ray = Ray1(org, dir, kRayEpsilon, ground);
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

Status Renderer::SetAgentPlacements(std::span<const AgentPlacement> placements) {
  return impl_->SetAgentPlacements(placements);
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

// What every tile of one frame reads.
struct FrameJob {
  int width = 0, height = 0, spp = 0;
  int tiles_x = 0, tiles = 0;  // kTile × kTile tiles, row-major
  uint64_t seed = 0;           // every pixel's numbers derive from it (and the pixel's index)
  float weight = 0;            // one sample's share of its pixel: 1 / spp
  bool shade_sun = false;      // beauty lit (not mattes only) by a sun with irradiance
  std::vector<int> double_of, performer_of;  // per agent: Cryptomatte double, performer index
};

FrameJob PlanFrame(const Renderer::Impl& im, int frame_number) {
  FrameJob job;
  job.width = im.scene.camera.width;
  job.height = im.scene.camera.height;
  job.spp = im.options.spp;
  job.tiles_x = (job.width + kTile - 1) / kTile;
  job.tiles = job.tiles_x * ((job.height + kTile - 1) / kTile);
  job.seed = Rng::Mix(im.options.seed ^ Rng::Mix(static_cast<uint64_t>(frame_number)));
  job.weight = 1.0f / static_cast<float>(job.spp);
  job.shade_sun = !im.options.mattes_only && im.scene.lighting.sun_irradiance > 0;
  job.double_of.resize(im.agents.size());
  job.performer_of.resize(im.agents.size());
  for (size_t a = 0; a < im.agents.size(); ++a) {
    job.double_of[a] = im.agents[a].double_index;
    job.performer_of[a] = im.agents[a].performer_index;
  }
  return job;
}

// The frame's layers, cleared: no coverage, no depth.
Frame EmptyFrame(const FrameJob& job, int frame_number, const RenderStats& build_stats) {
  Frame f;
  f.frame = frame_number;
  f.width = job.width;
  f.height = job.height;
  f.spp = job.spp;
  const size_t npx = static_cast<size_t>(job.width) * job.height;
  f.rgba.assign(npx * 4, 0.0f);
  f.depth.assign(npx, kNoDepth);
  f.normal.assign(npx * 3, 0.0f);
  f.stats = build_stats;
  return f;
}

// One pixel and the numbers its samples derive from.
struct PixelTask {
  int x = 0, y = 0;
  size_t index = 0;  // y * width + x
  uint64_t seed = 0;
  internal::PairKeys jitter_keys;  // dimension pair 0: where each sample lies in the pixel
};

PixelTask PixelAt(const FrameJob& job, int x, int y) {
  PixelTask px;
  px.x = x;
  px.y = y;
  px.index = static_cast<size_t>(y) * job.width + x;
  px.seed = Rng::Mix(job.seed ^ Rng::Mix(px.index));
  px.jitter_keys = internal::KeysFor(px.seed, 0);
  return px;
}

// A pixel's samples summed so far.
struct PixelSum {
  Vec3f color{0, 0, 0};
  float alpha = 0;
  Vec3f normal_sum{0, 0, 0};
  float nearest = kNoDepth;
  std::vector<CryptoEntry> agents;  // coverage per agent hit, in order of first hit

  void Reset() {
    color = {0, 0, 0};
    alpha = 0;
    normal_sum = {0, 0, 0};
    nearest = kNoDepth;
    agents.clear();  // keeps its capacity: no allocation per pixel
  }
};

// Up to eight camera rays of one pixel (samples s0 .. s0 + 7), traced as one coherent packet, and
// their hits shaded.
struct CameraPacket {
  alignas(32) int valid[kPacket];  // -1: a sample of the pixel; 0: past spp
  Hit hits[kPacket];               // hit = false for a miss and past spp
};

CameraPacket TraceCameraPacket(const Renderer::Impl& im, const FrameJob& job, const PixelTask& px,
                               int s0, RTCIntersectContext& ctx) {
  const Vec3f& cam = im.scene.camera.position;
  CameraPacket out;
  RTCRayHit8 rh;
  Vec3f dirs[kPacket];
  float ground[kPacket];
  for (int k = 0; k < kPacket; ++k) {
    const int s = s0 + k;
    out.valid[k] = s < job.spp ? -1 : 0;
    const internal::Point2 jitter =
        internal::SampleOf(px.jitter_keys, static_cast<uint32_t>(s), /*shuffle=*/false);
    // Not normalised: Embree does not need it, and hit point (org + t·dir) and depth
    // (t·dir·forward) come out the same.
    dirs[k] = im.ray_plane.base + im.ray_plane.dx * static_cast<float>(px.x + jitter.x) +
              im.ray_plane.dy * static_cast<float>(px.y + jitter.y);
    ground[k] = im.GroundDistance(cam, dirs[k], 0);
    SetLane(rh.ray, k, cam, dirs[k], 0, ground[k]);
    rh.hit.geomID[k] = RTC_INVALID_GEOMETRY_ID;
    rh.hit.instID[0][k] = RTC_INVALID_GEOMETRY_ID;
  }
  rtcIntersect8(out.valid, im.top, &ctx, &rh);
  for (int k = 0; k < kPacket; ++k) {
    Hit& h = out.hits[k];
    h.hit = false;
    if (!out.valid[k]) continue;
    if (rh.hit.geomID[k] == RTC_INVALID_GEOMETRY_ID) {
      if (ground[k] < INFINITY) im.ShadeGround(cam, dirs[k], ground[k], h);
      continue;
    }
    im.Shade(cam, dirs[k], rh.ray.tfar[k], rh.hit.geomID[k], rh.hit.instID[0][k], rh.hit.primID[k],
             rh.hit.u[k], rh.hit.v[k], {rh.hit.Ng_x[k], rh.hit.Ng_y[k], rh.hit.Ng_z[k]}, h);
  }
  return out;
}

// The sun's visibility from a camera packet's hits. Its shadow rays share a direction and nearly
// an origin: one coherent packet.
struct SunPacket {
  bool tested[kPacket] = {};   // a lit hit facing the sun: traced, or blocked by the ground
  bool visible[kPacket] = {};  // where tested: nothing between the hit and the sun
};

SunPacket TraceSunPacket(const Renderer::Impl& im, const FrameJob& job, const CameraPacket& cam,
                         RTCIntersectContext& ctx) {
  SunPacket out;
  if (!job.shade_sun) return out;
  alignas(32) int traced[kPacket] = {};  // Embree's mask: the rays the ground does not block
  RTCRay8 shadow;
  bool any_traced = false;
  const Vec3f sun = im.scene.lighting.sun_direction;
  for (int k = 0; k < kPacket; ++k) {
    const Hit& h = cam.hits[k];
    out.tested[k] = h.hit && geom::Dot(h.n, sun) > 0;
    const Vec3f org = out.tested[k] ? h.p + h.n * kRayEpsilon : im.scene.camera.position;
    const bool want = out.tested[k] && im.GroundDistance(org, sun, kRayEpsilon) == INFINITY;
    traced[k] = want ? -1 : 0;
    any_traced |= want;
    // The ground blocks the sun: tfar = -inf, as Embree marks a hit.
    SetLane(shadow, k, org, sun, kRayEpsilon, out.tested[k] && !want ? -INFINITY : INFINITY);
  }
  if (any_traced) rtcOccluded8(traced, im.top, &ctx, &shadow);
  for (int k = 0; k < kPacket; ++k) out.visible[k] = shadow.tfar[k] >= 0;
  return out;
}

// Adds a packet's samples to the pixel: the beauty (path traced, or the albedo for mattes only),
// alpha, normal, nearest depth and each agent's coverage. Counts the rays traced into `rays`.
void AccumulatePacket(const Renderer::Impl& im, const FrameJob& job, const PixelTask& px, int s0,
                      const CameraPacket& cam, const SunPacket& sun, PixelSum& sum,
                      uint64_t& rays) {
  for (int k = 0; k < kPacket; ++k) {
    if (!cam.valid[k]) continue;
    ++rays;
    const Hit& h = cam.hits[k];
    if (!h.hit) continue;
    if (sun.tested[k]) ++rays;
    if (im.options.mattes_only) {
      sum.color += h.albedo * job.weight;
    } else {
      const internal::PixelSampler sampler(px.seed, static_cast<uint32_t>(s0 + k));
      const std::optional<bool> sun_visible =
          sun.tested[k] ? std::optional<bool>(sun.visible[k]) : std::nullopt;
      sum.color += im.Radiance(h, sampler, sun_visible, rays) * job.weight;
    }
    sum.alpha += job.weight;
    sum.normal_sum += h.n;
    sum.nearest = std::min(sum.nearest, h.depth);
    if (h.agent < 0) continue;
    auto it = std::find_if(sum.agents.begin(), sum.agents.end(),
                           [&](const CryptoEntry& e) { return e.index == h.agent; });
    if (it == sum.agents.end()) {
      sum.agents.push_back({h.agent, job.weight});
    } else {
      it->coverage += job.weight;
    }
  }
}

void StorePixel(const PixelSum& sum, size_t pi, Frame& f) {
  f.rgba[pi * 4] = sum.color.x;
  f.rgba[pi * 4 + 1] = sum.color.y;
  f.rgba[pi * 4 + 2] = sum.color.z;
  f.rgba[pi * 4 + 3] = sum.alpha;
  f.depth[pi] = sum.nearest;
  const Vec3f n = geom::Normalize(sum.normal_sum);
  f.normal[pi * 3] = n.x;
  f.normal[pi * 3 + 1] = n.y;
  f.normal[pi * 3 + 2] = n.z;
}

// Cryptomatte: the pixel's agent ranks (sorting `agents`), then the same ranks merged by double
// and by performer; `merged` is scratch.
void AppendCrypto(const FrameJob& job, std::vector<CryptoEntry>& agents,
                  std::vector<CryptoEntry>& merged, TileCrypto& tc) {
  AppendRanked(agents, tc.counts[0], tc.entries[0]);
  const std::span<const CryptoEntry> kept(tc.entries[0].end() - tc.counts[0].back(),
                                          tc.entries[0].end());
  MergeInto(kept, job.double_of, merged);
  AppendRanked(merged, tc.counts[1], tc.entries[1]);
  MergeInto(kept, job.performer_of, merged);
  AppendRanked(merged, tc.counts[2], tc.entries[2]);
}

// Renders one tile into the frame's layers and the tile's Cryptomatte entries; returns the rays
// traced. Tiles write disjoint pixels, so any number render at once.
uint64_t RenderTile(const Renderer::Impl& im, const FrameJob& job, int tile, Frame& f,
                    TileCrypto& tc) {
  const int tx = tile % job.tiles_x, ty = tile / job.tiles_x;
  uint64_t rays = 0;
  RTCIntersectContext ctx;
  rtcInitIntersectContext(&ctx);
  ctx.flags = RTC_INTERSECT_CONTEXT_FLAG_COHERENT;
  PixelSum sum;
  std::vector<CryptoEntry> merged;
  for (int y = ty * kTile; y < std::min(job.height, (ty + 1) * kTile); ++y) {
    for (int x = tx * kTile; x < std::min(job.width, (tx + 1) * kTile); ++x) {
      const PixelTask px = PixelAt(job, x, y);
      sum.Reset();
      for (int s0 = 0; s0 < job.spp; s0 += kPacket) {
        const CameraPacket cam = TraceCameraPacket(im, job, px, s0, ctx);
        const SunPacket sun = TraceSunPacket(im, job, cam, ctx);
        AccumulatePacket(im, job, px, s0, cam, sun, sum, rays);
      }
      StorePixel(sum, px.index, f);
      AppendCrypto(job, sum.agents, merged, tc);
    }
  }
  return rays;
}

// Tiles done and rays traced while a frame renders; with `show`, a line on stderr redrawn once a
// second (tiles, rays per second, time left) until Stop().
class FrameProgress {
 public:
  using Clock = std::chrono::steady_clock;
  FrameProgress(bool show, int frame, int tiles, Clock::time_point t0) {
    if (show) thread_ = std::thread([this, frame, tiles, t0] { Report(frame, tiles, t0); });
  }
  ~FrameProgress() { Stop(); }
  FrameProgress(const FrameProgress&) = delete;
  FrameProgress& operator=(const FrameProgress&) = delete;

  // Thread-safe.
  void TileDone(uint64_t rays) {
    rays_ += rays;
    ++tiles_done_;
  }
  uint64_t rays() const { return rays_.load(); }
  // Ends the progress line; idempotent.
  void Stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      finished_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Report(int frame, int tiles, Clock::time_point t0) {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(1), [&] { return finished_; })) {
      const double s = std::chrono::duration<double>(Clock::now() - t0).count();
      const int done = tiles_done_.load();
      const double mrays = rays_.load() / std::max(s, 1e-9) / 1e6;
      const double left = done > 0 ? s * (tiles - done) / done : 0;
      std::fprintf(stderr, "\rframe %d: %d/%d tiles, %.1f Mrays/s, %.0f s left   ", frame, done,
                   tiles, mrays, left);
    }
    std::fprintf(stderr, "\r%*s\r", 70, "");
  }

  std::atomic<int> tiles_done_{0};
  std::atomic<uint64_t> rays_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool finished_ = false;
  std::thread thread_;
};

// The three frame-wide Cryptomatte layers from the tiles' entries, assembled concurrently.
void AssembleCrypto(tbb::task_arena& arena, const std::vector<TileCrypto>& tiles,
                    const FrameJob& job, Frame& f) {
  const int W = job.width, H = job.height;
  arena.execute([&] {
    tbb::parallel_invoke([&] { f.crypto_agent = Assemble(tiles, 0, W, H, job.tiles_x); },
                         [&] { f.crypto_double = Assemble(tiles, 1, W, H, job.tiles_x); },
                         [&] { f.crypto_performer = Assemble(tiles, 2, W, H, job.tiles_x); });
  });
}

// Coverage records from what the EXR holds, the agent layer: agents with any coverage, in agent
// order.
std::vector<AgentCoverage> CoverageRecords(const Renderer::Impl& im, const CryptoLayer& agent_layer,
                                           int width, int height) {
  std::vector<AgentCoverage> cov(im.agents.size());
  for (size_t a = 0; a < cov.size(); ++a) {
    cov[a].agent = static_cast<int>(a);
    cov[a].lod = im.agent_levels[a];
    cov[a].bbox = {INT32_MAX, INT32_MAX, -1, -1};
    const AgentInstance& ai = im.scene.agents[a];
    cov[a].screen_height_fraction = im.scene.camera.ScreenHeightFraction(
        im.basis, ai.position, im.protos[static_cast<size_t>(ai.prototype)].height * ai.scale);
  }
  const size_t npx = static_cast<size_t>(width) * height;
  for (size_t pi = 0; pi < npx; ++pi) {
    const int x = static_cast<int>(pi % width), y = static_cast<int>(pi / width);
    for (const CryptoEntry& e : agent_layer.Pixel(pi)) {
      AgentCoverage& c = cov[static_cast<size_t>(e.index)];
      c.pixels += e.coverage;
      c.bbox[0] = std::min(c.bbox[0], x);
      c.bbox[1] = std::min(c.bbox[1], y);
      c.bbox[2] = std::max(c.bbox[2], x);
      c.bbox[3] = std::max(c.bbox[3], y);
    }
  }
  std::vector<AgentCoverage> out;
  for (AgentCoverage& c : cov) {
    if (c.bbox[2] < 0) continue;
    c.visible_height_fraction = static_cast<double>(c.bbox[3] - c.bbox[1] + 1) / height;
    c.silhouette_fraction =
        static_cast<double>(std::max(c.bbox[2] - c.bbox[0], c.bbox[3] - c.bbox[1]) + 1) / height;
    out.push_back(c);
  }
  return out;
}

}  // namespace

Result<Frame> Renderer::Render(int frame_number) {
  const Impl& im = *impl_;
  const FrameJob job = PlanFrame(im, frame_number);
  Frame f = EmptyFrame(job, frame_number, im.build_stats);
  std::vector<TileCrypto> tile_crypto(static_cast<size_t>(job.tiles));
  const auto t0 = std::chrono::steady_clock::now();
  FrameProgress progress(im.options.progress, frame_number, job.tiles, t0);
  const int threads =
      im.options.threads > 0 ? im.options.threads : tbb::this_task_arena::max_concurrency();
  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_for(
        tbb::blocked_range<int>(0, job.tiles, 1), [&](const tbb::blocked_range<int>& r) {
          for (int t = r.begin(); t != r.end(); ++t) {
            progress.TileDone(RenderTile(im, job, t, f, tile_crypto[static_cast<size_t>(t)]));
          }
        });
  });
  progress.Stop();
  AssembleCrypto(arena, tile_crypto, job, f);
  tile_crypto = {};
  f.coverage = CoverageRecords(im, f.crypto_agent, job.width, job.height);
  f.stats.rays = progress.rays();
  f.stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return f;
}

}  // namespace figurant::render

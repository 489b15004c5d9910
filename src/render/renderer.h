// The crowd renderer: a path tracer on Embree 3 with TBB that renders a resolved shot — camera,
// sun and sky, ground and set, and agents instancing shared per-double geometry — into the layers
// a compositor expects (linear premultiplied RGBA, depth, normals, Cryptomatte by agent, double
// and performer) plus a per-agent coverage record for metering.
//
// - One Embree instance per agent over shared per-prototype (a double, or a double in one pose),
//   per-level-of-detail geometry: memory grows with prototypes, not agents. The level is picked
//   per agent by its projected height; SetAgentPrototypes switches poses between frames. The set's
//   meshes are one more instance; the ground square is intersected analytically, outside Embree,
//   and its distance is the ray's tfar, so every ray walks one BVH (of instances only) and skips
//   whatever lies beyond the ground.
// - Lighting: next-event estimation of the sun (a directional light, irradiance in W/m²) at every
//   vertex; the constant sky through the cosine-weighted direction each vertex continues in (an
//   occlusion ray at the last one); up to max_bounces diffuse bounces. Lambertian materials: scan
//   texture or vertex colour, wardrobe tint on wardrobe regions only (whole albedo when a double
//   marks none). Russian roulette from the first bounce, as Cycles does (continue with probability
//   sqrt of the largest throughput component).
// - Box pixel filter; spp samples per pixel, stratified (Owen-scrambled Sobol points per pixel and
//   per dimension pair, internal/sampler.h); camera rays traced 8 at a time with rtcIntersect8 and
//   the sun's shadow rays from their hits with rtcOccluded8.
// - Deterministic: every sample's numbers derive from (seed, frame, pixel, sample), so the image is
//   identical for any thread count.
// - Memory: the frame's layers (about 40 bytes per pixel plus sparse Cryptomatte entries) and the
//   Embree scene (shared geometry plus one instance per agent).
// A Renderer is built once per shot and renders frames one at a time; Render() is not re-entrant.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "geom/camera.h"
#include "geom/lighting.h"
#include "geom/mesh_codec.h"

namespace figurant::render {

struct Prototype {
  std::string double_id;                           // Cryptomatte "double" name
  std::string performer_id;                        // Cryptomatte "performer" name
  std::shared_ptr<const geom::DoubleAsset> asset;  // shared by every agent showing the double
  // The double's standing height, for levels of detail and coverage records; 0: measured from the
  // asset. A posed prototype (anim/pose_variation.h) gives its unposed double's height here, so an
  // agent's level and screen_height_fraction do not change with its pose. [Units: metres] [>= 0]
  double standing_height_m = 0;
};

struct AgentInstance {
  int prototype = 0;          // index into RenderScene::prototypes
  geom::Vec3f position;       // feet [Units: metres]
  float heading_rad = 0;      // about +Y, 0 faces +Z
  float scale = 1;            // uniform [Limits: 0.5..1.5]
  geom::Vec3f tint{1, 1, 1};  // wardrobe tint (linear multiplier)
  // Wardrobe variation: hue rotation [degrees], saturation and value multipliers, applied after
  // the tint to wardrobe albedo only (whole albedo when the double marks no wardrobe).
  float hue_shift_deg = 0;
  float saturation_scale = 1;
  float value_scale = 1;
  geom::LodChoice lod = geom::LodChoice::kAuto;  // kAuto: by projected height (below)
  std::string name;                              // Cryptomatte "agent" name, unique in the shot

  // The double's frame to the world: scaled, turned by the heading, its feet at the position.
  geom::Mat4f ToWorld() const {
    return geom::Mat4f::Translation(position) * geom::Mat4f::RotationY(heading_rad) *
           geom::Mat4f::Scale(scale);
  }
};

// Where an agent stands in one frame (a crowd that moves: nav::Crowd's positions and headings).
struct AgentPlacement {
  geom::Vec3f position;   // feet [Units: metres]
  float heading_rad = 0;  // about +Y, 0 faces +Z
};

struct SetGeometry {
  geom::Mesh mesh;  // world space [metres]
  geom::Vec3f albedo{0.5f, 0.5f, 0.5f};
};

struct RenderScene {
  geom::Camera camera;
  geom::Lighting lighting;
  bool has_ground = true;
  float ground_height = 0;  // [Units: metres]
  geom::Vec3f ground_albedo{0.35f, 0.35f, 0.35f};
  std::vector<SetGeometry> set;
  std::vector<Prototype> prototypes;
  std::vector<AgentInstance> agents;
};

struct RenderOptions {
  int spp = 16;         // [Limits: 1..4096]
  int max_bounces = 2;  // [Limits: 0..16]
  int threads = 0;      // 0: all hardware threads
  uint64_t seed = 0;
  bool progress = false;  // tiles done, rays per second and time left on stderr
  // Primary rays only: every layer but the beauty as usual, the beauty RGB = unlit albedo. For
  // fast matte/layout previews and for measuring primary-ray throughput.
  bool mattes_only = false;
  // Russian roulette from the first bounce (as Cycles does): unbiased, fewer rays on dim paths.
  // Off only to check that claim.
  bool russian_roulette = true;
};

// Levels of detail by projected height: full above kFullDetailPixels, mid above kMidDetailPixels,
// far below.
inline constexpr double kFullDetailPixels = 250;
inline constexpr double kMidDetailPixels = 60;

// Cryptomatte ranks kept per pixel (Cryptomatte's default depth: 3 layers of 2 pairs).
inline constexpr int kCryptoRanks = 6;

struct CryptoEntry {
  int32_t index = -1;  // agent, double or performer index
  float coverage = 0;  // fraction of the pixel's samples (0..1]
};

// One Cryptomatte layer, stored sparsely (most pixels show no agent or one): pixel i holds at most
// kCryptoRanks entries, most coverage first (ties: lower index first).
struct CryptoLayer {
  std::vector<uint32_t> offsets;  // width*height + 1; pixel i is entries[offsets[i], offsets[i+1])
  std::vector<CryptoEntry> entries;  // every pixel's entries, pixel by pixel in row-major order
  std::span<const CryptoEntry> Pixel(size_t i) const {
    return {entries.data() + offsets[i], entries.data() + offsets[i + 1]};
  }
};

struct AgentCoverage {
  int agent = 0;                       // index into RenderScene::agents
  double pixels = 0;                   // Σ Cryptomatte coverage over the frame [pixels]
  double screen_height_fraction = 0;   // full standing height projected / frame height
  double visible_height_fraction = 0;  // rows with any coverage / frame height
  // The measured silhouette: the longest side of `bbox` (rows or columns) / frame height — what
  // licences' size on screen is checked against once the frame is rendered.
  double silhouette_fraction = 0;
  std::array<int, 4> bbox{0, 0, -1, -1};  // x0, y0, x1, y1 inclusive; empty when x1 < x0
  int lod = 0;                            // level rendered: 0 full, 1 mid, 2 far
};

struct RenderStats {
  uint64_t rays = 0;
  double seconds = 0;
  double build_seconds = 0;
  size_t instances = 0;
  size_t unique_meshes = 0;  // Embree geometries built (double × level)
};

struct Frame {
  int frame = 0;
  int width = 0, height = 0;
  int spp = 0;
  std::vector<float> rgba;    // width*height*4, linear, premultiplied alpha
  std::vector<float> depth;   // width*height, camera-space depth of the first hit; 1e10 if none
  std::vector<float> normal;  // width*height*3, world-space normal of the first hit
  // Agent layer from the samples; double and performer layers merge the agent layer's entries.
  CryptoLayer crypto_agent, crypto_double, crypto_performer;
  std::vector<AgentCoverage> coverage;  // agents with pixels > 0 or in frame
  RenderStats stats;
};

class Renderer {
 public:
  // Builds the Embree scene. InvalidArgument for a scene referring to a missing prototype or
  // without a camera-visible anything; Internal when Embree fails.
  static Result<std::unique_ptr<Renderer>> Create(RenderScene scene, const RenderOptions& options);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  Result<Frame> Render(int frame_number);

  // Re-points agents to other prototypes between frames (pose variation: one prototype per
  // double, motion cycle and phase). `prototypes[a]` is agent a's new prototype index; it must
  // show the same double and performer as the agent's current one (an agent keeps its identity,
  // Cryptomatte names and level of detail; only its geometry changes). Agents whose index is
  // unchanged are untouched; a prototype level not built yet is built now. InvalidArgument (and
  // nothing changed) for a span of the wrong size, an index out of range or a change of double;
  // Internal when Embree fails. Not thread-safe, and not to be called during Render().
  Status SetAgentPrototypes(std::span<const int> prototypes);

  // Moves agents between frames (a crowd that moves): `placements[a]` is agent a's position and
  // heading from the next frame on; its level of detail follows its new projected height (unless
  // the scene fixed it) and its coverage records are measured where it now stands. Agents whose
  // placement is unchanged are untouched. InvalidArgument (and nothing changed) for a span of the
  // wrong size or a placement that is not finite; Internal when Embree fails. Not thread-safe,
  // and not to be called during Render().
  Status SetAgentPlacements(std::span<const AgentPlacement> placements);

  // The level of detail chosen for each agent (0 full, 1 mid, 2 far).
  const std::vector<int>& agent_lods() const;
  // Cryptomatte names by index, as the crypto layers of a Frame refer to them.
  const std::vector<std::string>& double_names() const;
  const std::vector<std::string>& performer_names() const;
  const RenderScene& scene() const;

  struct Impl;

 private:
  explicit Renderer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace figurant::render

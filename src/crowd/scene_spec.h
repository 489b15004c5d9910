// The scene file: what a crowd artist asks Figurant to render (docs/scene-spec.md is the
// specification). Units metres, +Y up, right-handed. Parsing is strict — unknown fields are errors
// with a "did you mean" hint — and reports every problem at once, each naming the field path
// ("camera.focal_length_mm"). Safe for untrusted input.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/file.h"
#include "core/status.h"
#include "crowd/groups.h"
#include "geom/camera.h"
#include "geom/lighting.h"
#include "geom/mesh_codec.h"
#include "geom/vec.h"

namespace figurant::crowd {

inline constexpr int kSceneVersion = 1;

// Limits of a scene (docs/scene-spec.md, "Limits"): each is checked when the file is read, before
// anything is allocated for what it asks.
inline constexpr FileLimit kSceneFile{"scene file", 16u << 20};  // 16 MiB
// Every component of an [x, y, z] (positions, directions, colours). [Limits: -1e6..1e6]
inline constexpr double kMaxVectorComponent = 1e6;
inline constexpr int kMaxResolutionSide = 16384;  // [Units: pixels]
// Pixels of one frame, 8K DCI (8192 × 4320): the frame's layers take about 40 bytes a pixel.
inline constexpr int64_t kMaxPixels = int64_t{8192} * 4320;
inline constexpr size_t kMaxSetMeshes = 256;
// People in one scene: its explicit agents plus the most every crowd group can ask for
// (crowd::MostPeople).
inline constexpr size_t kMaxSceneAgents = 20'000'000;

struct FrameRange {
  int start = 1001;  // [Limits: 0..10^7]
  int end = 1001;    // inclusive, >= start
  double fps = 24;   // [Units: frames per second] [Limits: (0, 1000]]
  int count() const { return end - start + 1; }
};

struct SetMesh {
  std::filesystem::path file;  // resolved against the scene file's directory
  geom::Vec3f position;        // [Units: metres]
  double rotation_y_deg = 0;   // [Units: degrees]
  double scale = 1;            // [Limits: > 0]
  geom::Vec3f albedo{0.5f, 0.5f, 0.5f};
};

struct SetSpec {
  bool has_ground = true;
  double ground_height = 0;  // [Units: metres]
  geom::Vec3f ground_albedo{0.35f, 0.35f, 0.35f};
  std::vector<SetMesh> meshes;
};

struct RenderSettings {
  int spp = 16;         // samples per pixel [Limits: 1..4096]
  int max_bounces = 2;  // indirect bounces after the first hit [Limits: 0..16]
  int threads = 0;      // 0 = all cores
  std::string output = "out/frame.####.exr";  // '#' run = zero-padded frame number
  bool preview_png = true;
};

struct AgentSpec {
  std::string double_id;
  geom::Vec3f position;       // feet [Units: metres]
  double heading_deg = 0;     // about +Y; 0 faces +Z [Units: degrees]
  double scale = 1;           // uniform; != 1 is a body_scale alteration [Limits: 0.5..1.5]
  geom::Vec3f tint{1, 1, 1};  // wardrobe tint, multiplies albedo; != 1 is a wardrobe_tint
  geom::LodChoice lod = geom::LodChoice::kAuto;
  std::string name;  // agent name for Cryptomatte; default "agent_<index>"
  // Pose variation (docs/motion.md). Still (the default) renders the double's imported pose, as
  // before motion existed.
  anim::MotionCycle motion = anim::MotionCycle::kStill;
  double phase = 0;          // where in the cycle at frames.start [Units: cycles] [Limits: 0..1]
  double cycle_seconds = 0;  // one loop [Units: seconds] [Limits: 0.1..600]; set on parse
};

struct SceneSpec {
  std::string production;
  std::string shot;
  uint64_t seed = 0;
  geom::Camera camera;
  FrameRange frames;
  geom::Lighting lighting;
  SetSpec set;
  RenderSettings render;
  std::vector<AgentSpec> agents;
  std::vector<CrowdGroup> crowds;
  std::filesystem::path base_dir;  // directory of the scene file (outputs and set meshes)

  // The output file of one frame: the '#' run of render.output replaced by the zero-padded frame
  // number, resolved against base_dir.
  std::filesystem::path OutputFor(int frame) const;
};

// Parses and validates a scene document (docs/scene-spec.md, "Validity rule"). `source` names it in
// messages. On failure InvalidArgument listing every problem, one per line, as "source: field
// 'path': why".
Result<SceneSpec> ParseSceneSpec(const nlohmann::json& doc, std::string_view source);
// Reads (a regular file of at most kSceneFile bytes, core/file.h) and parses (core/json_input.h)
// a scene file, then ParseSceneSpec; base_dir is its directory.
Result<SceneSpec> LoadSceneSpec(const std::filesystem::path& file);

}  // namespace figurant::crowd

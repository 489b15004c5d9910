// A shot's crowd exported as glTF 2.0 (docs/interchange.md, "A crowd in motion"), so that a
// studio can take it further in Blender, Houdini or Unreal: the same agents, places and poses the
// shot would render, resolved by the same stages as RenderShot (internal/resolve.h) — only the
// agents the licence check allows — but shown by mannequins on their doubles' skeletons, never by
// the performers' scans (interchange/mannequin.h; docs/interchange.md, "Consent first").
//
// Per agent and frame, its root is where the renderer would draw it (a walker where Travel draws
// it, any other agent where it was placed) and its joints are posed as its render prototype is
// (anim::PoseMesh of the prototype's pose, once per distinct pose). A still or standing crowd is
// exported too: its agents' roots never move and only the joints of those playing a cycle (idle,
// sit) are keyed. Nothing is metered: no pixel of a performer is produced.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bank/bank.h"
#include "core/status.h"
#include "crowd/scene_spec.h"
#include "interchange/crowd_gltf.h"
#include "shot/shot.h"

namespace figurant::shot {

struct ExportReport {
  std::string production, shot;
  std::filesystem::path file;
  int agents = 0;                           // exported: those the licence check allowed
  int first_frame = 0;                      // the scene frame exported at time 0
  int frames = 0;                           // exported, one key per frame
  int doubles = 0;                          // mannequins written
  int poses = 0;                            // distinct posed skeletons (anim::PoseMesh calls)
  uint64_t bytes = 0;                       // the file's size
  std::vector<RefusedAgent> refused;        // left out (ShotOptions::drop_refused)
  std::vector<StillDouble> standing_still;  // doubles that cannot be posed: their agents stand
  std::vector<Reconfirm> reconfirm;         // as ShotReport's
  // Resolving the shot (stages up to the schedule), posing the skeletons, encoding and writing.
  double resolve_seconds = 0, pose_seconds = 0, write_seconds = 0;  // [Units: seconds]
  double bytes_per_agent_frame() const;
  nlohmann::json ToJson() const;
};

// What EncodeCrowdGlb is given for a shot: its doubles' skeletons (owned here), agents and motion.
struct CrowdExport {
  std::vector<geom::Skeleton> skeletons;          // those of the doubles that have one
  std::vector<interchange::CrowdDouble> doubles;  // their `skeleton` points into `skeletons`
  std::vector<interchange::CrowdAgent> agents;    // in render order (ShotReport::agents')
  interchange::CrowdMotion motion;
  ExportReport report;  // without file, bytes and write_seconds
  CrowdExport() = default;
  CrowdExport(const CrowdExport&) = delete;  // `doubles` point into `skeletons`
  CrowdExport(CrowdExport&&) = default;
};

// The crowd of `spec` over the frames options.first_frame..last_frame (FramesToRender) as the shot
// would render it. RenderShot's errors before rendering (an unknown production or double, a scene
// at another frame rate, frames outside the scene's, PermissionDenied naming refused agents
// unless options.drop_refused, FailedPrecondition when none is left) and anim::PoseMesh's, naming
// the double. options.output_dir, threads, progress and the test delay are not read.
Result<CrowdExport> ResolveCrowdExport(bank::Bank& bank, const crowd::SceneSpec& spec,
                                       const ShotOptions& options);

// ResolveCrowdExport, encoded (interchange::EncodeCrowdGlb) and written atomically to `out`
// (core/file.h: the old file, if any, is untouched on failure). Also InvalidArgument for an `out`
// inside the bank's directory or its keys' (an export is for the studio, never kept by the bank),
// EncodeCrowdGlb's errors, and the file system's.
Result<ExportReport> ExportCrowd(bank::Bank& bank, const crowd::SceneSpec& spec,
                                 const ShotOptions& options, const std::filesystem::path& out);

}  // namespace figurant::shot

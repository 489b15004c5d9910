// The frame loop and its order of publication (docs/scene-spec.md, "Outputs"). Each frame is
// rendered; its agents' measured silhouettes checked against the licences that allowed them; its
// EXR (with Cryptomatte), PNG preview (when the scene asks) and coverage record staged in the plate
// directory under temporary names; handed to the shot's sink (metering: durable in the ledger when
// it returns); and only then published under their final names. So a plate visible under its
// final name always has its usage in the ledger, and a frame no licence allows is never written.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "crowd/scene_spec.h"
#include "render/plate_dir.h"
#include "render/renderer.h"
#include "shot/internal/posing.h"
#include "shot/shot.h"

namespace figurant::shot::internal {

// The renderer's scene: the scene's camera, lighting and ground, `set` (the set's meshes and the
// stand tiers), the prototypes, and the agents each showing its prototype of `first` (indices into
// `prototypes`, per agent).
render::RenderScene RenderSceneFor(const crowd::SceneSpec& spec,
                                   std::vector<render::SetGeometry> set,
                                   std::vector<render::Prototype> prototypes,
                                   std::vector<render::AgentInstance> agents,
                                   const std::vector<int>& first);

// The renderer's options: the scene's render settings, the options' thread count when set.
render::RenderOptions RenderOptionsFor(const crowd::SceneSpec& spec, const ShotOptions& options);

// The file name of the shot's clone report, in the plate directory: "<shot>.clones.json".
std::string CloneReportName(const crowd::SceneSpec& spec);

// OK when no output the frames of `span` and the clone report would be published as is in the way
// (render::PlateDirectory::CheckReplaceable): checked before anything is rendered, so that a shot
// is not refused halfway through. InvalidArgument naming the first file in the way.
Status CheckOutputsReplaceable(const render::PlateDirectory& plates, const crowd::SceneSpec& spec,
                               FrameSpan span);

// PermissionDenied when an agent of `frame` measures larger on screen (its silhouette: the longest
// side of its pixel bounding box over the frame's height) than the licence that allowed it,
// naming each such agent, the frame, the size measured and the licence's limit. Pure.
Status CheckSizesOnScreen(const render::Frame& frame, const std::vector<CastAgent>& agents);

// Where the frames go: the plate directory, the sink each frame is metered with before it is
// published (when set), and the crash tests' pause (ShotOptions::test_plate_delay_ms).
struct FrameDestination {
  render::PlateDirectory& plates;
  const FrameSink& sink;
  int test_delay_ms = 0;
};

// What changes between frames: the prototype each agent shows and, when the crowd moves
// (`travel`), where each agent is.
struct FrameMotion {
  const PoseSchedule& schedule;
  const Travel* travel = nullptr;
};

// Renders every frame of `span` in order, each rendered, checked (CheckSizesOnScreen), staged,
// metered and published; `agents` are the rendered agents, in the renderer's order. Stops at the
// first error — the renderer's, the size check's, the plate directory's or the sink's — with the
// frames before it published and the failing frame's files removed.
Result<std::vector<FrameOutput>> RenderFrames(render::Renderer& renderer,
                                              const crowd::SceneSpec& spec, FrameSpan span,
                                              const FrameMotion& motion,
                                              const std::vector<CastAgent>& agents,
                                              const FrameDestination& destination);

}  // namespace figurant::shot::internal

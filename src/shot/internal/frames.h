// The frame loop: the agents' prototypes switched to each frame's phase steps, the frame rendered
// and written as EXR (with Cryptomatte), PNG preview (when the scene asks) and coverage record,
// then handed to the shot's sink (metering).
#pragma once

#include <vector>

#include "core/status.h"
#include "crowd/scene_spec.h"
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

// Renders and writes every frame of `span` in order, calling `sink` (when set) after each is
// written with `agents` (the rendered agents, in the renderer's order). Stops at the first error:
// the renderer's, the writers' (core/file.h, render/output.h) or the sink's.
Result<std::vector<FrameOutput>> RenderFrames(render::Renderer& renderer,
                                              const crowd::SceneSpec& spec, FrameSpan span,
                                              const PoseSchedule& schedule,
                                              const std::vector<CastAgent>& agents,
                                              const FrameSink& sink);

}  // namespace figurant::shot::internal

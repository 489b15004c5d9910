#include "shot/internal/frames.h"

#include <algorithm>
#include <string>
#include <utility>

#include "core/file.h"
#include "render/output.h"

namespace figurant::shot::internal {
namespace {

// Names and ids the outputs give agents, doubles and performers.
struct OutputNames {
  render::FrameNames names;
  std::vector<std::string> agent_doubles, agent_performers;  // per agent
};

OutputNames NamesOf(const render::Renderer& renderer, const std::vector<CastAgent>& agents) {
  OutputNames out;
  for (const CastAgent& a : agents) {
    out.names.agents.push_back(a.name);
    out.agent_doubles.push_back(a.double_id);
    out.agent_performers.push_back(a.performer_id);
  }
  out.names.doubles = renderer.double_names();
  out.names.performers = renderer.performer_names();
  return out;
}

// Writes the EXR, preview and coverage record of `f`, the render of `frame`.
Result<FrameOutput> WriteFrame(int frame, const render::Frame& f, const crowd::SceneSpec& spec,
                               const OutputNames& names) {
  FrameOutput out;
  out.frame = frame;
  out.exr = spec.OutputFor(frame);
  out.seconds = f.stats.seconds;
  out.rays = f.stats.rays;
  if (spec.render.preview_png) out.png = render::PngPathFor(out.exr);
  FIGURANT_RETURN_IF_ERROR(
      render::WriteExrAndPreview(out.exr, out.png, f, names.names,
                                 {{"figurant/production", spec.production},
                                  {"figurant/shot", spec.shot},
                                  {"figurant/frame", std::to_string(frame)},
                                  {"figurant/seed", std::to_string(spec.seed)}}));
  out.coverage = render::CoveragePathFor(out.exr);
  nlohmann::json cov =
      render::CoverageJson(f, names.names, names.agent_doubles, names.agent_performers);
  cov["production"] = spec.production;
  cov["shot"] = spec.shot;
  cov["fps"] = spec.frames.fps;
  FIGURANT_RETURN_IF_ERROR(WriteFileAtomic(out.coverage, cov.dump(1)));
  return out;
}

}  // namespace

render::RenderScene RenderSceneFor(const crowd::SceneSpec& spec,
                                   std::vector<render::SetGeometry> set,
                                   std::vector<render::Prototype> prototypes,
                                   std::vector<render::AgentInstance> agents,
                                   const std::vector<int>& first) {
  render::RenderScene rs;
  rs.camera = spec.camera;
  rs.lighting = spec.lighting;
  rs.has_ground = spec.set.has_ground;
  rs.ground_height = static_cast<float>(spec.set.ground_height);
  rs.ground_albedo = spec.set.ground_albedo;
  rs.set = std::move(set);
  rs.prototypes = std::move(prototypes);
  rs.agents = std::move(agents);
  for (size_t a = 0; a < rs.agents.size(); ++a) rs.agents[a].prototype = first[a];
  return rs;
}

render::RenderOptions RenderOptionsFor(const crowd::SceneSpec& spec, const ShotOptions& options) {
  render::RenderOptions ro;
  ro.spp = spec.render.spp;
  ro.max_bounces = spec.render.max_bounces;
  ro.threads = options.threads >= 0 ? options.threads : spec.render.threads;
  ro.seed = spec.seed;
  ro.progress = options.progress;
  return ro;
}

Result<std::vector<FrameOutput>> RenderFrames(render::Renderer& renderer,
                                              const crowd::SceneSpec& spec, FrameSpan span,
                                              const PoseSchedule& schedule,
                                              const std::vector<CastAgent>& agents,
                                              const FrameSink& sink) {
  const OutputNames names = NamesOf(renderer, agents);
  std::vector<int> current = schedule.PrototypesAt(span.first);
  std::vector<FrameOutput> outputs;
  for (int frame = span.first; frame <= span.last; ++frame) {
    if (frame != span.first) {
      std::vector<int> next = schedule.PrototypesAt(frame);
      if (next != current) {
        FIGURANT_RETURN_IF_ERROR(renderer.SetAgentPrototypes(next));
        current = std::move(next);
      }
    }
    FIGURANT_ASSIGN_OR_RETURN(const render::Frame f, renderer.Render(frame));
    FIGURANT_ASSIGN_OR_RETURN(FrameOutput out, WriteFrame(frame, f, spec, names));
    if (sink) FIGURANT_RETURN_IF_ERROR(sink(f, out, agents));
    outputs.push_back(std::move(out));
  }
  return outputs;
}

}  // namespace figurant::shot::internal

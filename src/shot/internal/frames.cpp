#include "shot/internal/frames.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <utility>

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

// The figurant/* attributes of a frame's EXR header and PNG text: what recognises it as the shot's.
std::map<std::string, std::string> FrameAttributes(const crowd::SceneSpec& spec, int frame) {
  return {{"figurant/production", spec.production},
          {"figurant/shot", spec.shot},
          {"figurant/frame", std::to_string(frame)},
          {"figurant/seed", std::to_string(spec.seed)}};
}

render::FrameFiles FilesOf(const crowd::SceneSpec& spec, int frame) {
  return render::FrameFilesFor(spec.OutputName(frame), spec.render.preview_png);
}

// A frame's files, written under temporary names: what the sink meters before they are published.
struct StagedFrame {
  FrameOutput out;
  std::vector<render::StagedFile> files;  // in the order to publish them
};

// Stages the EXR, preview and coverage record of `f`, the render of `frame`.
Result<StagedFrame> StageFrame(render::PlateDirectory& plates, int frame, const render::Frame& f,
                               const crowd::SceneSpec& spec, const OutputNames& names) {
  const render::FrameFiles files = FilesOf(spec, frame);
  nlohmann::json cov =
      render::CoverageJson(f, names.names, names.agent_doubles, names.agent_performers);
  cov["production"] = spec.production;
  cov["shot"] = spec.shot;
  cov["fps"] = spec.frames.fps;
  StagedFrame staged;
  FIGURANT_ASSIGN_OR_RETURN(staged.files, render::StageFrame(plates, files, f, names.names,
                                                             FrameAttributes(spec, frame), cov));
  staged.out.frame = frame;
  staged.out.exr = plates.path() / files.exr;
  if (!files.png.empty()) staged.out.png = plates.path() / files.png;
  staged.out.coverage = plates.path() / files.coverage;
  staged.out.seconds = f.stats.seconds;
  staged.out.rays = f.stats.rays;
  return staged;
}

void Pause(int ms) {
  if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

// Meters the staged frame, then publishes it: its files get their final names only once its usage
// is durable. The sink's error removes them.
Status MeterAndPublish(const StagedFrame& staged, const render::Frame& f,
                       const std::vector<CastAgent>& agents, const FrameDestination& to) {
  Pause(to.test_delay_ms);
  if (to.sink) {
    if (Status s = to.sink(f, staged.out, agents); !s.ok()) {
      to.plates.Discard(staged.files);
      return s;
    }
  }
  Pause(to.test_delay_ms);
  return to.plates.Publish(staged.files);
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

std::string CloneReportName(const crowd::SceneSpec& spec) { return spec.shot + ".clones.json"; }

Status CheckOutputsReplaceable(const render::PlateDirectory& plates, const crowd::SceneSpec& spec,
                               FrameSpan span) {
  FIGURANT_RETURN_IF_ERROR(
      plates.CheckReplaceable(CloneReportName(spec), render::PlateFile::kCloneReport));
  for (int frame = span.first; frame <= span.last; ++frame) {
    const render::FrameFiles files = FilesOf(spec, frame);
    FIGURANT_RETURN_IF_ERROR(plates.CheckReplaceable(files.exr, render::PlateFile::kExr));
    if (!files.png.empty()) {
      FIGURANT_RETURN_IF_ERROR(plates.CheckReplaceable(files.png, render::PlateFile::kPng));
    }
    FIGURANT_RETURN_IF_ERROR(plates.CheckReplaceable(files.coverage, render::PlateFile::kCoverage));
  }
  return Status::Ok();
}

Status CheckSizesOnScreen(const render::Frame& frame, const std::vector<CastAgent>& agents) {
  std::string over;
  for (const render::AgentCoverage& c : frame.coverage) {
    const CastAgent& a = agents[static_cast<size_t>(c.agent)];
    if (c.silhouette_fraction <= a.max_screen_fraction) continue;
    char sizes[96];
    std::snprintf(sizes, sizeof sizes, "measures %.3f of frame height on screen, over the %.3g",
                  c.silhouette_fraction, a.max_screen_fraction);
    over += "\n  " + a.name + " (double " + a.double_id + ") " + sizes + " its licence " +
            a.licence_id + " allows (too_large_on_screen)";
  }
  if (over.empty()) return Status::Ok();
  return PermissionDenied("frame " + std::to_string(frame.frame) +
                          " is not published (neither written under its name nor metered): "
                          "agents larger on screen than their licences allow:" +
                          over);
}

Result<std::vector<FrameOutput>> RenderFrames(render::Renderer& renderer,
                                              const crowd::SceneSpec& spec, FrameSpan span,
                                              const FrameMotion& motion,
                                              const std::vector<CastAgent>& agents,
                                              const FrameDestination& destination) {
  const OutputNames names = NamesOf(renderer, agents);
  std::vector<int> current = motion.schedule.PrototypesAt(span.first);
  std::vector<FrameOutput> outputs;
  for (int frame = span.first; frame <= span.last; ++frame) {
    if (frame != span.first) {
      std::vector<int> next = motion.schedule.PrototypesAt(frame);
      if (next != current) {
        FIGURANT_RETURN_IF_ERROR(renderer.SetAgentPrototypes(next));
        current = std::move(next);
      }
      if (motion.travel != nullptr) {
        FIGURANT_RETURN_IF_ERROR(renderer.SetAgentPlacements(motion.travel->PlacementsAt(frame)));
      }
    }
    FIGURANT_ASSIGN_OR_RETURN(const render::Frame f, renderer.Render(frame));
    FIGURANT_RETURN_IF_ERROR(CheckSizesOnScreen(f, agents));
    FIGURANT_ASSIGN_OR_RETURN(StagedFrame staged,
                              StageFrame(destination.plates, frame, f, spec, names));
    FIGURANT_RETURN_IF_ERROR(MeterAndPublish(staged, f, agents, destination));
    outputs.push_back(std::move(staged.out));
  }
  return outputs;
}

}  // namespace figurant::shot::internal

#include "shot/shot.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "shot/internal/clone_report.h"
#include "shot/internal/crops.h"
#include "shot/internal/frames.h"
#include "shot/internal/licence_check.h"
#include "shot/internal/posing.h"
#include "shot/internal/resolve.h"
#include "shot/set_meshes.h"

namespace figurant::shot {
namespace {

using nlohmann::json;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The plate directory the shot writes in (render/plate_dir.h): the options' output directory, else
// the scene file's; render.output's subdirectory; never in the bank's directories. Every file the
// frames and the clone report would replace must be an earlier output of the shot.
Result<std::unique_ptr<render::PlateDirectory>> OpenPlates(const bank::Bank& bank,
                                                           const crowd::SceneSpec& spec,
                                                           const ShotOptions& options,
                                                           FrameSpan span) {
  render::PlateLocation where;
  where.root = options.output_dir.empty() ? spec.base_dir : options.output_dir;
  where.subdir = spec.OutputSubdir();
  where.protected_dirs = {bank.paths().dir, bank.paths().keys};
  FIGURANT_ASSIGN_OR_RETURN(auto plates,
                            render::PlateDirectory::Open(where, {spec.production, spec.shot}));
  FIGURANT_RETURN_IF_ERROR(internal::CheckOutputsReplaceable(*plates, spec, span));
  return plates;
}

// Writes the clone report and publishes it at once (it is not metered).
Status PublishCloneReport(render::PlateDirectory& plates, const crowd::SceneSpec& spec,
                          const internal::CloneSummary& clones) {
  FIGURANT_ASSIGN_OR_RETURN(
      const render::StagedFile staged,
      plates.StageBytes(internal::CloneReportName(spec), render::PlateFile::kCloneReport,
                        internal::CloneReportJson(spec, clones).dump(2)));
  return plates.Publish({staged});
}

json ReconfirmJson(const std::vector<Reconfirm>& reconfirm) {
  json out = json::array();
  for (const Reconfirm& r : reconfirm) {
    out.push_back({{"licence", r.licence_id},
                   {"performer", r.performer_id},
                   {"double", r.double_id},
                   {"disclosure_version", r.disclosure_version},
                   {"agents", r.agents}});
  }
  return out;
}

}  // namespace

json ShotReport::ToJson() const {
  json g = json::array();
  for (const GroupReport& r : groups) {
    g.push_back({{"name", r.name},
                 {"asked", r.asked},
                 {"placed", r.placed},
                 {"why_fewer", r.shortfall.empty() ? json(nullptr) : json(r.shortfall)},
                 {"set_blocked_fraction", r.set_blocked_fraction},
                 {"doubles_eligible", r.doubles_eligible},
                 {"clone_world_min_m", r.clone_world_min_m},
                 {"clone_screen_min_fraction", r.clone_screen_min_fraction},
                 {"clone_constraints_met", r.clone_constraints_met},
                 {"motion",
                  {{"cycle", r.motion_cycle},
                   {"variants", r.motion_variants},
                   {"cycle_seconds", r.motion_cycle_seconds},
                   {"agents_moving", r.agents_moving},
                   {"agents_still", r.agents_still}}}});
  }
  json refused_j = json::array();
  for (const RefusedAgent& r : refused) {
    refused_j.push_back({{"agent", r.agent},
                         {"double", r.double_id},
                         {"performer", r.performer_id},
                         {"reasons", r.reasons}});
  }
  json still_j = json::array();
  for (const StillDouble& sd : standing_still) {
    still_j.push_back(
        {{"double", sd.double_id}, {"why", sd.why}, {"asked", sd.asked}, {"agents", sd.agents}});
  }
  json frames_j = json::array();
  uint64_t rays = 0;
  for (const FrameOutput& f : frames) {
    frames_j.push_back({{"frame", f.frame},
                        {"exr", f.exr.string()},
                        {"png", f.png.empty() ? json(nullptr) : json(f.png.string())},
                        {"coverage", f.coverage.string()},
                        {"seconds", f.seconds},
                        {"rays", f.rays}});
    rays += f.rays;
  }
  return {{"production", production},
          {"shot", shot},
          {"agents_rendered", agents.size()},
          {"groups", g},
          {"doubles_eligible", doubles_eligible},
          {"doubles_excluded", excluded_by_reason},
          {"refused", refused_j},
          {"standing_still", still_j},
          {"clone_report", clone_report.string()},
          {"clone_world_min_m", clone_world_min_m},
          {"clone_screen_min_fraction", clone_screen_min_fraction},
          {"outputs", frames_j},
          {"prototypes", prototypes},
          {"posed_prototypes", posed_prototypes},
          {"reconfirm_for_movement", ReconfirmJson(reconfirm)},
          {"movement", movement ? json{{"navmesh", movement->navmesh_key},
                                       {"navmesh_built", movement->navmesh_built},
                                       {"navmesh_polygons", movement->navmesh_polygons},
                                       {"agents_simulated", movement->agents_simulated},
                                       {"frames", movement->frames},
                                       {"simulate_s", movement->simulate_seconds}}
                                : json(nullptr)},
          {"timings",
           {{"resolve_s", resolve_seconds},
            {"pose_s", pose_seconds},
            {"build_s", build_seconds},
            {"render_s", render_seconds},
            {"rays_per_s", render_seconds > 0 ? rays / render_seconds : 0.0}}}};
}

Result<FrameSpan> FramesToRender(const crowd::FrameRange& scene, const ShotOptions& options) {
  const FrameSpan span{std::max(scene.start, options.first_frame.value_or(scene.start)),
                       std::min(scene.end, options.last_frame.value_or(scene.end))};
  if (span.first > span.last) {
    return InvalidArgument("frames " + std::to_string(options.first_frame.value_or(span.first)) +
                           "-" + std::to_string(options.last_frame.value_or(span.last)) +
                           " asked are outside the scene's frames " + std::to_string(scene.start) +
                           "-" + std::to_string(scene.end));
  }
  return span;
}

Result<ShotReport> RenderShot(bank::Bank& bank, const crowd::SceneSpec& spec,
                              const ShotOptions& options, const FrameSink& sink) {
  using namespace internal;  // the stages, by name
  const auto t0 = std::chrono::steady_clock::now();
  FIGURANT_ASSIGN_OR_RETURN(const FrameSpan span, FramesToRender(spec.frames, options));
  // The set first: its importer forks, best done before anything else holds locks (the plate
  // directory's lock is not inherited by an exec'd child).
  FIGURANT_ASSIGN_OR_RETURN(ShotSet set, LoadShotSet(spec));
  FIGURANT_ASSIGN_OR_RETURN(auto plates, OpenPlates(bank, spec, options, span));
  // Cast, placed, simulated, checked against the licences, scheduled (resolve.h).
  FIGURANT_ASSIGN_OR_RETURN(ResolvedShot shot, ResolveShot(bank, spec, options, span, set));
  ShotReport report = std::move(shot.report);

  const auto tp = std::chrono::steady_clock::now();
  FIGURANT_ASSIGN_OR_RETURN(PosedPrototypes posed,
                            PosePrototypes(*shot.schedule, std::move(shot.shown)));
  report.prototypes = static_cast<int>(posed.prototypes.size());
  report.posed_prototypes = posed.posed;
  report.pose_seconds = Seconds(tp);

  const CloneSummary clones =
      SummariseClones(shot.placed.agents, shot.rendered.placed, shot.paths(), &spec.camera);
  report.clone_world_min_m = clones.world_min_m;
  report.clone_screen_min_fraction = clones.screen_min_fraction;
  report.resolve_seconds = Seconds(t0);

  const auto tb = std::chrono::steady_clock::now();
  FIGURANT_ASSIGN_OR_RETURN(
      auto renderer, render::Renderer::Create(
                         RenderSceneFor(spec, std::move(set.geometry), std::move(posed.prototypes),
                                        std::move(shot.rendered.instances),
                                        shot.schedule->PrototypesAt(span.first)),
                         RenderOptionsFor(spec, options)));
  report.build_seconds = Seconds(tb);

  report.clone_report = plates->path() / CloneReportName(spec);
  FIGURANT_RETURN_IF_ERROR(PublishCloneReport(*plates, spec, clones));
  const auto tr = std::chrono::steady_clock::now();
  FIGURANT_ASSIGN_OR_RETURN(
      report.frames, RenderFrames(*renderer, spec, span, {*shot.schedule, shot.travel.get()},
                                  report.agents, {*plates, sink, options.test_plate_delay_ms}));
  report.render_seconds = Seconds(tr);
  return report;
}

Result<FrameSink> MeteringSink(bank::Bank& bank, const crowd::SceneSpec& spec,
                               const std::string& render_id, int* events_out) {
  FIGURANT_ASSIGN_OR_RETURN(ledger::Ledger * ledger, bank.Ledger());
  // Billed at the rate the studio declared and signed, which the scene's must match.
  FIGURANT_ASSIGN_OR_RETURN(const consent::ProductionFacts declared,
                            internal::SceneProduction(bank, spec));
  FIGURANT_ASSIGN_OR_RETURN(auto latest, ledger::LatestRenders(*ledger));
  auto previous = std::make_shared<std::map<ledger::FrameKey, std::string>>(std::move(latest));
  auto crops = std::make_shared<internal::CropKeeper>(bank, spec.production, spec.shot, render_id);
  return FrameSink([ledger, previous, crops, render_id, events_out, production = spec.production,
                    shot = spec.shot, fps = declared.frame_rate.PerSecond()](
                       const render::Frame& f, const FrameOutput&,
                       const std::vector<CastAgent>& agents) -> Status {
    std::vector<ledger::AgentUsage> usage;
    for (const render::AgentCoverage& c : f.coverage) {
      const CastAgent& a = agents[static_cast<size_t>(c.agent)];
      // The largest size on screen known: the standing height projected, or the silhouette
      // measured (larger for a performer seen from above).
      usage.push_back({a.name, a.double_id, a.performer_id, a.licence_id, c.pixels,
                       std::max(c.screen_height_fraction, c.silhouette_fraction), a.altered,
                       a.synthetic});
    }
    const ledger::FrameKey key{production, shot, f.frame};
    std::optional<std::string> prev;
    if (auto it = previous->find(key); it != previous->end()) prev = it->second;
    FIGURANT_ASSIGN_OR_RETURN(int n, ledger::MeterFrame(*ledger, render_id, key, fps, usage, prev));
    (*previous)[key] = render_id;
    if (events_out != nullptr) *events_out += n;
    // Metered first: the crop is what the performer sees of a use already counted.
    return crops->Add(f, agents);
  });
}

}  // namespace figurant::shot

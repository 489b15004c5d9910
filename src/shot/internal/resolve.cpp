#include "shot/internal/resolve.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <utility>

#include "shot/internal/licence_check.h"

namespace figurant::shot::internal {
namespace {

std::vector<std::string> DoubleIds(const std::vector<CastAgent>& agents) {
  std::vector<std::string> ids;
  ids.reserve(agents.size());
  for (const CastAgent& a : agents) ids.push_back(a.double_id);
  return ids;
}

// The tallest double the crowd may show: the navigation mesh passes only under what is higher.
// [Units: metres]
float TallestOf(const CastingPool& pool) {
  float tallest = 0;
  for (const PoolDouble& d : pool.doubles) {
    tallest = std::max(tallest, static_cast<float>(d.row.height_m));
  }
  return tallest;
}

// The scene's agents placed: every crowd group laid out (its stand tiers joining `set`), simulated
// when any group has a behaviour (into `tracks`), and cast; then the explicit agents.
Result<ShotPlacement> PlaceCrowd(bank::Bank& bank, const crowd::SceneSpec& spec, ShotSet& set,
                                 const CastingPool& pool, const ShotOptions& options,
                                 std::unique_ptr<CrowdTracks>& tracks) {
  FIGURANT_ASSIGN_OR_RETURN(std::vector<crowd::LayoutResult> layouts, LayOutGroups(spec, set));
  std::vector<render::SetGeometry> tiers = TakeTiers(layouts);
  std::move(tiers.begin(), tiers.end(), std::back_inserter(set.geometry));
  FIGURANT_ASSIGN_OR_RETURN(
      std::optional<CrowdTracks> simulated,
      SimulateCrowd(spec, set, layouts, TallestOf(pool), NavMeshCacheDir(bank.paths().dir)));
  if (simulated) tracks = std::make_unique<CrowdTracks>(std::move(*simulated));
  return PlaceAgents(spec, layouts, pool, options.allow_clones, tracks ? tracks.get() : nullptr);
}

ShotReport::Movement MovementOf(const CrowdTracks& t) {
  return {t.navmesh_key,  t.navmesh_built, t.navmesh_polygons,
          t.paths.agents, t.paths.frames,  t.simulate_seconds};
}

// Per rendered agent, its index into the simulated agents (-1: it stays where placed).
std::vector<int> TracksOf(const std::vector<PlacedAgent>& placed, const RenderedAgents& rendered) {
  std::vector<int> out;
  out.reserve(rendered.placed.size());
  for (size_t p : rendered.placed) out.push_back(placed[p].track);
  return out;
}

// The rendered agents where they are at `frame`, for the renderer's first frame.
void PlaceAt(const Travel& travel, int frame, std::vector<render::AgentInstance>& instances) {
  const std::vector<render::AgentPlacement> at = travel.PlacementsAt(frame);
  for (size_t a = 0; a < instances.size(); ++a) {
    instances[a].position = at[a].position;
    instances[a].heading_rad = at[a].heading_rad;
  }
}

// Every agent checked as it appears, at its geometry's height, where it is largest on screen;
// the agents allowed made ready to render (into `shot`). The licence that allows an agent is the
// one billed.
Status CheckAndShow(bank::Bank& bank, const crowd::SceneSpec& spec, const ShotOptions& options,
                    const consent::ProductionFacts& production, Date today, ResolvedShot& shot) {
  ShotReport& report = shot.report;
  FIGURANT_ASSIGN_OR_RETURN(shot.shown, LoadShownDoubles(bank, shot.placed.agents, shot.pool));
  const DoubleSizes sizes = SizesOf(shot.shown);
  const LicenceCheck check =
      CheckAgents(AtLargestOnScreen(shot.placed.agents, sizes, spec.camera, shot.paths()),
                  shot.pool, sizes, production, today, spec.camera);
  report.refused = check.refused;
  FIGURANT_RETURN_IF_ERROR(RefusalStatus(report.refused, options.drop_refused));
  shot.rendered = RenderAgents(shot.placed.agents, check.allowed, shot.pool, shot.shown);
  CountMotion(shot.placed.agents, shot.rendered, report.groups);
  report.agents = shot.rendered.agents;
  report.standing_still = std::move(shot.rendered.standing_still);
  report.reconfirm = LicencesToReconfirm(shot.rendered, shot.pool);
  if (report.agents.empty()) return FailedPrecondition("no agent is left to render");
  return Status::Ok();
}

}  // namespace

Result<ResolvedShot> ResolveShot(bank::Bank& bank, const crowd::SceneSpec& spec,
                                 const ShotOptions& options, FrameSpan span, ShotSet& set) {
  ResolvedShot shot;
  ShotReport& report = shot.report;
  report.production = spec.production;
  report.shot = spec.shot;
  const Date today = bank.clock().Today();
  FIGURANT_ASSIGN_OR_RETURN(const consent::ProductionFacts production, SceneProduction(bank, spec));
  FIGURANT_ASSIGN_OR_RETURN(shot.pool, JudgeCastingPool(bank, spec.production, today));
  report.doubles_eligible = static_cast<int>(shot.pool.doubles.size());
  report.excluded_by_reason = shot.pool.excluded_by_reason;

  FIGURANT_ASSIGN_OR_RETURN(shot.placed,
                            PlaceCrowd(bank, spec, set, shot.pool, options, shot.tracks));
  if (shot.tracks) report.movement = MovementOf(*shot.tracks);
  report.groups = std::move(shot.placed.groups);
  FIGURANT_RETURN_IF_ERROR(CheckAndShow(bank, spec, options, production, today, shot));

  const std::vector<std::string> double_ids = DoubleIds(report.agents);
  if (shot.tracks) {
    FIGURANT_ASSIGN_OR_RETURN(
        Travel travel, Travel::Make(shot.tracks->paths, TracksOf(shot.placed.agents, shot.rendered),
                                    shot.rendered.motions, double_ids, shot.shown,
                                    shot.rendered.instances, spec.frames));
    shot.travel = std::make_unique<Travel>(std::move(travel));
    PlaceAt(*shot.travel, span.first, shot.rendered.instances);
  }
  shot.schedule = std::make_unique<PoseSchedule>(double_ids, shot.rendered.motions, spec.frames,
                                                 span, shot.travel.get());
  return shot;
}

}  // namespace figurant::shot::internal

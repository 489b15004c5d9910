#include "shot/internal/licence_check.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdio>

namespace figurant::shot::internal {
namespace {

// The max_screen_height_fraction of the licence `id` among `licences` (0 when absent).
double ScreenLimitOf(const std::vector<consent::LicenceFacts>& licences, const std::string& id) {
  for (const consent::LicenceFacts& l : licences) {
    if (l.id == id) return l.terms.max_screen_height_fraction;
  }
  return 0;
}

RefusedAgent Refusal(const PlacedAgent& agent, const registry::Double& d,
                     const consent::Decision& decision) {
  RefusedAgent r{agent.inst.name, d.id, d.performer_id, {}};
  if (!d.blob_id) r.reasons.emplace_back("no_geometry: the double has no stored geometry");
  for (const consent::LicenceDenial& den : decision.denials) {
    for (const consent::Reason& reason : den.reasons) {
      r.reasons.push_back((den.licence_id.empty() ? "" : den.licence_id + ": ") +
                          std::string(consent::ReasonCodeName(reason.code)) + ": " + reason.detail);
    }
  }
  return r;
}

}  // namespace

double ScreenSizeFraction(const PlacedAgent& agent, const geom::Bounds3f& box,
                          const geom::Camera& camera, const geom::Camera::Basis& basis) {
  const geom::Vec2f extent = camera.ProjectedExtent(basis, agent.inst.ToWorld(), box);
  return std::max(extent.x, extent.y) / camera.height;
}

std::vector<PlacedAgent> AtLargestOnScreen(const std::vector<PlacedAgent>& agents,
                                           const DoubleSizes& sizes, const geom::Camera& camera,
                                           const nav::Trajectories* paths) {
  std::vector<PlacedAgent> out = agents;
  if (paths == nullptr) return out;
  const geom::Camera::Basis basis = camera.ComputeBasis();
  tbb::parallel_for(size_t{0}, out.size(), [&](size_t a) {
    PlacedAgent& agent = out[a];
    const auto box = sizes.find(agent.double_id);
    if (agent.track < 0 || box == sizes.end()) return;
    double largest = -1;
    render::AgentInstance best = agent.inst;
    for (int f = 0; f < paths->frames; ++f) {
      const nav::Placement& pl = paths->At(f, agent.track);
      agent.inst.position = pl.position;
      agent.inst.heading_rad = pl.heading_rad;
      const double size = ScreenSizeFraction(agent, box->second, camera, basis);
      if (size > largest) {
        largest = size;
        best = agent.inst;
      }
    }
    agent.inst = best;
  });
  return out;
}

Result<consent::ProductionFacts> SceneProduction(bank::Bank& bank, const crowd::SceneSpec& spec) {
  auto production = bank.ProductionFactsOf(spec.production);
  if (production.status().code() == StatusCode::kNotFound) {
    return InvalidArgument("scene field 'production': " + production.status().message());
  }
  FIGURANT_RETURN_IF_ERROR(production.status());
  if (!FrameRateMatches(production->frame_rate, spec.frames.fps)) {
    char fps[32];
    std::snprintf(fps, sizeof fps, "%g", spec.frames.fps);
    return InvalidArgument("scene field 'frames.fps': " + std::string(fps) +
                           " fps is not the frame rate production " + production->id +
                           " declared (" + production->frame_rate.Name() +
                           " fps); a scene is shot, and billed, at its production's rate");
  }
  return production;
}

LicenceCheck CheckAgents(const std::vector<PlacedAgent>& agents, const CastingPool& pool,
                         const DoubleSizes& sizes, const consent::ProductionFacts& production,
                         Date date, const geom::Camera& camera) {
  const geom::Camera::Basis basis = camera.ComputeBasis();
  const PerformerLicences none;
  LicenceCheck out;
  for (size_t i = 0; i < agents.size(); ++i) {
    const PlacedAgent& a = agents[i];
    const registry::Double& d = pool.judged.at(a.double_id).double_row;
    const auto it = pool.performers.find(d.performer_id);
    const PerformerLicences& performer = it == pool.performers.end() ? none : it->second;
    consent::UseRequest req;
    req.production = production;
    req.use = consent::Use::kBackground;
    req.date = date;
    const auto size = sizes.find(d.id);
    if (size != sizes.end()) {
      req.screen_height_fraction = ScreenSizeFraction(a, size->second, camera, basis);
    }
    req.alterations = a.alterations;
    const consent::Decision decision = consent::Check(performer.licences, performer.facts, req);
    if (decision.allowed && d.blob_id && size != sizes.end()) {
      out.allowed.push_back(
          {i, decision.licence_id, ScreenLimitOf(performer.licences, decision.licence_id)});
    } else {
      out.refused.push_back(Refusal(a, d, decision));
    }
  }
  return out;
}

Status RefusalStatus(const std::vector<RefusedAgent>& refused, bool drop_refused) {
  if (refused.empty() || drop_refused) return Status::Ok();
  std::string m = std::to_string(refused.size()) +
                  " agent(s) are not allowed by their performers' licences (nothing rendered; "
                  "with drop_refused the shot renders without them):";
  for (const RefusedAgent& r : refused) {
    m += "\n  " + r.agent + " (double " + r.double_id + ")";
    for (const std::string& why : r.reasons) m += "\n    " + why;
  }
  return PermissionDenied(m);
}

}  // namespace figurant::shot::internal

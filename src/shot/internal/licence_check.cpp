#include "shot/internal/licence_check.h"

#include <cstdio>

namespace figurant::shot::internal {
namespace {

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
                         const DoubleHeights& heights, const consent::ProductionFacts& production,
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
    const auto height = heights.find(d.id);
    if (height != heights.end()) {
      req.screen_height_fraction =
          camera.ScreenHeightFraction(basis, a.inst.position, height->second * a.inst.scale);
    }
    req.alterations = a.alterations;
    const consent::Decision decision = consent::Check(performer.licences, performer.facts, req);
    if (decision.allowed && d.blob_id && height != heights.end()) {
      out.allowed.push_back({i, decision.licence_id});
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

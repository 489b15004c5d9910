#include "shot/internal/licence_check.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

namespace figurant::shot::internal {
namespace {

// The double's bounds as ingest measured them (registry::Double::bounds_json: metres, feet at the
// origin, facing +Z), grown to hold its height and footprint: a row without bounds, or whose
// bounds disagree with them, never makes it smaller.
geom::Bounds3f DoubleBounds(const registry::Double& d) {
  geom::Bounds3f box;
  const nlohmann::json j = nlohmann::json::parse(d.bounds_json, nullptr, false);
  auto corner = [&](const char* key) -> std::optional<geom::Vec3f> {
    if (!j.is_object() || !j.contains(key) || !j[key].is_array() || j[key].size() != 3) return {};
    float c[3];
    for (size_t i = 0; i < 3; ++i) {
      if (!j[key][i].is_number() || !std::isfinite(j[key][i].get<double>())) return {};
      c[i] = j[key][i].get<float>();
    }
    return geom::Vec3f{c[0], c[1], c[2]};
  };
  const auto lo = corner("lo"), hi = corner("hi");
  if (lo && hi) {
    box.Extend(*lo);
    box.Extend(*hi);
  }
  const auto r = static_cast<float>(std::max(0.0, d.footprint_radius_m));
  box.Extend({-r, 0, -r});
  box.Extend({r, static_cast<float>(std::max(0.0, d.height_m)), r});
  return box;
}

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

double ScreenSizeFraction(const PlacedAgent& agent, const registry::Double& d,
                          const geom::Camera& camera, const geom::Camera::Basis& basis) {
  const render::AgentInstance& in = agent.inst;
  const geom::Mat4f to_world = geom::Mat4f::Translation(in.position) *
                               geom::Mat4f::RotationY(in.heading_rad) *
                               geom::Mat4f::Scale(in.scale);
  const geom::Vec2f extent = camera.ProjectedExtent(basis, to_world, DoubleBounds(d));
  return std::max(extent.x, extent.y) / camera.height;
}

LicenceCheck CheckAgents(const std::vector<PlacedAgent>& agents, const CastingPool& pool,
                         const consent::ProductionFacts& production, Date date,
                         const geom::Camera& camera) {
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
    req.screen_height_fraction = ScreenSizeFraction(a, d, camera, basis);
    req.alterations = a.alterations;
    const consent::Decision decision = consent::Check(performer.licences, performer.facts, req);
    if (decision.allowed && d.blob_id) {
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

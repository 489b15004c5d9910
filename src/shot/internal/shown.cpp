#include "shot/internal/shown.h"

#include <utility>

#include "consent/disclosure.h"

namespace figurant::shot::internal {

Result<ShownDoubles> LoadShownDoubles(bank::Bank& bank, const std::vector<PlacedAgent>& agents,
                                      const CastingPool& pool) {
  ShownDoubles shown;
  for (const PlacedAgent& a : agents) {
    const std::string& id = a.double_id;
    if (shown.contains(id) || !pool.judged.at(id).double_row.blob_id) continue;
    FIGURANT_ASSIGN_OR_RETURN(geom::DoubleAsset asset, bank.LoadDouble(id));
    ShownDouble s;
    s.bind = std::make_shared<const geom::DoubleAsset>(std::move(asset));
    s.performer_id = pool.judged.at(id).double_row.performer_id;
    s.motion = anim::CheckMotionSupport(s.bind->mesh);
    s.standing_height_m = s.bind->mesh.StandingHeight();
    shown.emplace(id, std::move(s));
  }
  return shown;
}

DoubleSizes SizesOf(const ShownDoubles& shown) {
  DoubleSizes sizes;
  for (const auto& [id, s] : shown) {
    geom::Bounds3f box = s.bind->mesh.ComputeBounds();
    box.Extend({0, 0, 0});
    box.Extend({0, s.standing_height_m, 0});
    sizes[id] = box;
  }
  return sizes;
}

RenderedAgents RenderAgents(const std::vector<PlacedAgent>& agents,
                            const std::vector<AllowedAgent>& allowed, const CastingPool& pool,
                            const ShownDoubles& shown) {
  RenderedAgents out;
  std::map<std::string, StillDouble> still;
  for (const AllowedAgent& a : allowed) {
    const PlacedAgent& p = agents[a.agent];
    const bank::DoubleEligibility& judged = pool.judged.at(p.double_id);
    const registry::Double& d = judged.double_row;
    AgentMotion motion = p.motion;
    if (const anim::MotionCheck& check = shown.at(d.id).motion; !check.ok()) {
      if (motion.cycle != anim::MotionCycle::kStill || motion.travels) {
        StillDouble& sd = still[d.id];
        sd.double_id = d.id;
        sd.why = check.detail;
        if (motion.cycle != anim::MotionCycle::kStill) {
          sd.asked.insert(std::string(anim::MotionCycleName(motion.cycle)));
        }
        if (motion.travels)
          sd.asked.insert(std::string(anim::MotionCycleName(anim::MotionCycle::kWalk)));
        ++sd.agents;
      }
      motion = {};
    }
    out.agents.push_back({p.inst.name, d.id, d.performer_id, a.licence_id, a.max_screen_fraction,
                          judged.performer.synthetic, !p.alterations.empty()});
    out.instances.push_back(p.inst);
    out.motions.push_back(motion);
    out.placed.push_back(a.agent);
  }
  for (auto& [id, sd] : still) out.standing_still.push_back(std::move(sd));
  return out;
}

void CountMotion(const std::vector<PlacedAgent>& agents, const RenderedAgents& rendered,
                 std::vector<GroupReport>& groups) {
  for (size_t r = 0; r < rendered.placed.size(); ++r) {
    const int group = agents[rendered.placed[r]].group;
    if (group < 0) continue;
    GroupReport& gr = groups[static_cast<size_t>(group)];
    const AgentMotion& m = rendered.motions[r];
    ++(m.cycle == anim::MotionCycle::kStill && !m.travels ? gr.agents_still : gr.agents_moving);
  }
}

std::vector<Reconfirm> LicencesToReconfirm(const RenderedAgents& rendered,
                                           const CastingPool& pool) {
  std::map<std::string, Reconfirm> by_licence;
  for (size_t r = 0; r < rendered.agents.size(); ++r) {
    if (!rendered.motions[r].travels) continue;
    const CastAgent& a = rendered.agents[r];
    const auto performer = pool.performers.find(a.performer_id);
    if (performer == pool.performers.end()) continue;
    for (const consent::LicenceFacts& f : performer->second.licences) {
      if (f.id != a.licence_id || !consent::NeedsMovementReconfirmation(f.disclosure_version)) {
        continue;
      }
      Reconfirm& x = by_licence[f.id];
      x = {f.id, a.performer_id, a.double_id, f.disclosure_version, x.agents + 1};
    }
  }
  std::vector<Reconfirm> out;
  out.reserve(by_licence.size());
  for (auto& [id, x] : by_licence) out.push_back(std::move(x));
  return out;
}

}  // namespace figurant::shot::internal

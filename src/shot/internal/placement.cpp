#include "shot/internal/placement.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <utility>
#include <variant>

#include "core/random.h"
#include "crowd/layout.h"
#include "shot/internal/screen.h"

namespace figurant::shot::internal {
namespace {

// Salt for the phase stream, so phases do not disturb the existing tint and scale draws.
constexpr uint64_t kPhaseSalt = 0x70686173655f3031ULL;
// Salt for the shuffle that assigns agents to tag-mix sub-pools.
constexpr uint64_t kTagMixSalt = 0x5bd1e995ULL;

// FNV-1a (Fowler, Noll, Vo), so a double's jitter does not depend on the standard library.
uint64_t HashId(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  return h;
}

bool HasAllTags(const registry::Double& d, const std::vector<std::string>& tags) {
  return std::all_of(tags.begin(), tags.end(), [&](const std::string& t) {
    return std::find(d.look_tags.begin(), d.look_tags.end(), t) != d.look_tags.end();
  });
}

std::string InGroup(const crowd::CrowdGroup& g) { return "crowd group '" + g.name + "'"; }

// The group laid out: on the set's surface, or (without set meshes) on the ground plane wherever
// it is; seats carry their own heights.
Result<crowd::LayoutResult> LayOut(const crowd::SceneSpec& spec, size_t gi, uint64_t seed,
                                   const ShotSet& set) {
  const crowd::CrowdGroup& g = spec.crowds[gi];
  Result<crowd::LayoutResult> layout = InvalidArgument("unreachable");
  if (const auto* a = std::get_if<crowd::AreaSpec>(&g.layout)) {
    layout = crowd::LayoutArea(*a, seed, set.stand_on());
  }
  if (const auto* s = std::get_if<crowd::SeatsSpec>(&g.layout)) {
    crowd::SeatsSpec seats = *s;
    if (const auto it = set.seat_meshes.find(gi); it != set.seat_meshes.end()) {
      seats.seat_geometry = it->second;
    }
    layout = crowd::LayoutSeats(seats, seed);
  }
  if (const auto* p = std::get_if<crowd::PathSpec>(&g.layout)) {
    layout = crowd::LayoutPath(*p, seed, set.stand_on());
  }
  if (!layout.ok()) return layout.status().WithContext(InGroup(g));
  if (set.stand_on() == nullptr && spec.set.has_ground &&
      !std::holds_alternative<crowd::SeatsSpec>(g.layout)) {
    for (crowd::Placement& pl : layout->placements) {
      pl.position.y += static_cast<float>(spec.set.ground_height);
    }
  }
  return layout;
}

// Why no pool double fits the group; a studio TD fixes a licence, a production's media or
// territories from this.
Status NoDoubleFits(const crowd::CrowdGroup& g, const CastingPool& pool) {
  std::string msg = InGroup(g) + ": ";
  if (!pool.doubles.empty()) {
    return FailedPrecondition(msg + "none of the " + std::to_string(pool.doubles.size()) +
                              " licensed doubles matches its look tags and height range");
  }
  msg += "no double in the bank is licensed for this production and use";
  std::string sep = " (excluded: ";
  for (const auto& [reason, n] : pool.excluded_by_reason) {
    msg += sep + reason + " " + std::to_string(n);
    sep = ", ";
  }
  if (!pool.excluded_by_reason.empty()) msg += ")";
  return FailedPrecondition(msg);
}

// The pools casting draws a group's agents from: the pool filtered by the group's look tags and
// height range, then one sub-pool per tag of its tag mix, given to that share of the agents
// (chosen by a seeded shuffle).
struct GroupPools {
  std::vector<std::vector<int>> pools;  // indices into CastingPool::doubles; [0]: the whole filter
  std::vector<int> agent_pool;          // per placement: index into pools
};

Result<GroupPools> SplitPool(const crowd::CrowdGroup& g, const CastingPool& pool, uint64_t seed,
                             size_t placements) {
  std::vector<int> base;
  for (size_t i = 0; i < pool.doubles.size(); ++i) {
    const registry::Double& d = pool.doubles[i].row;
    if (!HasAllTags(d, g.filter.look_tags)) continue;
    if (g.filter.min_height_m && d.height_m < *g.filter.min_height_m) continue;
    if (g.filter.max_height_m && d.height_m > *g.filter.max_height_m) continue;
    base.push_back(static_cast<int>(i));
  }
  if (base.empty() && placements > 0) return NoDoubleFits(g, pool);
  GroupPools out{{base}, std::vector<int>(placements, 0)};
  Rng mix(seed ^ kTagMixSalt);
  std::vector<size_t> order(placements);
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[mix.Below(i)]);
  size_t next = 0;
  for (const auto& [tag, share] : g.filter.tag_mix) {
    std::vector<int> sub;
    for (int i : base) {
      if (HasAllTags(pool.doubles[static_cast<size_t>(i)].row, {tag})) sub.push_back(i);
    }
    if (sub.empty()) {
      return FailedPrecondition(InGroup(g) + ": tag_mix asks for '" + tag +
                                "' but no licensed double carries it");
    }
    out.pools.push_back(std::move(sub));
    const auto n = static_cast<size_t>(std::llround(share * static_cast<double>(order.size())));
    for (size_t k = 0; k < n && next < order.size(); ++k) {
      out.agent_pool[order[next++]] = static_cast<int>(out.pools.size() - 1);
    }
  }
  return out;
}

// Agent `i` of the group, showing `pd`: its variation drawn within what pd's licence permits (and,
// for wardrobe, what the double marks), its motion from the group's.
PlacedAgent VaryAgent(const crowd::SceneSpec& spec, size_t gi, uint64_t seed, size_t i,
                      const PoolDouble& pd, const crowd::Placement& pl) {
  const crowd::CrowdGroup& g = spec.crowds[gi];
  const crowd::VariationSpec& v = g.variation;
  Rng var = Rng::Derive(seed, i + 1);
  PlacedAgent p;
  p.double_id = pd.row.id;
  p.group = static_cast<int>(gi);
  p.inst.position = pl.position;
  p.inst.heading_rad = pl.heading_rad;
  p.inst.name = g.name + "_" + std::to_string(i);
  // Wardrobe variation needs wardrobe: a double that marks none (a bare scan) keeps its colours.
  if (pd.tint_ok && pd.row.has_wardrobe_regions &&
      (v.tint_hue_deg > 0 || v.tint_saturation > 0 || v.tint_value > 0)) {
    p.inst.hue_shift_deg = static_cast<float>(var.Uniform(-v.tint_hue_deg, v.tint_hue_deg));
    p.inst.saturation_scale =
        static_cast<float>(1 + var.Uniform(-v.tint_saturation, v.tint_saturation));
    p.inst.value_scale = static_cast<float>(1 + var.Uniform(-v.tint_value, v.tint_value));
    p.alterations.push_back(consent::Alteration::kWardrobeTint);
  }
  if (pd.scale_ok && v.body_scale > 0) {
    p.inst.scale = static_cast<float>(1 + var.Uniform(-v.body_scale, v.body_scale));
    p.alterations.push_back(consent::Alteration::kBodyScale);
  }
  // Pose and phase are not licence alterations (docs/motion.md): the double's appearance is
  // unchanged, as it is by heading. A separate stream keeps the tint and scale draws as they were
  // before motion existed.
  Rng phase_rng = Rng::Derive(seed ^ kPhaseSalt, i + 1);
  p.motion = {g.motion.cycle, v.phase * phase_rng.Uniform(), g.motion.variants,
              g.motion.cycle_seconds,
              Rng::Mix(spec.seed ^ HashId(pd.row.id) ^ static_cast<uint64_t>(g.motion.cycle)) | 1};
  if (g.Moves()) {
    p.motion.travels = true;
    p.motion.walk_jitter_seed =
        Rng::Mix(spec.seed ^ HashId(pd.row.id) ^ static_cast<uint64_t>(anim::MotionCycle::kWalk)) |
        1;
  }
  return p;
}

// What casting reads of a group: its agents where they start, or (when the crowd moves) at each
// moment cast, snapshot after snapshot (crowd::CastOptions::moments).
struct GroupCasting {
  std::vector<crowd::CastAgent> agents;
  int moments = 1;
  double margin_m = 0;  // CastMargin [Units: metres]
};

GroupCasting CastingOf(const crowd::SceneSpec& spec, size_t gi, const crowd::LayoutResult& layout,
                       const GroupPools& pools, const CrowdTracks* tracks) {
  const ScreenProjector screen(spec.camera);
  const size_t n = layout.placements.size();
  const bool moves = tracks != nullptr && spec.crowds[gi].Moves();
  const std::vector<int> frames = moves ? CastMoments(tracks->paths.frames, n) : std::vector{0};
  GroupCasting out;
  out.moments = static_cast<int>(frames.size());
  if (moves) out.margin_m = CastMargin(*tracks, frames, spec.frames.fps);
  out.agents.resize(n * frames.size());
  for (size_t k = 0; k < frames.size(); ++k) {
    for (size_t i = 0; i < n; ++i) {
      crowd::CastAgent& a = out.agents[k * n + i];
      a.position = layout.placements[i].position;
      const int track = tracks != nullptr ? tracks->track_of[gi][i] : -1;
      if (moves && track >= 0) a.position = tracks->paths.At(frames[k], track).position;
      a.screen = screen.PointOf(a.position);
      a.pool = pools.agent_pool[i];
    }
  }
  return out;
}

// Casting's refusal, naming the group and, for a moving crowd, the margin asked beyond the minimum.
Status CastingFailed(const Status& s, const crowd::CrowdGroup& g, double margin_m) {
  Status named = s.WithContext(InGroup(g));
  if (margin_m <= 0) return named;
  char why[200];
  std::snprintf(why, sizeof why,
                " (the crowd moves: its clone minimum is checked at the moments cast, plus %.2f m "
                "its walkers can close between two of them)",
                margin_m);
  return Status(named.code(), std::string(named.message()) + why);
}

}  // namespace

uint64_t GroupSeed(uint64_t scene_seed, size_t group) {
  return Rng::Mix(scene_seed ^ (0x9e3779b97f4a7c15ULL * (group + 1)));
}

Result<std::vector<crowd::LayoutResult>> LayOutGroups(const crowd::SceneSpec& spec,
                                                      const ShotSet& set) {
  std::vector<crowd::LayoutResult> out;
  for (size_t gi = 0; gi < spec.crowds.size(); ++gi) {
    FIGURANT_ASSIGN_OR_RETURN(crowd::LayoutResult layout,
                              LayOut(spec, gi, GroupSeed(spec.seed, gi), set));
    out.push_back(std::move(layout));
  }
  return out;
}

std::vector<render::SetGeometry> TakeTiers(std::vector<crowd::LayoutResult>& layouts) {
  std::vector<render::SetGeometry> out;
  for (crowd::LayoutResult& l : layouts) {
    if (l.set_geometry.positions.empty()) continue;
    out.push_back(render::SetGeometry{std::move(l.set_geometry), kTierAlbedo});
    l.set_geometry = {};
  }
  return out;
}

Result<PlacedGroup> PlaceGroup(const crowd::SceneSpec& spec, size_t gi,
                               const crowd::LayoutResult& layout, const CastingPool& pool,
                               bool allow_clones, const CrowdTracks* tracks) {
  const crowd::CrowdGroup& g = spec.crowds[gi];
  const uint64_t seed = GroupSeed(spec.seed, gi);
  PlacedGroup out;
  GroupReport& gr = out.report;
  gr.name = g.name;
  gr.motion_cycle = std::string(anim::MotionCycleName(g.motion.cycle));
  gr.motion_variants = g.motion.variants;
  gr.motion_cycle_seconds = g.motion.cycle_seconds;
  gr.asked = layout.asked;
  gr.placed = static_cast<int>(layout.placements.size());
  gr.shortfall = layout.shortfall;
  gr.set_blocked_fraction = layout.set_blocked_fraction;
  FIGURANT_ASSIGN_OR_RETURN(const GroupPools pools,
                            SplitPool(g, pool, seed, layout.placements.size()));
  gr.doubles_eligible = static_cast<int>(pools.pools[0].size());
  if (layout.placements.empty()) return out;
  const GroupCasting casting = CastingOf(spec, gi, layout, pools, tracks);
  crowd::CastOptions co{g.clones.min_same_double_distance_m + casting.margin_m,
                        g.clones.min_same_double_screen_fraction, allow_clones, seed};
  co.moments = casting.moments;
  auto cast = crowd::Cast(casting.agents, pools.pools, static_cast<int>(pool.doubles.size()), co);
  if (!cast.ok()) return CastingFailed(cast.status(), g, casting.margin_m);
  gr.clone_world_min_m = cast->world_min_m;
  gr.clone_screen_min_fraction = cast->screen_min_fraction;
  gr.clone_constraints_met = cast->constraints_met;
  const std::vector<int>* track_of = tracks != nullptr ? &tracks->track_of[gi] : nullptr;
  for (size_t i = 0; i < cast->assignment.size(); ++i) {
    const PoolDouble& pd = pool.doubles[static_cast<size_t>(cast->assignment[i])];
    PlacedAgent p = VaryAgent(spec, gi, seed, i, pd, layout.placements[i]);
    p.cast = casting.agents[i];
    if (track_of != nullptr) p.track = (*track_of)[i];
    out.agents.push_back(std::move(p));
  }
  return out;
}

Result<std::vector<PlacedAgent>> ExplicitAgents(const crowd::SceneSpec& spec,
                                                const CastingPool& pool) {
  const ScreenProjector screen(spec.camera);
  std::vector<PlacedAgent> out;
  for (size_t i = 0; i < spec.agents.size(); ++i) {
    const crowd::AgentSpec& a = spec.agents[i];
    if (!pool.judged.contains(a.double_id)) {
      return InvalidArgument("scene field 'agents[" + std::to_string(i) + "].double': no double '" +
                             a.double_id + "' in this bank");
    }
    PlacedAgent p;
    p.double_id = a.double_id;
    p.inst.position = a.position;
    p.inst.heading_rad = static_cast<float>(a.heading_deg * M_PI / 180.0);
    p.inst.scale = static_cast<float>(a.scale);
    p.inst.tint = a.tint;
    p.inst.lod = a.lod;
    p.inst.name = a.name;
    // Explicit agents play the cycle as designed, at the finest phase step.
    p.motion = {a.motion, a.phase, crowd::kMaxMotionVariants, a.cycle_seconds, 0};
    if (a.tint != geom::Vec3f{1, 1, 1}) p.alterations.push_back(consent::Alteration::kWardrobeTint);
    if (a.scale != 1.0) p.alterations.push_back(consent::Alteration::kBodyScale);
    p.cast.position = a.position;
    p.cast.screen = screen.PointOf(a.position);
    out.push_back(std::move(p));
  }
  return out;
}

Result<ShotPlacement> PlaceAgents(const crowd::SceneSpec& spec,
                                  const std::vector<crowd::LayoutResult>& layouts,
                                  const CastingPool& pool, bool allow_clones,
                                  const CrowdTracks* tracks) {
  ShotPlacement out;
  for (size_t gi = 0; gi < spec.crowds.size(); ++gi) {
    FIGURANT_ASSIGN_OR_RETURN(PlacedGroup g,
                              PlaceGroup(spec, gi, layouts[gi], pool, allow_clones, tracks));
    out.groups.push_back(std::move(g.report));
    std::move(g.agents.begin(), g.agents.end(), std::back_inserter(out.agents));
  }
  FIGURANT_ASSIGN_OR_RETURN(std::vector<PlacedAgent> explicit_agents, ExplicitAgents(spec, pool));
  std::move(explicit_agents.begin(), explicit_agents.end(), std::back_inserter(out.agents));
  return out;
}

}  // namespace figurant::shot::internal

#include "shot/shot.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>
#include <tuple>

#include "anim/pose_variation.h"
#include "core/file.h"
#include "core/random.h"
#include "crowd/casting.h"
#include "crowd/layout.h"
#include "crowd/set_surface.h"
#include "render/output.h"
#include "shot/set_meshes.h"

namespace figurant::shot {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Height above the feet of the point projected for screen distances: the chest, where viewers look.
constexpr float kScreenProbeHeightM = 1.2f;
// Concrete, for generated stand tiers. [linear albedo]
constexpr geom::Vec3f kTierAlbedo{0.42f, 0.41f, 0.40f};
// Agents this far outside the frame (fraction of width) still count as "in frame" for clones.
constexpr float kFrameMargin = 0.05f;

struct PoolDouble {
  registry::Double row;
  registry::Performer performer;
  std::string licence_id;  // the licence allowing the production (no alterations)
  bool tint_ok = false;    // that licence permits wardrobe_tint
  bool scale_ok = false;   // ... and body_scale
};

// How one agent moves: its cycle, its phase at the scene's first frame and how phases are
// quantised (docs/motion.md).
struct AgentMotion {
  anim::MotionCycle cycle = anim::MotionCycle::kStill;
  double phase0 = 0;         // [Units: cycles] [Limits: 0..1]
  int variants = 1;          // phase steps per cycle [Limits: 1..32]
  double cycle_seconds = 1;  // [Units: seconds] [Limits: > 0]
  uint64_t jitter_seed = 0;  // 0: the cycle as designed
};

// A render prototype: one double in one pose. Still poses have cycle kStill, step 0, variants 1.
struct PoseKey {
  std::string double_id;
  anim::MotionCycle cycle = anim::MotionCycle::kStill;
  int step = 0, variants = 1;
  uint64_t jitter_seed = 0;
  bool operator<(const PoseKey& o) const {
    return std::tie(double_id, cycle, step, variants, jitter_seed) <
           std::tie(o.double_id, o.cycle, o.step, o.variants, o.jitter_seed);
  }
};

// The phase step an agent shows at `frame`: its phase advanced by the time since the scene's
// first frame (not the first frame rendered, so frames rendered apart agree), rounded to the
// nearest of `variants` steps.
int PhaseStep(const AgentMotion& m, int frame, const crowd::FrameRange& frames) {
  const double t = (frame - frames.start) / frames.fps;
  const double phase = m.phase0 + t / m.cycle_seconds;
  const double steps = std::floor(phase * m.variants + 0.5);
  const double wrapped = steps - m.variants * std::floor(steps / m.variants);
  return std::clamp(static_cast<int>(wrapped), 0, m.variants - 1);
}

// FNV-1a (Fowler, Noll, Vo), so a double's jitter does not depend on the standard library.
uint64_t HashId(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
  return h;
}

// Salt for the phase stream, so phases do not disturb the existing tint and scale draws.
constexpr uint64_t kPhaseSalt = 0x70686173655f3031ULL;

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

bool HasAllTags(const registry::Double& d, const std::vector<std::string>& tags) {
  return std::all_of(tags.begin(), tags.end(), [&](const std::string& t) {
    return std::find(d.look_tags.begin(), d.look_tags.end(), t) != d.look_tags.end();
  });
}

// The agent's position on screen as fractions of frame width (x and y), when in frame.
std::optional<geom::Vec2f> ScreenPoint(const geom::Camera& cam, const geom::Camera::Basis& b,
                                       const geom::Vec3f& feet) {
  const auto p = cam.Project(b, feet + geom::Vec3f{0, kScreenProbeHeightM, 0});
  if (!p) return std::nullopt;
  const float w = static_cast<float>(cam.width), h = static_cast<float>(cam.height);
  if (p->x < -kFrameMargin * w || p->x > (1 + kFrameMargin) * w || p->y < -kFrameMargin * w ||
      p->y > h + kFrameMargin * w) {
    return std::nullopt;
  }
  return geom::Vec2f{p->x / w, p->y / w};
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
          {"timings",
           {{"resolve_s", resolve_seconds},
            {"pose_s", pose_seconds},
            {"build_s", build_seconds},
            {"render_s", render_seconds},
            {"rays_per_s", render_seconds > 0 ? rays / render_seconds : 0.0}}}};
}

Result<ShotReport> RenderShot(bank::Bank& bank, const crowd::SceneSpec& spec,
                              const ShotOptions& options, const FrameSink& sink) {
  const auto t0 = std::chrono::steady_clock::now();
  ShotReport report;
  report.production = spec.production;
  report.shot = spec.shot;
  // Set meshes first: the importer forks, best done before anything else holds locks.
  FIGURANT_ASSIGN_OR_RETURN(std::vector<render::SetGeometry> set_geometry,
                            LoadSetMeshes(spec.set, spec.base_dir));
  // Seats groups' seat meshes, for the same reason.
  std::map<size_t, std::shared_ptr<const geom::Mesh>> seat_meshes;
  for (size_t gi = 0; gi < spec.crowds.size(); ++gi) {
    const auto* seats = std::get_if<crowd::SeatsSpec>(&spec.crowds[gi].layout);
    if (seats == nullptr || seats->seat_mesh.empty()) continue;
    FIGURANT_ASSIGN_OR_RETURN(seat_meshes[gi],
                              LoadSeatMesh(seats->seat_mesh, spec.base_dir,
                                           "crowds[" + std::to_string(gi) + "].seat_mesh"));
  }
  // Area and path groups stand on the set when it has meshes; otherwise on the ground plane.
  std::optional<crowd::SetSurface> surface;
  if (!set_geometry.empty()) {
    std::vector<geom::Mesh> meshes;
    meshes.reserve(set_geometry.size());
    for (const render::SetGeometry& g : set_geometry) meshes.push_back(g.mesh);
    surface.emplace(
        meshes, spec.set.has_ground ? std::optional<double>(spec.set.ground_height) : std::nullopt);
  }
  const crowd::SetSurface* stand_on = surface ? &*surface : nullptr;
  const Date today = bank.clock().Today();
  auto production = bank.ProductionFactsOf(spec.production);
  if (!production.ok()) {
    return InvalidArgument("scene field 'production': " + production.status().message());
  }

  // The casting pool: every double the licences allow for this production today.
  FIGURANT_ASSIGN_OR_RETURN(
      auto judged, bank.JudgeDoubles(spec.production, consent::Use::kBackground, today, {}));
  std::map<std::string, std::vector<consent::LicenceFacts>> licences_of;
  std::map<std::string, consent::PerformerFacts> performer_facts;
  std::vector<PoolDouble> pool;
  std::map<std::string, const bank::DoubleEligibility*> by_double;
  for (const bank::DoubleEligibility& e : judged) {
    by_double[e.double_row.id] = &e;
    if (!licences_of.contains(e.performer.id)) {
      FIGURANT_ASSIGN_OR_RETURN(licences_of[e.performer.id], bank.LicenceFactsOf(e.performer.id));
      FIGURANT_ASSIGN_OR_RETURN(performer_facts[e.performer.id],
                                bank.PerformerFactsOf(e.performer.id));
    }
    if (!e.decision.allowed || !e.double_row.blob_id) {
      for (consent::ReasonCode c : e.decision.AllReasonCodes()) {
        ++report.excluded_by_reason[std::string(consent::ReasonCodeName(c))];
      }
      if (e.decision.allowed) ++report.excluded_by_reason["no_geometry"];
      continue;
    }
    PoolDouble p{e.double_row, e.performer, e.decision.licence_id};
    for (const consent::LicenceFacts& l : licences_of[e.performer.id]) {
      if (l.id != p.licence_id) continue;
      const auto& alts = l.terms.alterations;
      p.tint_ok =
          std::find(alts.begin(), alts.end(), consent::Alteration::kWardrobeTint) != alts.end();
      p.scale_ok =
          std::find(alts.begin(), alts.end(), consent::Alteration::kBodyScale) != alts.end();
    }
    pool.push_back(std::move(p));
  }
  report.doubles_eligible = static_cast<int>(pool.size());

  const geom::Camera& cam = spec.camera;
  const geom::Camera::Basis basis = cam.ComputeBasis();

  // Agents before the per-agent check: (pool index or -1 for explicit), the instance, alterations.
  struct Pending {
    render::AgentInstance inst;
    std::string double_id;
    const bank::DoubleEligibility* judged = nullptr;
    std::vector<consent::Alteration> alterations;
    AgentMotion motion;
    int group = -1;  // index into report.groups, -1 for explicit agents
  };
  std::vector<Pending> pending;
  std::vector<crowd::CastAgent> all_cast;
  std::vector<int> all_assign;  // global double index per cast agent, for the clone report
  std::map<std::string, int> global_double_index;
  auto global_index = [&](const std::string& id) {
    return global_double_index.emplace(id, static_cast<int>(global_double_index.size()))
        .first->second;
  };

  for (size_t gi = 0; gi < spec.crowds.size(); ++gi) {
    const crowd::CrowdGroup& g = spec.crowds[gi];
    const uint64_t seed = Rng::Mix(spec.seed ^ (0x9e3779b97f4a7c15ULL * (gi + 1)));
    GroupReport gr;
    gr.name = g.name;
    gr.motion_cycle = std::string(anim::MotionCycleName(g.motion.cycle));
    gr.motion_variants = g.motion.variants;
    gr.motion_cycle_seconds = g.motion.cycle_seconds;
    Result<crowd::LayoutResult> layout = InvalidArgument("unreachable");
    if (const auto* a = std::get_if<crowd::AreaSpec>(&g.layout))
      layout = crowd::LayoutArea(*a, seed, stand_on);
    if (const auto* s = std::get_if<crowd::SeatsSpec>(&g.layout)) {
      crowd::SeatsSpec seats = *s;
      if (const auto it = seat_meshes.find(gi); it != seat_meshes.end()) {
        seats.seat_geometry = it->second;
      }
      layout = crowd::LayoutSeats(seats, seed);
    }
    if (const auto* p = std::get_if<crowd::PathSpec>(&g.layout))
      layout = crowd::LayoutPath(*p, seed, stand_on);
    if (!layout.ok()) return layout.status().WithContext("crowd group '" + g.name + "'");
    // Without set meshes, area and path groups stand on the ground plane, wherever it is (seats
    // carry their own heights).
    if (stand_on == nullptr && spec.set.has_ground &&
        !std::holds_alternative<crowd::SeatsSpec>(g.layout)) {
      for (crowd::Placement& pl : layout->placements) {
        pl.position.y += static_cast<float>(spec.set.ground_height);
      }
    }
    if (!layout->set_geometry.positions.empty()) {
      set_geometry.push_back({std::move(layout->set_geometry), kTierAlbedo});
    }
    gr.asked = layout->asked;
    gr.placed = static_cast<int>(layout->placements.size());
    gr.shortfall = layout->shortfall;
    gr.set_blocked_fraction = layout->set_blocked_fraction;

    // The group's pool after its filters; tag mixes become sub-pools.
    std::vector<int> base;
    for (size_t i = 0; i < pool.size(); ++i) {
      const registry::Double& d = pool[i].row;
      if (!HasAllTags(d, g.filter.look_tags)) continue;
      if (g.filter.min_height_m && d.height_m < *g.filter.min_height_m) continue;
      if (g.filter.max_height_m && d.height_m > *g.filter.max_height_m) continue;
      base.push_back(static_cast<int>(i));
    }
    gr.doubles_eligible = static_cast<int>(base.size());
    if (base.empty() && gr.placed > 0) {
      std::string msg = "crowd group '" + g.name + "': ";
      if (pool.empty()) {
        // Say why: a studio TD fixes a licence, a production's media or territories from this.
        msg += "no double in the bank is licensed for this production and use";
        std::string sep = " (excluded: ";
        for (const auto& [reason, n] : report.excluded_by_reason) {
          msg += sep + reason + " " + std::to_string(n);
          sep = ", ";
        }
        if (!report.excluded_by_reason.empty()) msg += ")";
      } else {
        msg += "none of the " + std::to_string(pool.size()) +
               " licensed doubles matches its look tags and height range";
      }
      return FailedPrecondition(msg);
    }
    std::vector<std::vector<int>> pools = {base};
    std::vector<int> agent_pool(layout->placements.size(), 0);
    {
      Rng mix(seed ^ 0x5bd1e995ULL);
      std::vector<size_t> order(layout->placements.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[mix.Below(i)]);
      size_t next = 0;
      for (const auto& [tag, share] : g.filter.tag_mix) {
        std::vector<int> sub;
        for (int i : base) {
          if (HasAllTags(pool[static_cast<size_t>(i)].row, {tag})) sub.push_back(i);
        }
        if (sub.empty()) {
          return FailedPrecondition("crowd group '" + g.name + "': tag_mix asks for '" + tag +
                                    "' but no licensed double carries it");
        }
        pools.push_back(std::move(sub));
        const auto n = static_cast<size_t>(std::llround(share * static_cast<double>(order.size())));
        for (size_t k = 0; k < n && next < order.size(); ++k) {
          agent_pool[order[next++]] = static_cast<int>(pools.size() - 1);
        }
      }
    }
    std::vector<crowd::CastAgent> cast_agents(layout->placements.size());
    for (size_t i = 0; i < cast_agents.size(); ++i) {
      cast_agents[i].position = layout->placements[i].position;
      cast_agents[i].screen = ScreenPoint(cam, basis, layout->placements[i].position);
      cast_agents[i].pool = agent_pool[i];
    }
    crowd::CastOptions co;
    co.min_world_m = g.clones.min_same_double_distance_m;
    co.min_screen_fraction = g.clones.min_same_double_screen_fraction;
    co.allow_clones = options.allow_clones;
    co.seed = seed;
    std::vector<int> assignment;
    if (!cast_agents.empty()) {
      auto cast = crowd::Cast(cast_agents, pools, static_cast<int>(pool.size()), co);
      if (!cast.ok()) return cast.status().WithContext("crowd group '" + g.name + "'");
      gr.clone_world_min_m = cast->world_min_m;
      gr.clone_screen_min_fraction = cast->screen_min_fraction;
      gr.clone_constraints_met = cast->constraints_met;
      assignment = cast->assignment;
    }
    report.groups.push_back(gr);

    for (size_t i = 0; i < assignment.size(); ++i) {
      const PoolDouble& pd = pool[static_cast<size_t>(assignment[i])];
      const crowd::Placement& pl = layout->placements[i];
      Rng var = Rng::Derive(seed, i + 1);
      Pending p;
      p.double_id = pd.row.id;
      p.judged = by_double[pd.row.id];
      p.inst.position = pl.position;
      p.inst.heading_rad = pl.heading_rad;
      p.inst.name = g.name + "_" + std::to_string(i);
      const crowd::VariationSpec& v = g.variation;
      // Wardrobe variation needs wardrobe: a double that marks none (a bare scan) keeps its
      // colours.
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
      // unchanged, as it is by heading. A separate stream keeps the tint and scale draws as they
      // were before motion existed.
      Rng phase_rng = Rng::Derive(seed ^ kPhaseSalt, i + 1);
      p.motion = {
          g.motion.cycle, v.phase * phase_rng.Uniform(), g.motion.variants, g.motion.cycle_seconds,
          Rng::Mix(spec.seed ^ HashId(pd.row.id) ^ static_cast<uint64_t>(g.motion.cycle)) | 1};
      p.group = static_cast<int>(report.groups.size() - 1);
      all_cast.push_back(cast_agents[i]);
      all_assign.push_back(global_index(pd.row.id));
      pending.push_back(std::move(p));
    }
  }

  // Explicit agents.
  for (size_t i = 0; i < spec.agents.size(); ++i) {
    const crowd::AgentSpec& a = spec.agents[i];
    const auto it = by_double.find(a.double_id);
    if (it == by_double.end()) {
      return InvalidArgument("scene field 'agents[" + std::to_string(i) + "].double': no double '" +
                             a.double_id + "' in this bank");
    }
    Pending p;
    p.double_id = a.double_id;
    p.judged = it->second;
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
    crowd::CastAgent ca;
    ca.position = a.position;
    ca.screen = ScreenPoint(cam, basis, a.position);
    all_cast.push_back(ca);
    all_assign.push_back(global_index(a.double_id));
    pending.push_back(std::move(p));
  }

  // The check, per agent, with its real on-screen height and alterations. The licence that
  // allowed each kept agent is the one its usage is billed to.
  std::vector<size_t> keep;
  std::vector<std::string> allowed_licence;  // per kept agent
  for (size_t i = 0; i < pending.size(); ++i) {
    const Pending& p = pending[i];
    const registry::Double& d = p.judged->double_row;
    consent::UseRequest req;
    req.production = *production;
    req.use = consent::Use::kBackground;
    req.date = today;
    req.screen_height_fraction =
        cam.ScreenHeightFraction(basis, p.inst.position, d.height_m * p.inst.scale);
    req.alterations = p.alterations;
    const consent::Decision decision =
        consent::Check(licences_of[d.performer_id], performer_facts[d.performer_id], req);
    if (decision.allowed && d.blob_id) {
      keep.push_back(i);
      allowed_licence.push_back(decision.licence_id);
      continue;
    }
    RefusedAgent r{p.inst.name, d.id, d.performer_id, {}};
    if (!d.blob_id) r.reasons.emplace_back("no_geometry: the double has no stored geometry");
    for (const consent::LicenceDenial& den : decision.denials) {
      for (const consent::Reason& reason : den.reasons) {
        r.reasons.push_back((den.licence_id.empty() ? "" : den.licence_id + ": ") +
                            std::string(consent::ReasonCodeName(reason.code)) + ": " +
                            reason.detail);
      }
    }
    report.refused.push_back(std::move(r));
  }
  if (!report.refused.empty() && !options.drop_refused) {
    std::string m = std::to_string(report.refused.size()) +
                    " agent(s) are not allowed by their performers' licences (nothing rendered; "
                    "--drop-refused renders without them):";
    for (const RefusedAgent& r : report.refused) {
      m += "\n  " + r.agent + " (double " + r.double_id + ")";
      for (const std::string& why : r.reasons) m += "\n    " + why;
    }
    return PermissionDenied(m);
  }

  // Geometry of the doubles used, loaded (decrypted) once each.
  render::RenderScene rs;
  rs.camera = cam;
  rs.lighting = spec.lighting;
  rs.has_ground = spec.set.has_ground;
  rs.ground_height = static_cast<float>(spec.set.ground_height);
  rs.ground_albedo = spec.set.ground_albedo;
  rs.set = std::move(set_geometry);
  std::vector<crowd::CastAgent> kept_cast;
  std::vector<int> kept_assign;
  std::vector<AgentMotion> motions;  // per rendered agent
  // Each double shown, loaded once: its stored (bind) asset, whether it can be posed, and its
  // standing height.
  struct Shown {
    std::shared_ptr<const geom::DoubleAsset> bind;
    const registry::Double* row = nullptr;
    anim::MotionCheck motion;
    float standing_height_m = 0;
  };
  std::map<std::string, StillDouble> still;  // doubles asked to move that cannot be posed
  std::map<std::string, Shown> shown;
  for (size_t k = 0; k < keep.size(); ++k) {
    const size_t i = keep[k];
    Pending& p = pending[i];
    const registry::Double& d = p.judged->double_row;
    auto it = shown.find(d.id);
    if (it == shown.end()) {
      FIGURANT_ASSIGN_OR_RETURN(geom::DoubleAsset asset, bank.LoadDouble(d.id));
      Shown s;
      s.bind = std::make_shared<const geom::DoubleAsset>(std::move(asset));
      s.row = &d;
      s.motion = anim::CheckMotionSupport(s.bind->mesh);
      s.standing_height_m = s.bind->mesh.StandingHeight();
      it = shown.emplace(d.id, std::move(s)).first;
    }
    // A double that cannot be posed (no skeleton, or no legs) stands still, and the report says
    // so when its agent asked to move.
    if (!it->second.motion.ok()) {
      if (p.motion.cycle != anim::MotionCycle::kStill) {
        StillDouble& sd = still[d.id];
        sd.double_id = d.id;
        sd.why = it->second.motion.detail;
        sd.asked.insert(std::string(anim::MotionCycleName(p.motion.cycle)));
        ++sd.agents;
      }
      p.motion = {};
    }
    if (p.group >= 0) {
      GroupReport& gr = report.groups[static_cast<size_t>(p.group)];
      ++(p.motion.cycle == anim::MotionCycle::kStill ? gr.agents_still : gr.agents_moving);
    }
    report.agents.push_back({p.inst.name, d.id, d.performer_id, allowed_licence[k],
                             p.judged->performer.synthetic, !p.alterations.empty()});
    rs.agents.push_back(p.inst);
    motions.push_back(p.motion);
    kept_cast.push_back(all_cast[i]);
    kept_assign.push_back(all_assign[i]);
  }
  for (auto& [id, sd] : still) report.standing_still.push_back(std::move(sd));
  if (rs.agents.empty()) return FailedPrecondition("no agent is left to render");
  const int first = std::max(spec.frames.start, options.first_frame.value_or(spec.frames.start));
  const int last = std::min(spec.frames.end, options.last_frame.value_or(spec.frames.end));
  if (first > last) {
    return InvalidArgument("--frames " + std::to_string(options.first_frame.value_or(first)) + "-" +
                           std::to_string(options.last_frame.value_or(last)) +
                           " is outside the scene's frames " + std::to_string(spec.frames.start) +
                           "-" + std::to_string(spec.frames.end));
  }

  // Render prototypes: (double, cycle, phase step) for every agent in every frame rendered, so
  // memory grows with doubles × variants, not with agents or frames. Posed in parallel; the
  // result is the same for any thread count (each copy depends on its key alone).
  const auto tp = std::chrono::steady_clock::now();
  std::map<PoseKey, int> proto_of;
  std::vector<PoseKey> keys;
  auto key_of = [&](size_t agent, int frame) {
    const AgentMotion& m = motions[agent];
    const std::string& id = report.agents[agent].double_id;
    if (m.cycle == anim::MotionCycle::kStill) return PoseKey{id};
    return PoseKey{id, m.cycle, PhaseStep(m, frame, spec.frames), m.variants, m.jitter_seed};
  };
  auto prototypes_at = [&](int frame) {
    std::vector<int> out(motions.size());
    for (size_t a = 0; a < motions.size(); ++a) out[a] = proto_of.at(key_of(a, frame));
    return out;
  };
  for (int frame = first; frame <= last; ++frame) {
    for (size_t a = 0; a < motions.size(); ++a) {
      PoseKey k = key_of(a, frame);
      if (proto_of.emplace(k, static_cast<int>(keys.size())).second) keys.push_back(std::move(k));
    }
  }
  std::vector<std::shared_ptr<const geom::DoubleAsset>> assets(keys.size());
  std::vector<Status> failures(keys.size());
  tbb::parallel_for(size_t{0}, keys.size(), [&](size_t k) {
    const PoseKey& key = keys[k];
    const std::shared_ptr<const geom::DoubleAsset>& bind = shown.at(key.double_id).bind;
    if (key.cycle == anim::MotionCycle::kStill) {
      assets[k] = bind;
      return;
    }
    const double phase = static_cast<double>(key.step) / key.variants;
    auto posed = anim::PoseDouble(*bind, {key.cycle, phase, 1.0, key.jitter_seed});
    if (!posed.ok()) {
      failures[k] = posed.status().WithContext("posing double " + key.double_id);
      return;
    }
    // The renderer needs no rig: drop it, and most of a copy's memory beyond its geometry.
    posed->mesh.skeleton.reset();
    posed->mesh.skin = {};
    assets[k] = std::make_shared<const geom::DoubleAsset>(std::move(posed).value());
  });
  for (const Status& f : failures) FIGURANT_RETURN_IF_ERROR(f);
  for (size_t k = 0; k < keys.size(); ++k) {
    const Shown& s = shown.at(keys[k].double_id);
    render::Prototype proto{s.row->id, s.row->performer_id, assets[k]};
    if (keys[k].cycle != anim::MotionCycle::kStill) {
      // The standing height of the double as stored, so levels and coverage ignore the pose.
      proto.standing_height_m = s.standing_height_m;
      ++report.posed_prototypes;
    }
    rs.prototypes.push_back(std::move(proto));
  }
  report.prototypes = static_cast<int>(rs.prototypes.size());
  shown.clear();  // doubles no agent shows still are freed with their last posed copy
  std::vector<int> current = prototypes_at(first);
  for (size_t a = 0; a < rs.agents.size(); ++a) rs.agents[a].prototype = current[a];
  report.pose_seconds = Seconds(tp);

  // The clone report over every rendered agent.
  std::vector<std::string> global_names(global_double_index.size());
  for (const auto& [id, idx] : global_double_index) global_names[static_cast<size_t>(idx)] = id;
  json clones = json::array();
  report.clone_world_min_m = INFINITY;
  report.clone_screen_min_fraction = INFINITY;
  for (const crowd::CloneStats& c :
       crowd::CloneReport(kept_cast, kept_assign, static_cast<int>(global_names.size()))) {
    if (c.agents == 0) continue;
    clones.push_back(
        {{"double", global_names[static_cast<size_t>(c.double_index)]},
         {"agents", c.agents},
         {"world_min_m", std::isfinite(c.world_min_m) ? json(c.world_min_m) : json()},
         {"screen_min_fraction",
          std::isfinite(c.screen_min_fraction) ? json(c.screen_min_fraction) : json()}});
    report.clone_world_min_m = std::min(report.clone_world_min_m, c.world_min_m);
    report.clone_screen_min_fraction =
        std::min(report.clone_screen_min_fraction, c.screen_min_fraction);
  }
  report.resolve_seconds = Seconds(t0);

  render::RenderOptions ro;
  ro.spp = spec.render.spp;
  ro.max_bounces = spec.render.max_bounces;
  ro.threads = options.threads >= 0 ? options.threads : spec.render.threads;
  ro.seed = spec.seed;
  ro.progress = options.progress;
  const auto tb = std::chrono::steady_clock::now();
  FIGURANT_ASSIGN_OR_RETURN(auto renderer, render::Renderer::Create(std::move(rs), ro));
  report.build_seconds = Seconds(tb);

  render::FrameNames names;
  std::vector<std::string> agent_doubles, agent_performers;
  for (const CastAgent& a : report.agents) {
    names.agents.push_back(a.name);
    agent_doubles.push_back(a.double_id);
    agent_performers.push_back(a.performer_id);
  }
  names.doubles = renderer->double_names();
  names.performers = renderer->performer_names();

  const fs::path first_out = spec.OutputFor(first);
  report.clone_report = first_out.parent_path() / (spec.shot + ".clones.json");
  FIGURANT_RETURN_IF_ERROR(EnsureDirectory(first_out.parent_path()));
  FIGURANT_RETURN_IF_ERROR(WriteFileAtomic(
      report.clone_report,
      json{{"shot", spec.shot}, {"production", spec.production}, {"doubles", clones}}.dump(2)));

  const auto tr = std::chrono::steady_clock::now();
  for (int frame = first; frame <= last; ++frame) {
    if (frame != first) {
      std::vector<int> next = prototypes_at(frame);
      if (next != current) {
        FIGURANT_RETURN_IF_ERROR(renderer->SetAgentPrototypes(next));
        current = std::move(next);
      }
    }
    FIGURANT_ASSIGN_OR_RETURN(render::Frame f, renderer->Render(frame));
    FrameOutput out;
    out.frame = frame;
    out.exr = spec.OutputFor(frame);
    out.seconds = f.stats.seconds;
    out.rays = f.stats.rays;
    if (spec.render.preview_png) out.png = render::PngPathFor(out.exr);
    FIGURANT_RETURN_IF_ERROR(
        render::WriteExrAndPreview(out.exr, out.png, f, names,
                                   {{"figurant/production", spec.production},
                                    {"figurant/shot", spec.shot},
                                    {"figurant/frame", std::to_string(frame)},
                                    {"figurant/seed", std::to_string(spec.seed)}}));
    out.coverage = render::CoveragePathFor(out.exr);
    json cov = render::CoverageJson(f, names, agent_doubles, agent_performers);
    cov["production"] = spec.production;
    cov["shot"] = spec.shot;
    cov["fps"] = spec.frames.fps;
    FIGURANT_RETURN_IF_ERROR(WriteFileAtomic(out.coverage, cov.dump(1)));
    if (sink) FIGURANT_RETURN_IF_ERROR(sink(f, out, report.agents));
    report.frames.push_back(out);
  }
  report.render_seconds = Seconds(tr);
  return report;
}

Result<FrameSink> MeteringSink(ledger::Ledger& ledger, const crowd::SceneSpec& spec,
                               const std::string& render_id, int* events_out) {
  FIGURANT_ASSIGN_OR_RETURN(auto latest, ledger::LatestRenders(ledger));
  auto previous = std::make_shared<std::map<ledger::FrameKey, std::string>>(std::move(latest));
  return FrameSink([&ledger, previous, render_id, events_out, production = spec.production,
                    shot = spec.shot,
                    fps = spec.frames.fps](const render::Frame& f, const FrameOutput&,
                                           const std::vector<CastAgent>& agents) -> Status {
    std::vector<ledger::AgentUsage> usage;
    for (const render::AgentCoverage& c : f.coverage) {
      const CastAgent& a = agents[static_cast<size_t>(c.agent)];
      usage.push_back({a.name, a.double_id, a.performer_id, a.licence_id, c.pixels,
                       c.screen_height_fraction, a.altered, a.synthetic});
    }
    const ledger::FrameKey key{production, shot, f.frame};
    std::optional<std::string> prev;
    if (auto it = previous->find(key); it != previous->end()) prev = it->second;
    FIGURANT_ASSIGN_OR_RETURN(int n, ledger::MeterFrame(ledger, render_id, key, fps, usage, prev));
    (*previous)[key] = render_id;
    if (events_out != nullptr) *events_out += n;
    return Status::Ok();
  });
}

}  // namespace figurant::shot

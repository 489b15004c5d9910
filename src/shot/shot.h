// A shot, end to end: a scene file resolved against the bank into licensed, cast, placed agents,
// rendered frame by frame into EXR/PNG plates with coverage records and a clone report.
//
// The stages, in order (each in shot/internal/ unless named):
//   1. the set: set meshes, seats groups' seat meshes and the surface crowds stand on
//      (shot/set_meshes.h);
//   2. the production as its studio declared it, the scene's fps checked against its rate
//      (licence_check.h), and the casting pool: every double judged for the production today, the
//      excluded ones counted by reason (casting_pool.h);
//   3. placement: each crowd group laid out, its pool filtered and split by tag mix, cast under
//      its clone constraints and varied within what each licence permits; then the explicit
//      agents (placement.h);
//   4. the doubles shown loaded once, their heights checked against the registry, with whether
//      they can be posed (shown.h);
//   5. the per-agent licence check with each agent's real on-screen height (its geometry's) and
//      alterations: a refused agent is never rendered — the shot fails naming each, or with
//      drop_refused they are removed and listed; the licence that allowed an agent is the one its
//      usage is billed to (licence_check.h);
//   6. posed copies, one per double and phase step shown in the frames rendered (posing.h);
//   7. the clone report (clone_report.h);
//   8. the frame loop: render, write EXR/PNG/coverage, hand each frame to the sink (frames.h).
// Stages 2 to 5 and the schedule of which pose each agent shows in each frame are one function,
// internal/resolve.h, that the crowd export (export.h) shares: both see the same agents.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bank/bank.h"
#include "consent/check.h"
#include "crowd/scene_spec.h"
#include "ledger/metering.h"
#include "render/renderer.h"

namespace figurant::shot {

struct ShotOptions {
  std::optional<int> first_frame, last_frame;  // override the scene's range (within it)
  bool drop_refused = false;  // render without the agents the licences refuse (listed)
  bool allow_clones = false;  // cast even when the clone distances cannot be met
  int threads = -1;           // -1: the scene's setting
  bool progress = false;
  // The output directory plates go in (render.output is relative to it); empty: the scene file's
  // directory (SceneSpec::base_dir), or the working directory when that is empty too.
  std::filesystem::path output_dir;
  // Crash tests only: pause this long before metering each frame and again before publishing it,
  // so that a kill can land between the steps. [Units: milliseconds] [Limits: 0..10000]
  int test_plate_delay_ms = 0;
};

struct RefusedAgent {
  std::string agent;
  std::string double_id;
  std::string performer_id;
  std::vector<std::string> reasons;  // "code: detail"
};

struct GroupReport {
  std::string name;
  int asked = 0;
  int placed = 0;
  std::string shortfall;
  // Area groups on set meshes: share of the polygon where no one can stand (walls, pillars, ...).
  double set_blocked_fraction = 0;  // [Limits: 0..1]
  int doubles_eligible = 0;
  double clone_world_min_m = 0;  // achieved smallest same-double distance [metres]
  double clone_screen_min_fraction = 0;
  bool clone_constraints_met = true;
  // Motion (docs/motion.md): the group's cycle, phases per cycle and loop length; agents of
  // rigged doubles play it, agents of doubles that cannot be posed stand still.
  std::string motion_cycle = "still";
  int motion_variants = 1;
  double motion_cycle_seconds = 0;  // [Units: seconds]
  int agents_moving = 0, agents_still = 0;
};

struct FrameOutput {
  int frame = 0;
  std::filesystem::path exr, png, coverage;
  double seconds = 0;
  uint64_t rays = 0;
};

// A resolved agent as rendered (also what metering records).
struct CastAgent {
  std::string name;
  std::string double_id;
  std::string performer_id;
  std::string licence_id;  // the licence its per-agent check allowed it under: the one billed
  // That licence's max_screen_height_fraction: each frame's measured silhouette is held to it.
  double max_screen_fraction = 0;  // [Limits: (0, 1]]
  bool synthetic = false;          // the performer is synthetic
  bool altered = false;            // tint or scale applied
};

// Agents that were asked to move but stand still because their double cannot be posed (no
// skeleton, or no legs: anim::CheckMotionSupport), one entry per double.
struct StillDouble {
  std::string double_id;
  std::string why;              // anim::MotionCheck::detail
  std::set<std::string> asked;  // the cycles its agents asked for ("walk", "idle", "sit")
  int agents = 0;
};

// A licence signed under a disclosure that did not yet say the double may be moved through a set
// (consent::NeedsMovementReconfirmation), of a performer whose double this shot moves: the
// licence still allows what its terms say, and the studio should re-offer it (docs/licence.md,
// "Disclosure versions").
struct Reconfirm {
  std::string licence_id, performer_id, double_id;
  int disclosure_version = 0;
  int agents = 0;  // its agents the shot moves
};

struct ShotReport {
  std::string production, shot;
  std::vector<GroupReport> groups;
  std::vector<StillDouble> standing_still;  // by double id
  int doubles_eligible = 0;
  std::map<std::string, int> excluded_by_reason;  // reason code → doubles excluded for it
  std::vector<RefusedAgent> refused;              // refused by the per-agent check
  std::vector<CastAgent> agents;                  // rendered agents, in render order
  std::filesystem::path clone_report;
  double clone_world_min_m = 0, clone_screen_min_fraction = 0;
  std::vector<FrameOutput> frames;
  // Render prototypes: one per (double, motion cycle, phase step) used by any rendered frame;
  // `posed_prototypes` of them are posed copies (the rest are the doubles as stored).
  int prototypes = 0, posed_prototypes = 0;
  // The crowd in motion, when a group has a behaviour (docs/scene-spec.md, "behaviour"): the
  // navigation mesh's cache key, whether it was built now (else read from the cache), its
  // polygons, the agents simulated and the simulation's time.
  struct Movement {
    std::string navmesh_key;
    bool navmesh_built = false;
    int navmesh_polygons = 0, agents_simulated = 0, frames = 0;
    double simulate_seconds = 0;  // [Units: seconds]
  };
  std::optional<Movement> movement;
  std::vector<Reconfirm> reconfirm;  // by licence id
  double pose_seconds = 0;           // posing the copies [Units: seconds]
  double resolve_seconds = 0, build_seconds = 0, render_seconds = 0;
  nlohmann::json ToJson() const;
};

// The frames a shot renders. [Limits: first <= last]
struct FrameSpan {
  int first = 0, last = 0;
};

// The frames RenderShot renders: options.first_frame..last_frame (each the scene's when unset)
// clipped to the scene's range. InvalidArgument naming both ranges when none is left: "frames 5-9
// asked are outside the scene's frames 1001-1004".
Result<FrameSpan> FramesToRender(const crowd::FrameRange& scene, const ShotOptions& options);

// Called after each frame is written, with the frame and what was rendered (metering hooks in
// here).
using FrameSink =
    std::function<Status(const render::Frame&, const FrameOutput&, const std::vector<CastAgent>&)>;

// A sink that meters every frame into the bank's ledger under `render_id`: one usage event per
// double visible, superseding the previous render of the same frame, its screen time at the frame
// rate the production's studio declared (never the scene's own number). `events_out` (optional)
// counts them. Then it keeps each real performer's appearance crop of the shot: the frame that
// shows them largest, cut with their own matte, encrypted in their store (bank.h, "appearance
// crops"; docs/portal.md). Opens the bank's ledger; the errors of internal::SceneProduction
// (licence_check.h) for a scene whose production is unknown, undeclared, altered or at another
// frame rate.
Result<FrameSink> MeteringSink(bank::Bank& bank, const crowd::SceneSpec& spec,
                               const std::string& render_id, int* events_out = nullptr);

// Resolves and renders (the stages above). Errors, nothing rendered unless said:
//   InvalidArgument for a scene that does not fit the bank (unknown production or double, an fps
//   that is not the production's declared frame rate), whose set meshes cannot be read (NotFound
//   for a missing one), or whose frames exclude every frame asked (FramesToRender);
//   DataLoss when a registry row a decision reads disagrees with the ledger or a signature, or a
//   double's registered height with its geometry; FailedPrecondition for a production its studio
//   has not declared;
//   PermissionDenied when agents are refused and !drop_refused, naming each agent and reason;
//   FailedPrecondition when a crowd group has no licensed double to cast, when casting cannot meet
//   the clone constraints and !allow_clones, or when no agent is left to render;
//   the bank's, renderer's, writers' and sink's errors as they come (frames already written stay).
Result<ShotReport> RenderShot(bank::Bank& bank, const crowd::SceneSpec& spec,
                              const ShotOptions& options, const FrameSink& sink = {});

}  // namespace figurant::shot

// The shot resolved: stages 2 to 5 of shot.h (the production and the casting pool, the crowd placed
// and simulated, the doubles shown loaded, the per-agent licence check) and the schedule of what
// each agent shows in each frame — what rendering (shot::RenderShot) and the crowd export
// (shot::ExportCrowd) both start from, so that they never disagree on who is in the shot, where
// or in which pose.
#pragma once

#include <memory>

#include "bank/bank.h"
#include "core/status.h"
#include "crowd/scene_spec.h"
#include "shot/internal/casting_pool.h"
#include "shot/internal/movement.h"
#include "shot/internal/placement.h"
#include "shot/internal/posing.h"
#include "shot/internal/shown.h"
#include "shot/internal/travel.h"
#include "shot/set_meshes.h"
#include "shot/shot.h"

namespace figurant::shot::internal {

struct ResolvedShot {
  // production, shot, groups, doubles eligible and excluded, refused agents, the agents allowed
  // (report.agents, in render order), those standing still, licences to reconfirm, movement.
  ShotReport report;
  CastingPool pool;
  ShotPlacement placed;
  // The allowed agents (parallel to report.agents), their instances where they are at the first
  // frame of the span.
  RenderedAgents rendered;
  ShownDoubles shown;
  // When the crowd moves. Held on the heap: `travel` points into `tracks`, `schedule` into
  // `travel`, and the struct is moved.
  std::unique_ptr<CrowdTracks> tracks;
  std::unique_ptr<Travel> travel;
  std::unique_ptr<PoseSchedule> schedule;  // never null once resolved

  const nav::Trajectories* paths() const { return tracks ? &tracks->paths : nullptr; }
};

// Resolves `spec` over `span` on the loaded `set` (the stand tiers its seats groups make are
// appended to set.geometry). Errors as shot::RenderShot's before rendering: the production's,
// the casting pool's, placement's and simulation's, the doubles' loading; PermissionDenied naming
// the refused agents unless options.drop_refused; FailedPrecondition when no agent is left.
Result<ResolvedShot> ResolveShot(bank::Bank& bank, const crowd::SceneSpec& spec,
                                 const ShotOptions& options, FrameSpan span, ShotSet& set);

}  // namespace figurant::shot::internal

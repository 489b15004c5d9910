// Casting: which licensed double each placed agent shows, so that no clone is visible.
//
// Viewers spot a repeated appearance far sooner than a repeated motion (McDonnell, Larkin,
// Dobbyn, Collins, O'Sullivan, "Clone Attack! Perception of Crowd Variety", SIGGRAPH 2008), so
// two agents showing the same double are kept at least `min_world_m` apart in the set and at least
// `min_screen_fraction` of the frame width apart on screen (when both are in frame), and use is
// spread fairly: the most- and least-used doubles of a pool differ by at most one unless the
// distance constraints force otherwise.
//
// With `allow_clones`, an impossible constraint is not an error: casting instead maximises the
// smallest same-double distance (a bisection over a common scale of both thresholds, each step a
// greedy assignment) and reports what it achieved.
//
// Pure and deterministic for a seed; no I/O. Not thread-safe per call (uses no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "geom/vec.h"

namespace figurant::crowd {

struct CastAgent {
  geom::Vec3f position;               // feet, world [Units: metres]
  std::optional<geom::Vec2f> screen;  // projected position / frame width (x and y), when in
                                      // frame; absent for agents off screen
  int pool = 0;                       // index into the pools passed to Cast
};

struct CastOptions {
  double min_world_m = 0;          // [Units: metres] [Limits: >= 0]
  double min_screen_fraction = 0;  // of frame width [Limits: >= 0]
  bool allow_clones = false;
  uint64_t seed = 0;
  // Agents that move: the agents list holds `moments` snapshots of the same n agents, snapshot k
  // at [k n, (k + 1) n), each agent where it is at that moment (its pool read from snapshot 0).
  // The minimums hold between two agents of one double at every moment. [Limits: >= 1, dividing
  // the number of agents]
  int moments = 1;
};

struct CastResult {
  std::vector<int> assignment;    // per agent: index into the global double list
  bool constraints_met = false;   // every same-double pair honours both minimums
  double world_min_m = INFINITY;  // smallest world distance between two agents of one double
  double screen_min_fraction = INFINITY;  // smallest on-screen distance (both in frame)
  double scale = 1;                       // allow_clones: fraction of the asked minimums achieved
};

// `pools[p]` lists the indices (into a global list of `double_count` doubles) that agents with
// `pool == p` may show. The result has one assignment per agent of a snapshot (CastOptions::
// moments), and its distances are the smallest at any moment. InvalidArgument for an empty pool
// that agents need, an index out of range, or moments that do not divide the agents.
// FailedPrecondition when the constraints cannot be met and !allow_clones; the message gives agents
// asked, doubles eligible and the distances achievable.
Result<CastResult> Cast(const std::vector<CastAgent>& agents,
                        const std::vector<std::vector<int>>& pools, int double_count,
                        const CastOptions& options);

// Per-double clone statistics of an assignment: the clone report.
struct CloneStats {
  int double_index = 0;
  int agents = 0;
  double world_min_m = INFINITY;          // INFINITY when the double has < 2 agents
  double screen_min_fraction = INFINITY;  // INFINITY when < 2 of its agents are in frame
};
// With `moments` snapshots (CastOptions::moments), the smallest distances at any moment.
std::vector<CloneStats> CloneReport(const std::vector<CastAgent>& agents,
                                    const std::vector<int>& assignment, int double_count,
                                    int moments = 1);

}  // namespace figurant::crowd

// The per-agent licence check: every placed agent checked with consent::Check as it will appear —
// its real on-screen height (the standing height of the double's stored geometry × its scale,
// seen from the shot's camera; never the registry's copy of it) and the alterations its variation
// applies. An agent is rendered only when a licence allows it and its double has stored geometry;
// the licence that allowed it is the one its usage is billed to, carried to the ledger as is
// (never chosen again). Also the production the shot is for, as its studio declared it, and the
// scene's frame rate checked against the one it declared.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "consent/check.h"
#include "core/clock.h"
#include "core/status.h"
#include "geom/camera.h"
#include "shot/internal/agent.h"
#include "shot/internal/casting_pool.h"
#include "shot/shot.h"

namespace figurant::shot::internal {

struct AllowedAgent {
  size_t agent = 0;        // index into the agents checked
  std::string licence_id;  // consent::Decision::licence_id of this agent's check
};

struct LicenceCheck {
  std::vector<AllowedAgent> allowed;  // in the agents' order
  // In the agents' order, each with every reason: "no_geometry: ..." for a double without stored
  // geometry, then "<licence>: <code>: <detail>" per reason of each licence that does not allow it
  // (no licence prefix for performer-level reasons).
  std::vector<RefusedAgent> refused;
};

// The standing height of each double's stored geometry, by double id (ShownDouble's); a double
// absent from it has no geometry. [Units: metres]
using DoubleHeights = std::map<std::string, float>;

// The production `spec` is for, as its studio declared and signed it (bank::ProductionFactsOf).
// InvalidArgument for an unknown production ("scene field 'production'") and for a scene whose
// fps is not the production's declared frame rate (naming both: screen time is billed at the
// production's rate); the bank's other errors unchanged (DataLoss for an altered row,
// FailedPrecondition for a production its studio has not declared).
Result<consent::ProductionFacts> SceneProduction(bank::Bank& bank, const crowd::SceneSpec& spec);

// Checks every agent (each agent's double must be in pool.judged) for background use in
// `production` on `date`, seen from `camera`, at the height `heights` gives its double. Pure.
LicenceCheck CheckAgents(const std::vector<PlacedAgent>& agents, const CastingPool& pool,
                         const DoubleHeights& heights, const consent::ProductionFacts& production,
                         Date date, const geom::Camera& camera);

// OK when no agent is refused or `drop_refused` (the shot renders without them); otherwise
// PermissionDenied naming every refused agent, its double and each reason (nothing is rendered).
Status RefusalStatus(const std::vector<RefusedAgent>& refused, bool drop_refused);

}  // namespace figurant::shot::internal

// The per-agent licence check: every placed agent checked with consent::Check as it will appear —
// its size on screen (ScreenSizeFraction: the bounding box of the double's stored geometry — never
// the registry's copy of its measurements — placed by the agent, seen from the shot's camera) and
// the alterations its variation applies. An agent is rendered only when a licence allows it and its
// double has stored geometry; the licence that allowed it is the one its usage is billed to,
// carried to the ledger as is (never chosen again). Also the production the shot is for, as its
// studio declared it, and the scene's frame rate checked against the one it declared.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "consent/check.h"
#include "core/clock.h"
#include "core/status.h"
#include "geom/camera.h"
#include "nav/behaviours.h"
#include "shot/internal/agent.h"
#include "shot/internal/casting_pool.h"
#include "shot/shot.h"

namespace figurant::shot::internal {

struct AllowedAgent {
  size_t agent = 0;        // index into the agents checked
  std::string licence_id;  // consent::Decision::licence_id of this agent's check
  // That licence's max_screen_height_fraction: what the frames' measured sizes are held to.
  double max_screen_fraction = 0;  // [Limits: (0, 1]]
};

// The size on screen of `agent` showing a double whose stored geometry fills `box` (DoubleSizes),
// as licences limit it (docs/licence.md): the longest side of the image rectangle holding the box
// under the agent's position, heading and scale, over the frame's height. The same from any
// viewpoint: a camera looking down sees the performer's length as width. Not clipped to the
// frame. Pure.
double ScreenSizeFraction(const PlacedAgent& agent, const geom::Bounds3f& box,
                          const geom::Camera& camera, const geom::Camera::Basis& basis);

struct LicenceCheck {
  std::vector<AllowedAgent> allowed;  // in the agents' order
  // In the agents' order, each with every reason: "no_geometry: ..." for a double without stored
  // geometry, then "<licence>: <code>: <detail>" per reason of each licence that does not allow it
  // (no licence prefix for performer-level reasons).
  std::vector<RefusedAgent> refused;
};

// The bounding box of each double's stored geometry (feet on the ground at the origin, facing +Z),
// grown to its standing height, by double id (ShownDouble's); a double absent from it has no
// geometry. [Units: metres]
using DoubleSizes = std::map<std::string, geom::Bounds3f>;

// The agents as the licence check sees them: an agent that moves (PlacedAgent::track) where, over
// the scene's frames, it is largest on screen (ScreenSizeFraction: walking towards the camera, it
// grows), the others as placed; an agent whose double `sizes` lacks as placed. Pure.
std::vector<PlacedAgent> AtLargestOnScreen(const std::vector<PlacedAgent>& agents,
                                           const DoubleSizes& sizes, const geom::Camera& camera,
                                           const nav::Trajectories* paths);

// The production `spec` is for, as its studio declared and signed it (bank::ProductionFactsOf).
// InvalidArgument for an unknown production ("scene field 'production'") and for a scene whose
// fps is not the production's declared frame rate (naming both: screen time is billed at the
// production's rate); the bank's other errors unchanged (DataLoss for an altered row,
// FailedPrecondition for a production its studio has not declared).
Result<consent::ProductionFacts> SceneProduction(bank::Bank& bank, const crowd::SceneSpec& spec);

// Checks every agent (each agent's double must be in pool.judged) for background use in
// `production` on `date`, seen from `camera`, at the size `sizes` gives its double. Pure.
LicenceCheck CheckAgents(const std::vector<PlacedAgent>& agents, const CastingPool& pool,
                         const DoubleSizes& sizes, const consent::ProductionFacts& production,
                         Date date, const geom::Camera& camera);

// OK when no agent is refused or `drop_refused` (the shot renders without them); otherwise
// PermissionDenied naming every refused agent, its double and each reason (nothing is rendered).
Status RefusalStatus(const std::vector<RefusedAgent>& refused, bool drop_refused);

}  // namespace figurant::shot::internal

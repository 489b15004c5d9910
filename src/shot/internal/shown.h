// The agents the licence check allowed, made ready to render: each double they show loaded
// (decrypted) once with whether it can be posed, and each agent as the report, the ledger and
// the renderer see it. An agent of a double that cannot be posed (no skeleton, or no legs:
// anim::CheckMotionSupport) stands still, and the report names the double when its agent asked to
// move.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "anim/pose_variation.h"
#include "bank/bank.h"
#include "core/status.h"
#include "geom/mesh.h"
#include "shot/internal/agent.h"
#include "shot/internal/casting_pool.h"
#include "shot/internal/licence_check.h"
#include "shot/shot.h"

namespace figurant::shot::internal {

struct ShownDouble {
  std::shared_ptr<const geom::DoubleAsset> bind;  // as stored
  std::string performer_id;
  anim::MotionCheck motion;  // whether motion cycles can pose it
  // geom::Mesh::StandingHeight of the stored mesh, so levels and coverage ignore the pose.
  float standing_height_m = 0;  // [Units: metres]
};
using ShownDoubles = std::map<std::string, ShownDouble>;  // by double id

// Loads each double the placed agents show that has stored geometry, once, in the order they
// first appear — before the licence check, which reads each double's height from its geometry.
// The bank's errors (DataLoss for a blob that fails verification or a registry height that is not
// the geometry's: bank::Bank::LoadDouble).
Result<ShownDoubles> LoadShownDoubles(bank::Bank& bank, const std::vector<PlacedAgent>& agents,
                                      const CastingPool& pool);

// Each shown double's size from its stored geometry, as the licence check reads it.
DoubleSizes SizesOf(const ShownDoubles& shown);

// The rendered agents, in render order (the order of `allowed`); parallel vectors.
struct RenderedAgents {
  // What the report lists and metering records: the licence is the one the check allowed.
  std::vector<CastAgent> agents;
  std::vector<render::AgentInstance> instances;
  std::vector<AgentMotion> motions;         // still for the agents of doubles that cannot be posed
  std::vector<size_t> placed;               // index into the placed agents
  std::vector<StillDouble> standing_still;  // by double id
};

// Every double the agents show must be in `shown`, and in pool.judged. Pure.
RenderedAgents RenderAgents(const std::vector<PlacedAgent>& agents,
                            const std::vector<AllowedAgent>& allowed, const CastingPool& pool,
                            const ShownDoubles& shown);

// Counts each group's rendered agents that move and that stand still into `groups` (the scene's
// groups, in its order).
void CountMotion(const std::vector<PlacedAgent>& agents, const RenderedAgents& rendered,
                 std::vector<GroupReport>& groups);

// The licences of the rendered agents that travel (AgentMotion::travels) whose consent was signed
// under a disclosure that did not say the double may be moved through a set
// (consent::NeedsMovementReconfirmation), each with its agents counted, by licence id. Pure.
std::vector<Reconfirm> LicencesToReconfirm(const RenderedAgents& rendered, const CastingPool& pool);

}  // namespace figurant::shot::internal

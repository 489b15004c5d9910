// Placement: where the scene's agents stand and which double each shows. A crowd group is laid
// out (crowd/layout.h; area and path groups on the set's surface), its pool filtered by look tags
// and height and split by tag mix, cast under its clone constraints (crowd/casting.h) and varied
// within what each double's licence permits; explicit agents are taken as the scene names them.
// Everything is drawn from the scene's seed: the same scene and bank place the same agents.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "crowd/scene_spec.h"
#include "render/renderer.h"
#include "shot/internal/agent.h"
#include "shot/internal/casting_pool.h"
#include "shot/internal/movement.h"
#include "shot/set_meshes.h"
#include "shot/shot.h"

namespace figurant::shot::internal {

// Concrete, for generated stand tiers. [linear albedo]
inline constexpr geom::Vec3f kTierAlbedo{0.42f, 0.41f, 0.40f};

// What one crowd group became.
struct PlacedGroup {
  // The group's report line; agents_moving and agents_still are counted once the shot knows
  // which doubles can be posed.
  GroupReport report;
  std::vector<PlacedAgent> agents;  // named "<group>_<i>", in placement order
};

// The seed of crowd group `group`'s layout, casting and variation.
uint64_t GroupSeed(uint64_t scene_seed, size_t group);

// Every crowd group laid out, in the scene's order: area and path groups on the set's surface
// (or the ground plane), seats with their tiers and seat meshes in `set_geometry`. The layout's
// errors (InvalidArgument), naming the group.
Result<std::vector<crowd::LayoutResult>> LayOutGroups(const crowd::SceneSpec& spec,
                                                      const ShotSet& set);

// The stand tiers (and seat meshes) the layouts generated, moved out of them, to render and walk
// round with the set.
std::vector<render::SetGeometry> TakeTiers(std::vector<crowd::LayoutResult>& layouts);

// Casts crowd group `group` (index into spec.crowds), laid out as `layout`, from `pool`: where the
// crowd moves (`tracks`), over its moments (CastMoments), the clone minimum grown by CastMargin.
// Errors, each naming the group: FailedPrecondition when agents are placed but no pool double
// matches the group's filter (saying why: the exclusions by reason when the pool is empty), or a
// tag of its tag_mix is carried by none; casting's when the clone constraints cannot be met and
// !allow_clones.
Result<PlacedGroup> PlaceGroup(const crowd::SceneSpec& spec, size_t group,
                               const crowd::LayoutResult& layout, const CastingPool& pool,
                               bool allow_clones, const CrowdTracks* tracks);

// The scene's explicit agents, in its order, with the alterations their tint and scale ask for.
// InvalidArgument naming `agents[i].double` for a double not in the bank (any double judged,
// allowed or not: the per-agent check says why one is refused).
Result<std::vector<PlacedAgent>> ExplicitAgents(const crowd::SceneSpec& spec,
                                                const CastingPool& pool);

// Every agent of the scene placed.
struct ShotPlacement {
  std::vector<GroupReport> groups;  // in the scene's order
  // The groups' agents, group by group, then the explicit agents.
  std::vector<PlacedAgent> agents;
};

// PlaceGroup for every crowd group in the scene's order (`layouts`: LayOutGroups), then
// ExplicitAgents. The first error.
Result<ShotPlacement> PlaceAgents(const crowd::SceneSpec& spec,
                                  const std::vector<crowd::LayoutResult>& layouts,
                                  const CastingPool& pool, bool allow_clones,
                                  const CrowdTracks* tracks);

}  // namespace figurant::shot::internal

// A crowd group's `behaviour` field (docs/scene-spec.md, "behaviour"): what its agents do over the
// shot, as nav::Simulate plays it. Parsed with the group's other fields; not part of the crowd
// library's interface.
#pragma once

#include "crowd/groups.h"
#include "crowd/internal/group_fields.h"

namespace figurant::crowd::internal {

// True when `g`'s "behaviour" names a kind that moves its agents (wander, path, goto, queue,
// part): the group's motion cycle then defaults to idle, what its agents play while they stand.
bool AsksToMove(const json& g);

// Reads `g`'s "behaviour" object into group.behaviour (left empty when absent), defaults taken
// from the group's layout (an area group's polygon, a path group's points and width). A moving
// behaviour refuses a seated group and a motion cycle of walk or sit. Every problem is recorded in
// `e`, naming the field ("behaviour.targets[2]"). Call after the layout and motion are parsed.
void ParseBehaviour(const json& g, CrowdGroup& group, GroupErrors& e);

}  // namespace figurant::crowd::internal

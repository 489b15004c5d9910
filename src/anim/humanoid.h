// One canonical humanoid bone naming for every rig Figurant ingests: the VRM 1.0 humanoid bone
// names (VRM Consortium, "VRMC_vrm-1.0 humanoid", https://github.com/vrm-c/vrm-specification),
// e.g. hips, spine, chest, upperChest, neck, head, leftUpperArm, leftLowerArm, leftHand,
// leftUpperLeg, leftLowerLeg, leftFoot, leftToes, and the finger bones. Rigs from MakeHuman
// (default.mhskel) and Mixamo are mapped by name; bones with no humanoid meaning keep their source
// name (they still deform the mesh).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace figurant::anim {

// The VRM 1.0 humanoid bone names Figurant knows, in hierarchy order.
const std::vector<std::string_view>& HumanoidBoneNames();
// The bones VRM requires of every humanoid.
const std::vector<std::string_view>& RequiredHumanoidBones();

// The canonical name for a source bone name, or nullopt when it has no humanoid meaning.
// Recognises MakeHuman default-skeleton names ("upperarm01.L"), Mixamo names
// ("mixamorig:LeftArm", "LeftArm") and names that are already canonical.
std::optional<std::string> CanonicalBoneName(std::string_view source_name);

}  // namespace figurant::anim

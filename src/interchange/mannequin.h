// The body a crowd export shows instead of a performer's scan (docs/interchange.md, "Consent
// first"): a generic mannequin built from the double's skeleton alone — one box per humanoid bone,
// from its head to the head of the next humanoid bone down the hierarchy (or, for a hand, a foot or
// the head, a fixed length along the bone's +Y axis), each rigidly skinned to its bone. It carries
// the double's proportions (where its joints are) and nothing of its likeness: no surface, texture
// or colour of the scan. A double without a skeleton stands in as one box of its standing height.
//
// Humanoid bones are the core VRM 1.0 ones (anim/humanoid.h): hips, spine, chest, upperChest, neck,
// head, and per side shoulder, upper and lower arm, hand, upper and lower leg, foot, toes. A rig
// none of whose bones has such a name gets a box for every bone instead. Pure, thread-safe.
#pragma once

#include "geom/mesh.h"

namespace figurant::interchange {

// A box's thickness across its bone, as a fraction of its length. [Limits: > 0]
inline constexpr float kMannequinThickness = 0.35f;
// Thinnest and thickest a box is across. [Units: metres]
inline constexpr float kMannequinMinWidthM = 0.04f, kMannequinMaxWidthM = 0.16f;
// Length of the box of a bone with no humanoid bone below it (head, hands, feet). [Units: metres]
inline constexpr float kMannequinLeafLengthM = 0.15f;
// Width of the box that stands in for a double without a skeleton. [Units: metres]
inline constexpr float kMannequinBoxWidthM = 0.4f;

// The mannequin of a double whose rig is `skeleton` (bind poses: bone-to-model frames, metres, +Y
// up, facing +Z, feet at y = 0), or nullptr for a double without one, `standing_height_m` tall:
// positions, flat normals, triangles, and — with a skeleton — that skeleton and one influence per
// vertex (weight 1 on the box's bone). 12 triangles a box.
// [Limits: skeleton parents precede children; standing_height_m > 0]
geom::Mesh Mannequin(const geom::Skeleton* skeleton, float standing_height_m);

}  // namespace figurant::interchange

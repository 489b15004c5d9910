// Synthetic performers: deterministic, procedurally generated people (no data files) that stand in
// for scanned extras in the demo and the tests. A seed gives one performer — a name, look tags and
// a body — and the same seed always gives the same bytes.
//
// Bodies are implicit surfaces — smooth unions (Quílez's polynomial smooth minimum) of capsules and
// ellipsoids for head, neck, torso, pelvis, limbs, hands and feet, with garments as offset shells —
// polygonised by marching tetrahedra over a regular grid with welded vertices, which yields one
// closed, watertight surface. Each triangle is labelled skin, wardrobe or hair, so wardrobe tint
// touches clothes only. The body is built directly in a natural standing pose (one of several);
// a VRM-named skeleton with skin weights describes that pose.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "geom/mesh.h"

namespace figurant::synth {

enum class Pose { kRelaxed, kWeightShift, kHandsInPockets, kArmsCrossed, kHandsBehind };
std::string_view PoseName(Pose p);

// The measurements a body is built from; exposed so distinctness can be measured.
struct BodyParams {
  double height_m = 1.75;              // [Units: metres] [Limits: 1.50..1.95]
  double shoulder_width = 0.40;        // [Units: metres]
  double hip_width = 0.34;             // [Units: metres]
  double girth = 1.0;                  // build multiplier of limb and torso thickness [0.8..1.35]
  double head_scale = 1.0;             // [0.92..1.08]
  double leg_ratio = 0.47;             // leg length / height [0.44..0.50]
  double skin[3] = {0.5, 0.35, 0.25};  // linear RGB albedo
  int hair_style = 0;                  // 0 short, 1 long, 2 bald, 3 bun
  double hair_color[3] = {0.05, 0.04, 0.03};
  int outfit = 0;  // 0 casual, 1 formal, 2 winter coat, 3 summer
  double top_color[3] = {0.2, 0.3, 0.5};
  double bottom_color[3] = {0.1, 0.1, 0.15};
  Pose pose = Pose::kRelaxed;
  bool female = false;

  // Normalised measurement vector used for distinctness (height, shoulders, hips, girth, head,
  // legs).
  std::vector<double> ShapeVector() const;
};

struct SyntheticPerformer {
  uint64_t seed = 0;
  std::string name;                    // a plausible full name
  std::string language;                // "en" or "fr"
  std::vector<std::string> look_tags;  // casual, formal, winter_coats, summer
  BodyParams params;
  geom::Mesh mesh;  // metres, +Y up, feet at origin, facing +Z
};

// Draws a performer's parameters, name and tags from `seed` (cheap; no geometry).
SyntheticPerformer Describe(uint64_t seed);

// Builds the body for `p` (fills p.mesh). `voxel_m` sets the detail: 0.018 m gives ~20-30k
// triangles. [Units: metres] [Limits: 0.008..0.05]
void BuildBody(SyntheticPerformer& p, double voxel_m = 0.018);

// Describe + BuildBody.
SyntheticPerformer Generate(uint64_t seed, double voxel_m = 0.018);

// True when every edge of the mesh is shared by exactly two triangles with opposite orientation.
bool IsWatertight(const geom::Mesh& m);

}  // namespace figurant::synth

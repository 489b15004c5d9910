// Synthetic performers on MakeHuman bodies: when MakeHuman's data is available, a seed draws the
// body's macro sliders (gender to match the performer's name, adult age, muscle, weight, height,
// ethnic mix) and a natural pose (standing, or a frame of the walk1 clip; never the T-pose or a
// dance), and scan::ImportMakeHuman builds and poses the double. Clothes are painted on by skin
// weights: a triangle whose vertices follow the torso and upper arms is top, hips and legs are
// bottom (how far sleeves and legs reach depends on the outfit), feet are shoes; wardrobe tint
// then touches the clothes only. The same seed always gives the same bytes.
#pragma once

#include <cstdint>
#include <filesystem>

#include "core/status.h"
#include "scan/scan.h"
#include "synth/synth.h"

namespace figurant::synth {

// Where the bodies come from, checked once.
struct MakeHumanKit {
  std::filesystem::path dir;
  std::filesystem::path walk_clip;  // animations/walks/walk1.bvh
  int walk_frames = 0;              // frames in walk_clip [Limits: >= 1]
};

// Checks `dir` holds the base mesh, the macro targets, the default rig and walk1.bvh. NotFound or
// InvalidArgument naming what is missing or malformed.
Result<MakeHumanKit> OpenMakeHumanKit(const std::filesystem::path& dir);

// The body sliders and pose a seed gives for a performer of the given sex (pure; no files).
struct MakeHumanDraw {
  scan::MakeHumanBody body;
  scan::MakeHumanPose pose;
};
MakeHumanDraw DrawMakeHuman(uint64_t seed, bool female, const MakeHumanKit& kit);

// Shortest and tallest standing heights a generated performer may have. [Units: metres]
constexpr double kMinHeightM = 1.50;
constexpr double kMaxHeightM = 1.95;

// Builds `p`'s double from MakeHuman (p from Describe): draws, imports and poses the body, redraws
// the height slider while the height falls outside kMinHeightM..kMaxHeightM, paints the outfit
// and skin tone, and records the height and skin in p.params. p.mesh is left empty (the double is
// the result). Errors from reading the data are returned as they are.
Result<scan::ImportedScan> BuildMakeHumanDouble(SyntheticPerformer& p, const MakeHumanKit& kit);

// Paints regions and per-vertex colours on a MakeHuman double's mesh (canonical or MakeHuman bone
// names) for `params`' outfit and colours. Exposed for tests.
void DressMakeHuman(geom::Mesh& mesh, const BodyParams& params);

}  // namespace figurant::synth

// Synthetic performers on MakeHuman bodies: when MakeHuman's data is available, a seed draws the
// body's macro sliders (gender to match the performer's name, adult age, muscle, weight, height,
// ethnic mix), and scan::ImportMakeHuman builds the double standing (arms hanging), as a scanning
// session would capture the performer; a crowd's motion cycles vary the pose from there. Clothes
// are painted on by skin weights: a triangle whose vertices follow the torso and upper arms is top,
// hips and legs are bottom (how far sleeves and legs reach depends on the outfit), feet are shoes;
// wardrobe tint then touches the clothes only. The same seed always gives the same bytes.
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
};

// Checks `dir` holds the base mesh, the macro targets and the default rig and weights. NotFound
// naming what is missing.
Result<MakeHumanKit> OpenMakeHumanKit(const std::filesystem::path& dir);

// The body sliders a seed gives for a performer of the given sex, and the pose (`stand`). Pure; no
// files.
struct MakeHumanDraw {
  scan::MakeHumanBody body;
  scan::MakeHumanPose pose;
};
MakeHumanDraw DrawMakeHuman(uint64_t seed, bool female);

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

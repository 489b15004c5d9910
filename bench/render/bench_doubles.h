// Doubles for the render benchmarks, prepared the way the bank would hold them, and exported for
// the Blender peer:
//   - "human": Assimp's test scan `Collada/human.zae` (29k triangles), through scan::ImportFile;
//   - "mh_NN": MakeHuman bodies with slider values drawn from a seed (distinct bodies, as distinct
//     performers would be), through scan::ImportMakeHuman, each with its own skin tone.
// A prepared double is written twice: `<id>.double` (geom::EncodeDoubleAsset, what the store
// holds — mesh plus levels of detail) for Figurant and `<id>.glb` (full mesh, vertex colours) for
// Blender. Bench-only code: not part of the product.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/status.h"
#include "crowd/scene_spec.h"
#include "geom/mesh_codec.h"

namespace figurant::bench {

inline constexpr char kHumanZae[] = "/usr/share/assimp/models/Collada/human.zae";
inline constexpr char kHumanId[] = "human";

// "mh_07" for index 7.
std::string MakeHumanId(int index);

// Imports human.zae. Unavailable when assimp-testmodels is missing.
Result<geom::DoubleAsset> ImportHuman();
// A MakeHuman body for `index` (sliders and skin tone drawn from it); `makehuman_dir` holds
// 3dobjs/, targets/, rigs/ (the repository's assets/makehuman: FIGURANT_MAKEHUMAN_DIR).
Result<geom::DoubleAsset> ImportMakeHumanBody(const std::filesystem::path& makehuman_dir,
                                              int index);

Status WriteDouble(const std::filesystem::path& file, const geom::DoubleAsset& asset);
Result<geom::DoubleAsset> ReadDouble(const std::filesystem::path& file);

// Writes the full-detail mesh as binary glTF 2.0 (Assimp's exporter): positions, normals, linear
// vertex colours (COLOR_0) or the base colour as the material's base colour factor.
Status ExportGlb(const geom::Mesh& mesh, const std::filesystem::path& file);

// The benchmark field (the layout bench/peers/run_peers.py writes into scene files): a camera
// 25 m up at z = -30 looking at (0, 0, 50), 35 mm lens on a 36 mm sensor; `agents` people on a
// jittered 1.3 m grid filling the horizontal field of view from z = 8 m, nearest first, random
// headings, showing `doubles` in turn; sun, sky and ground as in the docs/scene-spec.md example;
// 2 bounces, `spp` samples. The explicit agents of a scene file, generated in memory (a scene
// file listing a million agents is a 100 MB JSON document).
crowd::SceneSpec FieldScene(int agents, const std::vector<std::string>& doubles, int width,
                            int height, int spp, uint64_t seed = 7);

}  // namespace figurant::bench

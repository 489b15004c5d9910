// Scan ingest: from the files a scanning rig or vendor delivers to a normalised, renderable double
// with levels of detail. Two entry points:
//   - ImportFile: any mesh Assimp reads — OBJ (+MTL, textures), PLY, glTF/GLB, FBX, Collada
//     (.dae, .zae) — with its rig when it has one;
//   - ImportMakeHuman: a body built from MakeHuman's base mesh and weighted macro targets, with the
//     default skeleton and skin weights (the open standard for generated human bodies).
// Both validate (refusing with a message naming the file and the problem), normalise (metres, +Y
// up, feet on the ground at the origin, facing +Z), build levels of detail with meshoptimizer and
// map the skeleton's bones to canonical humanoid names (anim/humanoid.h).
//
// Nothing is written anywhere: files are read and processed in memory; storing the result is the
// caller's (bank's) job. All functions are safe for untrusted input and thread-compatible.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/file.h"
#include "core/status.h"
#include "geom/mesh_codec.h"

namespace figurant::scan {

// The files an import reads (docs/inputs.md), each a regular file of at most:
// a mesh — a scan, a set mesh, a seat mesh — and any file it names that Assimp reads (an OBJ's
// .mtl, a glTF's .bin buffers). A 2-million-triangle OBJ with normals and UVs is about 200 MB.
inline constexpr FileLimit kMeshFile{"mesh file", 512u << 20};  // 512 MiB
// A texture a mesh names (decoded up to 8192 × 8192 pixels).
inline constexpr FileLimit kTextureFile{"texture", 256u << 20};  // 256 MiB
// A MakeHuman body file (--body): a handful of sliders.
inline constexpr FileLimit kBodyFile{"MakeHuman body file", 1u << 20};  // 1 MiB

enum class Units { kAuto, kMetres, kDecimetres, kCentimetres, kMillimetres, kInches };
std::string_view UnitsName(Units u);  // "m", "dm", "cm", "mm", "in", "auto"
std::optional<Units> ParseUnits(std::string_view s);
double MetresPer(Units u);  // 1, 0.1, 0.01, 0.001, 0.0254

struct ImportOptions {
  Units units = Units::kAuto;
  size_t max_triangles = 2'000'000;  // refuse larger scans [Limits: > 0]
  int import_timeout_seconds = 120;  // the isolated importer is stopped after this [Units: s]
  double min_height_m = 0.5;         // plausible human height after unit detection [metres]
  double max_height_m = 2.5;
  // Triangle budgets of the coarser levels, as fractions of the full mesh. [Limits: (0, 1)]
  std::vector<double> lod_fractions = {0.25, 0.06};
};

struct LodSummary {
  size_t triangles = 0;
  float error = 0;  // meshoptimizer's relative error bound (0 for the full level)
};

struct ImportedScan {
  geom::DoubleAsset asset;        // normalised mesh + levels of detail
  std::string source_sha256;      // of the input file(s), hex
  Units units = Units::kMetres;   // the units the source was read in
  bool units_guessed = false;     // true when detected from the height
  double height_m = 0;            // measured standing height [metres]
  geom::Bounds3f bounds;          // normalised bounds [metres]
  double footprint_radius_m = 0;  // max horizontal distance of any vertex from the origin
  std::vector<LodSummary> lods;   // level 0 = full mesh
  bool rigged = false;            // has a skeleton with skin weights (animatable)
  std::map<std::string, std::string> bone_mapping;  // source bone → canonical name (mapped only)
  std::vector<std::string> warnings;  // e.g. missing texture files (import still succeeds)
};

// Imports one file. `path` names the file in every message. NotFound when it does not exist;
// InvalidArgument with a clear message for a file that is not a regular file or is over kMeshFile,
// unreadable, truncated or empty files, no triangles, NaN/infinite coordinates, degenerate
// meshes, implausible heights (saying which units were guessed and that ImportOptions::units
// overrides them) and meshes over the triangle limit. The file is read only in the importer child:
// the memory of the calling process does not grow with the file.
Result<ImportedScan> ImportFile(const std::filesystem::path& path, const ImportOptions& options);

// Reads the triangles of a mesh file as they are in the file (its units and axes, every node's
// transform applied; no normalisation, materials or levels of detail): set geometry, not a
// person. Same isolated importer and checks as ImportFile. InvalidArgument naming `path` for an
// unreadable file, no triangles or more than `max_triangles`; NotFound when it does not exist.
Result<geom::Mesh> ImportGeometry(const std::filesystem::path& path, size_t max_triangles,
                                  int timeout_seconds);

// Imports a mesh held in memory (`format_hint` is the file extension, e.g. "obj", "ply", "glb").
// The fuzzing entry point; also used for uploads. Side files (MTL, textures) are not available.
Result<ImportedScan> ImportMemory(std::string_view bytes, std::string_view format_hint,
                                  std::string_view name, const ImportOptions& options);

// A MakeHuman body: the slider values MakeHuman's macro modifiers use. [Limits: each 0..1]
struct MakeHumanBody {
  double gender = 0.5;  // 0 female .. 1 male
  double age = 0.5;     // 0 = 1 year, 0.1875 = 11, 0.5 = 25, 1 = 90 years
  double muscle = 0.5;  // 0.5 average
  double weight = 0.5;  // 0.5 average
  double height = 0.5;  // 0.5 average (adult bodies only)
  double african = 1.0 / 3, asian = 1.0 / 3, caucasian = 1.0 / 3;  // normalised to sum 1
};

// Parses a body file: {"gender": 0.3, "age": 0.5, "muscle": 0.6, ...} (the strict reader,
// core/json_input.h); unknown fields and values outside 0..1 are errors naming the field. The
// caller reads the file (a regular file within kBodyFile).
Result<MakeHumanBody> ParseMakeHumanBody(std::string_view json_text, std::string_view source);

// The macro targets and their weights for a body (target path relative to `targets/`), as
// MakeHuman 1.x computes them. Exposed so tests can check the blend independently.
std::vector<std::pair<std::string, double>> MakeHumanTargetWeights(const MakeHumanBody& body);

// Takes a mesh that is already in metres, +Y up and facing +Z (a generated body) through the same
// validation, grounding, levels of detail and skeleton mapping as an import. `name` prefixes
// messages; `source_sha256` is recorded as the source hash.
Result<ImportedScan> ImportGenerated(geom::Mesh mesh, std::string_view name,
                                     std::string source_sha256, const ImportOptions& options);

// How to pose a MakeHuman body before it becomes a double.
struct MakeHumanPose {
  // "rest" (MakeHuman's A-pose), "stand" (arms hanging, see anim::StandingPose), or empty when
  // `clip` is set.
  std::string named = "rest";
  // A BVH clip for MakeHuman's default skeleton or its soft1 rig (anim::PoseFromClip). A relative
  // path that does not exist from the working directory is looked up in the MakeHuman directory.
  std::filesystem::path clip;
  int frame = 0;  // 0-based frame of `clip` [Limits: 0..frames-1]
};

// Parses "rest", "stand", "CLIP" or "CLIP:FRAME" (the form a user types, e.g. the CLI's --pose).
// InvalidArgument for an empty spec.
Result<MakeHumanPose> ParseMakeHumanPose(std::string_view spec);

// Builds a body from `dir` (3dobjs/base.obj, targets/macrodetails/..., rigs/default.mhskel,
// rigs/default_weights.mhw): base + Σ weight · target on the `body` group, then, when `pose` is
// given, the default skeleton placed on the morphed mesh posed as asked and the body linearly
// blend-skinned to it (anim/makehuman.h); then the same normalisation (feet on the ground, facing
// +Z), levels of detail and skeleton mapping as ImportFile. The double's skeleton rests in the
// pose it was imported in. Errors name the file: a missing or malformed target, skeleton,
// weights or clip, a frame out of range; a pose without the rig files is InvalidArgument.
Result<ImportedScan> ImportMakeHuman(const std::filesystem::path& dir, const MakeHumanBody& body,
                                     const ImportOptions& options,
                                     const std::optional<MakeHumanPose>& pose = std::nullopt);

}  // namespace figurant::scan

// The byte format of a double's geometry as the store holds it (docs/store.md, "What a double's
// blob holds"): one mesh plus its levels of detail. Encoding is deterministic (same asset → same
// bytes). Decoding is bounds-checked at every step and safe for untrusted input; it returns
// DataLoss naming the section that is malformed and never reads past the buffer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "geom/mesh.h"

namespace figurant::geom {

// One simplified level over the mesh's own vertices.
struct LevelOfDetail {
  float error = 0;                // meshoptimizer's relative error bound of this level [0..1]
  std::vector<uint32_t> indices;  // triangles into DoubleAsset::mesh.positions
};

struct DoubleAsset {
  Mesh mesh;                        // full detail (level 0)
  std::vector<LevelOfDetail> lods;  // coarser levels, finest first
};

// Which level of a double an agent shows: kFull the mesh, kMid lods[0], kFar lods[1] (a level the
// asset lacks shows the next finer one), or kAuto, the renderer's pick by projected height
// (render/renderer.h). A scene file's `agents[].lod` (docs/scene-spec.md).
enum class LodChoice { kAuto, kFull, kMid, kFar };

std::string EncodeDoubleAsset(const DoubleAsset& asset);
Result<DoubleAsset> DecodeDoubleAsset(std::string_view bytes);

}  // namespace figurant::geom

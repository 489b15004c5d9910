// A stored double's portrait by Figurant's own renderer, for the performer's dashboard: the
// double standing alone (feet at the origin, facing the camera), framed whole from the front and
// slightly above, lit by a sun over the camera's shoulder and a constant sky, no ground (the
// background is transparent), 8 samples per pixel and 1 bounce.
#pragma once

#include <string>

#include "core/status.h"
#include "geom/mesh_codec.h"

namespace figurant::render {

// PNG bytes (sRGB, straight alpha; render::EncodePng) of `asset` at width × height pixels
// [Limits: 16..1024 each]. InvalidArgument for a size out of range or an asset without
// triangles; the renderer's errors (Internal when Embree fails) otherwise. Deterministic: the same
// asset and size give the same bytes. About 40 bytes per pixel while rendering.
Result<std::string> RenderThumbnailPng(const geom::DoubleAsset& asset, int width, int height);

}  // namespace figurant::render

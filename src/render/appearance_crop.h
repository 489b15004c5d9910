// A performer's appearance in a rendered frame, for them to see (the portal's appearances page):
// the region of the plate around one of their agents, cut with their own Cryptomatte matte so that
// they see themselves and nobody else — every other person, the set and the background are
// transparent. docs/portal.md, "Appearance crops", is the specification.
//
// - Region: the agent's coverage box (AgentCoverage::bbox) padded on every side by
//   kCropMarginFraction of its longest side, clamped to the frame.
// - Matte: at each pixel, the summed Cryptomatte agent coverage of the agents `in_matte` marks (a
//   performer's agents: every double of theirs). The pixel is the beauty (linear, premultiplied)
//   times that coverage, so a pixel half theirs and half someone else's keeps half its value and
//   one that is not theirs at all is zero, alpha included.
// - Size: box-filtered down in premultiplied linear light (never up) until the longest side is at
//   most max_side pixels; then sRGB, straight alpha, RGBA PNG (render::EncodePng).
// Pure function of its inputs: the same frame gives the same bytes.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/status.h"
#include "render/renderer.h"

namespace figurant::render {

inline constexpr double kCropMarginFraction = 0.08;
inline constexpr int kCropMaxSide = 192;  // [Units: pixels]

struct AppearanceCrop {
  std::array<int, 4> region{0, 0, -1, -1};  // x0, y0, x1, y1 inclusive, in the frame's pixels
  int width = 0, height = 0;                // of the PNG [Units: pixels]
  double matte_pixels = 0;  // Σ matte coverage over the region (before downscaling) [pixels]
  std::string png;
};

// The crop of `frame` around `bbox`, cut with the matte of the agents whose index `in_matte`
// marks (in_matte.size() is the scene's agent count; indices beyond it are outside the matte).
// InvalidArgument for an empty bbox, one outside the frame, or max_side out of [16, 4096]; Internal
// when the PNG cannot be encoded.
Result<AppearanceCrop> CropAppearance(const Frame& frame, const std::array<int, 4>& bbox,
                                      const std::vector<bool>& in_matte,
                                      int max_side = kCropMaxSide);

}  // namespace figurant::render

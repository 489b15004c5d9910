#include "render/appearance_crop.h"

#include <algorithm>
#include <cmath>

#include "render/output.h"

namespace figurant::render {
namespace {

constexpr int kMinMaxSide = 16, kMaxMaxSide = 4096;

// The summed coverage at pixel `i` of the agents `in_matte` marks. [Limits: 0..1]
float MatteAt(const CryptoLayer& agents, size_t i, const std::vector<bool>& in_matte) {
  float m = 0;
  for (const CryptoEntry& e : agents.Pixel(i)) {
    const auto index = static_cast<size_t>(e.index);
    if (e.index >= 0 && index < in_matte.size() && in_matte[index]) m += e.coverage;
  }
  return std::min(m, 1.0f);
}

std::array<int, 4> PaddedRegion(const std::array<int, 4>& bbox, int width, int height) {
  const int longest = std::max(bbox[2] - bbox[0], bbox[3] - bbox[1]) + 1;
  const auto pad = static_cast<int>(std::ceil(kCropMarginFraction * longest));
  return {std::max(0, bbox[0] - pad), std::max(0, bbox[1] - pad),
          std::min(width - 1, bbox[2] + pad), std::min(height - 1, bbox[3] + pad)};
}

}  // namespace

Result<AppearanceCrop> CropAppearance(const Frame& frame, const std::array<int, 4>& bbox,
                                      const std::vector<bool>& in_matte, int max_side) {
  if (max_side < kMinMaxSide || max_side > kMaxMaxSide) {
    return InvalidArgument("appearance crop: max_side " + std::to_string(max_side) +
                           " is outside 16..4096 pixels");
  }
  const bool inside = bbox[0] >= 0 && bbox[1] >= 0 && bbox[2] < frame.width &&
                      bbox[3] < frame.height && bbox[0] <= bbox[2] && bbox[1] <= bbox[3];
  if (!inside) {
    return InvalidArgument(
        "appearance crop: box [" + std::to_string(bbox[0]) + ", " + std::to_string(bbox[1]) + ", " +
        std::to_string(bbox[2]) + ", " + std::to_string(bbox[3]) + "] is empty or outside the " +
        std::to_string(frame.width) + "x" + std::to_string(frame.height) + " frame");
  }
  AppearanceCrop crop;
  crop.region = PaddedRegion(bbox, frame.width, frame.height);
  const int rw = crop.region[2] - crop.region[0] + 1, rh = crop.region[3] - crop.region[1] + 1;
  // An integer box filter: each output pixel averages a step × step block of the region (fewer
  // at the right and bottom edges, averaged over the pixels they hold).
  const int step = (std::max(rw, rh) + max_side - 1) / max_side;
  crop.width = (rw + step - 1) / step;
  crop.height = (rh + step - 1) / step;

  Frame out;
  out.width = crop.width;
  out.height = crop.height;
  out.rgba.assign(static_cast<size_t>(crop.width) * crop.height * 4, 0.0f);
  std::vector<int> count(static_cast<size_t>(crop.width) * crop.height, 0);
  for (int y = 0; y < rh; ++y) {
    for (int x = 0; x < rw; ++x) {
      const size_t src = static_cast<size_t>(crop.region[1] + y) * frame.width + crop.region[0] + x;
      const float m = MatteAt(frame.crypto_agent, src, in_matte);
      crop.matte_pixels += m;
      const size_t dst = static_cast<size_t>(y / step) * crop.width + x / step;
      for (int c = 0; c < 4; ++c) out.rgba[dst * 4 + c] += frame.rgba[src * 4 + c] * m;
      ++count[dst];
    }
  }
  for (size_t i = 0; i < count.size(); ++i) {
    for (int c = 0; c < 4; ++c) out.rgba[i * 4 + c] /= static_cast<float>(count[i]);
  }
  FIGURANT_ASSIGN_OR_RETURN(crop.png, EncodePng(out));
  return crop;
}

}  // namespace figurant::render

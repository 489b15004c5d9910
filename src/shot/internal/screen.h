// Where agents fall in the frame, for the clone constraints' on-screen distances.
#pragma once

#include <optional>

#include "geom/camera.h"

namespace figurant::shot::internal {

// Height above the feet of the point projected for screen distances: the chest, where viewers look.
inline constexpr float kScreenProbeHeightM = 1.2f;
// Agents this far outside the frame (fraction of width) still count as "in frame" for clones.
inline constexpr float kFrameMargin = 0.05f;

class ScreenProjector {
 public:
  explicit ScreenProjector(const geom::Camera& camera)
      : camera_(camera), basis_(camera.ComputeBasis()) {}

  // The position on screen, as fractions of the frame's width (x and y), of an agent whose feet
  // are at `feet` [metres]; nullopt when it is behind the camera or further than kFrameMargin
  // outside the frame.
  std::optional<geom::Vec2f> PointOf(const geom::Vec3f& feet) const {
    const auto p = camera_.Project(basis_, feet + geom::Vec3f{0, kScreenProbeHeightM, 0});
    if (!p) return std::nullopt;
    const float w = static_cast<float>(camera_.width), h = static_cast<float>(camera_.height);
    if (p->x < -kFrameMargin * w || p->x > (1 + kFrameMargin) * w || p->y < -kFrameMargin * w ||
        p->y > h + kFrameMargin * w) {
      return std::nullopt;
    }
    return geom::Vec2f{p->x / w, p->y / w};
  }

 private:
  geom::Camera camera_;
  geom::Camera::Basis basis_;
};

}  // namespace figurant::shot::internal

#include "geom/camera.h"

#include <array>
#include <cmath>

namespace figurant::geom {

Camera::Basis Camera::ComputeBasis() const {
  Basis b;
  b.forward = Normalize(look_at - position);
  b.right = Normalize(Cross(b.forward, up));
  if (Length(b.right) == 0) b.right = {1, 0, 0};
  b.up = Cross(b.right, b.forward);
  // Right-handed, +Y up: looking down +Z, right is -X (as in Blender and glTF cameras).
  return b;
}

Vec3f Camera::RayDirection(const Basis& b, double px, double py) const {
  const double sx = (2.0 * px / width - 1.0) * HalfWidthAtUnit();
  const double sy = (1.0 - 2.0 * py / height) * HalfHeightAtUnit();
  return b.forward + b.right * static_cast<float>(sx) + b.up * static_cast<float>(sy);
}

float Camera::Depth(const Basis& b, const Vec3f& world) const {
  return Dot(world - position, b.forward);
}

std::optional<Vec2f> Camera::Project(const Basis& b, const Vec3f& world) const {
  const Vec3f d = world - position;
  const float z = Dot(d, b.forward);
  if (!(z > 1e-6f)) return std::nullopt;
  const double sx = Dot(d, b.right) / z / HalfWidthAtUnit();
  const double sy = Dot(d, b.up) / z / HalfHeightAtUnit();
  return Vec2f{static_cast<float>((sx + 1.0) * 0.5 * width),
               static_cast<float>((1.0 - sy) * 0.5 * height)};
}

double Camera::ScreenHeightFraction(const Basis& b, const Vec3f& feet, double height_m) const {
  const auto lo = Project(b, feet);
  const auto hi = Project(b, feet + Vec3f{0, static_cast<float>(height_m), 0});
  if (!lo || !hi) return 0.0;
  return std::hypot(hi->x - lo->x, hi->y - lo->y) / height;
}

Vec2f Camera::ProjectedExtent(const Basis& b, const Mat4f& to_world, const Bounds3f& box) const {
  if (box.empty()) return {};
  std::array<Vec3f, 8> corners;
  for (int k = 0; k < 8; ++k) {
    corners[k] =
        to_world.TransformPoint({(k & 1) ? box.hi.x : box.lo.x, (k & 2) ? box.hi.y : box.lo.y,
                                 (k & 4) ? box.hi.z : box.lo.z});
  }
  Bounds3f image;  // x, y in pixels
  auto add = [&](const Vec3f& p) {
    if (const auto q = Project(b, p)) image.Extend({q->x, q->y, 0});
  };
  for (int k = 0; k < 8; ++k) {
    const float dk = Depth(b, corners[k]) - kNearPlaneM;
    if (dk >= 0) add(corners[k]);
    // Each edge once (to the corner one bit higher): where it crosses the near plane.
    for (int bit = 1; bit < 8; bit <<= 1) {
      if (k & bit) continue;
      const Vec3f& other = corners[k | bit];
      const float dother = Depth(b, other) - kNearPlaneM;
      if ((dk < 0) != (dother < 0)) add(corners[k] + (other - corners[k]) * (dk / (dk - dother)));
    }
  }
  return image.empty() ? Vec2f{} : Vec2f{image.size().x, image.size().y};
}

}  // namespace figurant::geom

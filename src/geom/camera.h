// A pinhole camera as scene files describe it (docs/scene-spec.md): position, look-at point, up,
// focal length and sensor width in millimetres, resolution in pixels. Used to generate primary rays
// (render), to project agents for the clone constraint and on-screen heights (crowd, consent
// check). Conventions: image x grows right, y grows down; pixel (0, 0) is the top-left pixel.
#pragma once

#include <optional>

#include "geom/vec.h"

namespace figurant::geom {

struct Camera {
  Vec3f position{0, 1.7f, -12};
  Vec3f look_at{0, 1.2f, 0};
  Vec3f up{0, 1, 0};
  double focal_length_mm = 35;  // [Units: mm] [Limits: > 0]
  double sensor_width_mm = 36;  // [Units: mm] [Limits: > 0]
  int width = 1920;             // [Units: pixels] [Limits: 1..16384]
  int height = 1080;            // [Units: pixels] [Limits: 1..16384]

  // Orthonormal basis: right, true up, forward (towards the look-at point).
  struct Basis {
    Vec3f right, up, forward;
  };
  Basis ComputeBasis() const;
  // Image-plane half extents at unit distance: tan(fov_x / 2), tan(fov_y / 2).
  double HalfWidthAtUnit() const { return 0.5 * sensor_width_mm / focal_length_mm; }
  double HalfHeightAtUnit() const { return HalfWidthAtUnit() * height / width; }

  // Direction (unnormalised) through image position (px, py) in pixels, e.g. (x + 0.5, y + 0.5).
  Vec3f RayDirection(const Basis& b, double px, double py) const;

  // Projects a world point to pixel coordinates; nullopt when it is behind the camera.
  std::optional<Vec2f> Project(const Basis& b, const Vec3f& world) const;
  // Depth along the view direction (camera-space z) of a world point. [Units: metres]
  float Depth(const Basis& b, const Vec3f& world) const;
  // On-screen height, as a fraction of frame height, of a vertical segment of `height_m` standing
  // at `feet` (its largest extent for a standing person). 0 when behind the camera.
  double ScreenHeightFraction(const Basis& b, const Vec3f& feet, double height_m) const;
  // The bounding rectangle, on the image plane, of `box` placed in the world by `to_world` (e.g. a
  // double's bounds under its agent's transform): all 8 corners projected, and where the box's
  // edges cross the near plane (kNearPlaneM in front of the camera) when part of it is behind, so
  // the rectangle holds every point of the box the camera can see, from any viewpoint. Not
  // clipped to the frame (a box larger than the frame measures larger than the frame). Empty (0
  // by 0) when the whole box is behind the near plane. [Units: pixels]
  Vec2f ProjectedExtent(const Basis& b, const Mat4f& to_world, const Bounds3f& box) const;
};

// Points closer to the camera's plane than this are cut away before projecting. [Units: metres]
inline constexpr float kNearPlaneM = 0.01f;

}  // namespace figurant::geom

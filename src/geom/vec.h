// Small value types for 3D geometry shared by scan, synth, anim, crowd and render.
// Conventions everywhere in Figurant: metres, +Y up, right-handed, a double faces +Z.
#pragma once

#include <array>
#include <cmath>

namespace figurant::geom {

struct Vec2f {
  float x = 0, y = 0;
};

struct Vec3f {
  float x = 0, y = 0, z = 0;

  constexpr Vec3f operator+(const Vec3f& o) const { return {x + o.x, y + o.y, z + o.z}; }
  constexpr Vec3f operator-(const Vec3f& o) const { return {x - o.x, y - o.y, z - o.z}; }
  constexpr Vec3f operator-() const { return {-x, -y, -z}; }
  constexpr Vec3f operator*(float s) const { return {x * s, y * s, z * s}; }
  constexpr Vec3f operator/(float s) const { return {x / s, y / s, z / s}; }
  constexpr Vec3f operator*(const Vec3f& o) const { return {x * o.x, y * o.y, z * o.z}; }
  Vec3f& operator+=(const Vec3f& o) {
    x += o.x;
    y += o.y;
    z += o.z;
    return *this;
  }
  Vec3f& operator*=(float s) {
    x *= s;
    y *= s;
    z *= s;
    return *this;
  }
  constexpr float operator[](int i) const { return i == 0 ? x : (i == 1 ? y : z); }
  constexpr bool operator==(const Vec3f&) const = default;
};

constexpr Vec3f operator*(float s, const Vec3f& v) { return v * s; }
constexpr float Dot(const Vec3f& a, const Vec3f& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
constexpr Vec3f Cross(const Vec3f& a, const Vec3f& b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
inline float Length(const Vec3f& v) { return std::sqrt(Dot(v, v)); }
inline Vec3f Normalize(const Vec3f& v) {
  const float len = Length(v);
  return len > 0 ? v / len : Vec3f{0, 0, 0};
}
inline bool IsFinite(const Vec3f& v) {
  return std::isfinite(v.x) && std::isfinite(v.y) && std::isfinite(v.z);
}
inline Vec3f Min(const Vec3f& a, const Vec3f& b) {
  return {std::fmin(a.x, b.x), std::fmin(a.y, b.y), std::fmin(a.z, b.z)};
}
inline Vec3f Max(const Vec3f& a, const Vec3f& b) {
  return {std::fmax(a.x, b.x), std::fmax(a.y, b.y), std::fmax(a.z, b.z)};
}

// Axis-aligned box. An empty box has lo > hi.
struct Bounds3f {
  Vec3f lo{INFINITY, INFINITY, INFINITY};
  Vec3f hi{-INFINITY, -INFINITY, -INFINITY};

  void Extend(const Vec3f& p) {
    lo = Min(lo, p);
    hi = Max(hi, p);
  }
  bool empty() const { return lo.x > hi.x; }
  Vec3f size() const { return empty() ? Vec3f{} : hi - lo; }
  Vec3f center() const { return (lo + hi) * 0.5f; }
};

// Column-major 4x4 affine transform (m[col][row]), as glTF and Embree store them.
struct Mat4f {
  std::array<std::array<float, 4>, 4> m{{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}};

  static Mat4f Identity() { return {}; }
  static Mat4f Translation(const Vec3f& t);
  static Mat4f Scale(float s);
  static Mat4f RotationY(float radians);
  Mat4f operator*(const Mat4f& o) const;
  Vec3f TransformPoint(const Vec3f& p) const;
  Vec3f TransformVector(const Vec3f& v) const;
  // Inverse of an affine transform (last row 0 0 0 1). Singular matrices return identity.
  Mat4f InverseAffine() const;
};

}  // namespace figurant::geom

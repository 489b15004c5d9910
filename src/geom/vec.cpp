#include "geom/vec.h"

namespace figurant::geom {

Mat4f Mat4f::Translation(const Vec3f& t) {
  Mat4f r;
  r.m[3] = {t.x, t.y, t.z, 1};
  return r;
}

Mat4f Mat4f::Scale(float s) {
  Mat4f r;
  r.m[0][0] = r.m[1][1] = r.m[2][2] = s;
  return r;
}

Mat4f Mat4f::RotationY(float a) {
  // Rotating +Z towards +X for positive angles (right-handed, looking down -Y).
  Mat4f r;
  const float c = std::cos(a), s = std::sin(a);
  r.m[0] = {c, 0, -s, 0};
  r.m[2] = {s, 0, c, 0};
  return r;
}

Mat4f Mat4f::operator*(const Mat4f& o) const {
  Mat4f r;
  for (int c = 0; c < 4; ++c) {
    for (int row = 0; row < 4; ++row) {
      float sum = 0;
      for (int k = 0; k < 4; ++k) sum += m[k][row] * o.m[c][k];
      r.m[c][row] = sum;
    }
  }
  return r;
}

Vec3f Mat4f::TransformPoint(const Vec3f& p) const {
  return {m[0][0] * p.x + m[1][0] * p.y + m[2][0] * p.z + m[3][0],
          m[0][1] * p.x + m[1][1] * p.y + m[2][1] * p.z + m[3][1],
          m[0][2] * p.x + m[1][2] * p.y + m[2][2] * p.z + m[3][2]};
}

Vec3f Mat4f::TransformVector(const Vec3f& v) const {
  return {m[0][0] * v.x + m[1][0] * v.y + m[2][0] * v.z,
          m[0][1] * v.x + m[1][1] * v.y + m[2][1] * v.z,
          m[0][2] * v.x + m[1][2] * v.y + m[2][2] * v.z};
}

Mat4f Mat4f::InverseAffine() const {
  // Invert the 3x3 linear part by cofactors, then the translation.
  const float a = m[0][0], b = m[1][0], c = m[2][0];
  const float d = m[0][1], e = m[1][1], f = m[2][1];
  const float g = m[0][2], h = m[1][2], i = m[2][2];
  const float A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const float det = a * A + b * B + c * C;
  if (std::fabs(det) < 1e-20f) return Identity();
  const float inv = 1.0f / det;
  Mat4f r;
  r.m[0][0] = A * inv;
  r.m[1][0] = -(b * i - c * h) * inv;
  r.m[2][0] = (b * f - c * e) * inv;
  r.m[0][1] = B * inv;
  r.m[1][1] = (a * i - c * g) * inv;
  r.m[2][1] = -(a * f - c * d) * inv;
  r.m[0][2] = C * inv;
  r.m[1][2] = -(a * h - b * g) * inv;
  r.m[2][2] = (a * e - b * d) * inv;
  const Vec3f t{m[3][0], m[3][1], m[3][2]};
  const Vec3f it = r.TransformVector(t);
  r.m[3] = {-it.x, -it.y, -it.z, 1};
  return r;
}

}  // namespace figurant::geom

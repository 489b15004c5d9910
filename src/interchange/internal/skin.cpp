#include "interchange/internal/skin.h"

#include <cmath>

namespace figurant::interchange::internal {

geom::Mat4f Unscaled(const geom::Mat4f& frame) {
  geom::Mat4f out = frame;
  for (int c = 0; c < 3; ++c) {
    auto& column = out.m[static_cast<size_t>(c)];
    const float length =
        std::sqrt(column[0] * column[0] + column[1] * column[1] + column[2] * column[2]);
    if (length > 0) {
      for (int r = 0; r < 3; ++r) column[static_cast<size_t>(r)] /= length;
    }
  }
  return out;
}

geom::Mat4f LocalFrame(const std::vector<geom::Bone>& bones, const std::vector<geom::Mat4f>& frames,
                       size_t b) {
  const int parent = bones[b].parent;
  if (parent < 0) return Unscaled(frames[b]);
  return Unscaled(frames[static_cast<size_t>(parent)]).InverseAffine() * Unscaled(frames[b]);
}

std::vector<geom::Mat4f> InverseBindMatrices(const geom::Skeleton& skeleton) {
  std::vector<geom::Mat4f> out;
  out.reserve(skeleton.bones.size());
  for (const geom::Bone& bone : skeleton.bones) {
    out.push_back(Unscaled(bone.bind_pose).InverseAffine());
  }
  return out;
}

Trs RigidTrs(const geom::Mat4f& rigid) {
  const auto& m = rigid.m;  // m[column][row]
  const double r00 = m[0][0], r11 = m[1][1], r22 = m[2][2];
  const double trace = r00 + r11 + r22;
  double q[4];  // x, y, z, w
  // The largest of w, x, y, z first, so that the division is well conditioned.
  if (trace > 0) {
    const double s = 2 * std::sqrt(1 + trace);
    q[3] = s / 4;
    q[0] = (m[1][2] - m[2][1]) / s;
    q[1] = (m[2][0] - m[0][2]) / s;
    q[2] = (m[0][1] - m[1][0]) / s;
  } else if (r00 > r11 && r00 > r22) {
    const double s = 2 * std::sqrt(1 + r00 - r11 - r22);
    q[3] = (m[1][2] - m[2][1]) / s;
    q[0] = s / 4;
    q[1] = (m[1][0] + m[0][1]) / s;
    q[2] = (m[2][0] + m[0][2]) / s;
  } else if (r11 > r22) {
    const double s = 2 * std::sqrt(1 + r11 - r00 - r22);
    q[3] = (m[2][0] - m[0][2]) / s;
    q[0] = (m[1][0] + m[0][1]) / s;
    q[1] = s / 4;
    q[2] = (m[2][1] + m[1][2]) / s;
  } else {
    const double s = 2 * std::sqrt(1 + r22 - r00 - r11);
    q[3] = (m[0][1] - m[1][0]) / s;
    q[0] = (m[2][0] + m[0][2]) / s;
    q[1] = (m[2][1] + m[1][2]) / s;
    q[2] = s / 4;
  }
  const double norm = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  const double sign = q[3] < 0 ? -1.0 : 1.0;
  Trs out;
  out.translation = {m[3][0], m[3][1], m[3][2]};
  for (int k = 0; k < 4; ++k)
    out.rotation[static_cast<size_t>(k)] = static_cast<float>(sign * q[k] / norm);
  return out;
}

}  // namespace figurant::interchange::internal

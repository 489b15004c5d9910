// Checks shared by the scan module's tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "geom/mesh.h"

namespace figurant::scan {

// Facing +Z, checked on the face: the most forward point of the head (the nose; above 90 % of
// `height`) is within `off_axis` of the mid-line and well in front of the middle of the head.
// `off_axis` allows for a head turned a little, or a body off-centre in its box (arm swing).
// [Units: metres]
inline void ExpectFacesPlusZ(const geom::Mesh& m, double height, float off_axis) {
  const auto head_band = static_cast<float>(height * 0.9);
  geom::Vec3f nose{0, 0, -1e9f};
  float lo = 1e9f, hi = -1e9f;
  for (const auto& p : m.positions) {
    if (p.y <= head_band) continue;
    if (p.z > nose.z) nose = p;
    lo = std::min(lo, p.z);
    hi = std::max(hi, p.z);
  }
  EXPECT_LT(std::fabs(nose.x), off_axis) << "most forward head point is off the mid-line";
  EXPECT_GT(nose.z - 0.5f * (lo + hi), 0.03f) << "the face is not at the front of the head";
}

}  // namespace figurant::scan

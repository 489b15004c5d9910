// Where a person can stand on a set: the surfaces of static set geometry (imported set meshes, in
// world space) plus an optional infinite ground plane, queried by vertical rays.
//
// An agent of personal radius r may stand at ground point (x, z) with its feet at height y when
//   1. walkable: a ray cast straight down from above the whole set meets, at y, a surface whose
//      normal is within kMaxWalkableSlopeDeg of vertical (either face: imported windings vary),
//      and y is at most kMaxStandHeightM above the ground plane (or, without one, above the set's
//      lowest point) — higher up are roofs and the tops of walls, not floors a crowd walks onto;
//   2. outside: the point is not inside a solid — set meshes are read as closed surfaces, so a
//      point with an odd number of distinct surfaces straight above it is inside one;
//   3. supported: straight below each of kFootprintRays points on the circle of radius r around
//      (x, z), the highest surface at most kClearFromM above y is at most kMaxDropM below y — the
//      whole personal circle is on the floor, not over a ledge, a pillar's top or a wall's;
//   4. clear: the vertical cylinder of radius r from y + kClearFromM to y + kClearToM (the body,
//      clear of kerbs and steps underfoot, with head room above) meets no set triangle — no wall,
//      pillar, bench or low ceiling.
// Candidates are tried from the highest walkable surface down; the first that passes all four
// wins ("the highest walkable, clear surface"). The ground plane is opaque: nothing below it
// counts.
//
// Triangles are binned in a uniform grid over the horizontal plane, so a vertical query touches
// only the triangles over its cell(s). Immutable once built; queries are thread-safe and
// deterministic (same geometry, same answer, bit for bit).
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "crowd/layout.h"
#include "geom/mesh.h"

namespace figurant::crowd {

inline constexpr double kMaxWalkableSlopeDeg = 35;  // [Units: degrees]
inline constexpr double kClearFromM = 0.3;          // body cylinder starts above the feet [m]
inline constexpr double kClearToM = 1.9;            // and ends here: head room [Units: metres]
inline constexpr double kMaxDropM = 0.35;           // deepest step under the footprint [m]
inline constexpr double kMaxStandHeightM = 2.0;     // highest floor above the ground [metres]
inline constexpr int kFootprintRays = 8;

class SetSurface {
 public:
  // `meshes` in world space [metres, +Y up]; only their positions and indices are read (copied).
  // `ground_height`: an infinite walkable plane at that height [metres], or none.
  // `max_stand_height_m`: how far above the ground (or the set's lowest point) a floor may be.
  SetSurface(std::span<const geom::Mesh> meshes, std::optional<double> ground_height,
             double max_stand_height_m = kMaxStandHeightM);

  // Feet height [metres] of an agent of personal radius `radius_m` [> 0] standing at `p`, or
  // nullopt when no surface there is walkable, supported and clear (see the file comment).
  std::optional<float> StandAt(Point2 p, double radius_m) const;

  // True when the vertical cylinder of `radius_m` around `p` between heights y0 < y1 meets a set
  // triangle. [Units: metres]
  bool CylinderHits(Point2 p, double radius_m, double y0, double y1) const;

  size_t triangle_count() const { return tris_.size(); }

 private:
  struct Tri {
    double ax, ay, az, bx, by, bz, cx, cy, cz;
    double ymin, ymax, xmin, xmax, zmin, zmax;
    bool walkable;
  };
  struct Hit {
    double y;
    bool walkable;
  };
  // Every surface straight below `p`, highest first (ties: walkable first).
  void HitsBelow(Point2 p, std::vector<Hit>& out) const;
  // The highest surface below `p` no higher than `ceiling`, or -inf.
  double HighestAtOrBelow(Point2 p, double ceiling) const;
  int64_t CellX(double x) const;
  int64_t CellZ(double z) const;

  std::vector<Tri> tris_;
  std::optional<double> ground_;
  double stand_limit_ = INFINITY;  // highest feet height considered [metres]
  double x0_ = 0, z0_ = 0, cell_ = 1;
  int64_t nx_ = 0, nz_ = 0;
  std::vector<uint32_t> start_;  // cell c holds refs_[start_[c] .. start_[c + 1])
  std::vector<uint32_t> refs_;   // triangle indices
};

}  // namespace figurant::crowd

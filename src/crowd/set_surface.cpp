// Vertical queries over set triangles binned in a uniform horizontal grid: a ray straight down
// meets only triangles whose horizontal footprint covers its cell, and a vertical cylinder only
// those over the cells its disc touches. The cylinder test is exact: each triangle is clipped to
// the cylinder's height slab (Sutherland–Hodgman) and the clipped polygon's horizontal projection
// is tested against the disc.
#include "crowd/set_surface.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace figurant::crowd {
namespace {

constexpr double kMinCellM = 0.25;          // finer cells only multiply references
constexpr int64_t kMaxCells = 1 << 20;      // grid size cap (4 MiB of cell offsets)
constexpr double kBarycentricSlack = 1e-9;  // a point on a shared edge hits both triangles
constexpr double kSameSurfaceM = 1e-6;      // hits closer than this are one surface (shared edges)

struct P3 {
  double x, y, z;
};

// Sutherland–Hodgman against one horizontal plane: keeps y >= h when `keep_above`, else y <= h.
void ClipY(std::vector<P3>& poly, double h, bool keep_above, std::vector<P3>& scratch) {
  scratch.clear();
  auto inside = [&](const P3& p) { return keep_above ? p.y >= h : p.y <= h; };
  for (size_t i = 0; i < poly.size(); ++i) {
    const P3& a = poly[i];
    const P3& b = poly[(i + 1) % poly.size()];
    const bool ia = inside(a), ib = inside(b);
    if (ia) scratch.push_back(a);
    if (ia != ib) {
      const double t = (h - a.y) / (b.y - a.y);
      scratch.push_back({a.x + t * (b.x - a.x), h, a.z + t * (b.z - a.z)});
    }
  }
  poly.swap(scratch);
}

double SegmentDistance2(double px, double pz, const P3& a, const P3& b) {
  const double dx = b.x - a.x, dz = b.z - a.z;
  const double len2 = dx * dx + dz * dz;
  double t = len2 > 0 ? ((px - a.x) * dx + (pz - a.z) * dz) / len2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  const double ex = a.x + t * dx - px, ez = a.z + t * dz - pz;
  return ex * ex + ez * ez;
}

}  // namespace

SetSurface::SetSurface(std::span<const geom::Mesh> meshes, std::optional<double> ground_height,
                       double max_stand_height_m)
    : ground_(ground_height) {
  const double min_walkable_ny = std::cos(kMaxWalkableSlopeDeg * std::numbers::pi / 180.0);
  for (const geom::Mesh& m : meshes) {
    for (size_t t = 0; t + 2 < m.indices.size(); t += 3) {
      const geom::Vec3f& a = m.positions[m.indices[t]];
      const geom::Vec3f& b = m.positions[m.indices[t + 1]];
      const geom::Vec3f& c = m.positions[m.indices[t + 2]];
      Tri tri{a.x, a.y, a.z, b.x, b.y, b.z, c.x, c.y, c.z, 0, 0, 0, 0, 0, 0, false};
      tri.ymin = std::min({tri.ay, tri.by, tri.cy});
      tri.ymax = std::max({tri.ay, tri.by, tri.cy});
      tri.xmin = std::min({tri.ax, tri.bx, tri.cx});
      tri.xmax = std::max({tri.ax, tri.bx, tri.cx});
      tri.zmin = std::min({tri.az, tri.bz, tri.cz});
      tri.zmax = std::max({tri.az, tri.bz, tri.cz});
      const double ux = tri.bx - tri.ax, uy = tri.by - tri.ay, uz = tri.bz - tri.az;
      const double vx = tri.cx - tri.ax, vy = tri.cy - tri.ay, vz = tri.cz - tri.az;
      const double nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
      const double len = std::sqrt(nx * nx + ny * ny + nz * nz);
      if (!(len > 0)) continue;  // no area: nothing can stand on it or bump into it
      tri.walkable = std::fabs(ny) / len >= min_walkable_ny;
      tris_.push_back(tri);
    }
  }
  double lowest = ground_.value_or(INFINITY);
  if (!ground_) {
    for (const Tri& t : tris_) lowest = std::min(lowest, t.ymin);
  }
  stand_limit_ = lowest + max_stand_height_m;
  if (tris_.empty()) return;
  double x1 = -INFINITY, z1 = -INFINITY;
  x0_ = z0_ = INFINITY;
  for (const Tri& t : tris_) {
    x0_ = std::min(x0_, t.xmin);
    z0_ = std::min(z0_, t.zmin);
    x1 = std::max(x1, t.xmax);
    z1 = std::max(z1, t.zmax);
  }
  const double w = std::max(x1 - x0_, kMinCellM), d = std::max(z1 - z0_, kMinCellM);
  cell_ = std::max(kMinCellM, std::sqrt(w * d / static_cast<double>(tris_.size())));
  while (true) {
    nx_ = static_cast<int64_t>(w / cell_) + 1;
    nz_ = static_cast<int64_t>(d / cell_) + 1;
    if (nx_ * nz_ <= kMaxCells) break;
    cell_ *= 1.25;
  }
  // Counting sort of (cell, triangle) references.
  start_.assign(static_cast<size_t>(nx_ * nz_) + 1, 0);
  auto for_cells = [&](const Tri& t, auto&& fn) {
    for (int64_t z = CellZ(t.zmin); z <= CellZ(t.zmax); ++z) {
      for (int64_t x = CellX(t.xmin); x <= CellX(t.xmax); ++x) fn(static_cast<size_t>(z * nx_ + x));
    }
  };
  for (const Tri& t : tris_) for_cells(t, [&](size_t c) { ++start_[c + 1]; });
  for (size_t c = 1; c < start_.size(); ++c) start_[c] += start_[c - 1];
  refs_.resize(start_.back());
  std::vector<uint32_t> fill(start_.begin(), start_.end() - 1);
  for (size_t i = 0; i < tris_.size(); ++i) {
    for_cells(tris_[i], [&](size_t c) { refs_[fill[c]++] = static_cast<uint32_t>(i); });
  }
}

int64_t SetSurface::CellX(double x) const {
  return std::clamp<int64_t>(static_cast<int64_t>(std::floor((x - x0_) / cell_)), 0, nx_ - 1);
}

int64_t SetSurface::CellZ(double z) const {
  return std::clamp<int64_t>(static_cast<int64_t>(std::floor((z - z0_) / cell_)), 0, nz_ - 1);
}

void SetSurface::HitsBelow(Point2 p, std::vector<Hit>& out) const {
  out.clear();
  if (!tris_.empty()) {
    const auto c = static_cast<size_t>(CellZ(p.z) * nx_ + CellX(p.x));
    for (uint32_t k = start_[c]; k < start_[c + 1]; ++k) {
      const Tri& t = tris_[refs_[k]];
      if (p.x < t.xmin || p.x > t.xmax || p.z < t.zmin || p.z > t.zmax) continue;
      // Barycentric coordinates of p in the triangle's horizontal projection.
      const double d = (t.bz - t.cz) * (t.ax - t.cx) + (t.cx - t.bx) * (t.az - t.cz);
      if (d == 0) continue;  // vertical triangle: a wall has no top to stand on
      const double w0 = ((t.bz - t.cz) * (p.x - t.cx) + (t.cx - t.bx) * (p.z - t.cz)) / d;
      const double w1 = ((t.cz - t.az) * (p.x - t.cx) + (t.ax - t.cx) * (p.z - t.cz)) / d;
      const double w2 = 1 - w0 - w1;
      if (w0 < -kBarycentricSlack || w1 < -kBarycentricSlack || w2 < -kBarycentricSlack) continue;
      const double y = w0 * t.ay + w1 * t.by + w2 * t.cy;
      if (ground_ && y < *ground_) continue;  // hidden under the opaque ground
      out.push_back({y, t.walkable});
    }
  }
  if (ground_) out.push_back({*ground_, true});
  std::sort(out.begin(), out.end(), [](const Hit& a, const Hit& b) {
    return a.y != b.y ? a.y > b.y : a.walkable > b.walkable;
  });
}

double SetSurface::HighestAtOrBelow(Point2 p, double ceiling) const {
  thread_local std::vector<Hit> hits;
  HitsBelow(p, hits);
  for (const Hit& h : hits) {
    if (h.y <= ceiling) return h.y;
  }
  return -INFINITY;
}

bool SetSurface::CylinderHits(Point2 p, double radius_m, double y0, double y1) const {
  if (tris_.empty()) return false;
  const double r2 = radius_m * radius_m;
  thread_local std::vector<P3> poly, scratch;
  for (int64_t z = CellZ(p.z - radius_m); z <= CellZ(p.z + radius_m); ++z) {
    for (int64_t x = CellX(p.x - radius_m); x <= CellX(p.x + radius_m); ++x) {
      const auto c = static_cast<size_t>(z * nx_ + x);
      for (uint32_t k = start_[c]; k < start_[c + 1]; ++k) {
        const Tri& t = tris_[refs_[k]];
        if (t.ymax < y0 || t.ymin > y1 || t.xmax < p.x - radius_m || t.xmin > p.x + radius_m ||
            t.zmax < p.z - radius_m || t.zmin > p.z + radius_m) {
          continue;
        }
        poly.assign({{t.ax, t.ay, t.az}, {t.bx, t.by, t.bz}, {t.cx, t.cy, t.cz}});
        ClipY(poly, y0, true, scratch);
        if (!poly.empty()) ClipY(poly, y1, false, scratch);
        if (poly.empty()) continue;
        // The clipped piece's horizontal projection against the disc: a vertex or edge within
        // the radius, or the centre inside the piece.
        bool inside = false;
        for (size_t i = 0, j = poly.size() - 1; i < poly.size(); j = i++) {
          if (SegmentDistance2(p.x, p.z, poly[j], poly[i]) <= r2) return true;
          const P3& a = poly[i];
          const P3& b = poly[j];
          if ((a.z > p.z) != (b.z > p.z) && p.x < (b.x - a.x) * (p.z - a.z) / (b.z - a.z) + a.x) {
            inside = !inside;
          }
        }
        if (inside) return true;
      }
    }
  }
  return false;
}

std::optional<float> SetSurface::StandAt(Point2 p, double radius_m) const {
  thread_local std::vector<Hit> hits;
  HitsBelow(p, hits);
  double last = INFINITY;
  int surfaces_above = 0;  // distinct surfaces above the current hit
  double previous = INFINITY;
  for (const Hit& h : hits) {
    if (h.y < previous - kSameSurfaceM) {
      if (previous != INFINITY) ++surfaces_above;
      previous = h.y;
    }
    if (!h.walkable || h.y == last || h.y > stand_limit_) continue;
    last = h.y;
    if (surfaces_above % 2 == 1) continue;  // inside a solid
    bool supported = true;
    for (int k = 0; k < kFootprintRays && supported; ++k) {
      const double a = 2 * std::numbers::pi * k / kFootprintRays;
      const Point2 q{p.x + radius_m * std::cos(a), p.z + radius_m * std::sin(a)};
      supported = HighestAtOrBelow(q, h.y + kClearFromM) >= h.y - kMaxDropM;
    }
    if (!supported) continue;
    if (CylinderHits(p, radius_m, h.y + kClearFromM, h.y + kClearToM)) continue;
    return static_cast<float>(h.y);
  }
  return std::nullopt;
}

}  // namespace figurant::crowd

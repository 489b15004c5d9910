// Procedural bodies. Smooth union: Quílez, "Smooth minimum" (iquilezles.org, polynomial smin).
// Polygonisation: marching tetrahedra (Doi & Koide, "An Efficient Method of Triangulating
// Equi-Valued Surfaces by Using Tetrahedral Cells", IEICE 1991) with the six-tetrahedra cube split
// around one main diagonal, so shared faces split the same way in neighbouring cubes and the welded
// surface is closed; the grid resolution keeps the triangle count in the 10k–40k range.
#include "synth/synth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <unordered_map>

#include "core/random.h"

namespace figurant::synth {
namespace {

using geom::Vec3f;

constexpr size_t kTargetTriangles = 30000;
constexpr size_t kMaxTriangles = 38000;

// ---- signed distance primitives (metres) -------------------------------------------------------

struct V3 {
  double x, y, z;
};
V3 operator+(V3 a, V3 b) { return {a.x + b.x, a.y + b.y, a.z + b.z}; }
V3 operator-(V3 a, V3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
V3 operator*(V3 a, double s) { return {a.x * s, a.y * s, a.z * s}; }
double Dot(V3 a, V3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
double Len(V3 a) { return std::sqrt(Dot(a, a)); }

// Capsule with radius varying from ra (at a) to rb (at b): a rounded cone, approximated by
// interpolating the radius along the segment parameter (exact enough for gently tapering limbs).
double RoundCone(V3 p, V3 a, V3 b, double ra, double rb) {
  const V3 ab = b - a;
  const double t = std::clamp(Dot(p - a, ab) / Dot(ab, ab), 0.0, 1.0);
  return Len(p - (a + ab * t)) - (ra + (rb - ra) * t);
}

// Ellipsoid (Quílez's bound): good near the surface, which is all marching needs.
double Ellipsoid(V3 p, V3 c, V3 r) {
  const V3 q{(p.x - c.x) / r.x, (p.y - c.y) / r.y, (p.z - c.z) / r.z};
  const V3 q2{(p.x - c.x) / (r.x * r.x), (p.y - c.y) / (r.y * r.y), (p.z - c.z) / (r.z * r.z)};
  const double k0 = Len(q), k1 = Len(q2);
  return k1 > 0 ? k0 * (k0 - 1.0) / k1 : -std::min({r.x, r.y, r.z});
}

double SMin(double a, double b, double k) {
  const double h = std::max(k - std::fabs(a - b), 0.0) / k;
  return std::min(a, b) - h * h * k * 0.25;
}

// ---- the body plan ----------------------------------------------------------------------------

struct Joints {
  V3 hips, chest, neck, head, nose;
  V3 shoulder[2], elbow[2], wrist[2], hand_tip[2];
  V3 hip[2], knee[2], ankle[2], toe[2];
};

Joints Plan(const BodyParams& b) {
  const double H = b.height_m;
  Joints j;
  const double shift = b.pose == Pose::kWeightShift ? 0.025 : 0.0;  // pelvis over one leg
  j.hips = {shift, b.leg_ratio * H + 0.035 * H, 0};
  j.chest = {shift * 0.3, 0.72 * H, 0.0};
  j.neck = {0, 0.845 * H, 0.0};
  const double head_r = 0.065 * H * b.head_scale;
  j.head = {0, H - 0.116 * b.head_scale * H / 1.75, 0.012};
  (void)head_r;
  j.nose = {0, j.head.y - 0.1 * head_r, j.head.z + head_r * 1.15};
  for (int s = 0; s < 2; ++s) {
    const double side = s == 0 ? 1.0 : -1.0;  // 0 = left (+X)
    j.shoulder[s] = {side * b.shoulder_width * 0.5, 0.815 * H, -0.005};
    const double upper = 0.186 * H, fore = 0.146 * H, hand = 0.1 * H;
    V3 e, w, t;
    switch (b.pose) {
      case Pose::kHandsInPockets:
        e = j.shoulder[s] + V3{side * 0.05, -upper * 0.97, -0.03};
        w = {side * (b.hip_width * 0.5 + 0.01 * b.girth), j.hips.y + 0.0 * H, 0.06};
        t = w + V3{-side * 0.01, -0.05, 0.01};  // hand tucked into the pocket
        break;
      case Pose::kArmsCrossed:
        e = j.shoulder[s] + V3{side * 0.04, -upper * 0.9, 0.07};
        w = {-side * 0.09, 0.69 * H + (s == 0 ? 0.02 : -0.01), 0.16 * b.girth};
        t = w + V3{-side * 0.07, 0.01, -0.03};
        break;
      case Pose::kHandsBehind:
        e = j.shoulder[s] + V3{side * 0.04, -upper * 0.95, -0.07};
        w = {side * 0.05, j.hips.y + 0.02 * H, -0.15 * b.girth};
        t = w + V3{-side * 0.05, -0.03, 0.0};
        break;
      default: {  // relaxed: hanging, slightly away from the body, elbows soft
        const double out = s == 0 && b.pose == Pose::kWeightShift ? 0.06 : 0.035;
        e = j.shoulder[s] + V3{side * out, -upper, -0.015};
        w = e + V3{side * 0.015, -fore, 0.035};
        t = w + V3{side * 0.004, -hand * 0.75, 0.01};
        break;
      }
    }
    j.elbow[s] = e;
    j.wrist[s] = w;
    j.hand_tip[s] = t;
    // Legs: feet slightly apart and turned out; weight shift bends the free knee.
    const double hx = side * b.hip_width * 0.27;
    j.hip[s] = {j.hips.x + hx, j.hips.y - 0.02 * H, 0};
    const bool free_leg = b.pose == Pose::kWeightShift && s == 1;
    const double foot_x = side * (0.07 + 0.02 * b.girth) + (free_leg ? -0.02 : 0.0);
    j.ankle[s] = {foot_x, 0.045 * H, free_leg ? 0.06 : 0.0};
    j.knee[s] = {(j.hip[s].x + j.ankle[s].x) * 0.5, 0.285 * H, free_leg ? 0.07 : 0.012};
    j.toe[s] = j.ankle[s] + V3{side * 0.025, -0.03 * H, 0.14 * H / 1.75};
  }
  return j;
}

struct Fields {
  double skin, cloth, hair;
};

// Head, nose and neck.
double HeadSurface(const BodyParams& b, const Joints& j, V3 p) {
  const double H = b.height_m, g = b.girth, hs = b.head_scale * H / 1.75;
  double head = Ellipsoid(p, j.head, {0.077 * hs, 0.113 * hs, 0.097 * hs});
  head =
      SMin(head, RoundCone(p, j.nose - V3{0, 0.01, 0.025}, j.nose, 0.014 * hs, 0.011 * hs), 0.02);
  return SMin(
      head,
      RoundCone(p, j.neck - V3{0, 0.03, 0}, j.head - V3{0, 0.07 * hs, 0.02}, 0.058 * g, 0.052 * g),
      0.03);
}

// Chest, waist, pelvis (and breasts) and the shoulder girdle.
double TorsoSurface(const BodyParams& b, const Joints& j, V3 p) {
  const double H = b.height_m, g = b.girth;
  const double chest_w = b.shoulder_width * 0.42 * (b.female ? 0.95 : 1.0);
  double torso = Ellipsoid(p, j.chest, {chest_w, 0.125 * H, 0.105 * g});
  torso = SMin(
      torso, Ellipsoid(p, {j.chest.x * 0.5, 0.625 * H, 0.0}, {0.135 * g + 0.02, 0.09 * H, 0.1 * g}),
      0.06);
  torso = SMin(torso,
               Ellipsoid(p, j.hips + V3{0, 0.01, -0.005}, {b.hip_width * 0.5, 0.075 * H, 0.11 * g}),
               0.06);
  if (b.female) {
    for (int s = 0; s < 2; ++s) {
      torso =
          SMin(torso,
               Ellipsoid(p, {(s == 0 ? 1 : -1) * 0.055, 0.72 * H, 0.085 * g}, {0.055, 0.05, 0.045}),
               0.04);
    }
  }
  return SMin(torso, RoundCone(p, j.shoulder[0], j.shoulder[1], 0.052 * g, 0.052 * g), 0.07);
}

// Both arms and both legs, whole, and the parts the garments follow.
struct LimbSurfaces {
  double arms = 1e9, legs = 1e9;
  double upper_arms = 1e9, thighs = 1e9, lower_legs = 1e9, feet = 1e9;
};

LimbSurfaces Limbs(const BodyParams& b, const Joints& j, V3 p) {
  const double H = b.height_m, g = b.girth;
  LimbSurfaces l;
  for (int s = 0; s < 2; ++s) {
    const double ua = RoundCone(p, j.shoulder[s], j.elbow[s], 0.05 * g, 0.038 * g);
    const double fa = RoundCone(p, j.elbow[s], j.wrist[s], 0.037 * g, 0.027 * g);
    const double hand = RoundCone(p, j.wrist[s], j.hand_tip[s], 0.028, 0.024);
    l.upper_arms = std::min(l.upper_arms, ua);
    l.arms = std::min(l.arms, SMin(SMin(ua, fa, 0.02), hand, 0.015));
    const double th = RoundCone(p, j.hip[s], j.knee[s], 0.085 * g, 0.055 * g);
    const double sh = RoundCone(p, j.knee[s], j.ankle[s], 0.052 * g, 0.035);
    const double ft = Ellipsoid(p, (j.ankle[s] + j.toe[s]) * 0.5 + V3{0, -0.012, 0},
                                {0.045, 0.035, 0.125 * H / 1.75});
    l.thighs = std::min(l.thighs, th);
    l.lower_legs = std::min(l.lower_legs, sh);
    l.feet = std::min(l.feet, ft);
    l.legs = std::min(l.legs, SMin(SMin(th, sh, 0.03), ft, 0.03));
  }
  return l;
}

// Garments: shells a little outside the skin, over the parts each outfit covers.
double ClothSurface(const BodyParams& b, const Joints& j, V3 p, double torso,
                    const LimbSurfaces& limbs) {
  const double H = b.height_m, g = b.girth;
  const double cloth_gap = 0.008;
  double top = torso - cloth_gap;
  double bottom =
      SMin(limbs.thighs, Ellipsoid(p, j.hips, {b.hip_width * 0.5, 0.08 * H, 0.11 * g}), 0.05) -
      cloth_gap;
  const bool long_sleeves = b.outfit != 3;
  const bool long_legs = b.outfit != 3;
  top = SMin(top, limbs.upper_arms - cloth_gap, 0.03);
  if (long_sleeves) {
    double sleeves = 1e9;
    for (int s = 0; s < 2; ++s) {
      sleeves =
          std::min(sleeves, RoundCone(p, j.elbow[s], j.wrist[s] + (j.elbow[s] - j.wrist[s]) * 0.08,
                                      0.04 * g, 0.032 * g));
    }
    top = SMin(top, sleeves - cloth_gap, 0.02);
  }
  if (long_legs) bottom = SMin(bottom, limbs.lower_legs - cloth_gap, 0.03);
  // The top stops at the waist (a coat goes down to mid-thigh); trousers at the ankle.
  const double top_bottom_y = b.outfit == 2 ? 0.40 * H : 0.57 * H;
  top = std::max(top, top_bottom_y - p.y);
  if (b.outfit == 2) {  // coat: a wider flared skirt from the waist to the thigh
    top = std::min(top, std::max(RoundCone(p, {0, 0.6 * H, 0}, {0, 0.40 * H, 0},
                                           b.hip_width * 0.55 + 0.02, b.hip_width * 0.62 + 0.03),
                                 0.40 * H - p.y));
    top -= 0.01;  // thicker fabric
  }
  bottom = std::max(bottom, (long_legs ? 0.06 * H : 0.40 * H) - p.y);
  const double shoes = limbs.feet - 0.006;
  return std::min({top, bottom, shoes});
}

double HairSurface(const BodyParams& b, const Joints& j, V3 p) {
  if (b.hair_style == 2) return 1e9;  // bald
  const double hs = b.head_scale * b.height_m / 1.75;
  const V3 hc = j.head;
  const double cap = Ellipsoid(p, hc + V3{0, 0.016, -0.012}, {0.088 * hs, 0.122 * hs, 0.108 * hs});
  // Keep the cap above the forehead and behind the face.
  const double keep = std::max(hc.y + (b.hair_style == 1 ? -0.09 : -0.01) * hs - p.y,
                               p.z - (hc.z + 0.055 * hs) + (p.y - hc.y) * -0.3);
  double hair = std::max(cap, keep);
  if (b.hair_style == 1) {  // long: down the back to the shoulders
    hair = SMin(
        hair, Ellipsoid(p, hc + V3{0, -0.12 * hs, -0.06 * hs}, {0.075 * hs, 0.13 * hs, 0.05 * hs}),
        0.03);
  }
  if (b.hair_style == 3) {
    hair = SMin(hair, Ellipsoid(p, hc + V3{0, 0.07 * hs, -0.09 * hs}, {0.04, 0.04, 0.04}), 0.02);
  }
  return hair;
}

// The three surfaces at p: skin (the body), cloth (garment shells), hair. The body surface is
// their union.
Fields Evaluate(const BodyParams& b, const Joints& j, V3 p) {
  const double torso = TorsoSurface(b, j, p);
  const LimbSurfaces limbs = Limbs(b, j, p);
  double skin = SMin(HeadSurface(b, j, p), torso, 0.05);
  skin = SMin(skin, limbs.arms, 0.03);
  skin = SMin(skin, limbs.legs, 0.045);
  return {skin, ClothSurface(b, j, p, torso, limbs), HairSurface(b, j, p)};
}

double Union(const Fields& f) { return std::min({f.skin, f.cloth, f.hair}); }

// ---- marching tetrahedra ------------------------------------------------------------------------

constexpr int kCorner[8][3] = {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0},
                               {0, 0, 1}, {1, 0, 1}, {1, 1, 1}, {0, 1, 1}};
constexpr int kTets[6][4] = {{0, 5, 1, 6}, {0, 1, 2, 6}, {0, 2, 3, 6},
                             {0, 3, 7, 6}, {0, 7, 4, 6}, {0, 4, 5, 6}};

// The sampling grid: a box around any body (feet at 0, at most 1.95 m tall, facing +Z), nodes
// `voxel` metres apart, node (x, y, z) stored at x + nx * (y + ny * z).
struct Grid {
  double x0, y0, z0;  // node (0, 0, 0) [Units: metres]
  double voxel;       // [Units: metres]
  int nx, ny, nz;     // nodes along each axis

  size_t Node(int x, int y, int z) const {
    return static_cast<size_t>(x) +
           static_cast<size_t>(nx) * (static_cast<size_t>(y) + static_cast<size_t>(ny) * z);
  }
  V3 Position(size_t n) const {
    const auto x = static_cast<int>(n % nx), y = static_cast<int>((n / nx) % ny),
               z = static_cast<int>(n / nx / ny);
    return V3{x0 + x * voxel, y0 + y * voxel, z0 + z * voxel};
  }
  size_t size() const { return static_cast<size_t>(nx) * ny * nz; }
};

Grid GridAround(const BodyParams& b, double voxel) {
  const double H = b.height_m;
  const double x0 = -0.55, x1 = 0.55, y0 = -0.03, y1 = H + 0.05, z0 = -0.35, z1 = 0.4;
  return {x0,
          y0,
          z0,
          voxel,
          static_cast<int>(std::ceil((x1 - x0) / voxel)) + 1,
          static_cast<int>(std::ceil((y1 - y0) / voxel)) + 1,
          static_cast<int>(std::ceil((z1 - z0) / voxel)) + 1};
}

// The body's signed distance at every node (negative inside), never exactly zero.
std::vector<float> SampleField(const BodyParams& b, const Joints& j, const Grid& grid) {
  std::vector<float> value(grid.size());
  for (int z = 0; z < grid.nz; ++z) {
    for (int y = 0; y < grid.ny; ++y) {
      for (int x = 0; x < grid.nx; ++x) {
        const size_t n = grid.Node(x, y, z);
        double v = Union(Evaluate(b, j, grid.Position(n)));
        if (std::fabs(v) < 1e-7) v = 1e-7;  // no vertex exactly on a node
        value[n] = static_cast<float>(v);
      }
    }
  }
  return value;
}

// Builds the welded surface one tetrahedron at a time: a vertex per grid edge the surface crosses,
// shared by every triangle on that edge, and triangles wound to face outwards.
class SurfaceBuilder {
 public:
  SurfaceBuilder(const Grid& grid, const std::vector<float>& value) : grid_(grid), value_(value) {}

  // The tetrahedron of four grid nodes: nothing when all are on one side of the surface, else
  // the one or two triangles that separate the inside nodes from the outside ones.
  void AddTetrahedron(const std::array<size_t, 4>& nodes) {
    std::array<size_t, 4> in{}, out{};
    int ni = 0, no = 0;
    for (const size_t n : nodes) {
      if (value_[n] < 0) {
        in[static_cast<size_t>(ni++)] = n;
      } else {
        out[static_cast<size_t>(no++)] = n;
      }
    }
    if (ni == 0 || ni == 4) return;
    V3 ci{0, 0, 0}, co{0, 0, 0};
    for (int k = 0; k < ni; ++k) ci = ci + grid_.Position(in[static_cast<size_t>(k)]);
    for (int k = 0; k < no; ++k) co = co + grid_.Position(out[static_cast<size_t>(k)]);
    const V3 outward = co * (1.0 / no) - ci * (1.0 / ni);
    if (ni == 1) {
      Emit(VertexOn(in[0], out[0]), VertexOn(in[0], out[1]), VertexOn(in[0], out[2]), outward);
    } else if (ni == 3) {
      Emit(VertexOn(out[0], in[0]), VertexOn(out[0], in[1]), VertexOn(out[0], in[2]), outward);
    } else {
      const uint32_t a = VertexOn(in[0], out[0]), bb = VertexOn(in[0], out[1]);
      const uint32_t cc = VertexOn(in[1], out[1]), d = VertexOn(in[1], out[0]);
      Emit(a, bb, cc, outward);
      Emit(a, cc, d, outward);
    }
  }

  geom::Mesh Take() { return std::move(mesh_); }

 private:
  // The vertex where the surface crosses the edge between nodes a and c (linear interpolation).
  uint32_t VertexOn(size_t a, size_t c) {
    const uint64_t key =
        a < c ? (static_cast<uint64_t>(a) << 32 | c) : (static_cast<uint64_t>(c) << 32 | a);
    auto it = edge_vertex_.find(key);
    if (it != edge_vertex_.end()) return it->second;
    const double va = value_[a], vc = value_[c];
    const double t = va / (va - vc);
    const V3 p = grid_.Position(a) + (grid_.Position(c) - grid_.Position(a)) * t;
    const auto id = static_cast<uint32_t>(mesh_.positions.size());
    mesh_.positions.push_back(
        {static_cast<float>(p.x), static_cast<float>(p.y), static_cast<float>(p.z)});
    edge_vertex_.emplace(key, id);
    return id;
  }

  void Emit(uint32_t a, uint32_t c, uint32_t d, V3 outward) {
    const Vec3f& pa = mesh_.positions[a];
    const Vec3f n = geom::Cross(mesh_.positions[c] - pa, mesh_.positions[d] - pa);
    if (n.x * outward.x + n.y * outward.y + n.z * outward.z < 0) std::swap(c, d);
    mesh_.indices.insert(mesh_.indices.end(), {a, c, d});
  }

  const Grid& grid_;
  const std::vector<float>& value_;
  geom::Mesh mesh_;
  std::unordered_map<uint64_t, uint32_t> edge_vertex_;
};

geom::Mesh Polygonise(const BodyParams& b, const Joints& j, double voxel) {
  const Grid grid = GridAround(b, voxel);
  const std::vector<float> value = SampleField(b, j, grid);
  SurfaceBuilder surface(grid, value);
  for (int z = 0; z + 1 < grid.nz; ++z) {
    for (int y = 0; y + 1 < grid.ny; ++y) {
      for (int x = 0; x + 1 < grid.nx; ++x) {
        size_t c[8];
        int inside = 0;
        for (int k = 0; k < 8; ++k) {
          c[k] = grid.Node(x + kCorner[k][0], y + kCorner[k][1], z + kCorner[k][2]);
          inside += value[c[k]] < 0;
        }
        if (inside == 0 || inside == 8) continue;
        for (const auto& t : kTets) surface.AddTetrahedron({c[t[0]], c[t[1]], c[t[2]], c[t[3]]});
      }
    }
  }
  return surface.Take();
}

// ---- dressing the surface: regions, colours, skeleton, weights ----------------------------------

struct GroundedSurface {
  geom::Mesh mesh;       // with normals; lowest vertex at y = 0
  float lowered_by = 0;  // how far the polygonised surface was moved down [Units: metres]
};

// Marching tetrahedra at the requested voxel size; when that gives more triangles than a crowd
// double needs, again at the voxel that lands near kTargetTriangles (triangle count scales with
// 1 / voxel²). Resolution, not decimation, sets the budget: decimation folds thin parts (fingers,
// nose) and breaks the closed surface. Then the feet are put exactly on the ground.
GroundedSurface SurfaceWithinBudget(const BodyParams& b, const Joints& j, double voxel_m) {
  double voxel = std::clamp(voxel_m, 0.008, 0.05);
  geom::Mesh m = Polygonise(b, j, voxel);
  if (m.triangle_count() > kMaxTriangles) {
    voxel *= std::sqrt(static_cast<double>(m.triangle_count()) / kTargetTriangles);
    m = Polygonise(b, j, voxel);
  }
  float lo = INFINITY;
  for (const Vec3f& v : m.positions) lo = std::min(lo, v.y);
  for (Vec3f& v : m.positions) v.y -= lo;
  m.ComputeNormals();
  return {std::move(m), lo};
}

// Which surface each vertex lies on: hair, then cloth (a hair's breadth outside the skin), else
// skin.
std::vector<geom::Region> VertexRegions(const BodyParams& b, const Joints& j,
                                        const GroundedSurface& s) {
  std::vector<geom::Region> regions(s.mesh.positions.size());
  for (size_t i = 0; i < regions.size(); ++i) {
    const Vec3f& v = s.mesh.positions[i];
    const Fields f = Evaluate(b, j, {v.x, v.y + s.lowered_by, v.z});
    if (f.hair <= f.skin && f.hair <= f.cloth) {
      regions[i] = geom::Region::kHair;
    } else if (f.cloth <= f.skin + 0.002) {
      regions[i] = geom::Region::kWardrobe;
    } else {
      regions[i] = geom::Region::kSkin;
    }
  }
  return regions;
}

// Skin, hair, shoes (wardrobe near the ground), and the top or bottom garment by height.
std::vector<Vec3f> VertexColors(const BodyParams& b, const std::vector<Vec3f>& positions,
                                const std::vector<geom::Region>& regions) {
  const double H = b.height_m;
  std::vector<Vec3f> colors(positions.size());
  for (size_t i = 0; i < positions.size(); ++i) {
    const Vec3f& v = positions[i];
    const double* c = b.skin;
    if (regions[i] == geom::Region::kHair) c = b.hair_color;
    if (regions[i] == geom::Region::kWardrobe) {
      if (v.y < 0.05 * H) {
        static constexpr double kShoe[3] = {0.03, 0.025, 0.02};
        c = kShoe;
      } else {
        const double split = b.outfit == 2 ? 0.40 * H : 0.57 * H;
        c = v.y > split ? b.top_color : b.bottom_color;
      }
    }
    colors[i] = {static_cast<float>(c[0]), static_cast<float>(c[1]), static_cast<float>(c[2])};
  }
  return colors;
}

// A triangle takes the region most of its vertices have (the first region on a three-way tie).
std::vector<geom::Region> TriangleRegions(const geom::Mesh& m,
                                          const std::vector<geom::Region>& vertex_regions) {
  std::vector<geom::Region> regions(m.triangle_count());
  for (size_t t = 0; t < regions.size(); ++t) {
    int votes[4] = {0, 0, 0, 0};
    for (int k = 0; k < 3; ++k) ++votes[static_cast<int>(vertex_regions[m.indices[3 * t + k]])];
    regions[t] = static_cast<geom::Region>(std::max_element(votes, votes + 4) - votes);
  }
  return regions;
}

struct BoneDef {
  std::string name;  // VRM humanoid name
  int parent;        // index into the plan, -1 for the root
  V3 head, tail;     // [Units: metres], grounded like the surface
};

// Three bones in a chain from `parent`, named side + part: upper limb, lower limb, hand or foot.
void AddLimb(std::vector<BoneDef>& bones, const std::string& side, const char* const parts[3],
             int parent, const std::array<V3, 4>& joints) {
  for (int k = 0; k < 3; ++k) {
    bones.push_back({side + parts[k], parent, joints[k], joints[k + 1]});
    parent = static_cast<int>(bones.size()) - 1;
  }
}

// The skeleton (VRM humanoid names) in the generated pose; `drop` is how far the surface was
// lowered onto the ground.
std::vector<BoneDef> BonePlan(const BodyParams& b, const Joints& j, double drop) {
  const double H = b.height_m;
  auto at = [&](V3 v) { return V3{v.x, v.y - drop, v.z}; };
  std::vector<BoneDef> bones = {
      {"hips", -1, at(j.hips), at(j.chest)},
      {"spine", 0, at(j.hips + V3{0, 0.05 * H, 0}), at(j.chest)},
      {"chest", 1, at(j.chest), at(j.neck)},
      {"neck", 2, at(j.neck), at(j.head - V3{0, 0.06 * H, 0})},
      {"head", 3, at(j.head - V3{0, 0.06 * H, 0}), at(j.head + V3{0, 0.06 * H, 0})},
  };
  static constexpr const char* kArm[3] = {"UpperArm", "LowerArm", "Hand"};
  static constexpr const char* kLeg[3] = {"UpperLeg", "LowerLeg", "Foot"};
  constexpr int kChest = 2, kHips = 0;
  for (int s = 0; s < 2; ++s) {
    AddLimb(bones, s == 0 ? "left" : "right", kArm, kChest,
            {at(j.shoulder[s]), at(j.elbow[s]), at(j.wrist[s]), at(j.hand_tip[s])});
  }
  for (int s = 0; s < 2; ++s) {
    AddLimb(bones, s == 0 ? "left" : "right", kLeg, kHips,
            {at(j.hip[s]), at(j.knee[s]), at(j.ankle[s]), at(j.toe[s])});
  }
  return bones;
}

// Each bone's bind pose: origin at its head, +Y along the bone.
geom::Skeleton BindPose(const std::vector<BoneDef>& bones) {
  geom::Skeleton sk;
  for (const BoneDef& d : bones) {
    V3 yv = d.tail - d.head;
    const double len = Len(yv);
    yv = len > 0 ? yv * (1 / len) : V3{0, 1, 0};
    const Vec3f y{static_cast<float>(yv.x), static_cast<float>(yv.y), static_cast<float>(yv.z)};
    const Vec3f x =
        geom::Normalize(geom::Cross(y, std::fabs(y.z) < 0.9f ? Vec3f{0, 0, 1} : Vec3f{1, 0, 0}));
    const Vec3f z = geom::Cross(x, y);
    geom::Mat4f pose;
    pose.m[0] = {x.x, x.y, x.z, 0};
    pose.m[1] = {y.x, y.y, y.z, 0};
    pose.m[2] = {z.x, z.y, z.z, 0};
    pose.m[3] = {static_cast<float>(d.head.x), static_cast<float>(d.head.y),
                 static_cast<float>(d.head.z), 1};
    sk.bones.push_back({d.name, d.parent, pose});
  }
  return sk;
}

// Two influences per vertex: the two nearest bones, each weighted by 1 / distance⁴.
geom::SkinWeights NearestBoneWeights(const std::vector<BoneDef>& bones,
                                     const std::vector<Vec3f>& positions) {
  geom::SkinWeights skin;
  skin.joints.resize(positions.size());
  skin.weights.resize(positions.size());
  for (size_t i = 0; i < positions.size(); ++i) {
    const V3 p{positions[i].x, positions[i].y, positions[i].z};
    double best[2] = {1e9, 1e9};
    int idx[2] = {0, 0};
    for (size_t bi = 0; bi < bones.size(); ++bi) {
      const double d = std::max(1e-4, RoundCone(p, bones[bi].head, bones[bi].tail, 0, 0));
      if (d < best[0]) {
        best[1] = best[0];
        idx[1] = idx[0];
        best[0] = d;
        idx[0] = static_cast<int>(bi);
      } else if (d < best[1]) {
        best[1] = d;
        idx[1] = static_cast<int>(bi);
      }
    }
    const double w0 = 1 / std::pow(best[0], 4), w1 = 1 / std::pow(best[1], 4);
    skin.joints[i] = {static_cast<uint16_t>(idx[0]), static_cast<uint16_t>(idx[1]), 0, 0};
    skin.weights[i] = {static_cast<float>(w0 / (w0 + w1)), static_cast<float>(w1 / (w0 + w1)), 0,
                       0};
  }
  return skin;
}

// ---- names and looks ---------------------------------------------------------------------------

constexpr const char* kFirstNames[] = {
    "Amina", "Joe",   "Mei",     "Lucas",  "Fatou", "Noah",  "Inès",  "Kenji",  "Sofia", "Mateo",
    "Chloé", "Omar",  "Aisha",   "Liam",   "Yuki",  "Hugo",  "Zara",  "Ravi",   "Léa",   "Kwame",
    "Elena", "Tariq", "Nadia",   "Pierre", "Grace", "Diego", "Hana",  "Samuel", "Leila", "Tomás",
    "Priya", "Malik", "Camille", "Ivan",   "Ngozi", "Arjun", "Manon", "Kofi",   "Lucía", "Yusuf"};
constexpr const char* kLastNames[] = {
    "Diallo", "Okafor",   "Chen",    "Martin", "Ndiaye", "Smith",   "Bernard", "Tanaka", "Rossi",
    "García", "Dubois",   "Haddad",  "Bello",  "Murphy", "Sato",    "Lefèvre", "Khan",   "Patel",
    "Moreau", "Mensah",   "Popescu", "Aziz",   "Petit",  "Nguyen",  "Mbeki",   "Silva",  "Kim",
    "Cohen",  "Fournier", "Ortiz",   "Singh",  "Traoré", "Laurent", "Ivanova", "Eze",    "Rao"};

// Skin albedos (linear) across the human range, light to deep.
constexpr double kSkin[][3] = {{0.80, 0.60, 0.48}, {0.72, 0.52, 0.40}, {0.64, 0.44, 0.32},
                               {0.55, 0.36, 0.24}, {0.45, 0.28, 0.18}, {0.34, 0.20, 0.12},
                               {0.24, 0.14, 0.08}, {0.16, 0.09, 0.05}};
constexpr double kHair[][3] = {{0.02, 0.015, 0.01}, {0.08, 0.05, 0.025}, {0.25, 0.15, 0.06},
                               {0.5, 0.35, 0.15},   {0.45, 0.42, 0.40},  {0.2, 0.06, 0.03}};

void Lerp3(double out[3], const double a[3], const double b[3], double t) {
  for (int i = 0; i < 3; ++i) out[i] = a[i] + (b[i] - a[i]) * t;
}

void Palette(Rng& r, int outfit, double top[3], double bottom[3]) {
  const double hue = r.Uniform(0, 6);
  auto hsv = [](double h, double s, double v, double out[3]) {
    const double c = v * s, x = c * (1 - std::fabs(std::fmod(h, 2.0) - 1)), m = v - c;
    double rgb[3] = {0, 0, 0};
    const int seg = static_cast<int>(h) % 6;
    const double table[6][3] = {{c, x, 0}, {x, c, 0}, {0, c, x}, {0, x, c}, {x, 0, c}, {c, 0, x}};
    for (int i = 0; i < 3; ++i) rgb[i] = table[seg][i] + m;
    for (int i = 0; i < 3; ++i) out[i] = rgb[i] * rgb[i];  // roughly sRGB → linear
  };
  switch (outfit) {
    case 1:  // formal: dark suit, matching
      hsv(r.Uniform(3.5, 4.5), r.Uniform(0.1, 0.4), r.Uniform(0.15, 0.35), top);
      for (int i = 0; i < 3; ++i) bottom[i] = top[i] * 0.9;
      break;
    case 2:  // winter coat: earthy or dark, saturated accents sometimes
      hsv(hue, r.Uniform(0.2, 0.7), r.Uniform(0.25, 0.6), top);
      hsv(r.Uniform(3.5, 4.5), 0.2, r.Uniform(0.1, 0.3), bottom);
      break;
    case 3:  // summer: light, bright
      hsv(hue, r.Uniform(0.3, 0.8), r.Uniform(0.65, 0.95), top);
      hsv(r.Uniform(0, 6), r.Uniform(0.1, 0.5), r.Uniform(0.5, 0.9), bottom);
      break;
    default:  // casual: any shirt, jeans-like trousers
      hsv(hue, r.Uniform(0.2, 0.8), r.Uniform(0.35, 0.9), top);
      hsv(r.Uniform(3.6, 4.2), r.Uniform(0.3, 0.6), r.Uniform(0.25, 0.5), bottom);
      break;
  }
}

}  // namespace

std::string_view PoseName(Pose p) {
  switch (p) {
    case Pose::kRelaxed:
      return "relaxed";
    case Pose::kWeightShift:
      return "weight_shift";
    case Pose::kHandsInPockets:
      return "hands_in_pockets";
    case Pose::kArmsCrossed:
      return "arms_crossed";
    case Pose::kHandsBehind:
      return "hands_behind";
  }
  return "relaxed";
}

std::vector<double> BodyParams::ShapeVector() const {
  return {(height_m - 1.5) / 0.45, (shoulder_width - 0.32) / 0.16, (hip_width - 0.28) / 0.14,
          (girth - 0.8) / 0.55,    (head_scale - 0.92) / 0.16,     (leg_ratio - 0.44) / 0.06};
}

SyntheticPerformer Describe(uint64_t seed) {
  SyntheticPerformer p;
  p.seed = seed;
  Rng r(Rng::Mix(seed ^ 0x5eed5eed5eedULL));
  BodyParams& b = p.params;
  b.female = r.Uniform() < 0.5;
  b.height_m = b.female ? r.Uniform(1.50, 1.82) : r.Uniform(1.60, 1.95);
  const double hs = b.height_m / 1.75;
  b.shoulder_width = (b.female ? r.Uniform(0.33, 0.40) : r.Uniform(0.38, 0.47)) * hs;
  b.hip_width = (b.female ? r.Uniform(0.33, 0.41) : r.Uniform(0.29, 0.36)) * hs;
  b.girth = r.Uniform(0.82, 1.32);
  b.head_scale = r.Uniform(0.93, 1.07);
  b.leg_ratio = r.Uniform(0.445, 0.495);
  const double tone = r.Uniform(0, 7);
  Lerp3(b.skin, kSkin[static_cast<int>(tone)], kSkin[std::min(7, static_cast<int>(tone) + 1)],
        tone - std::floor(tone));
  // Short hair most often; long or a bun for some women; bald for some men.
  const double style = r.Uniform();
  if (b.female) {
    b.hair_style = style < 0.4 ? 0 : (style < 0.8 ? 1 : 3);
  } else {
    b.hair_style = style < 0.8 ? 0 : 2;
  }
  const auto hair = r.Below(std::size(kHair));
  for (int i = 0; i < 3; ++i) b.hair_color[i] = kHair[hair][i];
  b.outfit = static_cast<int>(r.Below(4));
  Palette(r, b.outfit, b.top_color, b.bottom_color);
  b.pose = static_cast<Pose>(r.Below(5));
  const auto first = r.Below(std::size(kFirstNames)), last = r.Below(std::size(kLastNames));
  p.name = std::string(kFirstNames[first]) + " " + kLastNames[last];
  p.language = r.Uniform() < 0.5 ? "fr" : "en";
  static constexpr const char* kOutfitTag[] = {"casual", "formal", "winter_coats", "summer"};
  p.look_tags = {kOutfitTag[b.outfit]};
  return p;
}

void BuildBody(SyntheticPerformer& p, double voxel_m) {
  const BodyParams& b = p.params;
  const Joints j = Plan(b);
  GroundedSurface surface = SurfaceWithinBudget(b, j, voxel_m);
  geom::Mesh& m = surface.mesh;
  const std::vector<geom::Region> vertex_regions = VertexRegions(b, j, surface);
  m.colors = VertexColors(b, m.positions, vertex_regions);
  m.regions = TriangleRegions(m, vertex_regions);
  const std::vector<BoneDef> bones = BonePlan(b, j, surface.lowered_by);
  m.skeleton = BindPose(bones);
  m.skin = NearestBoneWeights(bones, m.positions);
  m.base_color = {static_cast<float>(b.skin[0]), static_cast<float>(b.skin[1]),
                  static_cast<float>(b.skin[2])};
  p.mesh = std::move(m);
}

SyntheticPerformer Generate(uint64_t seed, double voxel_m) {
  SyntheticPerformer p = Describe(seed);
  BuildBody(p, voxel_m);
  return p;
}

bool IsWatertight(const geom::Mesh& m) {
  // Each directed edge must appear once, and its reverse once.
  std::unordered_map<uint64_t, int> directed;
  directed.reserve(m.indices.size());
  for (size_t t = 0; t + 2 < m.indices.size(); t += 3) {
    for (int k = 0; k < 3; ++k) {
      const uint64_t a = m.indices[t + k], b = m.indices[t + (k + 1) % 3];
      if (a == b) return false;
      if (++directed[a << 32 | b] > 1) return false;
    }
  }
  for (const auto& [key, n] : directed) {
    const uint64_t a = key >> 32, b = key & 0xffffffff;
    if (!directed.contains(b << 32 | a)) return false;
  }
  return true;
}

}  // namespace figurant::synth

// Normalisation and levels of detail. Simplification is meshoptimizer's edge-collapse simplifier
// (Kapoulkine, meshoptimizer `src/simplifier.cpp`, after Garland & Heckbert, "Surface
// Simplification Using Quadric Error Metrics", SIGGRAPH 1997).
#include "scan/internal/finish.h"

#include <meshoptimizer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "anim/humanoid.h"

namespace figurant::scan::internal {
namespace {

using geom::Mat4f;
using geom::Vec3f;

constexpr double kTypicalHeightM = 1.7;
constexpr double kFeetBandFraction = 0.05;  // lowest 5 % of the height: feet and toes
constexpr float kLodTargetError = 0.05f;    // let the simplifier reach the triangle budget
constexpr size_t kMinLodTriangles = 16;     // coarser levels are not worth a draw call

std::string Fmt(double v, int decimals = 2) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

void Transform(geom::Mesh& m, const Mat4f& t) {
  for (Vec3f& p : m.positions) p = t.TransformPoint(p);
  for (Vec3f& n : m.normals) n = geom::Normalize(t.TransformVector(n));
  if (m.skeleton) {
    for (geom::Bone& b : m.skeleton->bones) b.bind_pose = t * b.bind_pose;
  }
}

// Rotation taking `axis` (0 = X, 2 = Z) to +Y, or identity for Y.
Mat4f UpFrom(int axis) {
  Mat4f r;
  if (axis == 2) {  // +Z up → +Y up: (x, y, z) → (x, z, -y)
    r.m[1] = {0, 0, -1, 0};
    r.m[2] = {0, 1, 0, 0};
  } else if (axis == 0) {  // +X up → +Y up: (x, y, z) → (-y, x, z)
    r.m[0] = {0, 1, 0, 0};
    r.m[1] = {-1, 0, 0, 0};
  }
  return r;
}

Status Degenerate(std::string_view name, const std::string& why) {
  return InvalidArgument(std::string(name) + ": degenerate mesh: " + why);
}

}  // namespace

Result<ImportedScan> Finish(RawScan raw, std::string_view name, const ImportOptions& options) {
  geom::Mesh& m = raw.mesh;
  const std::string file(name);
  if (m.triangle_count() == 0) return InvalidArgument(file + ": the file holds no triangles");
  if (m.triangle_count() > options.max_triangles) {
    return InvalidArgument(
        file + ": " + std::to_string(m.triangle_count()) + " triangles is over the limit of " +
        std::to_string(options.max_triangles) + " (decimate the scan first, or raise the limit)");
  }
  if (Status s = m.Validate(); !s.ok()) return InvalidArgument(file + ": " + s.message());

  ImportedScan out;

  // Degeneracy: zero extent along an axis, or (almost) no surface area.
  geom::Bounds3f b = m.ComputeBounds();
  const Vec3f ext = b.size();
  const float largest = std::max({ext.x, ext.y, ext.z});
  if (!(largest > 0)) return Degenerate(name, "all vertices coincide");
  if (std::min({ext.x, ext.y, ext.z}) < largest * 1e-4f) {
    return Degenerate(name, "the mesh is flat (zero thickness along one axis)");
  }
  size_t zero_area = 0;
  for (size_t t = 0; t < m.indices.size(); t += 3) {
    const Vec3f& p0 = m.positions[m.indices[t]];
    const double a = 0.5 * geom::Length(geom::Cross(m.positions[m.indices[t + 1]] - p0,
                                                    m.positions[m.indices[t + 2]] - p0));
    if (!(a > 1e-12 * largest * largest)) ++zero_area;
  }
  if (zero_area * 2 > m.triangle_count()) {
    return Degenerate(name, std::to_string(zero_area) + " of " +
                                std::to_string(m.triangle_count()) + " triangles have no area");
  }

  // Skeleton: canonical humanoid names where they exist.
  if (m.skeleton && !m.skin.joints.empty()) {
    out.rigged = true;
    for (geom::Bone& bone : m.skeleton->bones) {
      if (auto canon = anim::CanonicalBoneName(bone.name)) {
        out.bone_mapping[bone.name] = *canon;
        bone.name = *canon;
      }
    }
  } else {
    m.skeleton.reset();
    m.skin = {};
  }

  // Up axis: a standing person is taller than wide or deep.
  if (!raw.up_is_known_y) {
    int up = 1;
    if (ext.z > ext.y && ext.z >= ext.x) up = 2;
    if (ext.x > ext.y && ext.x > ext.z) up = 0;
    if (up != 1) Transform(m, UpFrom(up));
    // A skeleton tells which end is the head.
    if (m.skeleton) {
      const int hips = m.skeleton->Find("hips"), head = m.skeleton->Find("head");
      if (hips >= 0 && head >= 0 &&
          m.skeleton->bones[static_cast<size_t>(head)].bind_pose.m[3][1] <
              m.skeleton->bones[static_cast<size_t>(hips)].bind_pose.m[3][1]) {
        Mat4f flip;
        flip.m[1][1] = -1;
        flip.m[2][2] = -1;  // rotate 180° about X: keeps handedness
        Transform(m, flip);
      }
    }
    b = m.ComputeBounds();
  }

  // Units.
  const double h_units = b.size().y;
  Units units = raw.fixed_units.value_or(options.units);
  if (units == Units::kAuto) {
    double best = INFINITY;
    for (Units u : {Units::kMetres, Units::kDecimetres, Units::kCentimetres, Units::kMillimetres,
                    Units::kInches}) {
      const double h = h_units * MetresPer(u);
      if (h >= options.min_height_m && h <= options.max_height_m &&
          std::fabs(h - kTypicalHeightM) < best) {
        best = std::fabs(h - kTypicalHeightM);
        units = u;
      }
    }
    if (units == Units::kAuto) {
      return InvalidArgument(
          file + ": height " + Fmt(h_units, 4) + " (file units) is not a standing person in any " +
          "unit: " + Fmt(h_units) + " m, " + Fmt(h_units * 0.1) + " m if dm, " +
          Fmt(h_units * 0.01) + " m if cm, " + Fmt(h_units * 0.001) + " m if mm, " +
          Fmt(h_units * 0.0254) + " m if inches; expected " + Fmt(options.min_height_m, 1) + "–" +
          Fmt(options.max_height_m, 1) + " m. Pass --units to say which units the file uses.");
    }
    out.units_guessed = !raw.fixed_units.has_value();
  }
  out.units = units;
  const double scale = MetresPer(units);
  const double height = h_units * scale;
  if (height < options.min_height_m || height > options.max_height_m) {
    return InvalidArgument(file + ": height " + Fmt(height) + " m (reading the file in " +
                           std::string(UnitsName(units)) + ") is outside " +
                           Fmt(options.min_height_m, 1) + "–" + Fmt(options.max_height_m, 1) +
                           " m; pass --units with the file's real units");
  }

  // Metres, feet at y = 0, bounding-box centre over the origin.
  const Vec3f c = b.center();
  Transform(m, Mat4f::Scale(static_cast<float>(scale)) * Mat4f::Translation({-c.x, -b.lo.y, -c.z}));

  // Facing: the depth axis is the narrower horizontal one. Feet reach much further forward of the
  // ankles (toes) than behind them (heels), so compare the feet band's forward and backward reach
  // from the shins' centre line along that axis.
  if (!raw.facing_is_known_z) {
    b = m.ComputeBounds();
    const bool depth_is_x = b.size().x < b.size().z;
    const float feet_top = static_cast<float>(kFeetBandFraction * height);
    const float shin_lo = static_cast<float>(0.10 * height),
                shin_hi = static_cast<float>(0.20 * height);
    double shin = 0;
    size_t ns = 0;
    float lo = INFINITY, hi = -INFINITY;
    for (const Vec3f& p : m.positions) {
      const float d = depth_is_x ? p.x : p.z;
      if (p.y >= shin_lo && p.y <= shin_hi) {
        shin += d;
        ++ns;
      }
      if (p.y <= feet_top) {
        lo = std::min(lo, d);
        hi = std::max(hi, d);
      }
    }
    if (ns > 0 && lo <= hi) {
      shin /= static_cast<double>(ns);
      const bool forward_positive = (hi - shin) >= (shin - lo);
      float turn = 0;  // radians about +Y taking the current forward to +Z
      if (depth_is_x) {
        turn = forward_positive ? -static_cast<float>(M_PI_2) : static_cast<float>(M_PI_2);
      } else if (!forward_positive) {
        turn = static_cast<float>(M_PI);
      }
      if (turn != 0) Transform(m, Mat4f::RotationY(turn));
    }
  }

  if (m.normals.empty()) m.ComputeNormals();
  b = m.ComputeBounds();
  out.bounds = b;
  out.height_m = b.size().y;
  for (const Vec3f& p : m.positions) {
    out.footprint_radius_m = std::max(out.footprint_radius_m, std::hypot(double(p.x), double(p.z)));
  }

  // Levels of detail over the full mesh's vertices.
  out.lods.push_back({m.triangle_count(), 0.0f});
  for (double fraction : options.lod_fractions) {
    // At least kMinLodTriangles, never more than the full mesh: meshoptimizer requires
    // target <= index count (it asserts otherwise; the fuzzer found a 12-triangle scan that
    // did this). A level that would not be smaller than the full mesh is left out.
    const size_t target =
        std::min(m.indices.size(),
                 std::max<size_t>(3 * kMinLodTriangles,
                                  static_cast<size_t>(m.indices.size() * fraction) / 3 * 3));
    if (target >= m.indices.size()) continue;
    geom::LevelOfDetail lod;
    lod.indices.resize(m.indices.size());
    float error = 0;
    const size_t n =
        meshopt_simplify(lod.indices.data(), m.indices.data(), m.indices.size(), &m.positions[0].x,
                         m.positions.size(), sizeof(Vec3f), target, kLodTargetError, 0, &error);
    lod.indices.resize(n);
    lod.error = error;
    if (n == 0) continue;
    out.lods.push_back({n / 3, error});
    out.asset.lods.push_back(std::move(lod));
  }

  out.source_sha256 = std::move(raw.sha256);
  out.warnings = std::move(raw.warnings);
  out.asset.mesh = std::move(m);
  return out;
}

}  // namespace figurant::scan::internal

// Normalisation and levels of detail. Simplification is meshoptimizer's edge-collapse simplifier
// (Kapoulkine, meshoptimizer `src/simplifier.cpp`, after Garland & Heckbert, "Surface
// Simplification Using Quadric Error Metrics", SIGGRAPH 1997).
#include "scan/internal/finish.h"

#include <meshoptimizer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "anim/humanoid.h"

namespace figurant::scan::internal {
namespace {

using geom::Mat4f;
using geom::Vec3f;

constexpr double kTypicalHeightM = 1.7;
constexpr double kFeetBandFraction = 0.05;  // lowest 5 % of the height: feet and toes
constexpr double kShinLoFraction = 0.10;    // the shins' band, for their centre line
constexpr double kShinHiFraction = 0.20;
constexpr float kLodTargetError = 0.05f;  // let the simplifier reach the triangle budget
constexpr size_t kMinLodTriangles = 16;   // coarser levels are not worth a draw call
// How every refusal for an implausible height ends: what the caller can do about it, in the words
// of ImportOptions (a front end documents how its user sets them).
constexpr std::string_view kSayUnits = "set the import's units option to the file's real units";

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

// Validation: some triangles, no more than the limit, consistent and finite data.
Status CheckTriangles(const geom::Mesh& m, const std::string& file, const ImportOptions& options) {
  if (m.triangle_count() == 0) return InvalidArgument(file + ": the file holds no triangles");
  if (m.triangle_count() > options.max_triangles) {
    return InvalidArgument(
        file + ": " + std::to_string(m.triangle_count()) + " triangles is over the limit of " +
        std::to_string(options.max_triangles) + " (decimate the scan first, or raise the limit)");
  }
  if (Status s = m.Validate(); !s.ok()) return InvalidArgument(file + ": " + s.message());
  return Status::Ok();
}

// Degeneracy: zero extent along an axis (`extent`, the source's bounding box), or (almost) no
// surface area.
Status CheckNotDegenerate(const geom::Mesh& m, std::string_view name, const Vec3f& extent) {
  const float largest = std::max({extent.x, extent.y, extent.z});
  if (!(largest > 0)) return Degenerate(name, "all vertices coincide");
  if (std::min({extent.x, extent.y, extent.z}) < largest * 1e-4f) {
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
  return Status::Ok();
}

struct RigNames {
  bool rigged = false;                              // a skeleton with skin weights
  std::map<std::string, std::string> bone_mapping;  // source bone → canonical name (mapped only)
};

// Skeleton: canonical humanoid names where they exist. A skeleton without skin weights moves
// nothing, so it is dropped (the double is a posed, not an animatable, one).
RigNames MapSkeleton(geom::Mesh& m) {
  RigNames rig;
  if (!m.skeleton || m.skin.joints.empty()) {
    m.skeleton.reset();
    m.skin = {};
    return rig;
  }
  rig.rigged = true;
  for (geom::Bone& bone : m.skeleton->bones) {
    if (auto canon = anim::CanonicalBoneName(bone.name)) {
      rig.bone_mapping[bone.name] = *canon;
      bone.name = *canon;
    }
  }
  return rig;
}

// Up axis: a standing person is taller than wide or deep (`extent`, the source's bounding box);
// a skeleton tells which end is the head.
void StandUp(geom::Mesh& m, const Vec3f& extent) {
  int up = 1;
  if (extent.z > extent.y && extent.z >= extent.x) up = 2;
  if (extent.x > extent.y && extent.x > extent.z) up = 0;
  if (up != 1) Transform(m, UpFrom(up));
  if (!m.skeleton) return;
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

// The units the source is read in, and the standing height they give.
struct SourceUnits {
  Units units = Units::kMetres;
  bool guessed = false;  // detected from the height
  double metres_per_unit = 1;
  double height_m = 0;  // [metres]
};

// The unit whose reading of `height` (file units) is a plausible person, nearest a typical
// height; kAuto when none is.
Units GuessUnits(double height, const ImportOptions& options) {
  Units units = Units::kAuto;
  double best = INFINITY;
  for (Units u : {Units::kMetres, Units::kDecimetres, Units::kCentimetres, Units::kMillimetres,
                  Units::kInches}) {
    const double h = height * MetresPer(u);
    if (h >= options.min_height_m && h <= options.max_height_m &&
        std::fabs(h - kTypicalHeightM) < best) {
      best = std::fabs(h - kTypicalHeightM);
      units = u;
    }
  }
  return units;
}

// Units: those the format fixes, else those asked for, else the ones the height points to.
// `height` is the source's height in its own units.
Result<SourceUnits> ChooseUnits(double height, const std::optional<Units>& fixed,
                                const ImportOptions& options, const std::string& file) {
  SourceUnits out;
  out.units = fixed.value_or(options.units);
  if (out.units == Units::kAuto) {
    out.units = GuessUnits(height, options);
    if (out.units == Units::kAuto) {
      return InvalidArgument(
          file + ": height " + Fmt(height, 4) + " (file units) is not a standing person in any " +
          "unit: " + Fmt(height) + " m, " + Fmt(height * 0.1) + " m if dm, " + Fmt(height * 0.01) +
          " m if cm, " + Fmt(height * 0.001) + " m if mm, " + Fmt(height * 0.0254) +
          " m if inches; expected " + Fmt(options.min_height_m, 1) + "–" +
          Fmt(options.max_height_m, 1) + " m; " + std::string(kSayUnits));
    }
    out.guessed = !fixed.has_value();
  }
  out.metres_per_unit = MetresPer(out.units);
  out.height_m = height * out.metres_per_unit;
  if (out.height_m < options.min_height_m || out.height_m > options.max_height_m) {
    return InvalidArgument(file + ": height " + Fmt(out.height_m) + " m (reading the file in " +
                           std::string(UnitsName(out.units)) + ") is outside " +
                           Fmt(options.min_height_m, 1) + "–" + Fmt(options.max_height_m, 1) +
                           " m; " + std::string(kSayUnits));
  }
  return out;
}

// Metres, feet at y = 0, the centre of `source` (the mesh's bounds in file units) over the origin.
void Ground(geom::Mesh& m, const geom::Bounds3f& source, double metres_per_unit) {
  const Vec3f c = source.center();
  Transform(m, Mat4f::Scale(static_cast<float>(metres_per_unit)) *
                   Mat4f::Translation({-c.x, -source.lo.y, -c.z}));
}

// Facing: the depth axis is the narrower horizontal one. Feet reach much further forward of the
// ankles (toes) than behind them (heels), so compare the feet band's forward and backward reach
// from the shins' centre line along that axis, and turn the body about +Y to face +Z.
void FaceForward(geom::Mesh& m, double height) {
  const geom::Bounds3f b = m.ComputeBounds();
  const bool depth_is_x = b.size().x < b.size().z;
  const float feet_top = static_cast<float>(kFeetBandFraction * height);
  const float shin_lo = static_cast<float>(kShinLoFraction * height),
              shin_hi = static_cast<float>(kShinHiFraction * height);
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
  if (ns == 0 || lo > hi) return;  // no shins or no feet: leave it as it is
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

// The normalised mesh's size.
struct Measures {
  geom::Bounds3f bounds;          // [metres]
  double height_m = 0;            // bounding-box height [metres]
  double footprint_radius_m = 0;  // max horizontal distance of any vertex from the origin
};

Measures Measure(const geom::Mesh& m) {
  Measures out;
  out.bounds = m.ComputeBounds();
  out.height_m = out.bounds.size().y;
  for (const Vec3f& p : m.positions) {
    out.footprint_radius_m = std::max(out.footprint_radius_m, std::hypot(double(p.x), double(p.z)));
  }
  return out;
}

struct Lods {
  std::vector<LodSummary> summaries;        // level 0 = full mesh
  std::vector<geom::LevelOfDetail> levels;  // the coarser levels, over the full mesh's vertices
};

// Levels of detail over the full mesh's vertices, one per fraction that gives a smaller mesh.
Lods BuildLods(const geom::Mesh& m, const std::vector<double>& fractions) {
  Lods out;
  out.summaries.push_back({m.triangle_count(), 0.0f});
  for (double fraction : fractions) {
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
    out.summaries.push_back({n / 3, error});
    out.levels.push_back(std::move(lod));
  }
  return out;
}

}  // namespace

Result<ImportedScan> Finish(RawScan raw, std::string_view name, const ImportOptions& options) {
  geom::Mesh& m = raw.mesh;
  const std::string file(name);
  FIGURANT_RETURN_IF_ERROR(CheckTriangles(m, file, options));
  const Vec3f source_extent = m.ComputeBounds().size();
  FIGURANT_RETURN_IF_ERROR(CheckNotDegenerate(m, name, source_extent));
  RigNames rig = MapSkeleton(m);
  if (!raw.up_is_known_y) StandUp(m, source_extent);
  const geom::Bounds3f upright = m.ComputeBounds();
  FIGURANT_ASSIGN_OR_RETURN(const SourceUnits units,
                            ChooseUnits(upright.size().y, raw.fixed_units, options, file));
  Ground(m, upright, units.metres_per_unit);
  if (!raw.facing_is_known_z) FaceForward(m, units.height_m);
  if (m.normals.empty()) m.ComputeNormals();
  const Measures size = Measure(m);
  Lods lods = BuildLods(m, options.lod_fractions);

  ImportedScan out;
  out.asset.lods = std::move(lods.levels);
  out.asset.mesh = std::move(m);
  out.source_sha256 = std::move(raw.sha256);
  out.units = units.units;
  out.units_guessed = units.guessed;
  out.height_m = size.height_m;
  out.bounds = size.bounds;
  out.footprint_radius_m = size.footprint_radius_m;
  out.lods = std::move(lods.summaries);
  out.rigged = rig.rigged;
  out.bone_mapping = std::move(rig.bone_mapping);
  out.warnings = std::move(raw.warnings);
  return out;
}

}  // namespace figurant::scan::internal

// The in-memory form of a double's geometry: one indexed triangle mesh with optional normals,
// texture coordinates, per-vertex colour, one albedo texture, per-triangle regions (so wardrobe
// tint touches clothes only) and an optional skeleton with skin weights.
//
// Produced by scan (from a rig's files) and synth (procedural bodies); consumed by store (as a
// serialised blob), anim (skinning), crowd and render. A Mesh owns all its data by value.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "geom/vec.h"

namespace figurant::geom {

// What a triangle shows. Render applies an agent's wardrobe tint only to kWardrobe triangles when a
// mesh marks any; otherwise to the whole albedo.
enum class Region : uint8_t {
  kSkin = 0,
  kWardrobe = 1,
  kHair = 2,
  kOther = 3,
};

// An RGBA8 image, sRGB-encoded colour, row 0 at the top (v = 0 at the bottom, as OBJ/glTF UVs).
struct Texture {
  int width = 0;              // [Units: pixels] [Limits: 0..16384]
  int height = 0;             // [Units: pixels] [Limits: 0..16384]
  std::vector<uint8_t> rgba;  // width * height * 4 bytes

  bool empty() const { return width == 0 || height == 0; }
};

struct Bone {
  std::string name;  // canonical humanoid name when mapped (VRM 1.0), else the source name
  int parent = -1;   // index into Skeleton::bones, -1 for a root; parents precede children
  Mat4f bind_pose;   // bone-to-model transform in the rest pose [Units: metres]
};

struct Skeleton {
  std::vector<Bone> bones;
  int Find(const std::string& name) const;  // index, or -1
};

constexpr int kMaxInfluences = 4;

struct SkinWeights {
  std::vector<std::array<uint16_t, kMaxInfluences>> joints;  // per vertex, bone indices
  std::vector<std::array<float, kMaxInfluences>> weights;    // per vertex, sum to 1
};

// A floor under StandingHeight, so that a flat or empty mesh never divides by zero downstream.
// [Units: metres]
constexpr float kMinStandingHeightM = 0.01f;

struct Mesh {
  std::vector<Vec3f> positions;        // [Units: metres once normalised]
  std::vector<Vec3f> normals;          // empty, or one unit normal per vertex
  std::vector<Vec2f> uvs;              // empty, or one per vertex
  std::vector<Vec3f> colors;           // empty, or one linear RGB albedo per vertex [Limits: 0..1]
  std::vector<uint32_t> indices;       // three per triangle, each < positions.size()
  std::vector<Region> regions;         // empty, or one per triangle
  Vec3f base_color{0.6f, 0.6f, 0.6f};  // linear albedo when neither texture nor colours exist
  Texture albedo;                      // optional
  std::optional<Skeleton> skeleton;
  SkinWeights skin;  // empty, or one entry per vertex when skeleton is set

  size_t vertex_count() const { return positions.size(); }
  size_t triangle_count() const { return indices.size() / 3; }
  Bounds3f ComputeBounds() const;
  // The height of a double standing on the ground (feet at y = 0, +Y up): from the ground, or
  // from the lowest point when it dips below, to the highest. A normalised double's standing
  // height; posed copies report their stored double's, so levels and coverage ignore the pose.
  // [Units: metres once normalised] [Limits: >= kMinStandingHeightM]
  float StandingHeight() const;
  bool HasWardrobeRegions() const;

  // Checks internal consistency: array sizes agree, indices in range, coordinates finite.
  // Returns InvalidArgument naming the first problem. Does not judge plausibility (scan does).
  Status Validate() const;

  // Recomputes smooth area-weighted vertex normals from the triangles.
  void ComputeNormals();
};

}  // namespace figurant::geom

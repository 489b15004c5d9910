#include "geom/mesh.h"

#include <algorithm>

namespace figurant::geom {

int Skeleton::Find(const std::string& name) const {
  for (size_t i = 0; i < bones.size(); ++i) {
    if (bones[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

Bounds3f Mesh::ComputeBounds() const {
  Bounds3f b;
  for (const Vec3f& p : positions) b.Extend(p);
  return b;
}

float Mesh::StandingHeight() const {
  const Bounds3f b = ComputeBounds();
  return std::max(kMinStandingHeightM, b.hi.y - std::min(0.0f, b.lo.y));
}

bool Mesh::HasWardrobeRegions() const {
  return std::find(regions.begin(), regions.end(), Region::kWardrobe) != regions.end();
}

Status Mesh::Validate() const {
  const size_t n = positions.size();
  if (indices.size() % 3 != 0) {
    return InvalidArgument("index count " + std::to_string(indices.size()) +
                           " is not a multiple of 3");
  }
  if (!normals.empty() && normals.size() != n)
    return InvalidArgument("normal count != vertex count");
  if (!uvs.empty() && uvs.size() != n) return InvalidArgument("uv count != vertex count");
  if (!colors.empty() && colors.size() != n) return InvalidArgument("color count != vertex count");
  if (!regions.empty() && regions.size() != triangle_count()) {
    return InvalidArgument("region count != triangle count");
  }
  for (size_t i = 0; i < indices.size(); ++i) {
    if (indices[i] >= n) {
      return InvalidArgument("triangle " + std::to_string(i / 3) + " refers to vertex " +
                             std::to_string(indices[i]) + " but there are only " +
                             std::to_string(n));
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (!IsFinite(positions[i])) {
      return InvalidArgument("vertex " + std::to_string(i) + " has a NaN or infinite coordinate");
    }
  }
  if (!albedo.empty() &&
      albedo.rgba.size() != static_cast<size_t>(albedo.width) * albedo.height * 4) {
    return InvalidArgument("texture byte count does not match its size");
  }
  if (skeleton) {
    for (size_t b = 0; b < skeleton->bones.size(); ++b) {
      const int p = skeleton->bones[b].parent;
      if (p >= static_cast<int>(b)) return InvalidArgument("bone parents must precede children");
    }
    if (!skin.joints.empty() && (skin.joints.size() != n || skin.weights.size() != n)) {
      return InvalidArgument("skin weight count != vertex count");
    }
    for (const auto& j : skin.joints) {
      for (uint16_t k : j) {
        if (k >= skeleton->bones.size()) return InvalidArgument("skin weight names a missing bone");
      }
    }
  }
  return Status::Ok();
}

void Mesh::ComputeNormals() {
  normals.assign(positions.size(), Vec3f{});
  for (size_t t = 0; t + 2 < indices.size(); t += 3) {
    const Vec3f& a = positions[indices[t]];
    const Vec3f& b = positions[indices[t + 1]];
    const Vec3f& c = positions[indices[t + 2]];
    const Vec3f n = Cross(b - a, c - a);  // length = 2 * area: area weighting for free
    normals[indices[t]] += n;
    normals[indices[t + 1]] += n;
    normals[indices[t + 2]] += n;
  }
  for (Vec3f& n : normals) n = Normalize(n);
}

}  // namespace figurant::geom

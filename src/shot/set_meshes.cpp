#include "shot/set_meshes.h"

#include <cmath>
#include <numbers>
#include <string>
#include <variant>

#include "scan/scan.h"

namespace figurant::shot {
namespace {

namespace fs = std::filesystem;
using geom::Mat4f;

// The mesh of `file` (relative to `base_dir`) as it is in the file. The importer refuses a missing,
// empty, oversized or non-regular file before forking (scan::kMeshFile).
Result<geom::Mesh> Import(const fs::path& file, const fs::path& base_dir) {
  const fs::path path = file.is_absolute() ? file : base_dir / file;
  return scan::ImportGeometry(path, kMaxSetTriangles, kSetImportTimeoutSeconds);
}

Result<render::SetGeometry> LoadOne(const crowd::SetMesh& spec, const fs::path& base_dir) {
  const fs::path path = spec.file.is_absolute() ? spec.file : base_dir / spec.file;
  const std::string name = path.string();
  render::SetGeometry out;
  FIGURANT_ASSIGN_OR_RETURN(out.mesh, Import(spec.file, base_dir));
  out.albedo = spec.albedo;
  const Mat4f world =
      Mat4f::Translation(spec.position) *
      Mat4f::RotationY(static_cast<float>(spec.rotation_y_deg * std::numbers::pi / 180.0)) *
      Mat4f::Scale(static_cast<float>(spec.scale));
  for (geom::Vec3f& p : out.mesh.positions) {
    p = world.TransformPoint(p);
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) {
      return InvalidArgument(name + ": a vertex is not finite once placed (NaN or overflow)");
    }
  }
  FIGURANT_RETURN_IF_ERROR(out.mesh.Validate().WithContext(name));
  return out;
}

}  // namespace

Result<std::vector<render::SetGeometry>> LoadSetMeshes(const crowd::SetSpec& set,
                                                       const fs::path& base_dir) {
  std::vector<render::SetGeometry> out;
  for (size_t i = 0; i < set.meshes.size(); ++i) {
    auto mesh = LoadOne(set.meshes[i], base_dir);
    if (!mesh.ok()) {
      return Status(mesh.status().code(), "scene field 'set.meshes[" + std::to_string(i) +
                                              "].file': " + mesh.status().message());
    }
    out.push_back(std::move(*mesh));
  }
  return out;
}

Result<std::shared_ptr<const geom::Mesh>> LoadSeatMesh(const std::string& file,
                                                       const fs::path& base_dir,
                                                       const std::string& field) {
  auto mesh = Import(file, base_dir);
  if (mesh.ok()) {
    for (const geom::Vec3f& p : mesh->positions) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) {
        mesh = InvalidArgument(file + ": a vertex is not finite (NaN or overflow)");
        break;
      }
    }
  }
  if (!mesh.ok()) {
    return Status(mesh.status().code(), "scene field '" + field + "': " + mesh.status().message());
  }
  return std::make_shared<const geom::Mesh>(std::move(*mesh));
}

Result<ShotSet> LoadShotSet(const crowd::SceneSpec& spec) {
  ShotSet set;
  FIGURANT_ASSIGN_OR_RETURN(set.geometry, LoadSetMeshes(spec.set, spec.base_dir));
  for (size_t gi = 0; gi < spec.crowds.size(); ++gi) {
    const auto* seats = std::get_if<crowd::SeatsSpec>(&spec.crowds[gi].layout);
    if (seats == nullptr || seats->seat_mesh.empty()) continue;
    FIGURANT_ASSIGN_OR_RETURN(set.seat_meshes[gi],
                              LoadSeatMesh(seats->seat_mesh, spec.base_dir,
                                           "crowds[" + std::to_string(gi) + "].seat_mesh"));
  }
  if (!set.geometry.empty()) {
    std::vector<geom::Mesh> meshes;
    meshes.reserve(set.geometry.size());
    for (const render::SetGeometry& g : set.geometry) meshes.push_back(g.mesh);
    set.surface.emplace(
        meshes, spec.set.has_ground ? std::optional<double>(spec.set.ground_height) : std::nullopt);
  }
  return set;
}

}  // namespace figurant::shot

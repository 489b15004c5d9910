#include "shot/set_meshes.h"

#include <assimp/postprocess.h>
#include <assimp/scene.h>

#include <assimp/Importer.hpp>
#include <cmath>
#include <numbers>
#include <string>

#include "geom/mesh_codec.h"
#include "scan/internal/isolate.h"

namespace figurant::shot {
namespace {

namespace fs = std::filesystem;
using geom::Mat4f;

constexpr unsigned kPostProcess = aiProcess_Triangulate | aiProcess_JoinIdenticalVertices |
                                  aiProcess_SortByPType | aiProcess_ValidateDataStructure;

Mat4f ToMat(const aiMatrix4x4& a) {
  Mat4f m;  // Assimp is row-major (a.a4 is the x translation); ours is column-major.
  const float r[4][4] = {{a.a1, a.a2, a.a3, a.a4},
                         {a.b1, a.b2, a.b3, a.b4},
                         {a.c1, a.c2, a.c3, a.c4},
                         {a.d1, a.d2, a.d3, a.d4}};
  for (int row = 0; row < 4; ++row) {
    for (int col = 0; col < 4; ++col) m.m[col][row] = r[row][col];
  }
  return m;
}

void Walk(const aiScene& scene, const aiNode& node, const Mat4f& parent, geom::Mesh& out) {
  const Mat4f global = parent * ToMat(node.mTransformation);
  for (unsigned i = 0; i < node.mNumMeshes; ++i) {
    if (node.mMeshes[i] >= scene.mNumMeshes) continue;
    const aiMesh& src = *scene.mMeshes[node.mMeshes[i]];
    if (!(src.mPrimitiveTypes & aiPrimitiveType_TRIANGLE)) continue;  // points and lines
    const auto base = static_cast<uint32_t>(out.positions.size());
    for (unsigned v = 0; v < src.mNumVertices; ++v) {
      const aiVector3D& p = src.mVertices[v];
      out.positions.push_back(global.TransformPoint({p.x, p.y, p.z}));
    }
    for (unsigned f = 0; f < src.mNumFaces; ++f) {
      const aiFace& face = src.mFaces[f];
      if (face.mNumIndices != 3) continue;
      for (int k = 0; k < 3; ++k) out.indices.push_back(base + face.mIndices[k]);
    }
  }
  for (unsigned c = 0; c < node.mNumChildren; ++c) {
    Walk(scene, *node.mChildren[c], global, out);
  }
}

// Runs in the isolated child: the file's triangles in file coordinates, encoded as a double asset
// (geom/mesh_codec.h), whose decoder the parent runs like on any untrusted bytes.
Result<std::string> ImportInChild(const fs::path& path, const std::string& name) {
  Assimp::Importer importer;
  const aiScene* scene = importer.ReadFile(path.string(), kPostProcess);
  if (scene == nullptr) {
    return InvalidArgument(name + ": cannot read it as a mesh (" + importer.GetErrorString() + ")");
  }
  if (scene->mRootNode == nullptr || scene->mNumMeshes == 0) {
    return InvalidArgument(name + ": the file holds no meshes");
  }
  geom::DoubleAsset asset;
  Walk(*scene, *scene->mRootNode, Mat4f::Identity(), asset.mesh);
  if (asset.mesh.triangle_count() > kMaxSetTriangles) {
    return InvalidArgument(name + ": " + std::to_string(asset.mesh.triangle_count()) +
                           " triangles is over the limit of " + std::to_string(kMaxSetTriangles) +
                           " per set mesh (decimate it first)");
  }
  return geom::EncodeDoubleAsset(asset);
}

Result<render::SetGeometry> LoadOne(const crowd::SetMesh& spec, const fs::path& base_dir) {
  const fs::path path = spec.file.is_absolute() ? spec.file : base_dir / spec.file;
  const std::string name = path.string();
  // Clear messages for the common mistakes, before forking an importer.
  std::error_code ec;
  if (!fs::exists(path, ec)) return NotFound(name + ": no such file");
  if (!fs::is_regular_file(path, ec)) return InvalidArgument(name + ": not a regular file");
  if (fs::file_size(path, ec) == 0 || ec) return InvalidArgument(name + ": the file is empty");
  scan::internal::IsolationLimits limits;
  limits.timeout_seconds = kSetImportTimeoutSeconds;
  FIGURANT_ASSIGN_OR_RETURN(
      std::string transfer,
      scan::internal::RunIsolated([&] { return ImportInChild(path, name); }, name, limits));
  auto asset = geom::DecodeDoubleAsset(transfer);
  if (!asset.ok()) {
    return InvalidArgument(name + ": the mesh importer returned malformed data (" +
                           asset.status().message() + ")");
  }
  render::SetGeometry out;
  out.mesh.positions = std::move(asset->mesh.positions);
  out.mesh.indices = std::move(asset->mesh.indices);
  out.albedo = spec.albedo;
  if (out.mesh.triangle_count() == 0)
    return InvalidArgument(name + ": the file holds no triangles");
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

}  // namespace figurant::shot

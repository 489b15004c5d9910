#include "bench_doubles.h"

#include <assimp/material.h>
#include <assimp/scene.h>

#include <algorithm>
#include <assimp/Exporter.hpp>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numbers>

#include "core/file.h"
#include "core/random.h"
#include "scan/scan.h"

namespace figurant::bench {
namespace fs = std::filesystem;

std::string MakeHumanId(int index) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "mh_%02d", index);
  return buf;
}

Result<geom::DoubleAsset> ImportHuman() {
  if (!fs::exists(kHumanZae)) return Unavailable(std::string(kHumanZae) + " is missing");
  FIGURANT_ASSIGN_OR_RETURN(scan::ImportedScan s, scan::ImportFile(kHumanZae, {}));
  return std::move(s.asset);
}

Result<geom::DoubleAsset> ImportMakeHumanBody(const fs::path& makehuman_dir, int index) {
  Rng rng = Rng::Derive(0x6d616b6568756d61ULL, static_cast<uint64_t>(index));
  scan::MakeHumanBody body;
  body.gender = rng.Uniform();
  body.age = rng.Uniform(0.4, 0.9);  // adults, 21 to 75 years
  body.muscle = rng.Uniform(0.2, 0.8);
  body.weight = rng.Uniform(0.2, 0.8);
  body.height = rng.Uniform(0.1, 0.9);
  body.african = rng.Uniform();
  body.asian = rng.Uniform();
  body.caucasian = rng.Uniform();
  FIGURANT_ASSIGN_OR_RETURN(scan::ImportedScan s, scan::ImportMakeHuman(makehuman_dir, body, {}));
  // A skin tone per body, between light and dark (linear albedo).
  const float t = static_cast<float>(rng.Uniform());
  const geom::Vec3f light{0.70f, 0.52f, 0.42f}, dark{0.16f, 0.09f, 0.06f};
  s.asset.mesh.base_color = light * (1 - t) + dark * t;
  return std::move(s.asset);
}

Status WriteDouble(const fs::path& file, const geom::DoubleAsset& asset) {
  return WriteFileAtomic(file, geom::EncodeDoubleAsset(asset));
}

Result<geom::DoubleAsset> ReadDouble(const fs::path& file) {
  FIGURANT_ASSIGN_OR_RETURN(std::string bytes, ReadFile(file));
  return geom::DecodeDoubleAsset(bytes);
}

Status ExportGlb(const geom::Mesh& m, const fs::path& file) {
  // Assimp's aiScene owns its members through raw pointers and deletes them in its destructor, so
  // they are allocated with new[] / new as Assimp expects.
  auto scene = std::make_unique<aiScene>();
  scene->mRootNode = new aiNode("double");
  scene->mRootNode->mNumMeshes = 1;
  scene->mRootNode->mMeshes = new unsigned[1]{0};

  scene->mNumMaterials = 1;
  scene->mMaterials = new aiMaterial*[1];
  auto* material = new aiMaterial();
  scene->mMaterials[0] = material;
  const aiString name("skin");
  material->AddProperty(&name, AI_MATKEY_NAME);
  const aiColor4D base(m.base_color.x, m.base_color.y, m.base_color.z, 1);
  material->AddProperty(&base, 1, AI_MATKEY_BASE_COLOR);
  material->AddProperty(&base, 1, AI_MATKEY_COLOR_DIFFUSE);

  scene->mNumMeshes = 1;
  scene->mMeshes = new aiMesh*[1];
  auto* mesh = new aiMesh();
  scene->mMeshes[0] = mesh;
  mesh->mMaterialIndex = 0;
  mesh->mPrimitiveTypes = aiPrimitiveType_TRIANGLE;
  const auto nv = static_cast<unsigned>(m.positions.size());
  mesh->mNumVertices = nv;
  mesh->mVertices = new aiVector3D[nv];
  for (unsigned i = 0; i < nv; ++i) {
    mesh->mVertices[i] = {m.positions[i].x, m.positions[i].y, m.positions[i].z};
  }
  if (!m.normals.empty()) {
    mesh->mNormals = new aiVector3D[nv];
    for (unsigned i = 0; i < nv; ++i) {
      mesh->mNormals[i] = {m.normals[i].x, m.normals[i].y, m.normals[i].z};
    }
  }
  if (!m.colors.empty()) {
    mesh->mColors[0] = new aiColor4D[nv];
    for (unsigned i = 0; i < nv; ++i) {
      mesh->mColors[0][i] = {m.colors[i].x, m.colors[i].y, m.colors[i].z, 1};
    }
  }
  const auto nt = static_cast<unsigned>(m.indices.size() / 3);
  mesh->mNumFaces = nt;
  mesh->mFaces = new aiFace[nt];
  for (unsigned t = 0; t < nt; ++t) {
    aiFace& f = mesh->mFaces[t];
    f.mNumIndices = 3;
    f.mIndices = new unsigned[3]{m.indices[3 * t], m.indices[3 * t + 1], m.indices[3 * t + 2]};
  }

  Assimp::Exporter exporter;
  if (exporter.Export(scene.get(), "glb2", file.string()) != AI_SUCCESS) {
    return Internal("cannot export " + file.string() + ": " + exporter.GetErrorString());
  }
  return Status::Ok();
}

crowd::SceneSpec FieldScene(int agents, const std::vector<std::string>& doubles, int width,
                            int height, int spp, uint64_t seed) {
  crowd::SceneSpec s;
  s.production = "prd_bench";
  s.shot = "field_" + std::to_string(agents);
  s.seed = seed;
  s.camera.position = {0, 25, -30};
  s.camera.look_at = {0, 0, 50};
  s.camera.width = width;
  s.camera.height = height;
  s.frames = {1, 1, 24};
  s.render.spp = spp;
  s.render.max_bounces = 2;
  const double half_fov = std::atan(0.5 * 36 / 35) * 1.05, spacing = 1.3;
  struct Point {
    double d, x, z;
  };
  std::vector<Point> points;
  for (double radius = 60; points.size() < static_cast<size_t>(agents); radius *= 1.5) {
    points.clear();
    const int cells = static_cast<int>(radius / spacing) + 1;
    for (int i = -cells; i <= cells; ++i) {
      for (int j = 0; j < 2 * cells; ++j) {
        const double x = i * spacing, z = 8.0 + j * spacing, d = std::hypot(x, z + 30);
        if (d <= radius && std::fabs(std::atan2(x, z + 30)) <= half_fov)
          points.push_back({d, x, z});
      }
    }
  }
  std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) { return a.d < b.d; });
  Rng rng(seed);
  s.agents.reserve(static_cast<size_t>(agents));
  for (int k = 0; k < agents; ++k) {
    crowd::AgentSpec a;
    a.double_id = doubles[static_cast<size_t>(k) % doubles.size()];
    const Point& p = points[static_cast<size_t>(k)];
    a.position = {static_cast<float>(p.x + rng.Uniform(-0.3, 0.3)), 0,
                  static_cast<float>(p.z + rng.Uniform(-0.3, 0.3))};
    a.heading_deg = rng.Uniform(-180, 180);
    a.name = "agent_" + std::to_string(k);
    s.agents.push_back(std::move(a));
  }
  return s;
}

}  // namespace figurant::bench

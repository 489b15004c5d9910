#include "interchange/gltf_export.h"

#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <gtest/gtest.h>
#include <stb/stb_image.h>

#include <assimp/Importer.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "scan/scan.h"

namespace figurant::interchange {
namespace {
namespace fs = std::filesystem;

// Two triangles over two bones, textured: small enough to check every value after a round trip.
geom::Mesh SkinnedQuad() {
  geom::Mesh m;
  m.positions = {{-0.5f, 0, 0}, {0.5f, 0, 0}, {0.5f, 1.7f, 0}, {-0.5f, 1.7f, 0}};
  m.uvs = {{0, 0}, {1, 0}, {1, 1}, {0, 1}};
  m.indices = {0, 1, 2, 0, 2, 3};
  m.ComputeNormals();
  m.albedo.width = 2;
  m.albedo.height = 2;
  m.albedo.rgba = {255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255};
  geom::Skeleton s;
  s.bones.push_back({"hips", -1, geom::Mat4f::Translation({0, 1, 0})});
  s.bones.push_back({"spine", 0, geom::Mat4f::Translation({0, 1.4f, 0})});
  m.skeleton = s;
  m.skin.joints = {{0, 0, 0, 0}, {0, 0, 0, 0}, {1, 0, 0, 0}, {1, 0, 0, 0}};
  m.skin.weights = {{1, 0, 0, 0}, {0.5f, 0.5f, 0, 0}, {1, 0, 0, 0}, {1, 0, 0, 0}};
  m.skin.joints[1] = {0, 1, 0, 0};
  return m;
}

const aiScene* Import(Assimp::Importer& importer, const std::string& glb) {
  return importer.ReadFileFromMemory(glb.data(), glb.size(), aiProcess_ValidateDataStructure,
                                     "glb");
}

TEST(GltfExportTest, AssimpReadsBackEveryVertexUvBoneWeightAndTheTexture) {
  const geom::Mesh mesh = SkinnedQuad();
  auto glb = EncodeGlb(mesh);
  ASSERT_TRUE(glb.ok()) << glb.status().ToString();
  Assimp::Importer importer;
  const aiScene* scene = Import(importer, *glb);
  ASSERT_NE(scene, nullptr) << importer.GetErrorString();
  ASSERT_EQ(scene->mNumMeshes, 1u);
  const aiMesh* m = scene->mMeshes[0];
  ASSERT_EQ(m->mNumVertices, 4u);
  ASSERT_EQ(m->mNumFaces, 2u);
  for (unsigned v = 0; v < 4; ++v) {
    EXPECT_FLOAT_EQ(m->mVertices[v].x, mesh.positions[v].x);
    EXPECT_FLOAT_EQ(m->mVertices[v].y, mesh.positions[v].y);
    // Assimp turns glTF's top-origin coordinates back into bottom-origin ones, as the mesh has.
    EXPECT_FLOAT_EQ(m->mTextureCoords[0][v].y, mesh.uvs[v].y) << "vertex " << v;
  }
  for (unsigned f = 0; f < 2; ++f) {
    for (unsigned k = 0; k < 3; ++k) EXPECT_EQ(m->mFaces[f].mIndices[k], mesh.indices[f * 3 + k]);
  }
  ASSERT_EQ(m->mNumBones, 2u);
  float spine_weight_on_vertex_1 = 0;
  for (unsigned b = 0; b < m->mNumBones; ++b) {
    const aiBone* bone = m->mBones[b];
    if (std::string(bone->mName.C_Str()) != "spine") continue;
    for (unsigned w = 0; w < bone->mNumWeights; ++w) {
      if (bone->mWeights[w].mVertexId == 1) spine_weight_on_vertex_1 = bone->mWeights[w].mWeight;
    }
  }
  EXPECT_FLOAT_EQ(spine_weight_on_vertex_1, 0.5f);
  ASSERT_EQ(scene->mNumTextures, 1u);
  const aiTexture* t = scene->mTextures[0];
  int w = 0, h = 0, c = 0;
  stbi_uc* px = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(t->pcData),
                                      static_cast<int>(t->mWidth), &w, &h, &c, 4);
  ASSERT_NE(px, nullptr);
  EXPECT_EQ(std::vector<uint8_t>(px, px + 16), mesh.albedo.rgba);
  stbi_image_free(px);
}

TEST(GltfExportTest, SameMeshSameBytesAndAMeshWithoutSkeletonOrTextureStillReads) {
  geom::Mesh mesh = SkinnedQuad();
  EXPECT_EQ(*EncodeGlb(mesh), *EncodeGlb(mesh));
  mesh.skeleton.reset();
  mesh.skin = {};
  mesh.albedo = {};
  auto glb = EncodeGlb(mesh);
  ASSERT_TRUE(glb.ok());
  Assimp::Importer importer;
  const aiScene* scene = Import(importer, *glb);
  ASSERT_NE(scene, nullptr) << importer.GetErrorString();
  EXPECT_EQ(scene->mMeshes[0]->mNumBones, 0u);
  EXPECT_EQ(scene->mNumTextures, 0u);
}

TEST(GltfExportTest, AnInvalidMeshIsRefusedNamingTheProblem) {
  geom::Mesh mesh = SkinnedQuad();
  mesh.indices[4] = 9;
  auto glb = EncodeGlb(mesh);
  ASSERT_FALSE(glb.ok());
  EXPECT_EQ(glb.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(glb.status().message().find('9'), std::string::npos) << glb.status().message();
  EXPECT_EQ(EncodeGlb(geom::Mesh{}).status().code(), StatusCode::kInvalidArgument);
}

// The peer importer: Blender's own glTF importer reads a MakeHuman double (14k vertices, the
// default skeleton) with every vertex, bone and the performer's standing height.
TEST(GltfExportTest, BlenderImportsAMakeHumanDoubleWithItsSkeletonAndHeight) {
  // scripts/install-deps.sh installs Blender: without it this test fails, never skips.
  ASSERT_EQ(std::system("command -v blender > /dev/null 2>&1"), 0) << "blender is not installed";
  auto scan = scan::ImportMakeHuman(FIGURANT_MAKEHUMAN_DIR, scan::MakeHumanBody{}, {});
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  const geom::Mesh& mesh = scan->asset.mesh;
  auto glb = EncodeGlb(mesh);
  ASSERT_TRUE(glb.ok());
  const fs::path dir = fs::temp_directory_path() / ("figurant_gltf_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "double.glb", log = dir / "blender.log";
  std::ofstream(file, std::ios::binary) << *glb;
  const std::string script =
      std::string(FIGURANT_SOURCE_DIR) + "/src/interchange/testdata/blender_import_glb.py";
  const std::string cmd = "blender -b --factory-startup --python-exit-code 1 --python '" + script +
                          "' -- '" + file.string() + "' > '" + log.string() + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  std::ifstream in(log);
  std::string line, found;
  while (std::getline(in, line)) {
    if (line.rfind("FIGURANT_GLB ", 0) == 0) found = line.substr(13);
  }
  ASSERT_EQ(rc, 0) << "see " << log;
  ASSERT_FALSE(found.empty()) << "see " << log;
  const auto r = nlohmann::json::parse(found);
  EXPECT_EQ(r["meshes"], 1);
  EXPECT_EQ(r["vertices"], mesh.vertex_count());
  EXPECT_EQ(r["triangles"], mesh.triangle_count());
  ASSERT_TRUE(mesh.skeleton.has_value());
  EXPECT_EQ(r["bones"], mesh.skeleton->bones.size());
  EXPECT_NEAR(r["min_z"].get<double>(), 0.0, 1e-3);
  EXPECT_NEAR(r["max_z"].get<double>(), mesh.StandingHeight(), 1e-3);
  RecordProperty("vertices", static_cast<int>(mesh.vertex_count()));
  if (!HasFailure()) fs::remove_all(dir);
}

}  // namespace
}  // namespace figurant::interchange

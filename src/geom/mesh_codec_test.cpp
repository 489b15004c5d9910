#include "geom/mesh_codec.h"

#include <gtest/gtest.h>

#include <cstring>

namespace figurant::geom {
namespace {

DoubleAsset Sample() {
  DoubleAsset a;
  Mesh& m = a.mesh;
  m.positions = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  m.indices = {0, 1, 2, 0, 2, 3, 0, 3, 1, 1, 3, 2};
  m.ComputeNormals();
  m.uvs = {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
  m.colors = {{0.5f, 0.4f, 0.3f}, {0.5f, 0.4f, 0.3f}, {0.2f, 0.2f, 0.6f}, {0.2f, 0.2f, 0.6f}};
  m.regions = {Region::kSkin, Region::kWardrobe, Region::kWardrobe, Region::kHair};
  m.albedo = {2, 1, {255, 0, 0, 255, 0, 255, 0, 255}};
  Skeleton sk;
  sk.bones.push_back({"hips", -1, Mat4f::Translation({0, 1, 0})});
  sk.bones.push_back({"spine", 0, Mat4f::Translation({0, 1.2f, 0})});
  m.skeleton = sk;
  m.skin.joints.assign(4, {0, 1, 0, 0});
  m.skin.weights.assign(4, {0.5f, 0.5f, 0, 0});
  a.lods.push_back({0.01f, {0, 1, 2}});
  return a;
}

TEST(MeshCodecTest, RoundTripsEveryField) {
  const DoubleAsset a = Sample();
  const std::string bytes = EncodeDoubleAsset(a);
  EXPECT_EQ(EncodeDoubleAsset(a), bytes);  // deterministic
  auto b = DecodeDoubleAsset(bytes);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->mesh.positions, a.mesh.positions);
  EXPECT_EQ(b->mesh.normals, a.mesh.normals);
  EXPECT_EQ(b->mesh.indices, a.mesh.indices);
  EXPECT_EQ(b->mesh.regions, a.mesh.regions);
  EXPECT_EQ(b->mesh.albedo.rgba, a.mesh.albedo.rgba);
  ASSERT_TRUE(b->mesh.skeleton.has_value());
  EXPECT_EQ(b->mesh.skeleton->bones[1].name, "spine");
  EXPECT_EQ(b->mesh.skeleton->bones[1].parent, 0);
  EXPECT_EQ(b->mesh.skin.weights[3][1], 0.5f);
  ASSERT_EQ(b->lods.size(), 1u);
  EXPECT_EQ(b->lods[0].indices, (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(EncodeDoubleAsset(*b), bytes);
}

TEST(MeshCodecTest, EveryTruncationIsRejectedCleanly) {
  const std::string bytes = EncodeDoubleAsset(Sample());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = DecodeDoubleAsset(std::string_view(bytes).substr(0, n));
    EXPECT_FALSE(r.ok()) << "prefix of " << n << " bytes decoded";
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  }
}

TEST(MeshCodecTest, CorruptIndicesAreCaught) {
  DoubleAsset a = Sample();
  a.mesh.indices[4] = 99;
  auto r = DecodeDoubleAsset(EncodeDoubleAsset(a));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("vertex 99"), std::string::npos);
  a = Sample();
  a.lods[0].indices[1] = 7;
  EXPECT_FALSE(DecodeDoubleAsset(EncodeDoubleAsset(a)).ok());
}

TEST(MeshCodecTest, UnknownSectionsAreSkipped) {
  // A newer writer's section, inserted before the end section (whose length field moves with it).
  std::string bytes = EncodeDoubleAsset(Sample());
  const size_t end_at = bytes.size() - 20;
  std::string extra;
  const uint32_t tag = 999;
  const uint64_t len = 3;
  extra.append(reinterpret_cast<const char*>(&tag), 4);
  extra.append(reinterpret_cast<const char*>(&len), 8);
  extra += "xyz";
  std::string patched = bytes.substr(0, end_at) + extra + bytes.substr(end_at);
  const uint64_t before = end_at + extra.size();
  std::memcpy(patched.data() + patched.size() - 8, &before, 8);
  EXPECT_TRUE(DecodeDoubleAsset(patched).ok()) << DecodeDoubleAsset(patched).status().ToString();
  EXPECT_FALSE(DecodeDoubleAsset(bytes + "x").ok());
}

}  // namespace
}  // namespace figurant::geom

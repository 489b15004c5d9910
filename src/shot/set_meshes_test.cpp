#include "shot/set_meshes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crowd/scene_spec.h"
#include "crowd/set_surface.h"

namespace figurant::shot {
namespace {

namespace fs = std::filesystem;

class SetMeshesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("figurant-set-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Appends an axis-aligned box as an OBJ object (8 vertices, 6 quads; Assimp triangulates).
  static void Box(std::ostream& o, int& base, const char* name, double x0, double y0, double z0,
                  double x1, double y1, double z1) {
    o << "o " << name << "\n";
    for (int k = 0; k < 8; ++k) {
      o << "v " << ((k & 1) ? x1 : x0) << " " << ((k & 2) ? y1 : y0) << " " << ((k & 4) ? z1 : z0)
        << "\n";
    }
    const int quads[6][4] = {{0, 1, 3, 2}, {4, 6, 7, 5}, {0, 4, 5, 1},
                             {2, 3, 7, 6}, {0, 2, 6, 4}, {1, 5, 7, 3}};
    for (const auto& q : quads) {
      o << "f " << base + q[0] << " " << base + q[1] << " " << base + q[2] << " " << base + q[3]
        << "\n";
    }
    base += 8;
  }

  // The test set, in its own coordinates: a 4 × 4 m platform 0.5 m high, a 0.2 m wall 2.5 m high
  // and a 0.4 m square pillar 3 m high.
  fs::path WriteSet() {
    std::ostringstream o;
    int base = 1;
    Box(o, base, "platform", 0, 0, 0, 4, 0.5, 4);
    Box(o, base, "wall", -6, 0, -5, -5.8, 2.5, 5);
    Box(o, base, "pillar", -3.2, 0, -0.2, -2.8, 3, 0.2);
    const fs::path p = dir_ / "set.obj";
    std::ofstream(p) << o.str();
    return p;
  }

  static crowd::SetSpec OneMesh(const fs::path& file) {
    crowd::SetSpec s;
    crowd::SetMesh m;
    m.file = file;
    m.albedo = {0.2f, 0.4f, 0.6f};
    s.meshes.push_back(m);
    return s;
  }

  fs::path dir_;
};

// Horizontal distance from (x, z) to the footprint of the box [x0, x1] × [z0, z1].
double DistanceToFootprint(double x, double z, double x0, double z0, double x1, double z1) {
  return std::hypot(std::max({x0 - x, 0.0, x - x1}), std::max({z0 - z, 0.0, z - z1}));
}

TEST_F(SetMeshesTest, LoadsPlacesAndKeepsTheAlbedo) {
  WriteSet();
  crowd::SetSpec set = OneMesh("set.obj");  // relative to the scene's directory
  set.meshes[0].position = {10, 1, -2};
  set.meshes[0].rotation_y_deg = 90;
  set.meshes[0].scale = 2;
  auto meshes = LoadSetMeshes(set, dir_);
  ASSERT_TRUE(meshes.ok()) << meshes.status().ToString();
  ASSERT_EQ(meshes->size(), 1u);
  const render::SetGeometry& g = (*meshes)[0];
  EXPECT_EQ(g.mesh.triangle_count(), 36u);
  EXPECT_EQ(g.albedo, (geom::Vec3f{0.2f, 0.4f, 0.6f}));
  // Scale 2, then +90° about +Y ((x, z) → (z, -x)), then the offset: the platform's far corner
  // (4, 0.5, 4) lands at (10 + 8, 1 + 1, -2 - 8).
  const geom::Bounds3f b = g.mesh.ComputeBounds();
  EXPECT_NEAR(b.hi.y, 1 + 2 * 3.0, 1e-4);  // the pillar's top
  bool found = false;
  for (const geom::Vec3f& p : g.mesh.positions) {
    found |= geom::Length(p - geom::Vec3f{18, 2, -10}) < 1e-4f;
  }
  EXPECT_TRUE(found);
}

TEST_F(SetMeshesTest, AgentsStandOnThePlatformAndNeverInsideWallOrPillar) {
  auto meshes = LoadSetMeshes(OneMesh(WriteSet()), dir_);
  ASSERT_TRUE(meshes.ok()) << meshes.status().ToString();
  std::vector<geom::Mesh> world;
  for (const auto& g : *meshes) world.push_back(g.mesh);
  const crowd::SetSurface surface(world, 0.0);
  crowd::AreaSpec a;
  a.outline = {{-7, -5}, {5, -5}, {5, 5}, {-7, 5}};
  a.count = 200;
  a.personal_radius_m = 0.35;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = crowd::LayoutArea(a, 42, &surface);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->placements.size(), 200u) << r->shortfall;
  EXPECT_LT(seconds, 5.0);
  int on_platform = 0;
  for (const crowd::Placement& p : r->placements) {
    const double x = p.position.x, z = p.position.z;
    if (x >= 0 && x <= 4 && z >= 0 && z <= 4) {
      ++on_platform;
      EXPECT_NEAR(p.position.y, 0.5, 1e-3) << x << ", " << z;
    } else {
      EXPECT_NEAR(p.position.y, 0.0, 1e-3) << x << ", " << z;
    }
    EXPECT_GT(DistanceToFootprint(x, z, -6, -5, -5.8, 5), a.personal_radius_m) << x << ", " << z;
    EXPECT_GT(DistanceToFootprint(x, z, -3.2, -0.2, -2.8, 0.2), a.personal_radius_m)
        << x << ", " << z;
  }
  EXPECT_GT(on_platform, 10);
  // Deterministic: the same seed gives the same placements, byte for byte.
  auto again = crowd::LayoutArea(a, 42, &surface);
  ASSERT_EQ(again->placements.size(), r->placements.size());
  for (size_t i = 0; i < r->placements.size(); ++i) {
    const crowd::Placement &p = r->placements[i], &q = again->placements[i];
    EXPECT_EQ(std::memcmp(&p.position, &q.position, sizeof p.position), 0);
    EXPECT_EQ(std::memcmp(&p.heading_rad, &q.heading_rad, sizeof p.heading_rad), 0);
  }
  // A polygon inside the pillar's footprint: nobody fits, and the group says why.
  a.outline = {{-3.15, -0.15}, {-2.85, -0.15}, {-2.85, 0.15}, {-3.15, 0.15}};
  a.count = 3;
  r = crowd::LayoutArea(a, 42, &surface);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->asked, 3);
  EXPECT_TRUE(r->placements.empty());
  EXPECT_NE(r->shortfall.find("set geometry blocks 100% of the polygon"), std::string::npos)
      << r->shortfall;
}

TEST_F(SetMeshesTest, MissingAndGarbageFilesNameTheField) {
  crowd::SetSpec set = OneMesh(WriteSet());
  set.meshes.push_back(set.meshes[0]);
  set.meshes[1].file = dir_ / "nowhere.obj";
  auto missing = LoadSetMeshes(set, dir_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("field 'set.meshes[1].file'"), std::string::npos)
      << missing.status().message();
  EXPECT_NE(missing.status().message().find("nowhere.obj"), std::string::npos);

  // A binary PLY whose header promises more than the file holds.
  std::ofstream(dir_ / "garbage.ply", std::ios::binary)
      << "ply\nformat binary_little_endian 1.0\nelement vertex 100000\nproperty float x\n"
         "property float y\nproperty float z\nelement face 100000\n"
         "property list uchar int vertex_indices\nend_header\n"
      << std::string("\x01\xff\x7f\x00junk", 9);
  std::ofstream(dir_ / "empty.obj");
  std::ofstream(dir_ / "words.obj") << "this is not a mesh at all\n";
  for (const char* bad : {"garbage.ply", "empty.obj", "words.obj"}) {
    set.meshes[1].file = bad;
    auto r = LoadSetMeshes(set, dir_);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << r.status().message();
    EXPECT_NE(r.status().message().find("field 'set.meshes[1].file'"), std::string::npos)
        << r.status().message();
    EXPECT_NE(r.status().message().find(bad), std::string::npos) << r.status().message();
  }
}

TEST_F(SetMeshesTest, TheExampleSceneLaysOutOnItsSet) {
  auto spec = crowd::LoadSceneSpec(fs::path(FIGURANT_SOURCE_DIR) / "examples" / "market_hall.json");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  auto meshes = LoadSetMeshes(spec->set, spec->base_dir);
  ASSERT_TRUE(meshes.ok()) << meshes.status().ToString();
  std::vector<geom::Mesh> world;
  for (const auto& g : *meshes) world.push_back(g.mesh);
  ASSERT_TRUE(spec->set.has_ground);
  const crowd::SetSurface surface(world, spec->set.ground_height);
  for (const crowd::CrowdGroup& g : spec->crowds) {
    Result<crowd::LayoutResult> r = InvalidArgument("not laid out");
    if (const auto* a = std::get_if<crowd::AreaSpec>(&g.layout)) r = LayoutArea(*a, 1, &surface);
    if (const auto* p = std::get_if<crowd::PathSpec>(&g.layout)) r = LayoutPath(*p, 1, &surface);
    ASSERT_TRUE(r.ok()) << g.name << ": " << r.status().ToString();
    EXPECT_EQ(static_cast<int>(r->placements.size()), r->asked) << g.name << ": " << r->shortfall;
    for (const crowd::Placement& p : r->placements) {
      // Never inside the kiosk (x 8..11, z 4..7), which is too tall to be stood on.
      EXPECT_GT(DistanceToFootprint(p.position.x, p.position.z, 8, 4, 11, 7), 0.3) << g.name;
      if (g.name == "band") {
        EXPECT_NEAR(p.position.y, 0.8, 1e-3);  // on the stage
      }
    }
  }
}

}  // namespace
}  // namespace figurant::shot

#include "nav/navmesh.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/file.h"

namespace figurant::nav {
namespace {

namespace fs = std::filesystem;

// A closed box from `lo` to `hi` (a wall, a pillar, a kiosk), outward-facing triangles.
geom::Mesh Box(geom::Vec3f lo, geom::Vec3f hi) {
  geom::Mesh m;
  for (int i = 0; i < 8; ++i) {
    m.positions.push_back({(i & 1) ? hi.x : lo.x, (i & 2) ? hi.y : lo.y, (i & 4) ? hi.z : lo.z});
  }
  const uint32_t quads[6][4] = {{0, 4, 6, 2}, {1, 3, 7, 5}, {0, 1, 5, 4},
                                {2, 6, 7, 3}, {0, 2, 3, 1}, {4, 5, 7, 6}};
  for (const auto& q : quads) {
    for (uint32_t i : {q[0], q[1], q[2], q[0], q[2], q[3]}) m.indices.push_back(i);
  }
  return m;
}

// A 20 m square of ground with a wall 12 m long across its middle (x = ±0.25, z = ±6).
NavInput SquareWithWall() {
  NavInput in;
  in.AddGround(-10, -10, 10, 10, 0);
  in.AddMesh(Box({-0.25f, 0, -6}, {0.25f, 2, 6}));
  return in;
}

double Length(const std::vector<geom::Vec3f>& path) {
  double total = 0;
  for (size_t i = 1; i < path.size(); ++i) {
    const geom::Vec3f d = path[i] - path[i - 1];
    total += std::sqrt(d.x * d.x + d.y * d.y + d.z * d.z);
  }
  return total;
}

// The horizontal distance from `p` to the box [x0, x1] × [z0, z1] (0 inside).
double DistanceToBox(geom::Vec3f p, float x0, float z0, float x1, float z1) {
  const double dx = std::max({x0 - p.x, 0.0f, p.x - x1});
  const double dz = std::max({z0 - p.z, 0.0f, p.z - z1});
  return std::sqrt(dx * dx + dz * dz);
}

fs::path TempDir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("figurant-nav-test-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(dir);
  return dir;
}

TEST(NavMeshTest, APathGoesAroundTheWallKeepingTheAgentsRadius) {
  const AgentShape shape{0.3f, 1.8f, 0.25f, 40};
  auto mesh = NavMesh::Build(SquareWithWall(), shape);
  ASSERT_TRUE(mesh.ok()) << mesh.status().ToString();
  EXPECT_GT((*mesh)->polygon_count(), 0);
  auto path = (*mesh)->FindPath({-5, 0, 1}, {5, 0, 1});
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  ASSERT_GE(path->size(), 3u) << "a straight line would cross the wall";
  EXPECT_NEAR(path->front().x, -5, 0.05);
  EXPECT_NEAR(path->back().x, 5, 0.05);
  // Around an end of the wall: at least 2 × the distance to (0, 6.3) and back.
  EXPECT_GT(Length(*path), 2 * std::hypot(5.0, 5.3) - 0.1);
  // Every point along the way keeps (almost: one voxel) the agent's radius from the wall.
  for (size_t i = 1; i < path->size(); ++i) {
    for (int k = 0; k <= 20; ++k) {
      const float t = static_cast<float>(k) / 20;
      const geom::Vec3f p = (*path)[i - 1] + ((*path)[i] - (*path)[i - 1]) * t;
      EXPECT_GE(DistanceToBox(p, -0.25f, -6, 0.25f, 6), shape.radius - 0.1) << p.x << "," << p.z;
    }
  }
}

TEST(NavMeshTest, AGapNarrowerThanTheAgentIsClosedToIt) {
  // Two walls along z = 0 with a 0.5 m gap at x in [-0.25, 0.25].
  NavInput in;
  in.AddGround(-10, -10, 10, 10, 0);
  in.AddMesh(Box({-8, 0, -0.2f}, {-0.25f, 2, 0.2f}));
  in.AddMesh(Box({0.25f, 0, -0.2f}, {8, 2, 0.2f}));
  auto thin = NavMesh::Build(in, {0.1f, 1.8f, 0.25f, 40});
  auto wide = NavMesh::Build(in, {0.4f, 1.8f, 0.25f, 40});
  ASSERT_TRUE(thin.ok() && wide.ok());
  auto through = (*thin)->FindPath({0, 0, -4}, {0, 0, 4});
  auto around = (*wide)->FindPath({0, 0, -4}, {0, 0, 4});
  ASSERT_TRUE(through.ok() && around.ok());
  EXPECT_LT(Length(*through), 8.2) << "a thin agent walks through the gap";
  EXPECT_GT(Length(*around), 16) << "a wide one walks around the walls";
}

TEST(NavMeshTest, AnEnclosedPlaceOrOneOffTheGroundCannotBeReached) {
  NavInput in;
  in.AddGround(-10, -10, 10, 10, 0);
  // A closed pen around (5, 5): four walls 2 m high.
  in.AddMesh(Box({3, 0, 3}, {7, 2, 3.3f}));
  in.AddMesh(Box({3, 0, 6.7f}, {7, 2, 7}));
  in.AddMesh(Box({3, 0, 3}, {3.3f, 2, 7}));
  in.AddMesh(Box({6.7f, 0, 3}, {7, 2, 7}));
  auto mesh = NavMesh::Build(in, {});
  ASSERT_TRUE(mesh.ok()) << mesh.status().ToString();
  EXPECT_TRUE((*mesh)->Nearest({5, 0, 5}).ok()) << "inside the pen is walkable";
  EXPECT_EQ((*mesh)->FindPath({-5, 0, -5}, {5, 0, 5}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ((*mesh)->FindPath({-5, 0, -5}, {40, 0, 40}).status().code(), StatusCode::kNotFound);
  EXPECT_EQ((*mesh)->Nearest({40, 0, 40}).status().code(), StatusCode::kNotFound);
}

TEST(NavMeshTest, AWalkableRoofIsNotTheGroundBelowIt) {
  NavInput in;
  in.AddGround(-10, -10, 10, 10, 0);
  in.AddMesh(Box({-2, 0, -2}, {2, 2.5f, 2}));  // a kiosk whose flat roof Recast finds walkable
  auto mesh = NavMesh::Build(in, {});
  ASSERT_TRUE(mesh.ok()) << mesh.status().ToString();
  EXPECT_TRUE((*mesh)->Nearest({0, 2.5f, 0}).ok()) << "the roof is walkable, up there";
  auto beside = (*mesh)->Nearest({1.5f, 0, 0});
  ASSERT_TRUE(beside.ok()) << beside.status().ToString();
  EXPECT_NEAR(beside->y, 0, 0.1) << "a point on the ground snaps to the ground, not the roof";
  EXPECT_GT(beside->x, 2.0f);
}

TEST(NavMeshTest, BadInputIsRefusedNamingWhatIsWrong) {
  EXPECT_EQ(NavMesh::Build(NavInput{}, {}).status().code(), StatusCode::kInvalidArgument);
  NavInput bad = SquareWithWall();
  bad.indices.push_back(999);
  bad.indices.push_back(0);
  bad.indices.push_back(1);
  EXPECT_EQ(NavMesh::Build(bad, {}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(NavMesh::Build(SquareWithWall(), {0.0f, 1.8f, 0.25f, 40}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(NavMesh::Build(SquareWithWall(), {}, {0.001f, 0.05f}).status().code(),
            StatusCode::kInvalidArgument);
  NavInput wall_only;
  wall_only.AddMesh(Box({-0.1f, 0, -3}, {0.1f, 3, 3}));  // nothing wide enough to stand on
  EXPECT_EQ(NavMesh::Build(wall_only, {}).status().code(), StatusCode::kFailedPrecondition);
}

TEST(NavMeshTest, TheSameSetGivesTheSameBytesAndTheyLoadBack) {
  auto a = NavMesh::Build(SquareWithWall(), {});
  auto b = NavMesh::Build(SquareWithWall(), {});
  ASSERT_TRUE(a.ok() && b.ok());
  const std::string bytes = (*a)->Serialize();
  EXPECT_EQ(bytes, (*b)->Serialize());
  auto loaded = NavMesh::Load(bytes, "test bytes");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->Serialize(), bytes);
  EXPECT_EQ((*loaded)->key(), (*a)->key());
  auto p = (*a)->FindPath({-5, 0, 1}, {5, 0, 1});
  auto q = (*loaded)->FindPath({-5, 0, 1}, {5, 0, 1});
  ASSERT_TRUE(p.ok() && q.ok());
  ASSERT_EQ(p->size(), q->size());
  for (size_t i = 0; i < p->size(); ++i) EXPECT_EQ((*p)[i].x, (*q)[i].x);

  EXPECT_EQ(NavMesh::Load(bytes.substr(0, bytes.size() - 1), "cut").status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(NavMesh::Load("FGNAV2" + bytes.substr(6), "other").status().code(),
            StatusCode::kDataLoss);
  for (const size_t at : {size_t{20}, bytes.size() / 2, bytes.size() - 1}) {  // key, data, data
    std::string corrupt = bytes;
    corrupt[at] = static_cast<char>(corrupt[at] ^ 0x5a);
    EXPECT_EQ(NavMesh::Load(corrupt, "flipped").status().code(), StatusCode::kDataLoss) << at;
  }
}

TEST(NavMeshTest, TheCacheBuildsOnceAndRefusesABadFile) {
  const fs::path dir = TempDir("cache");
  bool built = false;
  auto first = LoadOrBuild(dir, SquareWithWall(), {}, {}, &built);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(built);
  const fs::path file = dir / ((*first)->key() + ".navmesh");
  ASSERT_TRUE(fs::exists(file));
  auto second = LoadOrBuild(dir, SquareWithWall(), {}, {}, &built);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(built) << "read from the cache";
  EXPECT_EQ((*second)->Serialize(), (*first)->Serialize());
  // Another agent shape is another mesh.
  auto wider = LoadOrBuild(dir, SquareWithWall(), {0.5f, 1.8f, 0.25f, 40}, {}, &built);
  ASSERT_TRUE(wider.ok());
  EXPECT_TRUE(built);
  EXPECT_NE((*wider)->key(), (*first)->key());

  // A damaged cache file is an error naming it, not a silent rebuild.
  std::string bytes = *ReadFile(file);
  bytes.resize(bytes.size() / 2);
  ASSERT_TRUE(WriteFileAtomic(file, bytes).ok());
  auto damaged = LoadOrBuild(dir, SquareWithWall(), {}, {}, &built);
  EXPECT_EQ(damaged.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(damaged.status().message().find(file.string()), std::string::npos)
      << damaged.status().message();
  fs::remove(file);
  EXPECT_TRUE(LoadOrBuild(dir, SquareWithWall(), {}, {}, &built).ok());
  EXPECT_TRUE(built);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace figurant::nav

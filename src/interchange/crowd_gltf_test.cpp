#include "interchange/crowd_gltf.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/file.h"
#include "nav/navmesh.h"

namespace figurant::interchange {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A closed box person 1.8 m tall, coloured.
geom::Mesh BoxPerson(geom::Vec3f colour) {
  geom::Mesh m;
  for (int i = 0; i < 8; ++i) {
    m.positions.push_back(
        {(i & 1) ? 0.25f : -0.25f, (i & 2) ? 1.8f : 0.0f, (i & 4) ? 0.15f : -0.15f});
    m.colors.push_back(colour);
  }
  const uint32_t quads[6][4] = {{0, 4, 6, 2}, {1, 3, 7, 5}, {0, 1, 5, 4},
                                {2, 6, 7, 3}, {0, 2, 3, 1}, {4, 5, 7, 6}};
  for (const auto& q : quads) {
    for (uint32_t i : {q[0], q[1], q[2], q[0], q[2], q[3]}) m.indices.push_back(i);
  }
  return m;
}

// 12 wanderers of two doubles in a 16 m square, 3 s at 24 fps.
struct Crowd {
  geom::Mesh red = BoxPerson({0.7f, 0.1f, 0.1f}), blue = BoxPerson({0.1f, 0.1f, 0.7f});
  std::vector<CrowdDouble> doubles{{"dbl_red", &red}, {"dbl_blue", &blue}};
  std::vector<CrowdAgent> agents;
  nav::Trajectories trajectories;
};

std::unique_ptr<Crowd> MakeCrowd() {
  auto c = std::make_unique<Crowd>();
  nav::NavInput in;
  in.AddGround(-8, -8, 8, 8, 0);
  auto mesh = nav::NavMesh::Build(in, {});
  EXPECT_TRUE(mesh.ok()) << mesh.status().ToString();
  nav::Behaviour wander;
  wander.kind = nav::Behaviour::Kind::kWander;
  wander.wander.area = {{-6, -6}, {6, -6}, {6, 6}, {-6, 6}};
  wander.wander.pause_max_s = 1;
  wander.wander.pause_min_s = 0.5f;
  std::vector<nav::MovingAgent> moving;
  for (int i = 0; i < 12; ++i) {
    nav::MovingAgent a;
    a.start = {-5.0f + 2.0f * static_cast<float>(i % 6), 0, i < 6 ? -3.0f : 3.0f};
    moving.push_back(a);
    c->agents.push_back({"agent_" + std::to_string(i), i % 2});
  }
  nav::SimulationOptions o;
  o.frames = 72;
  o.seed = 9;
  auto t = nav::Simulate(**mesh, std::vector<nav::Behaviour>{wander}, moving, o);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  c->trajectories = *t;
  return c;
}

fs::path TempDir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() /
                       ("figurant-crowd-gltf-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(CrowdGltfTest, BlenderImportsEveryAgentWhereTheSimulationPutIt) {
  // scripts/install-deps.sh installs Blender: without it this test fails, never skips.
  ASSERT_EQ(std::system("command -v blender > /dev/null 2>&1"), 0) << "blender is not installed";
  const auto c = MakeCrowd();
  auto glb = EncodeCrowdGlb(c->doubles, c->agents, c->trajectories, 24);
  ASSERT_TRUE(glb.ok()) << glb.status().ToString();
  EXPECT_EQ(glb->substr(0, 4), "glTF");
  auto again = EncodeCrowdGlb(c->doubles, c->agents, c->trajectories, 24);
  EXPECT_EQ(*again, *glb) << "the same crowd, the same bytes";

  const fs::path dir = TempDir("blender");
  const fs::path file = dir / "crowd.glb", log = dir / "blender.log";
  ASSERT_TRUE(WriteFileAtomic(file, *glb).ok());
  const std::string script =
      std::string(FIGURANT_SOURCE_DIR) + "/src/interchange/testdata/blender_crowd_glb.py";
  const std::vector<int> frames = {0, 35, 71};
  std::string cmd = "blender -b --factory-startup --python-exit-code 1 --python '" + script +
                    "' -- '" + file.string() + "' 24";
  for (int f : frames) cmd += " " + std::to_string(f);
  cmd += " > '" + log.string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << *ReadFile(log);
  const std::string out = *ReadFile(log);
  const size_t at = out.find("FIGURANT_CROWD ");
  ASSERT_NE(at, std::string::npos) << out;
  const json found = json::parse(out.substr(at + 15, out.find('\n', at) - at - 15));
  EXPECT_EQ(found["objects"], 12);
  double moved = 0;  // the premise: the crowd moves between the frames compared
  for (int a = 0; a < 12; ++a) {
    const geom::Vec3f d = c->trajectories.At(71, a).position - c->trajectories.At(0, a).position;
    moved = std::max(moved, static_cast<double>(std::hypot(d.x, d.z)));
  }
  EXPECT_GT(moved, 1.0);
  double worst = 0;
  for (int f : frames) {
    for (size_t a = 0; a < c->agents.size(); ++a) {
      const geom::Vec3f p = c->trajectories.At(f, static_cast<int>(a)).position;
      const json& w = found["at"][std::to_string(f)][c->agents[a].name];
      ASSERT_TRUE(w.is_array()) << c->agents[a].name << " at frame " << f;
      // glTF's +Y up is Blender's +Z up: (x, y, z) → (x, -z, y).
      worst = std::max({worst, std::fabs(w[0].get<double>() - p.x),
                        std::fabs(w[1].get<double>() + p.z), std::fabs(w[2].get<double>() - p.y)});
    }
  }
  std::cout << "largest difference from the simulation in Blender: " << worst << " m\n";
  EXPECT_LT(worst, 0.01);
  fs::remove_all(dir);
}

TEST(CrowdGltfTest, AMismatchedCrowdIsRefused) {
  const auto c = MakeCrowd();
  std::vector<CrowdAgent> fewer(c->agents.begin(), c->agents.end() - 1);
  EXPECT_EQ(EncodeCrowdGlb(c->doubles, fewer, c->trajectories, 24).status().code(),
            StatusCode::kInvalidArgument);
  std::vector<CrowdAgent> twice = c->agents;
  twice[1].name = twice[0].name;
  EXPECT_EQ(EncodeCrowdGlb(c->doubles, twice, c->trajectories, 24).status().code(),
            StatusCode::kInvalidArgument);
  std::vector<CrowdAgent> no_double = c->agents;
  no_double[3].double_index = 5;
  EXPECT_EQ(EncodeCrowdGlb(c->doubles, no_double, c->trajectories, 24).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeCrowdGlb(c->doubles, c->agents, c->trajectories, 0).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace figurant::interchange

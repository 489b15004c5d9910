// The crowd export end to end (docs/interchange.md, "A crowd in motion"): a scene resolved against
// a real bank, written as .glb, and read back by Blender's own importer, every agent and its left
// ankle where Figurant draws them; only licensed agents, only mannequins, the same bytes twice.
#include "shot/export.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "anim/pose_variation.h"
#include "core/file.h"
#include "crowd/scene_spec.h"
#include "shot/internal/resolve.h"
#include "shot/shot_test_bank.h"

namespace figurant::shot {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The bone Blender's import is checked at: the left ankle (the head of the foot bone).
constexpr const char* kBone = "leftFoot";

class ExportTest : public ShotTestBank {
 protected:
  // Four rigged doubles licensed for the production, up to half the frame's height on screen.
  void AddWalkers() {
    for (int i = 0; i < 4; ++i) {
      auto d = AddPerformerDouble("walker" + std::to_string(i), 60 + static_cast<uint64_t>(i));
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      auto licence = SignLicence(d->performer_id, LicenceTerms(production_, json::array(), 0.5));
      ASSERT_TRUE(licence.ok()) << licence.status().ToString();
    }
  }

  // A scene of `frames` frames at 24 fps of one crowd group, seen from (0, 1.6, -4).
  crowd::SceneSpec Scene(const std::string& shot, int frames, const json& group) {
    const json scene = {
        {"figurant_scene", 1},
        {"production", production_},
        {"shot", shot},
        {"seed", 5u},
        {"frames", {{"start", 1}, {"end", frames}, {"fps", 24}}},
        {"camera", {{"position", {0, 1.6, -4}}, {"look_at", {0, 1, 10}}, {"resolution", {96, 54}}}},
        {"render", {{"spp", 1}, {"output", shot + "/f.####.exr"}}},
        {"crowds", json::array({group})}};
    auto spec = crowd::ParseSceneSpec(scene, "test scene");
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    spec->base_dir = dir_;
    return *spec;
  }

  static json Group(int count, const json& behaviour) {
    json g = {{"kind", "area"},
              {"name", "square"},
              {"polygon", {{-6, 4}, {6, 4}, {6, 16}, {-6, 16}}},
              {"count", count},
              {"min_same_double_distance_m", 0},
              {"min_same_double_screen_fraction", 0}};
    if (!behaviour.is_null()) g["behaviour"] = behaviour;
    return g;
  }
};

// The JSON chunk of a .glb (Khronos glTF 2.0, "GLB file format specification").
json GlbJson(const std::string& glb) {
  EXPECT_GE(glb.size(), 20u);
  EXPECT_EQ(glb.substr(0, 4), "glTF");
  uint32_t length = 0;
  for (int i = 0; i < 4; ++i) {
    length |= static_cast<uint32_t>(static_cast<unsigned char>(glb[12 + i])) << (8 * i);
  }
  return json::parse(glb.substr(20, length));
}

// Where Figurant draws each agent and its left ankle at scene frame `frame`, worked out from the
// resolved shot as the renderer places and poses it: the walker's drawn placement, its
// prototype's pose (anim::PoseMesh), the agent's body-to-world transform. By agent name.
struct Drawn {
  geom::Vec3f root, ankle;
};
std::map<std::string, Drawn> FigurantAt(const internal::ResolvedShot& shot, int frame) {
  const std::vector<render::AgentPlacement> at = shot.travel->PlacementsAt(frame);
  const std::vector<int> keys = shot.schedule->PrototypesAt(frame);
  std::map<std::string, Drawn> out;
  for (size_t a = 0; a < at.size(); ++a) {
    const internal::PoseKey& key = shot.schedule->keys()[static_cast<size_t>(keys[a])];
    auto posed = anim::PoseMesh(shot.shown.at(key.double_id).bind->mesh, internal::PoseSpecOf(key));
    EXPECT_TRUE(posed.ok()) << posed.status().ToString();
    const geom::Mat4f& foot = posed->skeleton->bones[posed->skeleton->Find(kBone)].bind_pose;
    render::AgentInstance placed = shot.rendered.instances[a];
    placed.position = at[a].position;
    placed.heading_rad = at[a].heading_rad;
    out[shot.report.agents[a].name] = {
        at[a].position,
        placed.ToWorld().TransformPoint({foot.m[3][0], foot.m[3][1], foot.m[3][2]})};
  }
  return out;
}

// Blender's import of `file` (testdata/blender_crowd_glb.py) at `frames` (0: the first exported).
json BlenderImport(const fs::path& file, const std::vector<int>& frames) {
  const fs::path log = file.parent_path() / "blender.log";
  std::string cmd = "blender -b --factory-startup --python-exit-code 1 --python '" +
                    std::string(FIGURANT_SOURCE_DIR) +
                    "/src/interchange/testdata/blender_crowd_glb.py' -- '" + file.string() +
                    "' 24 " + kBone;
  for (int f : frames) cmd += " " + std::to_string(f);
  cmd += " > '" + log.string() + "' 2>&1";
  const int rc = std::system(cmd.c_str());
  const auto read = ReadFile(log);
  const std::string out = read.ok() ? *read : "";
  EXPECT_EQ(rc, 0) << out;
  const size_t at = out.find("FIGURANT_CROWD ");
  if (at == std::string::npos) {
    ADD_FAILURE() << out;
    return json::object();
  }
  return json::parse(out.substr(at + 15, out.find('\n', at) - at - 15));
}

// glTF's +Y up is Blender's +Z up: (x, y, z) → (x, -z, y).
double Distance(const json& blender, geom::Vec3f p) {
  return std::hypot(blender[0].get<double>() - p.x, blender[1].get<double>() + p.z,
                    blender[2].get<double>() - p.y);
}

TEST_F(ExportTest, BlenderPutsEveryWalkerAndItsAnkleWhereFigurantDrawsThem) {
  // scripts/install-deps.sh installs Blender: without it this test fails, never skips.
  ASSERT_EQ(std::system("command -v blender > /dev/null 2>&1"), 0) << "blender is not installed";
  AddWalkers();
  const crowd::SceneSpec spec =
      Scene("walk", 36, Group(16, {{"kind", "wander"}, {"pause_min_s", 0}, {"pause_max_s", 0.2}}));
  const fs::path file = dir_ / "crowd.glb";
  auto report = ExportCrowd(*bank_, spec, {}, file);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->agents, 16);
  EXPECT_EQ(report->frames, 36);
  EXPECT_EQ(report->doubles, 4);
  EXPECT_GT(report->poses, 4 * 8) << "walkers show many steps of their walk";
  std::cout << "exported " << report->agents << " agents x " << report->frames
            << " frames: " << report->bytes << " bytes (" << report->bytes_per_agent_frame()
            << " per agent-frame) in " << report->resolve_seconds << " + " << report->pose_seconds
            << " + " << report->write_seconds << " s\n";
  auto bytes = ReadFile(file);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->size(), report->bytes);

  // Figurant's own: the shot resolved again, as RenderShot resolves it.
  auto set = LoadShotSet(spec);
  ASSERT_TRUE(set.ok());
  auto shot = internal::ResolveShot(*bank_, spec, {}, {1, 36}, *set);
  ASSERT_TRUE(shot.ok()) << shot.status().ToString();
  ASSERT_TRUE(shot->travel);

  const std::vector<int> frames = {0, 17, 35};
  const json blender = BlenderImport(file, frames);
  EXPECT_EQ(blender["agents"], 16);
  EXPECT_LT(blender["triangles"].get<int>(), 16 * 600) << "mannequins, not scans";
  double root_error = 0, ankle_error = 0, moved = 0;
  const auto first = FigurantAt(*shot, 1);
  for (int f : frames) {
    for (const auto& [name, drawn] : FigurantAt(*shot, 1 + f)) {
      const json& b = blender["at"][std::to_string(f)][name];
      ASSERT_TRUE(b.is_object()) << name << " at frame " << f;
      ASSERT_TRUE(b["bone"].is_array()) << name << " has no " << kBone;
      root_error = std::max(root_error, Distance(b["root"], drawn.root));
      ankle_error = std::max(ankle_error, Distance(b["bone"], drawn.ankle));
      moved = std::max(moved, static_cast<double>(geom::Length(drawn.root - first.at(name).root)));
    }
  }
  EXPECT_GT(moved, 0.5) << "the premise: the crowd walks between the frames compared";
  std::cout << "largest distance from Figurant in Blender: root " << root_error * 1000
            << " mm, left ankle " << ankle_error * 1000 << " mm\n";
  EXPECT_LT(root_error, 0.01);
  EXPECT_LT(ankle_error, 0.01);

  // The same crowd again (its navigation mesh now from the cache): the same bytes.
  const fs::path again = dir_ / "again.glb";
  ASSERT_TRUE(ExportCrowd(*bank_, spec, {}, again).ok());
  EXPECT_TRUE(*ReadFile(again) == *bytes);
}

TEST_F(ExportTest, AStandingCrowdExportsOnlyLicensedAgentsAsMannequins) {
  AddWalkers();
  // A performer whose licence allows no more than a sliver of the frame: their agents are refused.
  auto small = AddPerformerDouble("small", 77);
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  ASSERT_TRUE(
      SignLicence(small->performer_id, LicenceTerms(production_, json::array(), 0.01)).ok());
  // A bare scan (no skeleton) stands in as a box.
  auto bare = AddPerformerDouble("bare", 78, /*rigged=*/false);
  ASSERT_TRUE(bare.ok()) << bare.status().ToString();
  ASSERT_TRUE(SignLicence(bare->performer_id, LicenceTerms(production_, json::array(), 0.5)).ok());

  const crowd::SceneSpec spec = Scene("stand", 12, Group(18, nullptr));
  const fs::path file = dir_ / "stand.glb";
  auto refused = ExportCrowd(*bank_, spec, {}, file);
  ASSERT_EQ(refused.status().code(), StatusCode::kPermissionDenied) << refused.status().ToString();
  EXPECT_FALSE(fs::exists(file));

  ShotOptions drop;
  drop.drop_refused = true;
  auto report = ExportCrowd(*bank_, spec, drop, file);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_FALSE(report->refused.empty());
  EXPECT_EQ(report->agents + static_cast<int>(report->refused.size()), 18);
  auto bytes = ReadFile(file);
  ASSERT_TRUE(bytes.ok());
  const json gltf = GlbJson(*bytes);

  std::set<std::string> nodes;
  for (const json& n : gltf["nodes"]) nodes.insert(n.value("name", ""));
  for (const RefusedAgent& r : report->refused) {
    EXPECT_EQ(r.double_id, small->id);
    EXPECT_EQ(nodes.count(r.agent), 0u) << r.agent << " was refused yet exported";
  }
  // One mannequin per double shown, a few hundred triangles at most, untextured; one skin per
  // rigged agent.
  EXPECT_EQ(gltf["meshes"].size(), static_cast<size_t>(report->doubles));
  for (const json& mesh : gltf["meshes"]) {
    const int indices = mesh["primitives"][0]["indices"];
    EXPECT_LE(gltf["accessors"][indices]["count"].get<int>(), 3 * 600);
  }
  EXPECT_FALSE(gltf.contains("images"));
  EXPECT_FALSE(gltf.contains("textures"));
  // Standing: no root moves; idling, their joints turn.
  std::set<int> roots(gltf["scenes"][0]["nodes"].begin(), gltf["scenes"][0]["nodes"].end());
  EXPECT_EQ(roots.size(), static_cast<size_t>(report->agents));
  int joint_channels = 0;
  for (const json& ch : gltf["animations"][0]["channels"]) {
    EXPECT_EQ(roots.count(ch["target"]["node"].get<int>()), 0u) << ch.dump();
    ++joint_channels;
  }
  EXPECT_GT(joint_channels, 0);
}

TEST_F(ExportTest, AnExportIsNeverWrittenInsideTheBank) {
  AddWalkers();
  const crowd::SceneSpec spec = Scene("in", 2, Group(4, nullptr));
  auto r = ExportCrowd(*bank_, spec, {}, dir_ / "bank" / "crowd.glb");
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(dir_ / "bank" / "crowd.glb"));
}

}  // namespace
}  // namespace figurant::shot

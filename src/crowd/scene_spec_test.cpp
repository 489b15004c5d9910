#include "crowd/scene_spec.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <utility>

namespace figurant::crowd {
namespace {

using nlohmann::json;

json IssueExample() {
  return json::parse(R"({
    "figurant_scene": 1,
    "production": "prd_0000000000000001", "shot": "sc012_sh030", "seed": 7,
    "camera": {"position": [0, 1.7, -12], "look_at": [0, 1.2, 0], "up": [0, 1, 0],
               "focal_length_mm": 35, "sensor_width_mm": 36, "resolution": [1920, 1080]},
    "frames": {"start": 1001, "end": 1001, "fps": 24},
    "lighting": {"sun": {"direction": [0.3, 0.8, -0.5], "irradiance": 3.0, "color": [1, 0.95, 0.9]},
                 "sky": {"radiance": [0.25, 0.3, 0.4]}},
    "set": {"ground_plane": {"height": 0, "albedo": [0.35, 0.35, 0.35]}, "meshes": []},
    "render": {"spp": 16, "max_bounces": 2, "threads": 0, "output": "out/sh030.####.exr", "preview_png": true},
    "agents": [{"double": "dbl_0000000000000001", "position": [0, 0, 0], "heading_deg": 30, "scale": 1.0,
                "tint": [1, 1, 1], "lod": "auto"}]
  })");
}

TEST(SceneSpecTest, ParsesTheIssueExample) {
  auto s = ParseSceneSpec(IssueExample(), "scene.json");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->shot, "sc012_sh030");
  EXPECT_EQ(s->seed, 7u);
  EXPECT_EQ(s->camera.width, 1920);
  EXPECT_EQ(s->frames.count(), 1);
  EXPECT_NEAR(geom::Length(s->lighting.sun_direction), 1.0, 1e-6);
  ASSERT_EQ(s->agents.size(), 1u);
  EXPECT_EQ(s->agents[0].name, "agent_0");
  EXPECT_EQ(s->agents[0].heading_deg, 30);
  EXPECT_EQ(s->OutputSubdir(), "out");
  EXPECT_EQ(s->OutputName(1001), "sh030.1001.exr");
  EXPECT_EQ(s->OutputName(7), "sh030.0007.exr");
  EXPECT_EQ(s->OutputName(123456), "sh030.123456.exr");
}

// render.output names plates inside the output directory; anything else is refused at parse time.
TEST(SceneSpecTest, OutputIsARelativePathOfPortableNames) {
  for (const char* good : {"out/sh030.####.exr", "sh030.exr", "a/b/c_d-e.#.exr", "x.####.exr"}) {
    json j = IssueExample();
    j["render"]["output"] = good;
    EXPECT_TRUE(ParseSceneSpec(j, "scene.json").ok()) << good;
  }
  for (const char* bad :
       {"", "/abs/sh030.####.exr", "../sh030.exr", "out/../x.exr", "./x.exr", "out//x.exr", "out/",
        "out/.x.exr", "-x.exr", "out/x.png", "out/x.exr.tmp", ".exr", "out/#/x.exr",
        "out/x.##.#.exr", "out/a b.exr", "out\\x.exr", "out/x\n.exr", "out/\u00e9.exr"}) {
    json j = IssueExample();
    j["render"]["output"] = bad;
    auto s = ParseSceneSpec(j, "scene.json");
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.status().message().find("field 'render.output': "), std::string::npos)
        << s.status().message();
  }
  json j = IssueExample();
  j["render"]["output"] = std::string(kMaxOutputNameBytes - 3, 'x') + ".exr";
  EXPECT_FALSE(ParseSceneSpec(j, "scene.json").ok());
}

TEST(SceneSpecTest, ShotNameIsAnIdentifier) {
  for (const char* good : {"sc012_sh030", "A", "9-b_c"}) {
    json j = IssueExample();
    j["shot"] = good;
    EXPECT_TRUE(ParseSceneSpec(j, "scene.json").ok()) << good;
  }
  for (const std::string& bad : std::vector<std::string>{
           "", "../x", "a/b", "..", ".x", "_x", "-x", "a b", "a.b", "x\n", std::string(65, 'a')}) {
    json j = IssueExample();
    j["shot"] = bad;
    auto s = ParseSceneSpec(j, "scene.json");
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.status().message().find("field 'shot': expected an identifier"), std::string::npos)
        << s.status().message();
  }
}

TEST(SceneSpecTest, ReportsEveryBadFieldWithItsPath) {
  json j = IssueExample();
  j["camera"]["focal_length_mm"] = -5;
  j["camera"]["resolution"] = {1920};
  j["frames"]["end"] = 1000;
  j["render"]["spp"] = 0;
  j["render"]["sampels"] = 4;
  j["agents"][0]["tint"] = {1, 2};
  j["agents"][0]["lod"] = "tiny";
  j["agents"].push_back({{"position", {0, 0, 0}}});
  j["lighting"]["sun"]["direction"] = {0, 0, 0};
  j["figurant_scene"] = 2;
  auto s = ParseSceneSpec(j, "scene.json");
  ASSERT_FALSE(s.ok());
  const std::string& m = s.status().message();
  for (const char* f :
       {"field 'camera.focal_length_mm'", "field 'camera.resolution'", "field 'frames.end'",
        "field 'render.spp'", "field 'render.sampels': unknown field", "field 'agents[0].tint'",
        "field 'agents[0].lod'", "field 'agents[1].double': missing",
        "field 'lighting.sun.direction'", "field 'figurant_scene': version 2"}) {
    EXPECT_NE(m.find(std::string("scene.json: ") + f), std::string::npos) << f << "\n" << m;
  }
}

TEST(SceneSpecTest, MisspelledFieldsGetAHint) {
  json j = IssueExample();
  j["camera"]["focal_lenght_mm"] = 50;
  j["render"]["frobnicate"] = true;
  auto s = ParseSceneSpec(j, "scene.json");
  ASSERT_FALSE(s.ok());
  const std::string& m = s.status().message();
  EXPECT_NE(m.find("field 'camera.focal_lenght_mm': unknown field (did you mean "
                   "'focal_length_mm'?)"),
            std::string::npos)
      << m;
  // Nothing close: no guess.
  const std::string plain = "field 'render.frobnicate': unknown field";
  const size_t at = m.find(plain);
  ASSERT_NE(at, std::string::npos) << m;
  EXPECT_NE(m.substr(at + plain.size(), 6), " (did ") << m;
}

TEST(SceneSpecTest, CrowdGroupsComeThroughWithTheirErrors) {
  json j = IssueExample();
  j["crowds"] = json::parse(R"([{"kind": "seats", "name": "stand", "origin": [0, 0, 40],
    "rows": 2, "seats_per_row": 10}])");
  auto s = ParseSceneSpec(j, "scene.json");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->crowds.size(), 1u);
  j["crowds"][0]["rows"] = -1;
  EXPECT_NE(ParseSceneSpec(j, "scene.json").status().message().find("crowds[0] (stand)"),
            std::string::npos);
}

TEST(SceneSpecTest, SeedFromCodeOrFileButNeverNegative) {
  json doc = IssueExample();
  doc["seed"] = 9;  // a signed integer, as a document built in code holds it
  auto s = ParseSceneSpec(doc, "scene.json");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->seed, 9u);
  for (const json& bad : {json(-1), json(1.5), json("7")}) {
    doc["seed"] = bad;
    auto r = ParseSceneSpec(doc, "scene.json");
    ASSERT_FALSE(r.ok()) << bad.dump();
    EXPECT_NE(r.status().message().find("seed"), std::string::npos) << r.status().ToString();
  }
}

// What a scene asks for is bounded when it is read, before anything is allocated for it: each
// limit of docs/scene-spec.md "Limits", one over it at a time, refused naming the field.
TEST(SceneSpecTest, WhatAFileAsksForIsBoundedBeforeLayout) {
  const json area = {{"kind", "area"},
                     {"name", "a"},
                     {"count", 15'000'000},
                     {"polygon", {{0, 0}, {10000, 0}, {10000, 10000}}}};
  json two_areas = area;
  two_areas["name"] = "b";
  json long_path = {{"kind", "path"},
                    {"name", "p"},
                    {"points", {{0, 0}, {1e6, 0}, {1e6, 1e6}}},
                    {"spacing_m", 0.1}};
  json many_points = area;
  many_points["polygon"] = json::array();
  for (size_t i = 0; i <= kMaxGroupPoints; ++i) {
    many_points["polygon"].push_back({std::cos(i * 1e-3), std::sin(i * 1e-3)});
  }
  const struct {
    std::string field;
    std::function<void(json&)> edit;
  } kCases[] = {
      {"field 'camera.position': expected three numbers in [-1e+06, 1e+06]",
       [](json& j) {
         j["camera"]["position"] = {0, 1.7, -2e6};
       }},
      {"field 'camera.resolution'",
       [](json& j) {
         j["camera"]["resolution"] = {16384, 16384};
       }},
      {"field 'camera.resolution'",
       [](json& j) {
         j["camera"]["resolution"] = {16385, 1};
       }},
      {"field 'set.meshes': has 257 entries",
       [](json& j) {
         j["set"]["meshes"] = json::array();
         for (size_t i = 0; i <= kMaxSetMeshes; ++i) j["set"]["meshes"].push_back({});
       }},
      {"field 'crowds': the scene asks for up to 30000001 people",
       [&](json& j) {
         j["crowds"] = json::array({area, two_areas});
       }},
      {"field 'crowds': the scene asks for up to 20000002 people",
       [&](json& j) { j["crowds"] = json::array({long_path}); }},
      {"field 'crowds': expected a list of at most 256 groups",
       [&](json& j) {
         j["crowds"] = json::array();
         for (size_t i = 0; i <= kMaxCrowdGroups; ++i) j["crowds"].push_back(area);
       }},
      {"crowds[0] (a): field 'polygon'", [&](json& j) { j["crowds"] = {many_points}; }},
  };
  for (const auto& c : kCases) {
    json j = IssueExample();
    c.edit(j);
    auto s = ParseSceneSpec(j, "scene.json");
    ASSERT_FALSE(s.ok()) << c.field;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(c.field), std::string::npos) << c.field << "\n"
                                                                     << s.status().message();
  }
  json at_limit = IssueExample();
  at_limit["camera"]["resolution"] = {8192, 4320};
  at_limit["camera"]["position"] = {0, 1.7, -1e6};
  at_limit["crowds"] = {area};
  EXPECT_TRUE(ParseSceneSpec(at_limit, "scene.json").ok());
}

// LoadSceneSpec reads a regular file within kSceneFile only, judged before reading.
TEST(SceneSpecTest, LoadReadsOnlyABoundedRegularFile) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("scene-spec-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path sparse = dir / "huge.json";
  std::ofstream(sparse).put('{');
  std::filesystem::resize_file(sparse, kSceneFile.max_bytes + 1);
  ASSERT_EQ(::mkfifo((dir / "fifo.json").c_str(), 0600), 0);
  for (const auto& [path, why] : {std::pair<std::filesystem::path, std::string>{
                                      sparse, "over the limit: a scene file may be at most"},
                                  {dir / "fifo.json", "not a regular file (a FIFO)"},
                                  {"/dev/zero", "not a regular file (a character device)"}}) {
    auto s = LoadSceneSpec(path);
    ASSERT_FALSE(s.ok()) << path;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(path.string() + ": "), std::string::npos);
    EXPECT_NE(s.status().message().find(why), std::string::npos) << s.status().message();
  }
  std::filesystem::remove_all(dir);
}

TEST(SceneSpecTest, NothingToRenderIsAnError) {
  json j = IssueExample();
  j.erase("agents");
  EXPECT_FALSE(ParseSceneSpec(j, "scene.json").ok());
}

TEST(SceneSpecTest, AgentMotionDefaultsToStillAndIsChecked) {
  json j = IssueExample();
  j["agents"].push_back(
      {{"double", "d"}, {"position", {1, 0, 0}}, {"motion", {{"cycle", "walk"}, {"phase", 0.25}}}});
  auto s = ParseSceneSpec(j, "scene.json");
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->agents[0].motion, anim::MotionCycle::kStill);
  EXPECT_EQ(s->agents[1].motion, anim::MotionCycle::kWalk);
  EXPECT_DOUBLE_EQ(s->agents[1].phase, 0.25);
  EXPECT_DOUBLE_EQ(s->agents[1].cycle_seconds, 1.1);

  j["agents"][1]["motion"] = {{"cycle", "dance"}, {"phase", 1.5}, {"variants", 4}};
  j["agents"][0]["motion"] = {{"cycle_seconds", -1}};
  s = ParseSceneSpec(j, "scene.json");
  ASSERT_FALSE(s.ok());
  const std::string& m = s.status().message();
  for (const char* f :
       {"field 'agents[1].motion.cycle': 'dance' is not one of: still, idle, walk, sit",
        "field 'agents[1].motion.phase': expected a number in [0, 1]",
        "field 'agents[1].motion.variants': unknown field",
        "field 'agents[0].motion.cycle_seconds'"}) {
    EXPECT_NE(m.find(f), std::string::npos) << "missing: " << f << "\n" << m;
  }
}

// The example of a moving crowd (README, "A crowd that moves") is a valid scene whose every group
// moves, and reads its kiosk mesh relative to itself.
TEST(SceneSpecTest, TheMovingSquareExampleIsValidAndEveryGroupMoves) {
  auto spec =
      LoadSceneSpec(std::filesystem::path(FIGURANT_SOURCE_DIR) / "examples" / "square_moving.json");
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_EQ(spec->crowds.size(), 3u);
  for (const CrowdGroup& g : spec->crowds) EXPECT_TRUE(g.Moves()) << g.name;
  // Half the square's wanderers and most of the pavement's walkers are with friends.
  EXPECT_FLOAT_EQ(spec->crowds[0].behaviour->companions.share, 0.5f);
  EXPECT_FLOAT_EQ(spec->crowds[1].behaviour->companions.share, 0.6f);
  EXPECT_EQ(spec->frames.count(), 48);
  ASSERT_EQ(spec->set.meshes.size(), 3u);
  EXPECT_TRUE(std::filesystem::exists(spec->base_dir / spec->set.meshes[0].file));
}

}  // namespace
}  // namespace figurant::crowd

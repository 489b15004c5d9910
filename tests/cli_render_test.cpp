// Render, metering, ledger and statements through the real binary, on a small bank of MakeHuman
// doubles: the licence check refuses what it must, usage lands in a ledger that verifies, and the
// statement pays what the terms say.
#include <ImfHeader.h>
#include <ImfInputFile.h>
#include <ImfStringAttribute.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli_device.h"
#include "cli_harness.h"
#include "core/file.h"
#include "render/exr_read.h"

namespace figurant::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const fs::path kMakeHuman = fs::path(FIGURANT_MAKEHUMAN_DIR);

class CliRenderTest : public ::testing::Test {
 protected:
  CliRenderTest() : dir_("cli-render") {}

  void SetUp() override {
    bank_ = (dir_.path() / "bank").string();
    Json({"init"});
    const std::string key = (dir_.path() / "studio.ed25519").string();
    Json({"key", "new", "--out", key}, 0, WithPartyPassphrase());
    studio_ = Json({"studio", "add", "--name", "S", "--public-key-file", key + ".pub"})["id"];
    production_ =
        Json({"production", "add", "--studio", studio_, "--title", "Market", "--media", "streaming",
              "--territories", "FR", "--content", "violence", "--fps", "24", "--studio-key", key},
             0, WithPartyPassphrase())["id"];
    other_ = Json({"production", "add", "--studio", studio_, "--title", "Other", "--media",
                   "streaming", "--territories", "FR", "--fps", "24", "--studio-key", key},
                  0, WithPartyPassphrase())["id"];
    // Four performers: paid per second; licensed for another production only; licence excludes
    // violence; revoked effective today.
    const std::vector<std::string> kinds = {"rate", "other", "violence", "revoked"};
    for (size_t i = 0; i < kinds.size(); ++i) {
      const std::string p = Json({"performer", "add", "--name", kinds[i]})["id"];
      performers_[kinds[i]] = p;
      std::ofstream(dir_.path() / "body.json")
          << "{\"gender\": " << (i % 2) << ", \"height\": " << 0.3 + 0.1 * i << "}";
      Json({"scan", "import", "--performer", p, "--makehuman", kMakeHuman.string(), "--body",
            (dir_.path() / "body.json").string()});
      json terms = {
          {"productions", {kinds[i] == "other" ? other_ : production_}},
          {"uses", {"background"}},
          {"media", {"streaming"}},
          {"territories", {"worldwide"}},
          {"valid_from", "2026-01-01"},
          {"valid_until", "2027-12-31"},
          {"max_screen_height_fraction", 0.6},
          {"excluded_content", kinds[i] == "violence" ? json{"violence"} : json::array()},
          {"compensation", {{"currency", "EUR"}, {"scan_fee", 50}, {"per_screen_second", 2.0}}},
          {"revocable", true},
          {"revocation_notice_days", 0}};
      std::ofstream(dir_.path() / "terms.json") << terms.dump();
      const std::string lic = Json({"licence", "draft", "--performer", p, "--studio", studio_,
                                    "--terms", (dir_.path() / "terms.json").string()})["id"];
      SignOnDevice(p, lic);
      if (kinds[i] == "revoked") Json({"licence", "revoke", lic});
    }
    const json list = Json({"double", "list"});
    for (const auto& d : list["doubles"]) {
      doubles_[d["performer"].get<std::string>()] = d["id"].get<std::string>();
    }
  }

  // Signs `licence` on the performer's own device (cli_device.h): their key, never the bank's.
  void SignOnDevice(const std::string& performer, const std::string& licence,
                    const std::string& represented_by = "none") {
    SignOnDeviceOf(
        device_, dir_.path() / "device", [this] { return bank_; },
        {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}}, performer, licence, represented_by);
  }

  json Json(std::vector<std::string> args, int expected = 0,
            std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {"--bank", bank_, "--json"});
    env.emplace("FIGURANT_NOW", "2026-06-01T12:00:00Z");
    RunResult r = RunFigurant(args, env);
    EXPECT_EQ(r.exit_code, expected) << r.err;
    return json::parse(r.out, nullptr, false);
  }

  std::string Scene(const json& agents, const json& crowds = json::array(), int frames = 2,
                    const json& set = nullptr) {
    json scene = {
        {"figurant_scene", 1},
        {"production", production_},
        {"shot", "sh010"},
        {"seed", 5},
        {"camera",
         {{"position", {0, 1.6, -9}}, {"look_at", {0, 1.0, 0}}, {"resolution", {160, 90}}}},
        {"frames", {{"start", 1001}, {"end", 1000 + frames}, {"fps", 24}}},
        {"render", {{"spp", 2}, {"max_bounces", 0}, {"output", "out/sh010.####.exr"}}},
        {"agents", agents},
        {"crowds", crowds}};
    if (!set.is_null()) scene["set"] = set;
    const fs::path p = dir_.path() / "scene.json";
    std::ofstream(p) << scene.dump();
    return p.string();
  }

  json Agent(const std::string& kind, double x) {
    return {{"double", doubles_[performers_[kind]]}, {"position", {x, 0, 0}}, {"name", kind}};
  }

  TempDir dir_;
  std::unique_ptr<CliDevice> device_;  // the performers' own keys (SignOnDevice)
  std::string bank_, studio_, production_, other_;
  std::map<std::string, std::string> performers_, doubles_;
};

TEST_F(CliRenderTest, RefusedAgentsFailTheShotNamingEveryReason) {
  const std::string scene = Scene(
      {Agent("rate", -1.5), Agent("other", -0.5), Agent("violence", 0.5), Agent("revoked", 1.5)});
  RunResult r = RunFigurant({"--bank", bank_, "render", scene, "--quiet"},
                            {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  for (const char* s : {"3 agent(s) are not allowed", "other (double", "production_not_covered",
                        "violence (double", "content_excluded", "revoked (double", "revoked"}) {
    EXPECT_NE(r.err.find(s), std::string::npos) << s << "\n" << r.err;
  }
  EXPECT_FALSE(fs::exists(dir_.path() / "out" / "sh010.1001.exr"));
  // No usage: only the studio's registration, its two productions' declarations, four performers'
  // key enrolments, four signatures and one revocation.
  EXPECT_EQ(Json({"ledger", "head"})["head"]["tree_size"], 12);
}

// The library's messages name its options; the command adds the flag that sets each.
TEST_F(CliRenderTest, ErrorsNameTheFlagThatChangesThem) {
  const std::string scene = Scene({Agent("rate", -0.6), Agent("other", 0.6)});
  RunResult refused = RunFigurant({"--bank", bank_, "render", scene, "--quiet"},
                                  {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}});
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_NE(refused.err.find("(pass --drop-refused to render without them)"), std::string::npos)
      << refused.err;
  RunResult frames = RunFigurant({"--bank", bank_, "render", scene, "--frames", "5-9", "--quiet"},
                                 {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}});
  EXPECT_EQ(frames.exit_code, 2) << frames.err;
  EXPECT_NE(frames.err.find("--frames 5-9: frames 5-9 asked are outside the scene's frames "
                            "1001-1002"),
            std::string::npos)
      << frames.err;
}

TEST_F(CliRenderTest, DropRefusedRendersMetersAndPays) {
  const std::string scene = Scene({Agent("rate", -0.6), Agent("other", 0.6)});
  json report = Json({"render", scene, "--drop-refused"});
  EXPECT_EQ(report["agents_rendered"], 1);
  ASSERT_EQ(report["refused"].size(), 1u);
  EXPECT_EQ(report["refused"][0]["agent"], "other");
  ASSERT_EQ(report["outputs"].size(), 2u);
  for (const auto& o : report["outputs"]) {
    EXPECT_TRUE(fs::exists(o["exr"].get<std::string>()));
    EXPECT_TRUE(fs::exists(o["png"].get<std::string>()));
    // The coverage sidecar and the ledger agree on the pixels.
    const json cov = json::parse(*ReadFile(o["coverage"].get<std::string>()));
    ASSERT_EQ(cov["agents"].size(), 1u);
    EXPECT_GT(cov["agents"][0]["pixels"].get<double>(), 50);
  }
  EXPECT_EQ(report["usage_events"], 2);  // one double visible in each of two frames
  json verify = Json({"ledger", "verify"});
  EXPECT_TRUE(verify["valid"]);
  // 2 frames at 24 fps = 1/12 s at 2 €/s, plus the 50 € scan fee.
  json st = Json({"statement", "--performer", performers_["rate"]});
  EXPECT_NEAR(st["total"]["EUR"].get<double>(), 50 + 2.0 * 2 / 24, 1e-9);
  // Re-rendering the same frames supersedes; the amount does not double.
  Json({"render", scene, "--drop-refused"});
  st = Json({"statement", "--performer", performers_["rate"], "--production", production_});
  EXPECT_NEAR(st["total"]["EUR"].get<double>(), 2.0 * 2 / 24, 1e-9);
  json prod = Json({"statement", "--production", production_});
  EXPECT_EQ(prod["performers"].size(), 1u);
}

// figurant crowd export: only the agents the licences allow, as mannequins, never in the bank; the
// errors and exit codes as render's.
TEST_F(CliRenderTest, CrowdExportWritesOnlyLicensedAgentsAsMannequins) {
  const std::string scene = Scene({Agent("rate", -0.6), Agent("other", 0.6)});
  const fs::path out = dir_.path() / "crowd.glb";
  RunResult refused =
      RunFigurant({"--bank", bank_, "crowd", "export", scene, "--out", out.string()},
                  {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}});
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_NE(refused.err.find("(pass --drop-refused to export without them)"), std::string::npos)
      << refused.err;
  EXPECT_FALSE(fs::exists(out));

  const int events = Json({"ledger", "head"})["head"]["tree_size"];
  json report =
      Json({"crowd", "export", scene, "--out", out.string(), "--drop-refused", "--frames", "1002"});
  EXPECT_EQ(report["agents"], 1);
  EXPECT_EQ(report["frames"], 1);
  EXPECT_EQ(report["first_frame"], 1002);
  EXPECT_EQ(report["doubles"], 1);
  ASSERT_EQ(report["refused"].size(), 1u);
  EXPECT_EQ(report["refused"][0]["agent"], "other");
  const auto bytes = ReadFile(out);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(report["bytes"], bytes->size());
  EXPECT_EQ(bytes->substr(0, 4), "glTF");
  const std::string text = *bytes;
  // The MakeHuman double's mesh has thousands of triangles; its mannequin a few hundred.
  uint32_t json_length = 0;
  std::memcpy(&json_length, text.data() + 12, sizeof json_length);  // GLB: little-endian
  const json gltf = json::parse(text.substr(20, json_length));
  ASSERT_EQ(gltf["meshes"].size(), 1u);
  const int indices = gltf["meshes"][0]["primitives"][0]["indices"];
  EXPECT_LE(gltf["accessors"][indices]["count"].get<int>(), 3 * 600);
  EXPECT_NE(text.find("\"name\":\"rate\""), std::string::npos) << "the agent's root node";
  EXPECT_EQ(text.find("\"name\":\"other\""), std::string::npos) << "a refused agent";
  EXPECT_EQ(text.find("\"images\""), std::string::npos) << "no texture of anyone";
  EXPECT_EQ(Json({"ledger", "head"})["head"]["tree_size"], events) << "an export is not metered";

  RunResult inside = RunFigurant(
      {"--bank", bank_, "crowd", "export", scene, "--out", bank_ + "/crowd.glb", "--drop-refused"},
      {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}});
  EXPECT_EQ(inside.exit_code, 2) << inside.err;
  EXPECT_NE(inside.err.find("--out"), std::string::npos) << inside.err;
  RunResult frames = RunFigurant(
      {"--bank", bank_, "crowd", "export", scene, "--out", out.string(), "--frames", "5-9"},
      {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}});
  EXPECT_EQ(frames.exit_code, 2) << frames.err;
  EXPECT_NE(frames.err.find("--frames 5-9"), std::string::npos) << frames.err;
}

TEST_F(CliRenderTest, ExportVerifiesAloneAndTamperingIsCaught) {
  Json({"render", Scene(json::array({Agent("rate", 0)})), "--drop-refused"});
  const fs::path exported = dir_.path() / "export.log";
  json head = Json({"ledger", "export", exported.string()})["head"];
  const std::string key = head["public_key"];
  std::ofstream(dir_.path() / "head.json") << head.dump();
  // Only the file and the key: no bank.
  RunResult ok =
      RunFigurant({"--json", "ledger", "verify", exported.string(), "--public-key", key});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  // Later activity extends the kept head consistently.
  Json({"render", Scene(json::array({Agent("rate", 0.3)}), json::array(), 1), "--drop-refused"});
  json extends = Json({"ledger", "verify", "--since-head", (dir_.path() / "head.json").string()});
  EXPECT_EQ(extends["consistency"]["old_size"], head["tree_size"]);
  // One flipped byte in the export.
  std::string bytes = *ReadFile(exported);
  bytes[bytes.size() / 2] ^= 0x04;
  std::ofstream(exported, std::ios::binary | std::ios::trunc) << bytes;
  RunResult bad = RunFigurant({"ledger", "verify", exported.string(), "--public-key", key});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("entry"), std::string::npos) << bad.err;
}

TEST_F(CliRenderTest, CrowdGroupCastsOnlyLicensedDoublesAndReportsExclusions) {
  json crowds = json::parse(R"([{"kind": "area", "name": "square",
    "polygon": [[-4, 0], [4, 0], [4, 6], [-4, 6]], "count": 12, "personal_radius_m": 0.4,
    "min_same_double_distance_m": 0, "min_same_double_screen_fraction": 0}])");
  json report = Json({"render", Scene(json::array(), crowds, 1)});
  EXPECT_EQ(report["doubles_eligible"], 1);
  EXPECT_EQ(report["doubles_excluded"]["production_not_covered"], 1);
  EXPECT_EQ(report["doubles_excluded"]["content_excluded"], 1);
  EXPECT_EQ(report["doubles_excluded"]["revoked"], 1);
  EXPECT_EQ(report["groups"][0]["placed"], 12);
  EXPECT_EQ(report["agents_rendered"], 12);
  // With the clone constraint on and one eligible double, casting refuses with the numbers.
  crowds[0]["min_same_double_distance_m"] = 8.0;
  RunResult r = RunFigurant({"--bank", bank_, "render", Scene(json::array(), crowds, 1), "--quiet"},
                            {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("12 agents from 1 eligible doubles"), std::string::npos) << r.err;
  json allowed = Json({"render", Scene(json::array(), crowds, 1), "--allow-clones"});
  EXPECT_FALSE(allowed["groups"][0]["clone_constraints_met"]);
}

// An axis-aligned box as an OBJ object; `base` is the next vertex number.
void ObjBox(std::ostream& o, int& base, double x0, double y0, double z0, double x1, double y1,
            double z1) {
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

TEST_F(CliRenderTest, SetMeshesAreRenderedAndStoodOnButNeverMetered) {
  // A wall across the view (front face at z = 3) and a 0.5 m platform on the left.
  {
    std::ofstream obj(dir_.path() / "set.obj");
    int base = 1;
    ObjBox(obj, base, -8, 0, 3, 8, 4, 3.4);
    ObjBox(obj, base, -4, 0, -1.5, -1, 0.5, 1.5);
  }
  const json set = {{"ground_plane", {{"height", 0}}},
                    {"meshes", {{{"file", "set.obj"}, {"albedo", {0.6, 0.3, 0.2}}}}}};
  json crowds = json::parse(R"([
    {"kind": "area", "name": "stage", "polygon": [[-4, -1.5], [-1, -1.5], [-1, 1.5], [-4, 1.5]],
     "count": 3, "personal_radius_m": 0.35,
     "min_same_double_distance_m": 0, "min_same_double_screen_fraction": 0},
    {"kind": "area", "name": "in_the_wall", "polygon": [[-2, 3.05], [2, 3.05], [2, 3.35], [-2, 3.35]],
     "count": 2}])");
  json report = Json({"render", Scene(json::array(), crowds, 1, set)});
  ASSERT_EQ(report["groups"].size(), 2u) << report.dump(1);
  EXPECT_EQ(report["groups"][0]["placed"], 3);
  EXPECT_GT(report["groups"][0]["set_blocked_fraction"].get<double>(), 0.1);
  EXPECT_EQ(report["groups"][1]["asked"], 2);
  EXPECT_EQ(report["groups"][1]["placed"], 0);
  EXPECT_NE(report["groups"][1]["why_fewer"].get<std::string>().find("set geometry blocks 100%"),
            std::string::npos)
      << report["groups"][1]["why_fewer"];
  EXPECT_EQ(report["agents_rendered"], 3);

  // The wall is in the plates: at the centre pixel, opaque, at the analytic camera depth.
  const fs::path exr = report["outputs"][0]["exr"].get<std::string>();
  auto channel = [&](const std::string& name) {
    auto c = render::ReadExrChannel(exr, name);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : render::ExrChannel{};
  };
  const render::ExrChannel z = channel("Z");
  const render::ExrChannel alpha = channel("A");
  const render::ExrChannel nz = channel("N.Z");
  ASSERT_EQ(z.values.size(), alpha.values.size());
  const size_t centre =
      static_cast<size_t>(z.height / 2) * static_cast<size_t>(z.width) + z.width / 2;
  // Camera at (0, 1.6, -9) looking at (0, 1, 0): depth along the view axis to the plane z = 3.
  const double forward_z = 9 / std::hypot(9.0, 0.6);
  EXPECT_NEAR(z.values[centre], 12 / forward_z, 0.01 * 12 / forward_z);
  EXPECT_FLOAT_EQ(alpha.values[centre], 1.0f);
  EXPECT_NEAR(nz.values[centre], -1.0f, 1e-3f);  // the wall faces the camera
  // ... but in no Cryptomatte layer: no id has coverage there.
  for (const char* layer : {"CryptoAgent00", "CryptoDouble00", "CryptoPerformer00"}) {
    EXPECT_EQ(channel(std::string(layer) + ".G").values.at(centre), 0.0f) << layer;
    EXPECT_EQ(channel(std::string(layer) + ".A").values.at(centre), 0.0f) << layer;
  }
  // The coverage sidecar and the agent manifest list the three agents and nothing else.
  const json cov = json::parse(*ReadFile(report["outputs"][0]["coverage"].get<std::string>()));
  EXPECT_LE(cov["agents"].size(), 3u);
  for (const auto& a : cov["agents"]) {
    EXPECT_EQ(a["agent"].get<std::string>().rfind("stage_", 0), 0u) << a.dump();
  }
  Imf::InputFile file(exr.c_str());
  int manifests = 0;
  for (auto it = file.header().begin(); it != file.header().end(); ++it) {
    const std::string name = it.name();
    if (name.size() < 9 || name.substr(name.size() - 9) != "/manifest") continue;
    const auto* m = file.header().findTypedAttribute<Imf::StringAttribute>(name);
    ASSERT_NE(m, nullptr);
    const json manifest = json::parse(m->value());
    ++manifests;
    // The agent manifest names the three agents; the double and performer ones the one double
    // and its performer. The set has no name anywhere.
    EXPECT_EQ(manifest.size(), manifest.contains("stage_0") ? 3u : 1u) << name << manifest;
  }
  EXPECT_EQ(manifests, 3);

  // A missing mesh file is refused before anything is rendered, naming the field and the file.
  const json missing = {{"meshes", {{{"file", "nowhere.obj"}}}}};
  RunResult r =
      RunFigurant({"--bank", bank_, "render",
                   Scene(json::array({Agent("rate", 0)}), json::array(), 1, missing), "--quiet"},
                  {{"FIGURANT_NOW", "2026-06-01T12:00:00Z"}});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("set.meshes[0].file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nowhere.obj"), std::string::npos) << r.err;
}

// Attack: re-render a shot's frames with a performer hidden behind a wall while the first plates
// still exist. The performer used to stop being paid for those frames. Now their statement is
// unchanged; a re-render with them larger on screen does not lower it either (the licence pays per
// screen-second: time on screen, not size).
TEST_F(CliRenderTest, ReRenderingWithAPerformerHiddenNeverLowersWhatTheyAreOwed) {
  const std::string performer = performers_["rate"];
  Json({"render", Scene(json::array({Agent("rate", -0.6)}))});
  const json before = Json({"statement", "--performer", performer});
  EXPECT_NEAR(before["total"]["EUR"].get<double>(), 50 + 2.0 * 2 / 24, 1e-9);
  const auto owed = [](const json& statement) {
    return json{{"productions", statement["productions"]}, {"total", statement["total"]}};
  };
  {
    std::ofstream obj(dir_.path() / "wall.obj");
    int base = 1;
    ObjBox(obj, base, -8, 0, -2, 8, 4, -1.6);  // between the camera (z = -9) and the performer
  }
  const json wall = {{"ground_plane", {{"height", 0}}}, {"meshes", {{{"file", "wall.obj"}}}}};
  json hidden = Json({"render", Scene(json::array({Agent("rate", -0.6)}), json::array(), 2, wall)});
  EXPECT_EQ(hidden["usage_events"], 0);
  EXPECT_EQ(owed(Json({"statement", "--performer", performer})), owed(before));
  json closer = Agent("rate", 0);
  closer["position"] = {0, 0, -3};
  Json({"render", Scene(json::array({closer}))});
  const json after = Json({"statement", "--performer", performer});
  EXPECT_EQ(after["total"], before["total"]);
  EXPECT_GT(after["productions"][0]["pixels"].get<double>(),
            before["productions"][0]["pixels"].get<double>());
}

}  // namespace
}  // namespace figurant::testing

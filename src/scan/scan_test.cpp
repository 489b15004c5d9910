#include "scan/scan.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "scan/internal/finish.h"
#include "scan/internal/isolate.h"
#include "scan/scan_test_util.h"

namespace figurant::scan {
namespace {
namespace fs = std::filesystem;

const fs::path kHumanZae = "/usr/share/assimp/models/Collada/human.zae";
const fs::path kMakeHuman = fs::path(FIGURANT_MAKEHUMAN_DIR);

fs::path TempDir() {
  fs::path d =
      fs::temp_directory_path() / ("figurant-scan-test-" + std::to_string(::getpid()) + "-" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::create_directories(d);
  return d;
}

void Write(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

// A 1.8-unit-tall box "person": 0.5 wide (x), 0.3 deep (z), feet ahead (+z) of the body.
std::string BoxPersonObj(double scale, bool nan = false) {
  std::ostringstream o;
  auto v = [&](double x, double y, double z) {
    o << "v " << x * scale << " " << (nan && y > 1.7 ? NAN : y * scale) << " " << z * scale << "\n";
  };
  // body box
  for (double y : {0.1, 1.8}) {
    for (double x : {-0.25, 0.25}) {
      for (double z : {-0.15, 0.15}) v(x, y, z);
    }
  }
  // a foot slab reaching forward (toes) near the ground
  for (double y : {0.0, 0.08}) {
    for (double x : {-0.2, 0.2}) {
      for (double z : {-0.05, 0.3}) v(x, y, z);
    }
  }
  const char* faces =
      "f 1 3 4 2\nf 5 6 8 7\nf 1 2 6 5\nf 3 7 8 4\nf 1 5 7 3\nf 2 4 8 6\n"
      "f 9 11 12 10\nf 13 14 16 15\nf 9 10 14 13\nf 11 15 16 12\nf 9 13 15 11\nf 10 12 16 14\n";
  o << faces;
  return o.str();
}

// Scans of people are centred by their bounding box: the nose is near the mid-line. [metres]
constexpr float kNoseOffAxis = 0.03f;

TEST(ScanImportTest, HumanZaeIsAPlausibleStandingPerson) {
  ASSERT_TRUE(fs::exists(kHumanZae)) << "install assimp-testmodels";
  auto s = ImportFile(kHumanZae, {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_GT(s->height_m, 1.5);
  EXPECT_LT(s->height_m, 2.0);
  EXPECT_NEAR(s->bounds.lo.y, 0.0, 1e-4);  // feet on the ground
  EXPECT_NEAR(s->bounds.center().x, 0.0, 1e-3);
  EXPECT_NEAR(s->bounds.center().z, 0.0, 1e-3);
  EXPECT_GT(s->lods[0].triangles, 20000u);
  ASSERT_EQ(s->lods.size(), 3u);
  EXPECT_LT(s->lods[1].triangles, s->lods[0].triangles / 3);
  EXPECT_LT(s->lods[2].triangles, s->lods[1].triangles);
  EXPECT_GT(s->lods[2].error, 0.0f);
  EXPECT_EQ(s->source_sha256.size(), 64u);
  ExpectFacesPlusZ(s->asset.mesh, s->height_m, kNoseOffAxis);
}

TEST(ScanImportTest, UnitsAreDetectedAndCanBeOverridden) {
  const fs::path d = TempDir();
  Write(d / "cm.obj", BoxPersonObj(100));
  auto s = ImportFile(d / "cm.obj", {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->units, Units::kCentimetres);
  EXPECT_TRUE(s->units_guessed);
  EXPECT_NEAR(s->height_m, 1.8, 1e-3);
  // Facing: the toes point +Z after normalisation.
  float max_low_z = -1;
  for (const auto& p : s->asset.mesh.positions) {
    if (p.y < 0.05f) max_low_z = std::max(max_low_z, p.z);
  }
  EXPECT_GT(max_low_z, 0.2f);

  ImportOptions mm;
  mm.units = Units::kMillimetres;
  auto wrong = ImportFile(d / "cm.obj", mm);
  ASSERT_FALSE(wrong.ok());
  // The library names its own option, never a CLI flag.
  EXPECT_NE(wrong.status().message().find("units option"), std::string::npos);
  EXPECT_EQ(wrong.status().message().find("--"), std::string::npos) << wrong.status().message();
  EXPECT_NE(wrong.status().message().find("0.18 m"), std::string::npos) << wrong.status().message();

  Write(d / "giant.obj", BoxPersonObj(2));  // 3.6 units: not a person in any unit
  auto giant = ImportFile(d / "giant.obj", {});
  ASSERT_FALSE(giant.ok());
  EXPECT_NE(giant.status().message().find("giant.obj: height 3.6"), std::string::npos)
      << giant.status().message();
  EXPECT_NE(giant.status().message().find("units option"), std::string::npos);
  fs::remove_all(d);
}

TEST(ScanImportTest, BadFilesAreRefusedNamingTheFileAndTheProblem) {
  const fs::path d = TempDir();
  Write(d / "empty.obj", "");
  Write(d / "notamesh.ply", "this is not a ply file at all");
  Write(d / "nan.obj", BoxPersonObj(1, /*nan=*/true));
  Write(d / "points.obj", "v 0 0 0\nv 0 1 0\nv 0 2 0\n");
  Write(d / "flat.obj", "v 0 0 0\nv 1 0 0\nv 0 2 0\nv 1 2 0\nf 1 2 4 3\n");
  struct Case {
    const char* file;
    const char* expect;
  };
  for (const Case& c : {Case{"empty.obj", "empty"}, Case{"notamesh.ply", "cannot read"},
                        Case{"nan.obj", "NaN"}, Case{"points.obj", "no"},
                        Case{"flat.obj", "degenerate"}, Case{"missing.obj", "no such file"}}) {
    auto s = ImportFile(d / c.file, {});
    ASSERT_FALSE(s.ok()) << c.file;
    EXPECT_NE(s.status().message().find(c.file), std::string::npos) << s.status().message();
    EXPECT_NE(s.status().message().find(c.expect), std::string::npos)
        << c.file << ": " << s.status().message();
  }
  ImportOptions tiny;
  tiny.max_triangles = 10;
  Write(d / "ok.obj", BoxPersonObj(1));
  auto s = ImportFile(d / "ok.obj", tiny);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("over the limit"), std::string::npos);
  fs::remove_all(d);
}

TEST(ScanImportTest, MissingTextureIsAWarningNotAnError) {
  const fs::path d = TempDir();
  Write(d / "p.mtl", "newmtl skin\nKd 0.8 0.6 0.5\nmap_Kd does_not_exist.png\n");
  std::string obj = "mtllib p.mtl\nusemtl skin\n" + BoxPersonObj(1);
  Write(d / "p.obj", obj);
  auto s = ImportFile(d / "p.obj", {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_FALSE(s->warnings.empty());
  EXPECT_NE(s->warnings[0].find("does_not_exist.png"), std::string::npos);
  fs::remove_all(d);
}

// A scan's side files are user files too: an .mtl or a texture that is a FIFO blocked the importer
// until its timeout, and /dev/zero as a texture was read until the child ran out of memory. Each
// is refused at once and the import goes on without it, saying why.
TEST(ScanImportTest, SideFilesThatAreNotRegularFilesAreRefusedAtOnce) {
  const fs::path d = TempDir();
  ASSERT_EQ(::mkfifo((d / "fifo.mtl").c_str(), 0600), 0);
  ASSERT_EQ(::mkfifo((d / "fifo.png").c_str(), 0600), 0);
  Write(d / "tex.mtl", "newmtl skin\nKd 0.8 0.6 0.5\nmap_Kd fifo.png\n");
  Write(d / "zero.mtl", "newmtl skin\nKd 0.8 0.6 0.5\nmap_Kd /dev/zero\n");
  ImportOptions o;
  o.import_timeout_seconds = 30;
  for (const char* mtl : {"fifo.mtl", "tex.mtl", "zero.mtl"}) {
    Write(d / "p.obj", std::string("mtllib ") + mtl + "\nusemtl skin\n" + BoxPersonObj(1));
    const auto t0 = std::chrono::steady_clock::now();
    auto s = ImportFile(d / "p.obj", o);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10)) << mtl;
    ASSERT_TRUE(s.ok()) << mtl << ": " << s.status().ToString();
    std::string warnings;
    for (const std::string& w : s->warnings) warnings += w + "\n";
    EXPECT_NE(warnings.find("not a regular file"), std::string::npos) << mtl << ": " << warnings;
  }
  fs::remove_all(d);
}

// A scan over its size limit is refused from its size, before it is read; a sparse file makes
// this cheap to test.
TEST(ScanImportTest, AMeshOverItsSizeLimitIsRefusedBeforeReading) {
  const fs::path d = TempDir();
  Write(d / "huge.obj", BoxPersonObj(1));
  fs::resize_file(d / "huge.obj", kMeshFile.max_bytes + 1);
  const auto t0 = std::chrono::steady_clock::now();
  for (const auto& s : {ImportFile(d / "huge.obj", {}).status(),
                        ImportGeometry(d / "huge.obj", 100, 30).status()}) {
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find("over the limit: a mesh file may be at most 536870912 bytes"),
              std::string::npos)
        << s.message();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(2));
  fs::remove_all(d);
}

// Peak resident memory of this process alone (not of the importer children). [Units: KiB]
long PeakRssKb() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// A mesh within its size limit is still read only by the importer child: a sparse 384 MiB file
// was read whole into the parent (to hash it) before the child was forked.
TEST(ScanImportTest, TheParentNeverHoldsTheFile) {
  const fs::path d = TempDir();
  Write(d / "sparse.obj", BoxPersonObj(1));
  fs::resize_file(d / "sparse.obj", 384u << 20);
  ImportOptions o;
  o.import_timeout_seconds = 60;
  const long before = PeakRssKb();
  for (const auto& s : {ImportFile(d / "sparse.obj", o).status(),
                        ImportGeometry(d / "sparse.obj", 100, 60).status()}) {
    EXPECT_NE(s.code(), StatusCode::kUnavailable) << s.ToString();
  }
  EXPECT_LT(PeakRssKb() - before, 64 * 1024) << "KiB";
  fs::remove_all(d);
}

// The height the MakeHuman data implies for a body, computed here directly from the files:
// base mesh body group + Σ weight × target, in decimetres → metres.
double ImpliedHeight(const MakeHumanBody& body) {
  std::ifstream obj(kMakeHuman / "3dobjs" / "base.obj");
  std::vector<geom::Vec3f> v;
  std::vector<bool> in_body;
  std::string line, group;
  std::vector<uint32_t> body_vertices;
  while (std::getline(obj, line)) {
    std::istringstream in(line);
    std::string tag;
    in >> tag;
    if (tag == "v") {
      geom::Vec3f p;
      in >> p.x >> p.y >> p.z;
      v.push_back(p);
    } else if (tag == "g") {
      in >> group;
    } else if (tag == "f" && group == "body") {
      std::string corner;
      while (in >> corner) body_vertices.push_back(static_cast<uint32_t>(std::stoul(corner)) - 1);
    }
  }
  for (const auto& [target, w] : MakeHumanTargetWeights(body)) {
    std::ifstream t(kMakeHuman / "targets" / target);
    while (std::getline(t, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream in(line);
      uint32_t i;
      geom::Vec3f d;
      in >> i >> d.x >> d.y >> d.z;
      v[i] += d * static_cast<float>(w);
    }
  }
  float lo = 1e9f, hi = -1e9f;
  for (uint32_t i : body_vertices) {
    lo = std::min(lo, v[i].y);
    hi = std::max(hi, v[i].y);
  }
  return (hi - lo) * 0.1;
}

TEST(ScanMakeHumanTest, ThreeBodiesHaveTheHeightsTheDataImplies) {
  ASSERT_TRUE(fs::exists(kMakeHuman / "3dobjs" / "base.obj")) << kMakeHuman;
  MakeHumanBody tall_man{1.0, 0.5, 0.7, 0.5, 1.0, 0.0, 0.0, 1.0};
  MakeHumanBody short_woman{0.0, 0.5, 0.4, 0.6, 0.0, 0.2, 0.8, 0.0};
  MakeHumanBody older{0.6, 0.85, 0.5, 0.8, 0.5, 1.0, 0.0, 0.0};
  std::vector<double> heights;
  for (const MakeHumanBody& body : {tall_man, short_woman, older}) {
    auto s = ImportMakeHuman(kMakeHuman, body, {});
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_NEAR(s->height_m, ImpliedHeight(body), 0.01);
    EXPECT_NEAR(s->bounds.lo.y, 0.0, 1e-4);
    EXPECT_EQ(s->units, Units::kDecimetres);
    EXPECT_FALSE(s->units_guessed);
    EXPECT_TRUE(s->rigged);
    EXPECT_EQ(s->bone_mapping.at("upperarm01.L"), "leftUpperArm");
    ASSERT_TRUE(s->asset.mesh.skeleton.has_value());
    EXPECT_GE(s->asset.mesh.skeleton->Find("hips"), 0);
    EXPECT_EQ(s->asset.mesh.skin.weights.size(), s->asset.mesh.positions.size());
    ExpectFacesPlusZ(s->asset.mesh, s->height_m, kNoseOffAxis);
    heights.push_back(s->height_m);
  }
  EXPECT_GT(heights[0] - heights[1], 0.15) << "tall man vs short woman";
}

TEST(ScanMakeHumanTest, BodyFileErrorsNameTheField) {
  EXPECT_TRUE(ParseMakeHumanBody(R"({"gender": 0.2, "age": 0.5})", "b.json").ok());
  auto bad = ParseMakeHumanBody(R"({"gender": 2, "hieght": 0.5})", "b.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("b.json: field 'gender'"), std::string::npos);
  EXPECT_NE(bad.status().message().find("b.json: field 'hieght': unknown"), std::string::npos);
}

TEST(ScanMakeHumanTest, TargetWeightsFollowMakeHumansBlend) {
  MakeHumanBody b;  // all averages: young, average muscle and weight, equal ethnic mix
  b.gender = 0.25;
  double universal = 0, female = 0;
  for (const auto& [t, w] : MakeHumanTargetWeights(b)) {
    if (t.find("universal-") != std::string::npos) universal += w;
    if (t.find("-female-") != std::string::npos ||
        t.find("universal-female") != std::string::npos) {
      female += w;
    }
  }
  EXPECT_NEAR(universal, 1.0, 1e-9);  // a partition of unity over the universal targets
  EXPECT_GT(female, 0.5);
}

}  // namespace
}  // namespace figurant::scan

namespace figurant::scan {
namespace {

std::string ToObj(const geom::Mesh& m, const geom::Mat4f& t, double scale) {
  std::ostringstream o;
  for (const auto& p : m.positions) {
    const auto q = t.TransformPoint(p) * static_cast<float>(scale);
    o << "v " << q.x << " " << q.y << " " << q.z << "\n";
  }
  for (size_t i = 0; i < m.indices.size(); i += 3) {
    o << "f " << m.indices[i] + 1 << " " << m.indices[i + 1] + 1 << " " << m.indices[i + 2] + 1
      << "\n";
  }
  return o.str();
}

TEST(ScanNormaliseTest, RecoversUpAndFacingFromAnyRotation) {
  auto body = ImportMakeHuman(kMakeHuman, {}, {});
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  const fs::path d = TempDir();
  geom::Mat4f z_up;  // +Y → +Z: (x, y, z) → (x, -z, y)
  z_up.m[1] = {0, 0, 1, 0};
  z_up.m[2] = {0, -1, 0, 0};
  int n = 0;
  for (float turn : {0.0f, 1.5708f, 3.14159f, -1.5708f}) {
    for (bool zup : {false, true}) {
      const geom::Mat4f t = (zup ? z_up : geom::Mat4f()) * geom::Mat4f::RotationY(turn);
      const fs::path f = d / ("rotated" + std::to_string(n++) + ".obj");
      Write(f, ToObj(body->asset.mesh, t, 100));  // in centimetres
      auto s = ImportFile(f, {});
      ASSERT_TRUE(s.ok()) << s.status().ToString();
      EXPECT_EQ(s->units, Units::kCentimetres);
      EXPECT_NEAR(s->height_m, body->height_m, 0.005) << "turn " << turn << " z-up " << zup;
      ExpectFacesPlusZ(s->asset.mesh, s->height_m, kNoseOffAxis);
    }
  }
  fs::remove_all(d);
}

}  // namespace
}  // namespace figurant::scan

namespace figurant::scan {
namespace {

// Every seed of the fuzzing corpus: well-formed ones import, malformed ones ("bad_*") are refused
// with a clear message naming the file — never a crash.
TEST(ScanCorpusTest, EveryCorpusFileImportsOrGetsAClearError) {
  const fs::path corpus = fs::path(FIGURANT_SOURCE_DIR) / "src" / "scan" / "fuzz" / "corpus";
  int good = 0, bad = 0;
  for (const auto& e : fs::directory_iterator(corpus)) {
    const std::string name = e.path().filename().string();
    std::ifstream in(e.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (e.path().extension() == ".fgdbl") {  // seeds for the fuzzer's in-process asset path
      auto asset = geom::DecodeDoubleAsset(bytes);
      ASSERT_TRUE(asset.ok()) << name << ": " << asset.status().ToString();
      internal::RawScan raw;
      raw.mesh = std::move(asset->mesh);
      auto s = internal::Finish(std::move(raw), name, {});
      ASSERT_TRUE(s.ok()) << name << ": " << s.status().ToString();
      EXPECT_NEAR(s->height_m, 1.8, 0.01) << name;
      continue;
    }
    auto s = ImportMemory(bytes, e.path().extension().string().substr(1), name, {});
    if (name.rfind("bad", 0) == 0) {
      ++bad;
      ASSERT_FALSE(s.ok()) << name << " was accepted";
      EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument) << name;
      EXPECT_NE(s.status().message().find(name), std::string::npos) << s.status().message();
    } else {
      ++good;
      ASSERT_TRUE(s.ok()) << name << ": " << s.status().ToString();
      EXPECT_NEAR(s->height_m, 1.8, 0.01) << name;
      EXPECT_NEAR(s->bounds.lo.y, 0, 1e-4) << name;
    }
  }
  EXPECT_GE(good, 6);
  EXPECT_GE(bad, 8);
}

}  // namespace
}  // namespace figurant::scan

namespace figurant::scan {
namespace {

// Inputs on which the fuzzer crashed Debian's Assimp (see src/scan/fuzz/crashes/): each is now a
// clear error, because the importer runs in an isolated child process.
TEST(ScanCorpusTest, InputsThatCrashAssimpBecomeErrors) {
  static constexpr std::string_view kHints[] = {"obj", "ply", "gltf", "glb",
                                                "dae", "fbx", "stl",  "off"};
  const fs::path dir = fs::path(FIGURANT_SOURCE_DIR) / "src" / "scan" / "fuzz" / "crashes";
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(bytes.empty());
    const std::string_view hint = kHints[static_cast<unsigned char>(bytes[0]) % std::size(kHints)];
    ImportOptions o;
    o.import_timeout_seconds = 3;  // some of these hang Assimp
    auto s = ImportMemory(std::string_view(bytes).substr(1), hint, e.path().filename().string(), o);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(e.path().filename().string()), std::string::npos);
    ++n;
  }
  EXPECT_GE(n, 1);
}

}  // namespace
}  // namespace figurant::scan

namespace figurant::scan {
namespace {

// Assimp loops forever on a PLY header with no end_header (found by the fuzzer): such a file is
// refused before Assimp sees it, at once, naming the file.
TEST(ScanCorpusTest, APlyHeaderWithoutEndHeaderIsRefusedBeforeParsing) {
  ImportOptions o;
  o.import_timeout_seconds = 30;
  for (std::string_view hint : {"ply", "obj", "off"}) {
    const auto t0 = std::chrono::steady_clock::now();
    auto s = ImportMemory("ply\nformat ascii 1.0\nerxeader\n0 0]0\n", hint, "hang.ply", o);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_FALSE(s.ok()) << hint;
    EXPECT_NE(s.status().message().find("hang.ply"), std::string::npos) << s.status().message();
    EXPECT_NE(s.status().message().find("end_header"), std::string::npos) << s.status().message();
    EXPECT_LT(seconds, 1) << hint;
  }
}

// Any other hang in the importer is stopped at the configured timeout and reported.
TEST(ScanIsolationTest, AHangingImportIsStoppedAtTheTimeout) {
  internal::IsolationLimits limits;
  limits.timeout_seconds = 1;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = internal::RunIsolated(
      []() -> Result<std::string> {
        while (true) ::pause();
      },
      "hang.ply", limits);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("hang.ply: reading it took longer than 1 s"),
            std::string::npos)
      << r.status().message();
  EXPECT_LT(seconds, 5);
}

// The parent stops reading a reply at its limit, whatever the file asked the child to build.
TEST(ScanIsolationTest, AReplyOverItsLimitIsRefusedNotBuffered) {
  internal::IsolationLimits limits;
  limits.max_reply_bytes = 1 << 20;
  auto r = internal::RunIsolated([]() -> Result<std::string> { return std::string(64 << 20, 'x'); },
                                 "big.fbx", limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("big.fbx: the mesh importer's result is over its limit"),
            std::string::npos)
      << r.status().message();
  // Exactly at the limit is fine: the reply is one status byte, then the bytes.
  limits.max_reply_bytes = 64 << 20;
  EXPECT_TRUE(internal::RunIsolated(
                  []() -> Result<std::string> { return std::string((64 << 20) - 1, 'x'); },
                  "ok.fbx", limits)
                  .ok());
}

// The importer child dies with the process that started it: when a caller is killed mid-import
// (or a fuzzer stops on its own timeout), no orphan keeps parsing. Found when an orphaned importer
// from a killed fuzzing run was still spinning 40 minutes later.
TEST(ScanIsolationTest, AnImporterDoesNotOutliveItsCaller) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t caller = ::fork();
  ASSERT_GE(caller, 0);
  if (caller == 0) {  // the caller: starts an import that never ends
    ::close(fds[0]);
    internal::IsolationLimits limits;
    limits.timeout_seconds = 600;
    (void)internal::RunIsolated(
        [&]() -> Result<std::string> {
          const pid_t me = ::getpid();
          (void)!::write(fds[1], &me, sizeof me);
          while (true) ::pause();
        },
        "forever.obj", limits);
    ::_exit(0);
  }
  ::close(fds[1]);
  pid_t importer = 0;
  ASSERT_EQ(::read(fds[0], &importer, sizeof importer), static_cast<ssize_t>(sizeof importer));
  ::close(fds[0]);
  ASSERT_EQ(::kill(caller, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(caller, &status, 0), caller);
  // The importer is now someone else's child (init's), so poll its state rather than wait for it.
  auto alive = [&] {
    std::ifstream stat("/proc/" + std::to_string(importer) + "/stat");
    std::string pid, comm, state;
    return static_cast<bool>(stat >> pid >> comm >> state) && state != "Z" && state != "X";
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (alive() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_FALSE(alive()) << "importer " << importer << " outlived its caller";
  if (alive()) ::kill(importer, SIGKILL);
}

// Scans smaller than a level of detail's minimum budget (16 triangles) keep only the levels that
// are smaller than the full mesh; meshoptimizer used to abort on them (found by the fuzzer).
TEST(ScanImportTest, TinyScansGetNoLevelOfDetailLargerThanThemselves) {
  std::string obj = BoxPersonObj(1.0);
  obj.resize(obj.find("f 9 11 12 10"));  // the body box only: 6 quads, 12 triangles
  auto s = ImportMemory(obj, "obj", "tiny.obj", {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->lods.size(), 1u);
  EXPECT_EQ(s->lods[0].triangles, 12u);
  EXPECT_TRUE(s->asset.lods.empty());
  // Exactly at the limit and just above it: never a level as large as the full mesh.
  auto full = ImportMemory(BoxPersonObj(1.0), "obj", "box.obj", {});
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  for (size_t i = 1; i < full->lods.size(); ++i) {
    EXPECT_LT(full->lods[i].triangles, full->lods[0].triangles);
  }
}

}  // namespace
}  // namespace figurant::scan

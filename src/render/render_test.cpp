#include <ImfArray.h>
#include <ImfChannelList.h>
#include <ImfFrameBuffer.h>
#include <ImfHeader.h>
#include <ImfInputFile.h>
#include <ImfStringAttribute.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>

#include "core/crypto.h"
#include "core/file.h"
#include "render/appearance_crop.h"
#include "render/cryptomatte.h"
#include "render/exr_read.h"
#include "render/internal/png_decode_for_test.h"
#include "render/internal/sampler.h"
#include "render/output.h"
#include "render/renderer.h"
#include "render/thumbnail.h"

namespace figurant::render {
namespace {
namespace fs = std::filesystem;

// A closed box "person" 1.8 m tall with a wardrobe (lower half) and skin (upper half).
std::shared_ptr<geom::DoubleAsset> BoxPerson(geom::Vec3f skin, geom::Vec3f clothes) {
  auto a = std::make_shared<geom::DoubleAsset>();
  geom::Mesh& m = a->mesh;
  const float xs[2] = {-0.25f, 0.25f}, ys[3] = {0, 0.9f, 1.8f}, zs[2] = {-0.15f, 0.15f};
  // Two stacked boxes sharing no vertices: lower (wardrobe), upper (skin).
  for (int part = 0; part < 2; ++part) {
    const auto base = static_cast<uint32_t>(m.positions.size());
    for (int i = 0; i < 8; ++i) {
      m.positions.push_back({xs[i & 1], ys[part + ((i >> 1) & 1)], zs[(i >> 2) & 1]});
      m.colors.push_back(part == 0 ? clothes : skin);
    }
    const uint32_t quads[6][4] = {{0, 1, 3, 2}, {4, 6, 7, 5}, {0, 4, 5, 1},
                                  {2, 3, 7, 6}, {0, 2, 6, 4}, {1, 5, 7, 3}};
    for (const auto& q : quads) {
      for (uint32_t t : {q[0], q[1], q[2], q[0], q[2], q[3]}) m.indices.push_back(base + t);
      for (int k = 0; k < 2; ++k) {
        m.regions.push_back(part == 0 ? geom::Region::kWardrobe : geom::Region::kSkin);
      }
    }
  }
  return a;
}

RenderScene SmallScene(int agents) {
  RenderScene s;
  s.camera.width = 96;
  s.camera.height = 54;
  s.camera.position = {0, 1.2f, -8};
  s.camera.look_at = {0, 1.0f, 0};
  s.prototypes.push_back({"dbl_red", "per_1", BoxPerson({0.6f, 0.45f, 0.35f}, {0.7f, 0.1f, 0.1f})});
  s.prototypes.push_back({"dbl_blue", "per_2", BoxPerson({0.5f, 0.4f, 0.3f}, {0.1f, 0.1f, 0.7f})});
  for (int i = 0; i < agents; ++i) {
    AgentInstance a;
    a.prototype = i % 2;
    a.position = {-1.5f + 1.0f * i, 0, 0.8f * (i % 2)};
    a.heading_rad = 0.4f * i;
    a.name = "agent_" + std::to_string(i);
    s.agents.push_back(a);
  }
  return s;
}

FrameNames NamesOf(const RenderScene& s, const Renderer& r) {
  FrameNames n;
  for (const auto& a : s.agents) n.agents.push_back(a.name);
  n.doubles = r.double_names();
  n.performers = r.performer_names();
  return n;
}

fs::path TmpDir() {
  return fs::temp_directory_path() / ("figurant-render-test-" + std::to_string(::getpid()));
}

fs::path Tmp(const std::string& name) {
  fs::create_directories(TmpDir());
  return TmpDir() / name;
}

// Removes this process's temporary files when its tests are done.
class TmpDirCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(TmpDir(), ec);
  }
};
// gtest takes ownership of the environment.
[[maybe_unused]] const ::testing::Environment* const kTmpDirCleanup =
    ::testing::AddGlobalTestEnvironment(new TmpDirCleanup);

TEST(CryptomatteTest, MurmurHashMatchesReferenceVectors) {
  EXPECT_EQ(MurmurHash3_x86_32("", 0), 0u);
  EXPECT_EQ(MurmurHash3_x86_32("", 1), 0x514E28B7u);
  EXPECT_EQ(MurmurHash3_x86_32("The quick brown fox jumps over the lazy dog", 0), 0x2E4FF723u);
  EXPECT_EQ(MurmurHash3_x86_32("hello", 0), 0x248BFA47u);
}

TEST(CryptomatteTest, IdsAreNeverDenormalInfiniteOrNaN) {
  for (int i = 0; i < 20000; ++i) {
    const float f = CryptomatteId("agent_" + std::to_string(i));
    EXPECT_TRUE(std::isnormal(f)) << i;
  }
  // The layer key is the first 7 hex digits of the layer name's hash.
  EXPECT_EQ(CryptomatteKeyPrefix("CryptoAgent").size(), std::string("cryptomatte/").size() + 8);
}

// The first 16 samples of any pixel, in any dimension pair, form a (0, 4, 2)-net: exactly one point
// in every elementary interval of area 1/16 (4×4, 2×8, 8×2, 1×16, 16×1 cells) — stratified
// however the scramble falls.
// Sobol dimension 1 against its definition (direction numbers v_0 = 2^31, v_k = v_{k-1} ^
// (v_{k-1} >> 1), XORed over the index's set bits), on the first points and on indices using all
// 32 bits, as the shuffled sample indices do.
TEST(SamplerTest, SobolDimensionOneMatchesItsDefinition) {
  auto reference = [](uint32_t index) {
    uint32_t x = 0, v = 1u << 31;
    for (int bit = 0; bit < 32; ++bit, v ^= v >> 1) {
      if (((index >> bit) & 1u) != 0) x ^= v;
    }
    return x;
  };
  const double first[8] = {0, 0.5, 0.75, 0.25, 0.625, 0.125, 0.375, 0.875};
  for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(internal::Sobol1(i), first[i] * 4294967296.0) << i;
  uint32_t index = 0x9e3779b9u;
  for (int k = 0; k < 10000; ++k) {
    index = index * 1664525u + 1013904223u;
    ASSERT_EQ(internal::Sobol1(index), reference(index)) << index;
  }
  EXPECT_EQ(internal::Sobol1(0xffffffffu), reference(0xffffffffu));
}

TEST(SamplerTest, SixteenSamplesAreStratifiedInEveryPair) {
  for (uint64_t pixel : {0ull, 1ull, 977ull, 123456789ull}) {
    for (uint32_t pair : {0u, 1u, 2u, 7u}) {
      for (int log_x = 0; log_x <= 4; ++log_x) {
        const int nx = 1 << log_x, ny = 16 / nx;
        std::vector<int> cells(16, 0);
        for (uint32_t s = 0; s < 16; ++s) {
          const internal::Point2 p = internal::PixelSampler(pixel, s).Get2D(pair);
          ASSERT_GE(p.x, 0);
          ASSERT_LT(p.x, 1);
          ASSERT_GE(p.y, 0);
          ASSERT_LT(p.y, 1);
          ++cells[static_cast<size_t>(static_cast<int>(p.y * ny) * nx +
                                      static_cast<int>(p.x * nx))];
        }
        for (int c : cells) EXPECT_EQ(c, 1) << "pixel " << pixel << " pair " << pair << " " << nx;
      }
    }
  }
  // Pixels and pairs are decorrelated: the same sample differs between them.
  const internal::Point2 a = internal::PixelSampler(5, 3).Get2D(0);
  const internal::Point2 b = internal::PixelSampler(6, 3).Get2D(0);
  const internal::Point2 c = internal::PixelSampler(5, 3).Get2D(1);
  EXPECT_NE(a.x, b.x);
  EXPECT_NE(a.x, c.x);
}

TEST(RendererTest, SameImageForAnyThreadCount) {
  RenderScene scene = SmallScene(4);
  RenderOptions o;
  o.spp = 8;
  o.seed = 3;
  std::vector<std::string> bytes;
  for (int threads : {1, 2}) {
    o.threads = threads;
    auto r = Renderer::Create(scene, o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    auto f = (*r)->Render(1001);
    ASSERT_TRUE(f.ok());
    const fs::path p = Tmp("det" + std::to_string(threads) + ".exr");
    ASSERT_TRUE(WriteExr(p, *f, NamesOf(scene, **r), {{"figurant/shot", "t"}}).ok());
    bytes.push_back(*ReadFile(p));
  }
  EXPECT_EQ(bytes[0], bytes[1]) << "EXR bytes differ between 1 and 2 threads";
  o.seed = 4;
  auto other = Renderer::Create(scene, o);
  auto f = (*other)->Render(1001);
  const fs::path p = Tmp("det-seed.exr");
  ASSERT_TRUE(WriteExr(p, *f, NamesOf(scene, **other), {{"figurant/shot", "t"}}).ok());
  EXPECT_NE(*ReadFile(p), bytes[0]) << "a different seed should change the noise";
}

// A crowd that moves: agents moved between frames render exactly as a renderer built with them
// standing there, coverage and level of detail included; a bad span changes nothing.
TEST(RendererTest, MovedAgentsRenderAsIfTheyHadStoodThere) {
  RenderScene scene = SmallScene(4);
  RenderOptions o;
  o.spp = 4;
  auto moving = Renderer::Create(scene, o);
  ASSERT_TRUE(moving.ok()) << moving.status().ToString();
  ASSERT_TRUE((*moving)->Render(1).ok());
  std::vector<AgentPlacement> next;
  RenderScene there = scene;
  for (size_t a = 0; a < scene.agents.size(); ++a) {
    AgentPlacement p{scene.agents[a].position, scene.agents[a].heading_rad};
    if (a == 1) p = {{0.4f, 0, -5.5f}, 2.0f};  // walked up to the camera and turned round
    if (a == 2) p.position.x += 0.7f;
    next.push_back(p);
    there.agents[a].position = p.position;
    there.agents[a].heading_rad = p.heading_rad;
  }
  ASSERT_TRUE((*moving)->SetAgentPlacements(next).ok());
  auto built_there = Renderer::Create(there, o);
  ASSERT_TRUE(built_there.ok());
  EXPECT_EQ((*moving)->agent_lods(), (*built_there)->agent_lods());
  EXPECT_LT((*moving)->agent_lods()[1], (*moving)->agent_lods()[0]) << "closer, finer";
  auto f = (*moving)->Render(2);
  auto g = (*built_there)->Render(2);
  ASSERT_TRUE(f.ok() && g.ok());
  EXPECT_EQ(f->rgba, g->rgba);
  ASSERT_EQ(f->coverage.size(), g->coverage.size());
  for (size_t i = 0; i < f->coverage.size(); ++i) {
    EXPECT_EQ(f->coverage[i].bbox, g->coverage[i].bbox) << i;
    EXPECT_EQ(f->coverage[i].pixels, g->coverage[i].pixels) << i;
  }
  next.pop_back();
  EXPECT_EQ((*moving)->SetAgentPlacements(next).code(), StatusCode::kInvalidArgument);
  next.push_back({{NAN, 0, 0}, 0});
  EXPECT_EQ((*moving)->SetAgentPlacements(next).code(), StatusCode::kInvalidArgument);
  auto again = (*moving)->Render(2);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->rgba, f->rgba) << "a refused placement changed nothing";
}

// Reading plates back is for files from anywhere: a bad one is an error naming it, never a crash.
TEST(ExrReadTest, BadFilesAreErrorsNamingTheFile) {
  const fs::path missing = Tmp("missing.exr");
  EXPECT_EQ(ReadExrChannel(missing, "A").status().code(), StatusCode::kNotFound);
  const fs::path text = Tmp("not-an-exr.exr");
  ASSERT_TRUE(WriteFileAtomic(text, "v/1 this is not an OpenEXR file").ok());
  for (const Status& s :
       {ReadExrChannel(text, "A").status(), ReadCryptomatteCoverage(text, kAgentLayer).status()}) {
    EXPECT_EQ(s.code(), StatusCode::kDataLoss);
    EXPECT_NE(s.message().find(text.string()), std::string::npos) << s.ToString();
  }
  // A real plate without the channel or layer asked for.
  RenderScene scene = SmallScene(1);
  auto r = Renderer::Create(scene, {});
  ASSERT_TRUE(r.ok());
  auto f = (*r)->Render(1);
  ASSERT_TRUE(f.ok());
  const fs::path plate = Tmp("read-back.exr");
  ASSERT_TRUE(WriteExr(plate, *f, NamesOf(scene, **r), {}).ok());
  const auto alpha = ReadExrChannel(plate, "A");
  ASSERT_TRUE(alpha.ok()) << alpha.status().ToString();
  EXPECT_EQ(alpha->width, f->width);
  EXPECT_EQ(alpha->values.size(), static_cast<size_t>(f->width) * f->height);
  const auto no_channel = ReadExrChannel(plate, "Q");
  EXPECT_EQ(no_channel.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(no_channel.status().message().find("'Q'"), std::string::npos);
  EXPECT_EQ(ReadCryptomatteCoverage(plate, "CryptoNothing").status().code(), StatusCode::kDataLoss);
}

TEST(RendererTest, CryptomatteInTheExrMatchesTheCoverageRecords) {
  RenderScene scene = SmallScene(4);
  RenderOptions o;
  o.spp = 8;
  auto r = Renderer::Create(scene, o);
  auto f = (*r)->Render(7);
  ASSERT_TRUE(f.ok());
  const fs::path p = Tmp("crypto.exr");
  ASSERT_TRUE(WriteExr(p, *f, NamesOf(scene, **r), {}).ok());
  // Coverage per id over all ranks of the agent layers, from the file alone.
  auto from_file = ReadCryptomatteCoverage(p, kAgentLayer);
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  ASSERT_FALSE(f->coverage.empty());
  for (const AgentCoverage& c : f->coverage) {
    const uint32_t id = CryptomatteHash(scene.agents[static_cast<size_t>(c.agent)].name);
    EXPECT_NEAR((*from_file)[id], c.pixels, 1e-3)
        << scene.agents[static_cast<size_t>(c.agent)].name;
    EXPECT_GT(c.pixels, 10);
  }
  // The manifest names every agent.
  Imf::InputFile file(p.c_str());
  const auto* manifest = file.header().findTypedAttribute<Imf::StringAttribute>(
      CryptomatteKeyPrefix("CryptoAgent") + "manifest");
  ASSERT_NE(manifest, nullptr);
  for (const auto& a : scene.agents) {
    EXPECT_NE(manifest->value().find("\"" + a.name + "\""), std::string::npos);
  }
  // A pixel's agent coverage never exceeds its alpha; ranks are sorted; the double and performer
  // layers hold the agent layer's coverage regrouped.
  const size_t npx = static_cast<size_t>(f->width) * f->height;
  ASSERT_EQ(f->crypto_agent.offsets.size(), npx + 1);
  for (size_t i = 0; i < npx; ++i) {
    float sum = 0, previous = 2;
    for (const CryptoEntry& e : f->crypto_agent.Pixel(i)) {
      ASSERT_GE(e.index, 0);
      EXPECT_LE(e.coverage, previous);
      previous = e.coverage;
      sum += e.coverage;
    }
    EXPECT_LE(sum, f->rgba[i * 4 + 3] + 1e-5f);
    for (const CryptoLayer* other : {&f->crypto_double, &f->crypto_performer}) {
      float other_sum = 0;
      for (const CryptoEntry& e : other->Pixel(i)) other_sum += e.coverage;
      EXPECT_NEAR(other_sum, sum, 1e-5f);
    }
  }
}

TEST(RendererTest, WardrobeTintTouchesClothesOnly) {
  RenderScene scene = SmallScene(1);
  scene.agents[0].position = {0, 0, 0};
  scene.agents[0].heading_rad = 0;
  scene.camera.look_at = {0, 0.9f, 0};
  scene.camera.position = {0, 0.9f, -4};
  scene.has_ground = false;
  RenderOptions o;
  o.spp = 4;
  o.max_bounces = 0;
  auto plain = (*Renderer::Create(scene, o))->Render(1);
  scene.agents[0].tint = {0.2f, 1.0f, 1.0f};
  auto tinted = (*Renderer::Create(scene, o))->Render(1);
  const int W = plain->width, H = plain->height;
  auto red_at = [&](const Frame& f, int y) {
    return f.rgba[(static_cast<size_t>(y) * W + W / 2) * 4];
  };
  // Top of the box (skin) unchanged; bottom (wardrobe) red scaled by 0.2.
  const int skin_row = H / 2 - H / 5, clothes_row = H / 2 + H / 5;
  EXPECT_NEAR(red_at(*tinted, skin_row), red_at(*plain, skin_row), 1e-6);
  EXPECT_GT(red_at(*plain, clothes_row), 0);
  EXPECT_NEAR(red_at(*tinted, clothes_row), 0.2f * red_at(*plain, clothes_row), 1e-4);
}

TEST(RendererTest, LevelOfDetailFollowsProjectedHeight) {
  RenderScene scene = SmallScene(2);
  scene.camera.width = 1920;
  scene.camera.height = 1080;
  for (auto& p : scene.prototypes) {
    auto a = std::make_shared<geom::DoubleAsset>(*p.asset);
    a->lods.push_back({0.01f, {0, 1, 2}});
    a->lods.push_back({0.02f, {0, 2, 3}});
    p.asset = a;
  }
  scene.agents[0].position = {0, 0, -4};   // near: tall on screen
  scene.agents[1].position = {0, 0, 200};  // far: tiny
  auto r = Renderer::Create(scene, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->agent_lods()[0], 0);
  EXPECT_EQ((*r)->agent_lods()[1], 2);
}

TEST(RendererTest, PngPreviewIsWritten) {
  RenderScene scene = SmallScene(2);
  auto r = Renderer::Create(scene, {});
  auto f = (*r)->Render(1);
  const fs::path p = Tmp("preview.png");
  ASSERT_TRUE(WritePng(p, *f).ok());
  const std::string bytes = *ReadFile(p);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
}

}  // namespace
}  // namespace figurant::render

namespace figurant::render {
namespace {

// Golden image: a small scene against a reference EXR kept beside the test (Embree's tutorials keep
// one per tutorial). Tolerance: mean absolute difference of RGBA below 1 % of the mean value, and
// no pixel off by more than 0.25. Regenerate deliberately with FIGURANT_UPDATE_GOLDEN=1.
// Russian roulette ends dim paths early but weights the survivors: at many samples the image
// converges to the same light as without it, bounce light between the agents included.
TEST(RendererTest, RussianRouletteIsUnbiased) {
  RenderScene scene = SmallScene(6);
  scene.lighting.sun_irradiance = 0;  // sky and bounces only: the indirect light matters
  double sums[2] = {0, 0};
  uint64_t rays[2] = {0, 0};
  for (int rr = 0; rr < 2; ++rr) {
    RenderOptions o;
    o.spp = 256;
    o.max_bounces = 4;
    o.seed = 3;
    o.russian_roulette = rr == 1;
    auto r = Renderer::Create(scene, o);
    ASSERT_TRUE(r.ok());
    auto f = (*r)->Render(1);
    ASSERT_TRUE(f.ok());
    for (size_t i = 0; i < f->rgba.size(); i += 4)
      sums[rr] += f->rgba[i] + f->rgba[i + 1] + f->rgba[i + 2];
    rays[rr] = f->stats.rays;
  }
  EXPECT_NEAR(sums[1] / sums[0], 1.0, 0.005);
  EXPECT_LT(rays[1], rays[0]);  // and it does save rays
}

TEST(RendererTest, GoldenImage) {
  RenderScene scene = SmallScene(5);
  RenderOptions o;
  o.spp = 16;
  o.seed = 11;
  auto r = Renderer::Create(scene, o);
  auto f = (*r)->Render(1);
  ASSERT_TRUE(f.ok());
  const fs::path golden =
      fs::path(FIGURANT_SOURCE_DIR) / "src" / "render" / "testdata" / "golden_small.exr";
  if (std::getenv("FIGURANT_UPDATE_GOLDEN") != nullptr) {
    ASSERT_TRUE(WriteExr(golden, *f, NamesOf(scene, **r), {}).ok());
  }
  ASSERT_TRUE(fs::exists(golden)) << "run once with FIGURANT_UPDATE_GOLDEN=1";
  double diff = 0, mean = 0, worst = 0;
  for (int c = 0; c < 4; ++c) {
    const auto channel = ReadExrChannel(golden, std::string(1, "RGBA"[c]));
    ASSERT_TRUE(channel.ok()) << channel.status().ToString();
    ASSERT_EQ(channel->width, f->width);
    ASSERT_EQ(channel->height, f->height);
    const std::vector<float>& ref = channel->values;
    for (size_t i = 0; i < ref.size(); ++i) {
      const double d = std::fabs(ref[i] - f->rgba[i * 4 + c]);
      diff += d;
      mean += std::fabs(ref[i]);
      worst = std::max(worst, d);
    }
  }
  EXPECT_LT(diff, 0.01 * mean) << "mean absolute difference "
                               << diff / (4.0 * f->width * f->height);
  EXPECT_LT(worst, 0.25);
}

}  // namespace
}  // namespace figurant::render

namespace figurant::render {
namespace {

// What a compositor sees: Blender's own Cryptomatte node (headless `blender -b`), keyed on one
// agent, one double and one performer of our EXR, must give exactly the coverage we rendered.
TEST(RendererTest, BlenderCompositorExtractsOneAgentsMatte) {
  // scripts/install-deps.sh installs Blender: without it this test fails, never skips.
  ASSERT_EQ(std::system("command -v blender > /dev/null 2>&1"), 0) << "blender is not installed";
  RenderScene scene = SmallScene(4);
  RenderOptions o;
  o.spp = 8;
  auto r = Renderer::Create(scene, o);
  ASSERT_TRUE(r.ok());
  auto f = (*r)->Render(1);
  ASSERT_TRUE(f.ok());
  const fs::path plate = Tmp("blender_plate.exr");
  ASSERT_TRUE(WriteExr(plate, *f, NamesOf(scene, **r), {}).ok());
  const fs::path out = Tmp("blender_mattes");
  fs::remove_all(out);
  const fs::path script = fs::path(FIGURANT_SOURCE_DIR) / "src" / "render" / "testdata" /
                          "blender_cryptomatte_matte.py";
  // Agent 2 shows dbl_red (even agents) of per_1; per_2 is the performer of the odd agents.
  const std::string cmd = "blender -b --factory-startup --python-exit-code 1 --python '" +
                          script.string() + "' -- '" + plate.string() + "' '" + out.string() +
                          "' " + std::to_string(f->width) + " " + std::to_string(f->height) +
                          " CryptoAgent:agent_2 CryptoDouble:dbl_red CryptoPerformer:per_2 > '" +
                          Tmp("blender.log").string() + "' 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << *ReadFile(Tmp("blender.log"));

  struct Expect {
    const CryptoLayer* layer;
    int32_t index;
  };
  const auto& doubles = (*r)->double_names();
  const auto& performers = (*r)->performer_names();
  const Expect expects[] = {
      {&f->crypto_agent, 2},
      {&f->crypto_double,
       static_cast<int32_t>(std::find(doubles.begin(), doubles.end(), "dbl_red") -
                            doubles.begin())},
      {&f->crypto_performer,
       static_cast<int32_t>(std::find(performers.begin(), performers.end(), "per_2") -
                            performers.begin())}};
  for (int i = 0; i < 3; ++i) {
    const auto channel = ReadExrChannel(out / std::to_string(i) / "Image0001.exr", "R");
    ASSERT_TRUE(channel.ok()) << channel.status().ToString();
    ASSERT_EQ(channel->width, f->width);
    ASSERT_EQ(channel->height, f->height);
    const std::vector<float>& matte = channel->values;
    double total = 0, worst = 0;
    for (size_t p = 0; p < matte.size(); ++p) {
      float expected = 0;
      for (const CryptoEntry& e : expects[i].layer->Pixel(p)) {
        if (e.index == expects[i].index) expected += e.coverage;
      }
      total += expected;
      worst = std::max(worst, static_cast<double>(std::fabs(matte[p] - expected)));
    }
    EXPECT_GT(total, 20) << "matte " << i << " should cover the agent(s)";
    EXPECT_LT(worst, 1e-5) << "Blender's matte " << i << " differs from the rendered coverage";
  }
}

// The dashboard's thumbnail: a PNG of the asked size, the double opaque in the middle, the
// background transparent (no ground) in the corners; a size out of range is refused.
TEST(Thumbnail, FramesTheDoubleOnATransparentBackground) {
  const auto asset = BoxPerson({0.6f, 0.45f, 0.35f}, {0.7f, 0.1f, 0.1f});
  auto bytes = RenderThumbnailPng(*asset, 48, 64);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  const internal::DecodedPng image = internal::DecodePngForTest(*bytes);
  ASSERT_EQ(image.error, "");
  ASSERT_EQ(image.width, 48u);
  ASSERT_EQ(image.height, 64u);
  const auto alpha = [&](int x, int y) {
    return image.rgba[(static_cast<size_t>(y) * 48 + x) * 4 + 3];
  };
  EXPECT_EQ(alpha(24, 32), 255);
  EXPECT_EQ(alpha(0, 0), 0);
  EXPECT_EQ(alpha(47, 63), 0);
  EXPECT_EQ(RenderThumbnailPng(*asset, 8, 64).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(RenderThumbnailPng(geom::DoubleAsset{}, 48, 64).status().code(),
            StatusCode::kInvalidArgument);
}

// The appearances page's crop: a performer sees themselves and nobody else. Agent 1 (another
// performer) stands half in front of agent 0; inside the crop around agent 0, every pixel the
// matte of agent 0's performer does not cover is fully transparent, while their own pixels keep
// the beauty.
TEST(AppearanceCropTest, ShowsThePerformerAndNobodyElse) {
  RenderScene scene = SmallScene(2);
  scene.camera.width = 160;
  scene.camera.height = 90;
  scene.agents[0].position = {0, 0, 0};
  scene.agents[1].position = {0.3f, 0, -1.0f};  // nearer the camera, overlapping agent 0
  RenderOptions o;
  o.spp = 8;
  auto r = Renderer::Create(scene, o);
  ASSERT_TRUE(r.ok());
  auto f = (*r)->Render(1);
  ASSERT_TRUE(f.ok());
  const AgentCoverage* own = nullptr;
  for (const AgentCoverage& c : f->coverage) {
    if (c.agent == 0) own = &c;
  }
  ASSERT_NE(own, nullptr);
  auto crop = CropAppearance(*f, own->bbox, {true, false});
  ASSERT_TRUE(crop.ok()) << crop.status().message();
  const internal::DecodedPng image = internal::DecodePngForTest(crop->png);
  ASSERT_EQ(image.error, "");
  ASSERT_EQ(static_cast<int>(image.width), crop->width);
  ASSERT_EQ(crop->width, crop->region[2] - crop->region[0] + 1);  // small enough: not scaled
  EXPECT_LE(crop->region[0], own->bbox[0]);
  EXPECT_GE(crop->region[3], own->bbox[3]);
  int others = 0, own_opaque = 0;
  double matte = 0;
  for (int y = 0; y < crop->height; ++y) {
    for (int x = 0; x < crop->width; ++x) {
      const size_t p = static_cast<size_t>(crop->region[1] + y) * f->width + crop->region[0] + x;
      float mine = 0, theirs = 0;
      for (const CryptoEntry& e : f->crypto_agent.Pixel(p))
        (e.index == 0 ? mine : theirs) += e.coverage;
      matte += mine;
      const uint8_t alpha = image.rgba[(static_cast<size_t>(y) * crop->width + x) * 4 + 3];
      if (mine == 0) {
        EXPECT_EQ(alpha, 0) << "pixel " << x << "," << y << " is not the performer's";
        if (theirs > 0) ++others;
      } else if (mine == 1) {
        EXPECT_EQ(alpha, 255);
        ++own_opaque;
      }
    }
  }
  EXPECT_GT(others, 20) << "the other performer should stand inside the crop's region";
  EXPECT_GT(own_opaque, 50);
  EXPECT_NEAR(crop->matte_pixels, matte, 1e-3);
  EXPECT_EQ(CropAppearance(*f, {5, 5, 4, 4}, {true, false}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(CropAppearance(*f, {0, 0, f->width, 5}, {true, false}).status().code(),
            StatusCode::kInvalidArgument);
}

// A large appearance is box-filtered down to the longest side asked, averaging in premultiplied
// light: a block half covered by the matte is half as opaque.
TEST(AppearanceCropTest, LargeAppearancesAreScaledDownByAveraging) {
  Frame f;
  f.width = 64;
  f.height = 64;
  f.rgba.assign(64 * 64 * 4, 1.0f);  // white, opaque
  f.crypto_agent.offsets.push_back(0);
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      if (x % 2 == 0) f.crypto_agent.entries.push_back({0, 1.0f});  // even columns: agent 0
      f.crypto_agent.offsets.push_back(static_cast<uint32_t>(f.crypto_agent.entries.size()));
    }
  }
  auto crop = CropAppearance(f, {0, 0, 63, 63}, {true}, 16);
  ASSERT_TRUE(crop.ok()) << crop.status().message();
  EXPECT_EQ(crop->width, 16);
  EXPECT_EQ(crop->height, 16);
  EXPECT_DOUBLE_EQ(crop->matte_pixels, 64 * 32);
  const internal::DecodedPng image = internal::DecodePngForTest(crop->png);
  ASSERT_EQ(image.error, "");
  EXPECT_NEAR(image.rgba[3], 128, 1);  // half the block is the performer's
  EXPECT_EQ(image.rgba[0], 255);       // straight colour: still white
  EXPECT_EQ(CropAppearance(f, {0, 0, 63, 63}, {true}, 8).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace figurant::render

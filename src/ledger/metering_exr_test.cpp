// The metering promise, end to end: a rendered frame's usage events, as read back from the
// ledger, carry exactly the Cryptomatte coverage of the frame's EXR, per double — read from the
// file alone (the CryptoDouble layers), the way a compositor or an auditor would.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <map>

#include "core/file.h"
#include "ledger/ledger.h"
#include "ledger/metering.h"
#include "render/cryptomatte.h"
#include "render/exr_read.h"
#include "render/output.h"
#include "render/renderer.h"

namespace figurant::ledger {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// A closed box "person" 1.8 m tall.
std::shared_ptr<geom::DoubleAsset> BoxPerson(geom::Vec3f color) {
  auto a = std::make_shared<geom::DoubleAsset>();
  geom::Mesh& m = a->mesh;
  const float xs[2] = {-0.25f, 0.25f}, ys[2] = {0, 1.8f}, zs[2] = {-0.15f, 0.15f};
  for (int i = 0; i < 8; ++i) {
    m.positions.push_back({xs[i & 1], ys[(i >> 1) & 1], zs[(i >> 2) & 1]});
    m.colors.push_back(color);
  }
  const uint32_t quads[6][4] = {{0, 1, 3, 2}, {4, 6, 7, 5}, {0, 4, 5, 1},
                                {2, 3, 7, 6}, {0, 2, 6, 4}, {1, 5, 7, 3}};
  for (const auto& q : quads) {
    for (uint32_t t : {q[0], q[1], q[2], q[0], q[2], q[3]}) m.indices.push_back(t);
    m.regions.push_back(geom::Region::kWardrobe);
    m.regions.push_back(geom::Region::kWardrobe);
  }
  return a;
}

TEST(MeteringExrTest, UsagePixelsInTheLedgerEqualTheExrCryptomatteCoverage) {
  ASSERT_TRUE(InitCrypto().ok());
  const fs::path dir =
      fs::temp_directory_path() / ("figurant-metering-exr-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);

  // Five agents showing two doubles (clones of each), some overlapping on screen.
  render::RenderScene scene;
  scene.camera.width = 128;
  scene.camera.height = 72;
  scene.camera.position = {0, 1.2f, -8};
  scene.camera.look_at = {0, 1.0f, 0};
  scene.prototypes.push_back({"dbl_red", "per_red", BoxPerson({0.7f, 0.1f, 0.1f})});
  scene.prototypes.push_back({"dbl_blue", "per_blue", BoxPerson({0.1f, 0.1f, 0.7f})});
  for (int i = 0; i < 5; ++i) {
    render::AgentInstance a;
    a.prototype = i % 2;
    a.position = {-2.0f + 0.9f * static_cast<float>(i), 0, 0.7f * static_cast<float>(i % 3)};
    a.heading_rad = 0.3f * static_cast<float>(i);
    a.name = "agent_" + std::to_string(i);
    scene.agents.push_back(a);
  }
  render::RenderOptions options;
  options.spp = 8;
  options.threads = 1;
  auto renderer = render::Renderer::Create(scene, options);
  ASSERT_TRUE(renderer.ok()) << renderer.status().ToString();
  auto frame = (*renderer)->Render(1001);
  ASSERT_TRUE(frame.ok());
  render::FrameNames names;
  for (const auto& a : scene.agents) names.agents.push_back(a.name);
  names.doubles = (*renderer)->double_names();
  names.performers = (*renderer)->performer_names();
  const fs::path exr = dir / "sh010.1001.exr";
  ASSERT_TRUE(render::WriteExr(exr, *frame, names, {}).ok());

  // Meter the frame the way the render command does (shot::MeteringSink): coverage → usage.
  std::vector<AgentUsage> usage;
  for (const render::AgentCoverage& c : frame->coverage) {
    const auto& agent = scene.agents[static_cast<size_t>(c.agent)];
    const auto& proto = scene.prototypes[static_cast<size_t>(agent.prototype)];
    usage.push_back({agent.name, proto.double_id, proto.performer_id, "lic_1", c.pixels,
                     c.screen_height_fraction, false, false});
  }
  FixedClock clock(1790000000);
  const SigningKeyPair key = GenerateSigningKeyPair();
  std::map<std::string, double> from_ledger;
  {
    auto ledger = Ledger::Open(dir / "ledger", key, clock);
    ASSERT_TRUE(ledger.ok());
    auto n = MeterFrame(**ledger, "rnd_1", {"prd_1", "sh010", 1001}, 24, usage, std::nullopt);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(*n, 2);  // two doubles visible, whatever the number of agents
  }
  // Read the events back from the ledger file (verified with the public key alone).
  auto bytes = ReadFile(dir / "ledger" / "ledger.log");
  ASSERT_TRUE(bytes.ok());
  auto read = ReadLog(*bytes, key.public_key, [&](const Entry& e) {
    if (e.type == EntryType::kUsage) {
      const json j = json::parse(e.payload);
      from_ledger[j["double"].get<std::string>()] += j["pixels"].get<double>();
    }
    return Status::Ok();
  });
  ASSERT_TRUE(read.ok()) << read.status().ToString();

  // The CryptoDouble coverage of every rank, from the EXR alone.
  auto read_exr = render::ReadCryptomatteCoverage(exr, render::kDoubleLayer);
  ASSERT_TRUE(read_exr.ok()) << read_exr.status().ToString();
  std::map<uint32_t, double>& from_exr = *read_exr;
  ASSERT_EQ(from_ledger.size(), 2u);
  double total = 0;
  for (const auto& [double_id, pixels] : from_ledger) {
    const double exr_pixels = from_exr[render::CryptomatteHash(double_id)];
    EXPECT_GT(pixels, 50) << double_id;
    // Float32 coverage per pixel in the file, summed in double: equal to well under a pixel.
    EXPECT_NEAR(pixels, exr_pixels, 1e-3 * std::max(1.0, exr_pixels)) << double_id;
    total += pixels;
  }
  double exr_total = 0;
  for (const auto& [id, pixels] : from_exr) exr_total += pixels;
  EXPECT_NEAR(total, exr_total, 1e-3 * exr_total);  // nothing in the EXR that is not metered
  fs::remove_all(dir);
}

}  // namespace
}  // namespace figurant::ledger

// The appearance crops a metered render keeps (shot.h, MeteringSink; docs/portal.md, "Appearance
// crops"): each real performer's largest view of the shot, cut with their own matte, so that
// another performer standing in front of them is transparent in their crop; a later render that
// shows them larger replaces it under the same id.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "crowd/scene_spec.h"
#include "registry/appearance_crops.h"
#include "render/appearance_crop.h"
#include "render/internal/png_decode_for_test.h"
#include "shot/shot.h"
#include "shot/shot_test_bank.h"

namespace figurant::shot {
namespace {

using nlohmann::json;

class CropsTest : public ShotTestBank {
 protected:
  void SetUp() override {
    ShotTestBank::SetUp();
    if (HasFatalFailure()) return;
    for (auto [name, seed] : {std::pair{"behind", 41}, std::pair{"in_front", 42}}) {
      auto d = AddPerformerDouble(name, seed);
      ASSERT_TRUE(d.ok()) << d.status().ToString();
      ASSERT_TRUE(
          SignLicence(d->performer_id, LicenceTerms(production_, json::array(), 0.95)).ok());
      doubles_.push_back(d->id);
      performers_.push_back(d->performer_id);
    }
  }

  // The first double at `distance` metres from the camera, the second half a metre to its side
  // and 1.5 m nearer, hiding part of it.
  crowd::SceneSpec Scene(double distance) {
    const json scene = {
        {"figurant_scene", 1},
        {"production", production_},
        {"shot", "sh_crop"},
        {"seed", 5u},
        {"frames", {{"start", 1}, {"end", 1}}},
        {"camera",
         {{"position", {0, 1, -distance}}, {"look_at", {0, 0.9, 0}}, {"resolution", {160, 90}}}},
        {"render", {{"spp", 4}, {"output", "out/crop.####.exr"}}},
        {"agents",
         {{{"double", doubles_[0]}, {"position", {0, 0, 0}}, {"name", "behind"}},
          {{"double", doubles_[1]}, {"position", {0.35, 0, -1.5}}, {"name", "in_front"}}}}};
    auto spec = crowd::ParseSceneSpec(scene, "test scene");
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    spec->base_dir = dir_;
    return *spec;
  }

  // Renders `spec` metered under `render_id`; the last frame rendered.
  render::Frame Render(const crowd::SceneSpec& spec, const std::string& render_id) {
    auto metering = MeteringSink(*bank_, spec, render_id);
    EXPECT_TRUE(metering.ok()) << metering.status().ToString();
    render::Frame last;
    const FrameSink sink = [&](const render::Frame& f, const FrameOutput& o,
                               const std::vector<CastAgent>& agents) {
      last = f;
      return (*metering)(f, o, agents);
    };
    auto report = RenderShot(*bank_, spec, {}, sink);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return last;
  }

  std::vector<std::string> doubles_, performers_;
};

TEST_F(CropsTest, EachPerformerSeesThemselvesAndNobodyElse) {
  const render::Frame frame = Render(Scene(7), "rnd_crop_1");
  for (int who = 0; who < 2; ++who) {
    const auto rows = registry::ListAppearanceCrops(bank_->registry(), performers_[who]);
    ASSERT_TRUE(rows.ok() && rows->size() == 1) << rows.status().ToString();
    const registry::AppearanceCropRow& row = rows->front();
    EXPECT_EQ(row.production_id, production_);
    EXPECT_EQ(row.shot, "sh_crop");
    EXPECT_EQ(row.double_id, doubles_[who]);
    EXPECT_EQ(row.render_id, "rnd_crop_1");
    const render::AgentCoverage* own = nullptr;
    for (const render::AgentCoverage& c : frame.coverage) {
      if (c.agent == who) own = &c;
    }
    ASSERT_NE(own, nullptr);
    EXPECT_DOUBLE_EQ(row.pixels, own->pixels);
    // The crop the bank keeps is the frame cut around this agent with this performer's matte.
    auto expected = render::CropAppearance(frame, own->bbox, {who == 0, who == 1});
    ASSERT_TRUE(expected.ok());
    auto png = bank_->AppearanceCropPng(row.id);
    ASSERT_TRUE(png.ok()) << png.status().ToString();
    EXPECT_EQ(*png, expected->png);
    EXPECT_EQ(row.width, expected->width);

    const auto image = render::internal::DecodePngForTest(*png);
    ASSERT_EQ(image.error, "");
    int other_only = 0, own_pixels = 0;
    for (int y = 0; y < expected->height; ++y) {
      for (int x = 0; x < expected->width; ++x) {
        const size_t p =
            static_cast<size_t>(expected->region[1] + y) * frame.width + expected->region[0] + x;
        float mine = 0, theirs = 0;
        for (const render::CryptoEntry& e : frame.crypto_agent.Pixel(p)) {
          (e.index == who ? mine : theirs) += e.coverage;
        }
        const uint8_t alpha = image.rgba[(static_cast<size_t>(y) * image.width + x) * 4 + 3];
        if (mine == 0) {
          EXPECT_EQ(alpha, 0) << "performer " << who << " pixel " << x << "," << y;
        }
        if (mine == 0 && theirs > 0) ++other_only;
        if (mine > 0.5f && alpha > 0) ++own_pixels;
      }
    }
    EXPECT_GT(own_pixels, 100) << "performer " << who;
    if (who == 0) {
      EXPECT_GT(other_only, 50) << "the one in front stands inside the crop";
    }
  }
}

TEST_F(CropsTest, ALargerViewReplacesTheCropUnderItsId) {
  Render(Scene(9), "rnd_far");
  const auto far = registry::ListAppearanceCrops(bank_->registry(), performers_[0]);
  ASSERT_TRUE(far.ok() && far->size() == 1);
  Render(Scene(12), "rnd_farther");
  EXPECT_EQ(registry::ListAppearanceCrops(bank_->registry(), performers_[0])->front().render_id,
            "rnd_far")
      << "a smaller view does not replace the crop";
  Render(Scene(6), "rnd_near");
  const auto near = registry::ListAppearanceCrops(bank_->registry(), performers_[0]);
  ASSERT_TRUE(near.ok() && near->size() == 1);
  EXPECT_EQ(near->front().id, far->front().id);
  EXPECT_EQ(near->front().render_id, "rnd_near");
  EXPECT_GT(near->front().pixels, far->front().pixels);
  EXPECT_GT(near->front().height, far->front().height);
}

}  // namespace
}  // namespace figurant::shot

// Shot helpers callers use before rendering.
#include "shot/shot.h"

#include <gtest/gtest.h>

namespace figurant::shot {
namespace {

TEST(FramesToRenderTest, ClipsTheAskedRangeToTheScenes) {
  const crowd::FrameRange scene{1001, 1004, 24};
  auto all = FramesToRender(scene, {});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->first, 1001);
  EXPECT_EQ(all->last, 1004);
  ShotOptions o;
  o.first_frame = 1003;
  o.last_frame = 1010;
  auto clipped = FramesToRender(scene, o);
  ASSERT_TRUE(clipped.ok());
  EXPECT_EQ(clipped->first, 1003);
  EXPECT_EQ(clipped->last, 1004);
}

TEST(FramesToRenderTest, NoFrameLeftNamesBothRangesNotAFlag) {
  ShotOptions o;
  o.first_frame = 5;
  o.last_frame = 9;
  auto span = FramesToRender({1, 4, 24}, o);
  ASSERT_FALSE(span.ok());
  EXPECT_EQ(span.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(span.status().message(), "frames 5-9 asked are outside the scene's frames 1-4");
}

}  // namespace
}  // namespace figurant::shot

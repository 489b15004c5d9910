// Posing stages: which phase step an agent shows in a frame, and which prototypes a span of frames
// needs (one per double, cycle and step, shared by every agent showing it).
#include "shot/internal/posing.h"

#include <gtest/gtest.h>

namespace figurant::shot::internal {
namespace {

constexpr crowd::FrameRange kFrames{1001, 1100, 24};

AgentMotion Walk(double phase0, int variants, double cycle_seconds) {
  return {anim::MotionCycle::kWalk, phase0, variants, cycle_seconds, 7};
}

TEST(PhaseStepTest, AdvancesWithTimeSinceTheScenesFirstFrameAndWraps) {
  const AgentMotion m = Walk(0, 8, 1.0);  // an eighth of a cycle every 3 frames
  EXPECT_EQ(PhaseStep(m, 1001, kFrames), 0);
  EXPECT_EQ(PhaseStep(m, 1002, kFrames), 0);  // 1/24 cycle rounds down
  EXPECT_EQ(PhaseStep(m, 1004, kFrames), 1);
  EXPECT_EQ(PhaseStep(m, 1022, kFrames), 7);
  EXPECT_EQ(PhaseStep(m, 1025, kFrames), 0);  // a whole cycle later
  EXPECT_EQ(PhaseStep(m, 1001 + 24 * 5 + 6, kFrames), 2);
  // Frames before the scene's first run the cycle backwards, still within 0..variants-1.
  EXPECT_EQ(PhaseStep(m, 998, kFrames), 7);
  // The starting phase shifts every frame alike; 0.99 rounds to the next whole cycle.
  EXPECT_EQ(PhaseStep(Walk(0.5, 8, 1.0), 1001, kFrames), 4);
  EXPECT_EQ(PhaseStep(Walk(0.99, 8, 1.0), 1001, kFrames), 0);
  // One variant: always step 0.
  EXPECT_EQ(PhaseStep(Walk(0.6, 1, 1.0), 1013, kFrames), 0);
}

TEST(PoseScheduleTest, OnePrototypePerDoubleCycleAndStepShownInTheSpan) {
  const AgentMotion still;
  // Two walkers of one double in step, one of another double, and two still agents of the first.
  const PoseSchedule schedule({"dbl_a", "dbl_a", "dbl_b", "dbl_a", "dbl_a"},
                              {Walk(0, 8, 1.0), Walk(0, 8, 1.0), Walk(0.5, 8, 1.0), still, still},
                              kFrames, {1001, 1004});
  // Frame 1001: a step 0, b step 4, a still; frame 1004: a step 1, b step 5.
  ASSERT_EQ(schedule.keys().size(), 5u);
  EXPECT_EQ(schedule.keys()[0].double_id, "dbl_a");
  EXPECT_EQ(schedule.keys()[0].step, 0);
  EXPECT_EQ(schedule.keys()[2].cycle, anim::MotionCycle::kStill);
  EXPECT_EQ(schedule.keys()[2].step, 0);
  EXPECT_EQ(schedule.PrototypesAt(1001), (std::vector<int>{0, 0, 1, 2, 2}));
  EXPECT_EQ(schedule.PrototypesAt(1004), (std::vector<int>{3, 3, 4, 2, 2}));
  EXPECT_EQ(schedule.keys()[3].step, 1);
  EXPECT_EQ(schedule.keys()[4].double_id, "dbl_b");
  EXPECT_EQ(schedule.keys()[4].step, 5);
}

}  // namespace
}  // namespace figurant::shot::internal

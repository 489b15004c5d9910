// Metering without a renderer: aggregation per double and the entries of a frame. (The proof that
// usage pixels equal the EXR's Cryptomatte coverage renders a frame: metering_exr_test.cpp; the
// payload bytes are payloads_test.cpp's.)
#include "ledger/metering.h"

#include <gtest/gtest.h>

namespace figurant::ledger {
namespace {

using nlohmann::json;

TEST(MeteringTest, OneEventPerVisibleDoubleWithItsAgentsSummed) {
  const FrameKey key{"prd_1", "sh010", 1001};
  const std::vector<AgentUsage> agents = {
      {"a0", "dbl_2", "per_2", "lic_2", 10, 0.1, false, false},
      {"a1", "dbl_1", "per_1", "lic_1", 120.5, 0.1, false, false},
      {"a2", "dbl_1", "per_1", "lic_1", 30, 0.15, true, false},
      {"a3", "dbl_3", "per_3", "lic_3", 0, 0.2, false, false},  // in frame, fully occluded
  };
  const auto events = UsageOfFrame("rnd_1", key, 24, agents);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].double_id, "dbl_1");  // ordered by double id
  EXPECT_DOUBLE_EQ(events[0].pixels, 150.5);
  EXPECT_DOUBLE_EQ(events[0].height_fraction, 0.15);
  EXPECT_TRUE(events[0].altered);
  EXPECT_EQ(events[0].agent_names, (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(events[1].double_id, "dbl_2");
  EXPECT_FALSE(events[1].altered);
  // A re-render of the frame starts with the supersede entry.
  const auto entries = FrameEntries("rnd_2", key, 24, agents, std::string("rnd_1"));
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].first, EntryType::kSupersede);
  EXPECT_EQ(json::parse(entries[0].second)["superseded"], "rnd_1");
  EXPECT_EQ(FrameEntries("rnd_1", key, 24, agents, std::string("rnd_1")).size(), 2u);
}

}  // namespace
}  // namespace figurant::ledger

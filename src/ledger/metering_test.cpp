// Metering without a renderer: aggregation per double and the canonical payload bytes. (The proof
// that usage pixels equal the EXR's Cryptomatte coverage renders a frame: metering_exr_test.cpp.)
#include "ledger/metering.h"

#include <gtest/gtest.h>

#include <random>

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

// The hand-written payload must be exactly what nlohmann::json::dump() writes for the same object,
// for any values: that is the canonical form docs/ledger.md promises.
TEST(MeteringTest, UsagePayloadIsCanonicalJson) {
  std::mt19937_64 rng(11);
  auto real = [&] {
    const double mantissa = static_cast<double>(rng() % 100000000) / 1000.0;
    const int exp = static_cast<int>(rng() % 30) - 15;
    return mantissa * std::pow(10.0, exp);
  };
  const std::vector<std::string> names = {"a0",          "agent \"quoted\"", "back\\slash",
                                          "tab\there",   "caf\xc3\xa9",      "bad \xff utf8",
                                          "ctl \x01 end"};
  for (int trial = 0; trial < 2000; ++trial) {
    UsageEvent u;
    u.render_id = "rnd_" + std::to_string(rng() % 1000);
    u.key = {"prd_" + std::to_string(rng() % 7), names[rng() % names.size()],
             static_cast<int>(rng() % 10000000)};
    u.fps = trial % 3 == 0 ? 24.0 : (trial % 3 == 1 ? 23.976 : real());
    u.double_id = "dbl_x";
    u.performer_id = names[rng() % names.size()];
    u.licence_id = trial % 5 == 0 ? "" : "lic_y";
    u.agent_names = {names[rng() % names.size()]};
    if (trial % 2 == 0) u.agent_names.push_back(names[rng() % names.size()]);
    u.pixels = trial % 4 == 0 ? static_cast<double>(rng() % 5000) : real();
    u.height_fraction = real();
    u.altered = (trial % 2) == 1;
    u.synthetic = (trial % 7) == 0;
    const json expected = {{"agent_names", u.agent_names},
                           {"agents", u.agent_names.size()},
                           {"altered", u.altered},
                           {"double", u.double_id},
                           {"fps", u.fps},
                           {"frame", u.key.frame},
                           {"height_fraction", u.height_fraction},
                           {"licence", u.licence_id},
                           {"performer", u.performer_id},
                           {"pixels", u.pixels},
                           {"production", u.key.production},
                           {"render", u.render_id},
                           {"shot", u.key.shot},
                           {"synthetic", u.synthetic}};
    ASSERT_EQ(UsagePayload(u), expected.dump(-1, ' ', false, json::error_handler_t::replace))
        << "trial " << trial;
  }
}

}  // namespace
}  // namespace figurant::ledger

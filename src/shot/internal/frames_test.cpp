// The frame loop's check after rendering: an agent whose measured silhouette is larger on screen
// than the licence that allowed it stops the frame, naming the agent, the frame, the size and the
// limit.
#include "shot/internal/frames.h"

#include <gtest/gtest.h>

namespace figurant::shot::internal {
namespace {

render::AgentCoverage Measured(int agent, double silhouette) {
  render::AgentCoverage c;
  c.agent = agent;
  c.pixels = 100;
  c.silhouette_fraction = silhouette;
  return c;
}

TEST(FramesTest, AFrameLargerThanALicenceAllowsIsRefusedNamingEveryAgent) {
  std::vector<CastAgent> agents(3);
  const char* names[] = {"small", "big", "bigger"};
  for (size_t a = 0; a < agents.size(); ++a) {
    agents[a].name = names[a];
    agents[a].double_id = "dbl_" + std::to_string(a);
    agents[a].licence_id = "lic_" + std::to_string(a);
    agents[a].max_screen_fraction = 0.25;
  }
  render::Frame f;
  f.frame = 1042;
  f.coverage = {Measured(0, 0.25), Measured(2, 0.1)};
  EXPECT_TRUE(CheckSizesOnScreen(f, agents).ok());  // the limit itself is allowed
  f.coverage = {Measured(0, 0.2), Measured(1, 0.31), Measured(2, 0.5)};
  const Status s = CheckSizesOnScreen(f, agents);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  for (const char* part :
       {"frame 1042", "big (double dbl_1) measures 0.310", "over the 0.25", "lic_1",
        "bigger (double dbl_2) measures 0.500", "too_large_on_screen"}) {
    EXPECT_NE(s.message().find(part), std::string::npos) << part << "\n" << s.message();
  }
  EXPECT_EQ(s.message().find("small"), std::string::npos) << s.message();
  // An agent without a licence limit (0) is never published.
  agents[0].max_screen_fraction = 0;
  f.coverage = {Measured(0, 0.01)};
  EXPECT_FALSE(CheckSizesOnScreen(f, agents).ok());
}

}  // namespace
}  // namespace figurant::shot::internal

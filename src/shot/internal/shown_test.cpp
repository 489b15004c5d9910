// Which licences a moving shot flags for re-confirmation (LicencesToReconfirm): those its
// travelling agents were allowed under whose consent predates the disclosure of movement; not a
// licence signed under the current text, nor one whose agents only stand.
#include "shot/internal/shown.h"

#include <gtest/gtest.h>

#include "consent/disclosure.h"

namespace figurant::shot::internal {
namespace {

consent::LicenceFacts Facts(const std::string& id, int disclosure_version) {
  consent::LicenceFacts f;
  f.id = id;
  f.disclosure_version = disclosure_version;
  return f;
}

TEST(ShownTest, OnlyTravellersUnderAnOldDisclosureFlagTheirLicence) {
  CastingPool pool;
  pool.performers["per_old"].licences = {Facts("lic_old", 1), Facts("lic_other", 1)};
  pool.performers["per_new"].licences = {Facts("lic_new", consent::kDisclosureVersion)};
  RenderedAgents rendered;
  auto add = [&](const std::string& performer, const std::string& licence, bool travels) {
    rendered.agents.push_back({"a" + std::to_string(rendered.agents.size()), "dbl_" + performer,
                               performer, licence, 0.5, false, false});
    AgentMotion m;
    m.travels = travels;
    rendered.motions.push_back(m);
  };
  add("per_old", "lic_old", true);
  add("per_old", "lic_old", true);
  add("per_old", "lic_other", false);  // stands: its licence is not flagged
  add("per_new", "lic_new", true);     // signed under the text that says so
  const std::vector<Reconfirm> r = LicencesToReconfirm(rendered, pool);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].licence_id, "lic_old");
  EXPECT_EQ(r[0].performer_id, "per_old");
  EXPECT_EQ(r[0].double_id, "dbl_per_old");
  EXPECT_EQ(r[0].disclosure_version, 1);
  EXPECT_EQ(r[0].agents, 2);
}

}  // namespace
}  // namespace figurant::shot::internal

// The per-agent check stage: each allowed agent carries the licence its own check allowed (the one
// billed), and each refused agent every reason, named by licence.
#include "shot/internal/licence_check.h"

#include <gtest/gtest.h>

#include "shot/shot_test_bank.h"

namespace figurant::shot::internal {
namespace {

constexpr char kStudio[] = "stu_1";
constexpr char kProduction[] = "prd_1";

consent::LicenceFacts Licence(const std::string& id, double max_screen_height_fraction,
                              bool blanket = false) {
  nlohmann::json terms =
      LicenceTerms(kProduction, nlohmann::json::array(), max_screen_height_fraction);
  if (blanket) terms["productions"] = "any";
  auto parsed = consent::ParseTerms(terms, id, kStudio);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  consent::LicenceFacts l;
  l.id = id;
  l.studio_id = kStudio;
  l.terms = parsed.ok() ? *parsed : consent::Terms{};
  l.state = consent::LicenceState::kActive;
  l.signature_valid = true;
  return l;
}

class LicenceCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // "two" holds a narrow licence naming the production and a wide blanket one; "narrow" only
    // the narrow kind. Both doubles are 1.7 m tall; "bare" has no stored geometry.
    AddDouble("dbl_two", "per_two", true);
    AddDouble("dbl_narrow", "per_narrow", true);
    AddDouble("dbl_bare", "per_two", false);
    pool_.performers["per_two"].licences = {Licence("lic_two_narrow", kNarrow),
                                            Licence("lic_two_wide", 0.95, true)};
    pool_.performers["per_narrow"].licences = {Licence("lic_narrow", kNarrow)};
    camera_.position = {0, 1, -6};
    camera_.look_at = {0, 0.9f, 0};
    camera_.width = 64;
    camera_.height = 36;
  }

  void AddDouble(const std::string& id, const std::string& performer, bool geometry) {
    bank::DoubleEligibility& e = pool_.judged[id];
    e.double_row.id = id;
    e.double_row.performer_id = performer;
    e.double_row.height_m = 0.5;  // the registry's copy: never read by the check
    e.double_row.bounds_json = R"({"lo": [-0.01, 0, -0.01], "hi": [0.01, 0.5, 0.01]})";
    if (geometry) {
      e.double_row.blob_id = "blob_" + id;
      sizes_[id] = Box(0.3f, 1.7f, 0.15f);  // the stored geometry's bounds
    }
    e.performer.id = performer;
  }

  // A double's bounds: `half_width` either side in x, `half_depth` in z, `height` tall.
  static geom::Bounds3f Box(float half_width, float height, float half_depth) {
    geom::Bounds3f box;
    box.Extend({-half_width, 0, -half_depth});
    box.Extend({half_width, height, half_depth});
    return box;
  }

  static PlacedAgent Agent(const std::string& name, const std::string& double_id, float z) {
    PlacedAgent a;
    a.inst.name = name;
    a.inst.position = {0, 0, z};
    a.double_id = double_id;
    return a;
  }

  static constexpr double kNarrow = 0.25;  // an agent at z = 0 stands about half the frame high
  CastingPool pool_;
  DoubleSizes sizes_;
  geom::Camera camera_;
  const consent::ProductionFacts production_{kProduction, kStudio, {"streaming"}, {"FR"}, {}};
  const Date today_{2026, 9, 21};
};

TEST_F(LicenceCheckTest, EachAgentCarriesTheLicenceItsOwnCheckAllowed) {
  const std::vector<PlacedAgent> agents = {
      Agent("near", "dbl_two", 0),  // too large for the narrow licence: the wide one allows it
      Agent("far", "dbl_two", 60),  // small: the narrow one, more specific, allows it
      Agent("near_narrow", "dbl_narrow", 0),  // only a narrow licence: refused
      Agent("bare", "dbl_bare", 60),          // allowed by a licence, but nothing to render
  };
  const LicenceCheck check = CheckAgents(agents, pool_, sizes_, production_, today_, camera_);
  ASSERT_EQ(check.allowed.size(), 2u);
  EXPECT_EQ(check.allowed[0].agent, 0u);
  EXPECT_EQ(check.allowed[0].licence_id, "lic_two_wide");
  EXPECT_EQ(check.allowed[1].agent, 1u);
  EXPECT_EQ(check.allowed[1].licence_id, "lic_two_narrow");

  ASSERT_EQ(check.refused.size(), 2u);
  const RefusedAgent& near = check.refused[0];
  EXPECT_EQ(near.agent, "near_narrow");
  EXPECT_EQ(near.double_id, "dbl_narrow");
  EXPECT_EQ(near.performer_id, "per_narrow");
  ASSERT_EQ(near.reasons.size(), 1u);
  EXPECT_EQ(near.reasons[0].rfind("lic_narrow: too_large_on_screen: ", 0), 0u) << near.reasons[0];
  const RefusedAgent& bare = check.refused[1];
  EXPECT_EQ(bare.agent, "bare");
  ASSERT_EQ(bare.reasons.size(), 1u);
  EXPECT_EQ(bare.reasons[0], "no_geometry: the double has no stored geometry");
}

// A camera looking straight down sees the performer's length, not the feet-to-head line (which
// projects to a point): the size checked is the whole double's, from any viewpoint.
TEST_F(LicenceCheckTest, CameraLookingDownSeesThePerformerAtTheirSize) {
  camera_.position = {0, 4.5f, 0};
  camera_.look_at = {0, 0, 0};
  camera_.up = {0, 0, 1};
  const LicenceCheck check =
      CheckAgents({Agent("below", "dbl_narrow", 0)}, pool_, sizes_, production_, today_, camera_);
  EXPECT_TRUE(check.allowed.empty());
  ASSERT_EQ(check.refused.size(), 1u);
  EXPECT_NE(check.refused[0].reasons[0].find("too_large_on_screen"), std::string::npos)
      << check.refused[0].reasons[0];
  // The same double far below is small enough, and carries its licence's limit.
  camera_.position = {0, 40, 0};
  const LicenceCheck far =
      CheckAgents({Agent("below", "dbl_narrow", 0)}, pool_, sizes_, production_, today_, camera_);
  ASSERT_EQ(far.allowed.size(), 1u);
  EXPECT_EQ(far.allowed[0].max_screen_fraction, kNarrow);
}

// The size checked is the geometry's, whatever the registry row says (shrunk above to 0.5 m),
// and the box's longest side on screen is never less than its standing height.
TEST_F(LicenceCheckTest, ScreenSizeIsTheStoredGeometrysNeverTheRows) {
  const geom::Camera::Basis basis = camera_.ComputeBasis();
  const PlacedAgent a = Agent("a", "dbl_narrow", 0);
  const double standing = camera_.ScreenHeightFraction(basis, {0, 0, 0}, 1.7f);
  EXPECT_GE(ScreenSizeFraction(a, sizes_["dbl_narrow"], camera_, basis), standing);
  EXPECT_LT(camera_.ScreenHeightFraction(basis, {0, 0, 0}, 0.5f), kNarrow);
  const LicenceCheck check =
      CheckAgents({Agent("near", "dbl_narrow", 0)}, pool_, sizes_, production_, today_, camera_);
  EXPECT_TRUE(check.allowed.empty());
}

TEST_F(LicenceCheckTest, AlterationsAreCheckedAsApplied) {
  PlacedAgent tinted = Agent("tinted", "dbl_two", 60);
  tinted.alterations = {consent::Alteration::kBodyScale};  // neither licence permits it
  const LicenceCheck check = CheckAgents({tinted}, pool_, sizes_, production_, today_, camera_);
  EXPECT_TRUE(check.allowed.empty());
  ASSERT_EQ(check.refused.size(), 1u);
  ASSERT_EQ(check.refused[0].reasons.size(), 2u);
  for (const std::string& why : check.refused[0].reasons) {
    EXPECT_NE(why.find(": alteration_not_permitted: "), std::string::npos) << why;
  }
}

TEST_F(LicenceCheckTest, RefusalsFailTheShotUnlessDropped) {
  const LicenceCheck check = CheckAgents({Agent("near_narrow", "dbl_narrow", 0)}, pool_, sizes_,
                                         production_, today_, camera_);
  EXPECT_TRUE(RefusalStatus(check.refused, true).ok());
  EXPECT_TRUE(RefusalStatus({}, false).ok());
  const Status s = RefusalStatus(check.refused, false);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("near_narrow (double dbl_narrow)"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("lic_narrow: too_large_on_screen"), std::string::npos);
  // The library names its own option, not a command-line flag.
  EXPECT_NE(s.message().find("drop_refused"), std::string::npos);
  EXPECT_EQ(s.message().find("--"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace figurant::shot::internal

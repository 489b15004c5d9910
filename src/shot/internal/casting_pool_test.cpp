// The casting pool stage: which judged doubles are cast, what their licence lets a group vary, and
// the exclusions counted by reason.
#include "shot/internal/casting_pool.h"

#include <gtest/gtest.h>

namespace figurant::shot::internal {
namespace {

bank::DoubleEligibility Judged(const std::string& id, bool geometry, consent::Decision decision) {
  bank::DoubleEligibility e;
  e.double_row.id = id;
  e.double_row.performer_id = "per_" + id;
  if (geometry) e.double_row.blob_id = "blob_" + id;
  e.performer.id = "per_" + id;
  e.decision = std::move(decision);
  return e;
}

consent::Decision Allowed(const std::string& licence) { return {true, licence, {}}; }

consent::Decision Denied(std::vector<consent::LicenceDenial> denials) {
  return {false, "", std::move(denials)};
}

PerformerLicences Holding(const std::string& licence, std::vector<consent::Alteration> alts) {
  PerformerLicences p;
  p.licences.emplace_back();
  p.licences.back().id = licence;
  p.licences.back().terms.alterations = std::move(alts);
  return p;
}

TEST(CastingPoolTest, CastsAllowedDoublesWithGeometryAndCountsTheRestByReason) {
  using consent::ReasonCode;
  const std::vector<bank::DoubleEligibility> judged = {
      Judged("a", true, Allowed("lic_a")),
      Judged("b", false, Allowed("lic_b")),  // allowed, nothing stored
      // Two licences refusing for the same reason count once for the double.
      Judged("c", true,
             Denied({{"lic_c1", {{ReasonCode::kExpired, "expired"}}},
                     {"lic_c2",
                      {{ReasonCode::kExpired, "expired"}, {ReasonCode::kOtherStudio, "studio"}}}})),
      Judged("d", true, Denied({{"lic_d", {{ReasonCode::kExpired, "expired"}}}})),
      Judged("e", true, Allowed("lic_e")),
  };
  std::map<std::string, PerformerLicences> performers = {
      {"per_a", Holding("lic_a", {consent::Alteration::kWardrobeTint})},
      {"per_b", Holding("lic_b", {})},
      {"per_c", {}},
      {"per_d", {}},
      {"per_e", Holding("lic_e", {consent::Alteration::kBodyScale})},
  };
  const CastingPool pool = BuildCastingPool(judged, std::move(performers));
  ASSERT_EQ(pool.doubles.size(), 2u);
  EXPECT_EQ(pool.doubles[0].row.id, "a");
  EXPECT_EQ(pool.doubles[0].licence_id, "lic_a");
  EXPECT_TRUE(pool.doubles[0].tint_ok);
  EXPECT_FALSE(pool.doubles[0].scale_ok);
  EXPECT_EQ(pool.doubles[1].row.id, "e");
  EXPECT_FALSE(pool.doubles[1].tint_ok);
  EXPECT_TRUE(pool.doubles[1].scale_ok);
  const std::map<std::string, int> expected = {
      {"expired", 2}, {"other_studio", 1}, {"no_geometry", 1}};
  EXPECT_EQ(pool.excluded_by_reason, expected);
  // Every double stays known to the per-agent check, excluded or not.
  EXPECT_EQ(pool.judged.size(), 5u);
  EXPECT_FALSE(pool.judged.at("c").decision.allowed);
}

}  // namespace
}  // namespace figurant::shot::internal

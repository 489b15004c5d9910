#include "consent/check.h"

#include <gtest/gtest.h>

#include <cmath>

#include "consent/test_terms.h"

namespace figurant::consent {
namespace {

Date D(const char* s) { return *Date::Parse(s); }

class CheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = ParseTerms(testing::ExampleTermsJson(), "t.json", "stu_1");
    ASSERT_TRUE(t.ok());
    licence_.id = "lic_a";
    licence_.studio_id = "stu_1";
    licence_.terms = *t;
    licence_.state = LicenceState::kActive;
    licence_.signature_valid = true;
    request_.production = {"prd_0000000000000001", "stu_1", {"streaming"}, {"FR", "US"}, {}};
    request_.use = Use::kBackground;
    request_.date = D("2026-06-01");
    request_.screen_height_fraction = 0.1;
    request_.alterations = {Alteration::kWardrobeTint};
  }

  // Asserts the request is denied with exactly one reason, of `code`.
  void ExpectOnly(ReasonCode code) {
    Decision d = Check({licence_}, performer_, request_);
    EXPECT_FALSE(d.allowed);
    ASSERT_EQ(d.denials.size(), 1u);
    ASSERT_EQ(d.denials[0].reasons.size(), 1u) << d.denials[0].reasons[1].detail;
    EXPECT_EQ(d.denials[0].reasons[0].code, code) << d.denials[0].reasons[0].detail;
  }

  LicenceFacts licence_;
  PerformerFacts performer_;
  UseRequest request_;
};

TEST_F(CheckTest, AllowedWhenEveryRuleHolds) {
  Decision d = Check({licence_}, performer_, request_);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.licence_id, "lic_a");
  EXPECT_TRUE(d.denials.empty());
}

TEST_F(CheckTest, NoLicence) {
  Decision d = Check({}, performer_, request_);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.AllReasonCodes(), std::vector<ReasonCode>{ReasonCode::kNoLicence});
}

TEST_F(CheckTest, Draft) {
  licence_.state = LicenceState::kDraft;
  ExpectOnly(ReasonCode::kNotSigned);
}

TEST_F(CheckTest, SignatureInvalid) {
  licence_.signature_valid = false;
  ExpectOnly(ReasonCode::kSignatureInvalid);
}

TEST_F(CheckTest, OtherStudio) {
  request_.production.studio_id = "stu_2";
  ExpectOnly(ReasonCode::kOtherStudio);
}

TEST_F(CheckTest, ProductionNotCovered) {
  request_.production.id = "prd_other";
  ExpectOnly(ReasonCode::kProductionNotCovered);
  licence_.terms.all_productions = true;
  EXPECT_TRUE(Check({licence_}, performer_, request_).allowed);
}

TEST_F(CheckTest, UseNotCovered) {
  request_.use = Use::kFeaturedBackground;
  ExpectOnly(ReasonCode::kUseNotCovered);
}

TEST_F(CheckTest, MediumNotCovered) {
  request_.production.media = {"streaming", "broadcast"};
  ExpectOnly(ReasonCode::kMediumNotCovered);
}

TEST_F(CheckTest, TerritoryNotCovered) {
  licence_.terms.territories = {"FR"};
  ExpectOnly(ReasonCode::kTerritoryNotCovered);
  request_.production.territories = {"worldwide"};
  ExpectOnly(ReasonCode::kTerritoryNotCovered);
  request_.production.territories = {"FR"};
  EXPECT_TRUE(Check({licence_}, performer_, request_).allowed);
}

TEST_F(CheckTest, OutsideTerm) {
  request_.date = D("2025-12-31");
  ExpectOnly(ReasonCode::kNotYetValid);
  request_.date = D("2028-01-01");
  ExpectOnly(ReasonCode::kExpired);
  request_.date = D("2027-12-31");  // last day is inclusive
  EXPECT_TRUE(Check({licence_}, performer_, request_).allowed);
  licence_.terms.valid_until.reset();
  request_.date = D("2090-01-01");
  EXPECT_TRUE(Check({licence_}, performer_, request_).allowed);
}

TEST_F(CheckTest, RevokedFromItsEffectiveDate) {
  licence_.state = LicenceState::kRevoked;
  licence_.revoked_from = D("2026-07-01");
  request_.date = D("2026-06-30");
  EXPECT_TRUE(Check({licence_}, performer_, request_).allowed);
  request_.date = D("2026-07-01");
  ExpectOnly(ReasonCode::kRevoked);
}

TEST_F(CheckTest, ContentExcluded) {
  request_.production.content = {"violence", "political"};
  ExpectOnly(ReasonCode::kContentExcluded);
}

TEST_F(CheckTest, TooLargeOnScreen) {
  request_.screen_height_fraction = 0.2;  // the limit itself is allowed
  EXPECT_TRUE(Check({licence_}, performer_, request_).allowed);
  request_.screen_height_fraction = 0.21;
  ExpectOnly(ReasonCode::kTooLargeOnScreen);
  request_.screen_height_fraction.reset();  // unknown height: not judged
  EXPECT_TRUE(Check({licence_}, performer_, request_).allowed);
}

// A size that is not a measurement is refused, never read as "no limit"; infinity is too large.
TEST_F(CheckTest, ScreenSizeThatIsNotANumberIsRefused) {
  for (double bad : {std::nan(""), -0.1, -HUGE_VAL, HUGE_VAL, 1.5}) {
    request_.screen_height_fraction = bad;
    ExpectOnly(ReasonCode::kTooLargeOnScreen);
  }
}

TEST_F(CheckTest, AlterationNotPermitted) {
  request_.alterations = {Alteration::kWardrobeTint, Alteration::kBodyScale};
  ExpectOnly(ReasonCode::kAlterationNotPermitted);
  licence_.terms.alterations.clear();
  request_.alterations = {Alteration::kWardrobeTint};
  ExpectOnly(ReasonCode::kAlterationNotPermitted);
}

TEST_F(CheckTest, DeceasedPerformerNeedsEstateLicence) {
  performer_.deceased_on = D("2026-05-01");
  request_.date = D("2026-04-30");
  EXPECT_TRUE(Check({licence_}, performer_, request_).allowed);
  request_.date = D("2026-05-01");
  ExpectOnly(ReasonCode::kNeedsEstate);
  licence_.signer = Signer::kEstate;
  EXPECT_TRUE(Check({licence_}, performer_, request_).allowed);
}

TEST_F(CheckTest, SuspendedFromTheDayTheyStopUntilTheDayTheyResume) {
  licence_.suspensions.push_back({D("2026-05-10"), D("2026-06-01")});
  request_.date = D("2026-05-09");
  EXPECT_TRUE(Check({licence_}, performer_, request_).allowed);
  request_.date = D("2026-05-10");
  ExpectOnly(ReasonCode::kSuspended);
  request_.date = D("2026-05-31");
  ExpectOnly(ReasonCode::kSuspended);
  request_.date = D("2026-06-01");  // resumed on this day
  EXPECT_TRUE(Check({licence_}, performer_, request_).allowed);
  licence_.suspensions.push_back({D("2026-06-02"), std::nullopt});  // not resumed yet
  request_.date = D("2029-01-01");
  licence_.terms.valid_until.reset();
  ExpectOnly(ReasonCode::kSuspended);
}

TEST_F(CheckTest, AStrikeAgainstTheProductionsStudioRefusesEveryLicenceWithIt) {
  performer_.strikes.push_back({"uni_1", "stu_2", {D("2026-05-01"), std::nullopt}});
  EXPECT_TRUE(Check({licence_}, performer_, request_).allowed) << "another studio's strike";
  performer_.strikes.push_back({"uni_1", "stu_1", {D("2026-05-01"), D("2026-06-01")}});
  EXPECT_TRUE(Check({licence_}, performer_, request_).allowed) << "ended the day before";
  request_.date = D("2026-05-31");
  ExpectOnly(ReasonCode::kStrike);
  Decision d = Check({licence_}, performer_, request_);
  EXPECT_NE(d.denials[0].reasons[0].detail.find("uni_1"), std::string::npos);
}

TEST_F(CheckTest, ErasedPerformerOrLicence) {
  licence_.state = LicenceState::kErased;
  ExpectOnly(ReasonCode::kErased);
  licence_.state = LicenceState::kActive;
  performer_.erased = true;
  Decision d = Check({licence_}, performer_, request_);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.AllReasonCodes(), std::vector<ReasonCode>{ReasonCode::kErased});
}

TEST_F(CheckTest, EveryReasonIsListedTogether) {
  request_.production = {"prd_x", "stu_2", {"broadcast"}, {"worldwide"}, {"nudity"}};
  licence_.terms.territories = {"FR"};
  request_.date = D("2030-01-01");
  request_.screen_height_fraction = 0.9;
  request_.alterations = {Alteration::kFace};
  Decision d = Check({licence_}, performer_, request_);
  EXPECT_EQ(d.AllReasonCodes(),
            (std::vector<ReasonCode>{ReasonCode::kOtherStudio, ReasonCode::kProductionNotCovered,
                                     ReasonCode::kMediumNotCovered,
                                     ReasonCode::kTerritoryNotCovered, ReasonCode::kExpired,
                                     ReasonCode::kContentExcluded, ReasonCode::kTooLargeOnScreen,
                                     ReasonCode::kAlterationNotPermitted}));
}

TEST_F(CheckTest, MostSpecificAllowingLicenceIsChosen) {
  LicenceFacts blanket = licence_;
  blanket.id = "lic_0";
  blanket.terms.all_productions = true;
  Decision d = Check({blanket, licence_}, performer_, request_);
  ASSERT_TRUE(d.allowed);
  EXPECT_EQ(d.licence_id, "lic_a");
}

}  // namespace
}  // namespace figurant::consent

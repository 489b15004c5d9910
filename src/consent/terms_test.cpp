#include "consent/terms.h"

#include <gtest/gtest.h>

#include "consent/test_terms.h"

namespace figurant::consent {
namespace {

using nlohmann::json;
using testing::ExampleTermsJson;

TEST(TermsTest, ParsesTheDocumentedExample) {
  auto t = ParseTerms(ExampleTermsJson(), "terms.json", "stu_1");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->studio, "stu_1");
  EXPECT_FALSE(t->blanket());
  EXPECT_FALSE(t->perpetual());
  EXPECT_EQ(t->productions, std::vector<std::string>{"prd_0000000000000001"});
  EXPECT_EQ(t->uses, std::vector<Use>{Use::kBackground});
  EXPECT_EQ(t->valid_until->ToString(), "2027-12-31");
  EXPECT_DOUBLE_EQ(t->max_screen_height_fraction, 0.2);
  EXPECT_EQ(t->alterations, std::vector<Alteration>{Alteration::kWardrobeTint});
  EXPECT_EQ(t->compensation.currency, "EUR");
  EXPECT_DOUBLE_EQ(t->compensation.scan_fee, 180.0);
  EXPECT_EQ(t->revocation_notice_days, 30);
}

TEST(TermsTest, BlanketAndPerpetualAreRecognised) {
  json j = ExampleTermsJson();
  j["productions"] = "any";
  j["valid_until"] = nullptr;
  auto t = ParseTerms(j, "t.json");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_TRUE(t->blanket());
  EXPECT_TRUE(t->perpetual());
  EXPECT_TRUE(t->wider_than_engagement());
}

TEST(TermsTest, AlterationsDefaultToWardrobeTintOnly) {
  json j = ExampleTermsJson();
  j.erase("alterations");
  auto t = ParseTerms(j, "t.json");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->alterations, std::vector<Alteration>{Alteration::kWardrobeTint});
  j["alterations"] = json::array();
  EXPECT_TRUE(ParseTerms(j, "t.json")->alterations.empty());
}

TEST(TermsTest, EveryBadFieldIsReportedAtOnce) {
  json j = ExampleTermsJson();
  j["uses"] = {"principal"};
  j["media"] = {"cinema"};
  j["territories"] = {"FR", "XX"};
  j["valid_from"] = "2026-02-30";
  j["max_screen_height_fraction"] = 1.5;
  j["alterations"] = {"face_swap"};
  j["excluded_content"] = {"gore"};
  j["compensation"]["currency"] = "EURO";
  j["compensation"]["scan_fee"] = -5;
  j["revocation_notice_days"] = 2.5;
  j["territory"] = "FR";
  auto t = ParseTerms(j, "bad.json");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  const std::string& m = t.status().message();
  for (const char* expected :
       {"bad.json: field 'uses': 'principal' is never granted",
        "field 'media': 'cinema' is not one of", "field 'territories': 'XX' is not",
        "field 'valid_from': '2026-02-30' is not a date",
        "field 'max_screen_height_fraction': must be in (0, 1]", "field 'alterations': 'face_swap'",
        "field 'excluded_content': 'gore'",
        "field 'compensation.currency': 'EURO' is not an ISO 4217",
        "field 'compensation.scan_fee': must be a finite amount >= 0",
        "field 'revocation_notice_days': expected a whole number",
        "field 'territory': unknown field (did you mean 'territories'?)"}) {
    EXPECT_NE(m.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << m;
  }
}

TEST(TermsTest, MissingFieldsAreNamed) {
  auto t = ParseTerms(json::object(), "empty.json");
  ASSERT_FALSE(t.ok());
  for (const char* field :
       {"productions", "uses", "media", "territories", "valid_from", "valid_until",
        "max_screen_height_fraction", "compensation", "revocable"}) {
    EXPECT_NE(t.status().message().find(std::string("field '") + field + "'"), std::string::npos)
        << field;
  }
}

TEST(TermsTest, EndBeforeStartIsRefused) {
  json j = ExampleTermsJson();
  j["valid_until"] = "2025-12-31";
  auto t = ParseTerms(j, "t.json");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("before valid_from"), std::string::npos);
}

TEST(TermsTest, StudioFieldMustMatchTheDraftStudio) {
  json j = ExampleTermsJson();
  j["studio"] = "stu_other";
  EXPECT_FALSE(ParseTerms(j, "t.json", "stu_1").ok());
  EXPECT_TRUE(ParseTerms(j, "t.json", "stu_other").ok());
}

TEST(TermsTest, WorldwideCannotBeMixedWithCountries) {
  json j = ExampleTermsJson();
  j["territories"] = {"worldwide", "FR"};
  EXPECT_FALSE(ParseTerms(j, "t.json").ok());
  j["territories"] = {"FR", "US", "GB"};
  EXPECT_TRUE(ParseTerms(j, "t.json").ok());
}

TEST(TermsTest, SyntaxErrorsNameTheFile) {
  auto t = ParseTermsText("{\"uses\": [", "broken.json");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("broken.json: not valid JSON"), std::string::npos);
}

// A number a double cannot hold aborted the process; an amount past kMaxAmount, a float or a
// huge unsigned number of notice days were taken as something else. Each names its field.
TEST(TermsTest, HostileNumbersAreFieldErrors) {
  const std::string example = ExampleTermsJson().dump();
  const struct {
    std::string from, to, field;
  } kCases[] = {
      {"\"scan_fee\":180.0", "\"scan_fee\":1e400", "compensation.scan_fee"},
      {"\"scan_fee\":180.0", "\"scan_fee\":-1e400", "compensation.scan_fee"},
      {"\"scan_fee\":180.0", "\"scan_fee\":1" + std::string(309, '0'), "compensation.scan_fee"},
      {"\"scan_fee\":180.0", "\"scan_fee\":1000000001", "compensation.scan_fee"},
      {"\"revocation_notice_days\":30", "\"revocation_notice_days\":30.5",
       "revocation_notice_days"},
      {"\"revocation_notice_days\":30", "\"revocation_notice_days\":18446744073709551615",
       "revocation_notice_days"},
  };
  for (const auto& c : kCases) {
    std::string text = example;
    const size_t at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from << " not in " << text;
    text.replace(at, c.from.size(), c.to);
    auto t = ParseTermsText(text, "terms.json", "stu_1");
    ASSERT_FALSE(t.ok()) << c.to;
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(t.status().message().find("terms.json: field '" + c.field + "'"), std::string::npos)
        << t.status().message();
  }
}

TEST(TermsTest, CodeLookupsAreExactAtBothEndsOfTheTables) {
  EXPECT_TRUE(IsCountryCode("AD"));  // first of the table
  EXPECT_TRUE(IsCountryCode("ZW"));  // last
  EXPECT_TRUE(IsCountryCode("FR"));
  EXPECT_FALSE(IsCountryCode("fr"));
  EXPECT_FALSE(IsCountryCode("FRA"));
  EXPECT_FALSE(IsCountryCode(""));
  json j = ExampleTermsJson();
  for (const char* currency : {"AED", "ZWL", "JPY"}) {
    j["compensation"]["currency"] = currency;
    EXPECT_TRUE(ParseTerms(j, "t.json").ok()) << currency;
  }
  for (const char* currency : {"eur", "EU", ""}) {
    j["compensation"]["currency"] = currency;
    EXPECT_FALSE(ParseTerms(j, "t.json").ok()) << currency;
  }
}

TEST(TermsTest, NamesParseBackToTheirValues) {
  for (Use u : {Use::kBackground, Use::kFeaturedBackground, Use::kPrincipal}) {
    EXPECT_EQ(ParseUse(UseName(u)), u) << UseName(u);
  }
  for (Alteration a : {Alteration::kWardrobeTint, Alteration::kBodyScale, Alteration::kFace}) {
    EXPECT_EQ(ParseAlteration(AlterationName(a)), a) << AlterationName(a);
  }
  EXPECT_EQ(UseName(Use::kFeaturedBackground), "featured_background");
  EXPECT_EQ(AlterationName(Alteration::kWardrobeTint), "wardrobe_tint");
  EXPECT_FALSE(ParseUse("Background").has_value());
  EXPECT_FALSE(ParseAlteration("").has_value());
}

TEST(TermsTest, CanonicalTextRoundTrips) {
  auto t = ParseTerms(ExampleTermsJson(), "t.json", "stu_1");
  ASSERT_TRUE(t.ok());
  const std::string text = CanonicalTermsText(*t);
  auto back = ParseTermsText(text, "canonical");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(CanonicalTermsText(*back), text);
}

}  // namespace
}  // namespace figurant::consent

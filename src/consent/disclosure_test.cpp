#include "consent/disclosure.h"

#include <gtest/gtest.h>

#include "consent/test_terms.h"

namespace figurant::consent {
namespace {

class DisclosureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    nlohmann::json j = testing::ExampleTermsJson();
    j["productions"] = {"prd_0000000000000001", "prd_0000000000000002"};
    j["territories"] = {"FR", "US"};
    j["compensation"]["per_screen_second"] = 1.25;
    j["compensation"]["minimum_per_production"] = 50;
    auto t = ParseTerms(j, "t.json", "stu_1");
    ASSERT_TRUE(t.ok()) << t.status().message();
    terms_ = *t;
    names_.performer_name = "Amina Diallo";
    names_.studio_name = "Lumière Pictures";
    names_.production_titles = {{"prd_0000000000000001", "Le Grand Match"},
                                {"prd_0000000000000002", "Night Market"}};
  }
  Terms terms_;
  DisclosureNames names_;
};

TEST_F(DisclosureTest, EnglishNamesEveryTerm) {
  const std::string text = Disclosure(terms_, names_, Language::kEnglish);
  for (const char* s : {"Amina Diallo",
                        "Lumière Pictures",
                        "\"Le Grand Match\" (prd_0000000000000001)",
                        "\"Night Market\" (prd_0000000000000002)",
                        "background",
                        "streaming services",
                        "cinema release",
                        "France (FR)",
                        "United States (US)",
                        "1 January 2026",
                        "31 December 2027",
                        "20% of the frame height",
                        "changing the colour of the clothes",
                        "nudity",
                        "political content",
                        "scan fee, paid once: EUR 180.00",
                        "for each production your double appears in: EUR 180.00",
                        "for each second on screen: EUR 1.25",
                        "guaranteed minimum per production: EUR 50.00",
                        "Withdrawal takes effect 30 days",
                        "erased 3 years after",
                        "AB 2602"}) {
    EXPECT_NE(text.find(s), std::string::npos) << "missing: " << s << "\n" << text;
  }
  EXPECT_EQ(text.find("blanket"), std::string::npos);
  EXPECT_EQ(text.find("perpetual"), std::string::npos);
}

TEST_F(DisclosureTest, FrenchNamesEveryTerm) {
  const std::string text = Disclosure(terms_, names_, Language::kFrench);
  for (const char* s : {"Amina Diallo",
                        "Lumière Pictures",
                        "\"Le Grand Match\" (prd_0000000000000001)",
                        "\"Night Market\" (prd_0000000000000002)",
                        "arrière-plan",
                        "plateformes de streaming",
                        "sortie en salles",
                        "France (FR)",
                        "États-Unis (US)",
                        "1er janvier 2026",
                        "31 décembre 2027",
                        "20 % de la hauteur",
                        "changer la couleur des vêtements",
                        "nudité",
                        "contenu politique",
                        "frais de scan, payés une fois : 180,00 EUR",
                        "par production dans laquelle votre double apparaît : 180,00 EUR",
                        "par seconde à l'écran : 1,25 EUR",
                        "minimum garanti par production : 50,00 EUR",
                        "effet 30 jours",
                        "effacés 3 ans après",
                        "AB 2602"}) {
    EXPECT_NE(text.find(s), std::string::npos) << "missing: " << s << "\n" << text;
  }
  // No English sentence leaks into the French text.
  for (const char* s : {"PAYMENT", "TERM:", "your double", "Withdrawal"}) {
    EXPECT_EQ(text.find(s), std::string::npos) << s;
  }
}

TEST_F(DisclosureTest, BlanketPerpetualIrrevocableAreSpeltOut) {
  terms_.all_productions = true;
  terms_.valid_until.reset();
  terms_.revocable = false;
  const std::string en = Disclosure(terms_, names_, Language::kEnglish);
  EXPECT_NE(en.find("PRODUCTIONS: ANY. This is a blanket grant"), std::string::npos);
  EXPECT_NE(en.find("including productions that do not exist yet"), std::string::npos);
  EXPECT_NE(en.find("WITH NO END DATE. This is a perpetual licence"), std::string::npos);
  EXPECT_NE(en.find("REVOCATION: NOT POSSIBLE"), std::string::npos);
  const std::string fr = Disclosure(terms_, names_, Language::kFrench);
  EXPECT_NE(fr.find("PRODUCTIONS : TOUTES. Ceci est une autorisation générale"), std::string::npos);
  EXPECT_NE(fr.find("SANS DATE DE FIN. Ceci est une licence perpétuelle"), std::string::npos);
  EXPECT_NE(fr.find("RÉVOCATION : IMPOSSIBLE"), std::string::npos);
}

TEST_F(DisclosureTest, SingleProductionHasNoRepresentationWarning) {
  terms_.productions = {"prd_0000000000000001"};
  EXPECT_EQ(Disclosure(terms_, names_, Language::kEnglish).find("AB 2602"), std::string::npos);
}

TEST_F(DisclosureTest, NoAlterationsSaysSo) {
  terms_.alterations.clear();
  EXPECT_NE(Disclosure(terms_, names_, Language::kEnglish).find("CHANGES: none"),
            std::string::npos);
}

TEST_F(DisclosureTest, EstateGrantNamesTheEstate) {
  names_.signed_by_estate = true;
  names_.estate_name = "Estate of Amina Diallo, c/o Maître Roux";
  const std::string en = Disclosure(terms_, names_, Language::kEnglish);
  EXPECT_NE(
      en.find("granted by the estate of Amina Diallo (Estate of Amina Diallo, c/o Maître Roux)"),
      std::string::npos);
}

TEST_F(DisclosureTest, IsAPureFunction) {
  EXPECT_EQ(Disclosure(terms_, names_, Language::kFrench),
            Disclosure(terms_, names_, Language::kFrench));
  EXPECT_NE(Disclosure(terms_, names_, Language::kFrench),
            Disclosure(terms_, names_, Language::kEnglish));
}

}  // namespace
}  // namespace figurant::consent

#include "consent/disclosure.h"

#include <gtest/gtest.h>

#include "consent/test_terms.h"
#include "core/crypto.h"

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

// ---- disclosure versions --------------------------------------------------------------------

// SHA-256 of the fixture's disclosures as main rendered them before versions existed (commit
// ef4e957): version 1 must stay these bytes, or consents signed under it would show another text.
constexpr const char* kV1EnglishSha256 =
    "946902747c83db6f4049257e4fa8cdb6eeb06fb5c4c10026682dd126037e26d7";
constexpr const char* kV1FrenchSha256 =
    "526950ceea152cbcd2835064c4a98fa6a70c016aaaa32a8ee13b369453eab37c";
constexpr const char* kV1BlanketEstateFrenchSha256 =
    "d9f82390172117c66eab14b1fc23881e8d52e8f5a901410303db95d04b0a2795";

TEST_F(DisclosureTest, VersionOneIsTheTextBeforeVersions) {
  EXPECT_EQ(Sha256Hex(Disclosure(terms_, names_, Language::kEnglish, kDisclosureV1)),
            kV1EnglishSha256);
  EXPECT_EQ(Sha256Hex(Disclosure(terms_, names_, Language::kFrench, kDisclosureV1)),
            kV1FrenchSha256);
  terms_.all_productions = true;
  terms_.valid_until.reset();
  terms_.revocable = false;
  names_.signed_by_estate = true;
  names_.estate_name = "Succession Diallo";
  EXPECT_EQ(Sha256Hex(Disclosure(terms_, names_, Language::kFrench, kDisclosureV1)),
            kV1BlanketEstateFrenchSha256);
}

constexpr const char* kMovementEn =
    "MOVEMENT: your double may walk, stand, sit and turn. It may be moved through a set, among "
    "other people. It never speaks and never performs a featured action (a gesture or action the "
    "scene draws the eye to).\n\n";
constexpr const char* kMovementFr =
    "MOUVEMENT : votre double peut marcher, rester debout, s'asseoir et se tourner. Il peut être "
    "déplacé dans un décor, parmi d'autres personnes. Il ne parle jamais et ne fait jamais "
    "d'action mise en avant (un geste ou une action sur lesquels la scène attire le regard).\n\n";

// Version 2 is version 1 with exactly two additions: the movement paragraph after USE, and the
// version line at the end.
void ExpectVersionTwoAdds(const std::string& v1, const std::string& v2, const std::string& after,
                          const std::string& movement, const std::string& version_line) {
  const size_t use = v1.find(after);
  ASSERT_NE(use, std::string::npos) << v1;
  const size_t use_end = v1.find("\n\n", use) + 2;
  std::string expected = v1;
  expected.insert(use_end, movement);
  expected += version_line;
  EXPECT_EQ(v2, expected);
}

TEST_F(DisclosureTest, VersionTwoSaysTheDoubleMayBeMovedInBothLanguages) {
  ExpectVersionTwoAdds(Disclosure(terms_, names_, Language::kEnglish, kDisclosureV1),
                       Disclosure(terms_, names_, Language::kEnglish), "USE: ", kMovementEn,
                       "DISCLOSURE VERSION: 2\n");
  ExpectVersionTwoAdds(Disclosure(terms_, names_, Language::kFrench, kDisclosureV1),
                       Disclosure(terms_, names_, Language::kFrench), "UTILISATION : ", kMovementFr,
                       "VERSION DE CE TEXTE : 2\n");
  EXPECT_EQ(Disclosure(terms_, names_, Language::kEnglish),
            Disclosure(terms_, names_, Language::kEnglish, kDisclosureV2));
  EXPECT_EQ(kDisclosureVersion, kDisclosureV2);
}

// The version DisclosureVersionOf reads, or -1 when it refuses the text.
int VersionOr(std::string_view text) {
  auto v = DisclosureVersionOf(text);
  return v.ok() ? *v : -1;
}

TEST_F(DisclosureTest, VersionIsReadFromTheText) {
  for (const Language l : {Language::kEnglish, Language::kFrench}) {
    auto v1 = DisclosureVersionOf(Disclosure(terms_, names_, l, kDisclosureV1));
    ASSERT_TRUE(v1.ok()) << v1.status().message();
    EXPECT_EQ(*v1, kDisclosureV1);
    auto v2 = DisclosureVersionOf(Disclosure(terms_, names_, l));
    ASSERT_TRUE(v2.ok()) << v2.status().message();
    EXPECT_EQ(*v2, kDisclosureV2);
  }
  // The estate's and the blanket grant's texts end with other paragraphs: the same rule.
  names_.signed_by_estate = true;
  terms_.productions = {"prd_0000000000000001"};
  EXPECT_EQ(VersionOr(Disclosure(terms_, names_, Language::kEnglish)), 2);
  EXPECT_EQ(VersionOr(Disclosure(terms_, names_, Language::kEnglish, kDisclosureV1)), 1);
}

TEST_F(DisclosureTest, UnknownOrMalformedVersionIsAnError) {
  const std::string v2 = Disclosure(terms_, names_, Language::kEnglish);
  const std::string body = v2.substr(0, v2.size() - std::string("DISCLOSURE VERSION: 2\n").size());
  for (const char* line :
       {"DISCLOSURE VERSION: 3\n", "VERSION DE CE TEXTE : 3\n", "DISCLOSURE VERSION: 1\n",
        "DISCLOSURE VERSION: 0\n", "DISCLOSURE VERSION: 02\n", "DISCLOSURE VERSION: two\n",
        "DISCLOSURE VERSION: \n", "DISCLOSURE VERSION: 2 \n",
        "DISCLOSURE VERSION: 99999999999\n"}) {
    auto v = DisclosureVersionOf(body + line);
    ASSERT_FALSE(v.ok()) << line;
    EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument) << line;
    EXPECT_NE(v.status().message().find("disclosure: the last line"), std::string::npos)
        << v.status().message();
  }
  EXPECT_FALSE(DisclosureVersionOf("").ok());
  // The version line counts only as the last line: moved up, the text reads as version 1.
  EXPECT_EQ(VersionOr("DISCLOSURE VERSION: 7\nsomething after\n"), 1);
}

TEST(MovementReconfirmationTest, EveryVersionBeforeTwoNeedsIt) {
  EXPECT_TRUE(NeedsMovementReconfirmation(0));  // unknown: the text was erased
  EXPECT_TRUE(NeedsMovementReconfirmation(kDisclosureV1));
  EXPECT_FALSE(NeedsMovementReconfirmation(kDisclosureV2));
  EXPECT_FALSE(NeedsMovementReconfirmation(kDisclosureVersion));
}

}  // namespace
}  // namespace figurant::consent

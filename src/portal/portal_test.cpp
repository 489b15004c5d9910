#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "portal/i18n.h"
#include "portal/internal/embedded.h"
#include "portal/view.h"

namespace figurant::portal {
namespace {

using internal::EmbeddedFiles;

std::set<std::string> Keys(const nlohmann::json& catalogue) {
  std::set<std::string> keys;
  for (const auto& [k, v] : catalogue.items()) {
    EXPECT_TRUE(v.is_string() && !v.get<std::string>().empty())
        << k << " must be a non-empty string";
    keys.insert(k);
  }
  return keys;
}

TEST(Catalogues, EachFileIsAnObjectOfStringsAndNoKeyIsDefinedTwice) {
  const std::vector<std::string> problems = CatalogueProblems();
  EXPECT_TRUE(problems.empty()) << problems.front();
}

TEST(Catalogues, EnglishAndFrenchHaveTheSameKeys) {
  const auto en = Keys(Strings(Language::kEnglish));
  const auto fr = Keys(Strings(Language::kFrench));
  EXPECT_GT(en.size(), 20u);
  EXPECT_EQ(en, fr);
}

// Every {{t.key}} a template shows is in both catalogues: no page shows a key instead of words.
TEST(Catalogues, EveryStringATemplateShowsIsTranslated) {
  const std::regex uses(R"(\{\{\{?t\.([a-z0-9_]+))");
  int templates = 0;
  for (const auto& f : EmbeddedFiles()) {
    if (f.path.rfind("templates/", 0) != 0) continue;
    ++templates;
    const std::string text(f.bytes);
    for (std::sregex_iterator it(text.begin(), text.end(), uses), end; it != end; ++it) {
      const std::string key = (*it)[1];
      EXPECT_TRUE(Strings(Language::kEnglish).contains(key)) << f.path << ": en lacks " << key;
      EXPECT_TRUE(Strings(Language::kFrench).contains(key)) << f.path << ": fr lacks " << key;
    }
  }
  EXPECT_GE(templates, 3);
}

TEST(Languages, TheSwitchThenTheCookieThenThePerformerThenTheBrowser) {
  const auto fr = Language::kFrench, en = Language::kEnglish;
  EXPECT_EQ(PageLanguage("fr", "figurant_lang=en", en, "en"), fr);
  EXPECT_EQ(PageLanguage("", "a=1; figurant_lang=fr", en, "en"), fr);
  EXPECT_EQ(PageLanguage("xx", "", fr, "en"), fr) << "an unknown switch value is ignored";
  EXPECT_EQ(PageLanguage("", "", std::nullopt, "de-DE,fr-CA;q=0.8,en;q=0.5"), fr);
  EXPECT_EQ(PageLanguage("", "", std::nullopt, "de"), en);
}

TEST(Templates, ValuesAreEscapedAndPagesAreWholeDocuments) {
  auto html =
      RenderTemplate("error", Language::kEnglish, {{"message", "<script>alert('x')</script>"}});
  ASSERT_TRUE(html.ok()) << html.status().ToString();
  EXPECT_EQ(html->find("<script>"), std::string::npos) << *html;
  EXPECT_NE(html->find("&lt;script&gt;"), std::string::npos) << *html;
  auto page = LayoutHtml(Language::kFrench, api::Principal{}, "login_title", "<p>x</p>");
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_NE(page->find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(page->find("<title>Connexion · Figurant</title>"), std::string::npos) << *page;
  EXPECT_NE(page->find("href=\"?lang=en\""), std::string::npos) << "the switch on every page";
  EXPECT_FALSE(RenderTemplate("no_such_template", Language::kEnglish, {}).ok());
}

// Nothing a page loads comes from another host: no absolute URL in any template or asset.
TEST(Assets, NoFileNamesAnotherHost) {
  const std::regex external(R"((src|href|url)\s*[=(]\s*["']?\s*(https?:)?//)");
  for (const auto& f : EmbeddedFiles()) {
    const std::string text(f.bytes);
    EXPECT_FALSE(std::regex_search(text, external)) << f.path;
  }
}

}  // namespace
}  // namespace figurant::portal

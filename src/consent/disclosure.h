// The disclosure: licence terms in plain sentences, in the performer's language, exactly as shown
// to them before they sign. Its bytes are what the consent signature covers (with the terms), so
// the text must be a pure function of its inputs: same terms, names and language → same bytes.
//
// Every production (by title and id), medium, territory (by name and code), date and amount is
// named. A blanket grant, a perpetual term, an irrevocable licence and a grant wider than one
// production (California AB 2602) are each called out in their own paragraph.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "consent/terms.h"

namespace figurant::consent {

enum class Language { kEnglish, kFrench };

std::string_view LanguageCode(Language l);  // "en", "fr"
std::optional<Language> ParseLanguage(std::string_view code);

struct DisclosureNames {
  std::string performer_name;
  std::string studio_name;
  std::map<std::string, std::string> production_titles;  // production id → title
  bool signed_by_estate = false;  // the performer is deceased; their estate grants the licence
  std::string estate_name;
  int retention_years = 3;  // biometric data kept this long after the licence ends [Units: years]
};

// The disclosure text (UTF-8, '\n' line ends, ends with a newline). Productions missing from
// `names.production_titles` are named by id alone.
std::string Disclosure(const Terms& terms, const DisclosureNames& names, Language language);

}  // namespace figurant::consent

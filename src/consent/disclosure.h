// The disclosure: licence terms in plain sentences, in the performer's language, exactly as shown
// to them before they sign. Its bytes are what the consent signature covers (with the terms), so
// the text must be a pure function of its inputs: same terms, names and language → same bytes.
//
// Every production (by title and id), medium, territory (by name and code), date and amount is
// named. A blanket grant, a perpetual term, an irrevocable licence and a grant wider than one
// production (California AB 2602) are each called out in their own paragraph.
//
// The text has versions (docs/licence.md, "Disclosure versions"). Version 2 says how a double may
// be moved through a set (crowds that walk, issue 16) and ends with a line naming its version, so
// the bytes a consent signs bind the version. Version 1, the text before it, has no such line and
// is still rendered byte for byte, so that consents signed under it can be shown and re-verified.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "consent/terms.h"
#include "core/status.h"

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

// Versions of the disclosure text.
// Version 1: the text before crowds moved. It does not mention movement and names no version.
inline constexpr int kDisclosureV1 = 1;
// Version 2: adds the MOVEMENT paragraph (the double may walk, stand, sit and turn, moved through
// a set among other people; it never speaks or performs a featured action) and ends with the line
// "DISCLOSURE VERSION: 2" (English) or "VERSION DE CE TEXTE : 2" (French).
inline constexpr int kDisclosureV2 = 2;
// What Disclosure renders unless told otherwise, and what every new draft is shown.
inline constexpr int kDisclosureVersion = kDisclosureV2;

// The disclosure text (UTF-8, '\n' line ends, ends with a newline) of `version`. Productions
// missing from `names.production_titles` are named by id alone. [Limits: version is kDisclosureV1
// or kDisclosureV2; any other is a programmer error (asserted), rendered as the current version.]
std::string Disclosure(const Terms& terms, const DisclosureNames& names, Language language,
                       int version = kDisclosureVersion);

// The version of a disclosure text as stored and signed (a consent's disclosure_text, a draft's
// disclosure), read from the text itself: a last line "DISCLOSURE VERSION: N" or "VERSION DE CE
// TEXTE : N" (N a decimal number without leading zeros) names version N, and a text without such
// a line is version 1. InvalidArgument for an empty text (an erased one: its version is unknown)
// and for a version line naming a version this code does not know (1, which never had the line,
// or above kDisclosureVersion: a text from a newer bank) or a malformed N. Safe for untrusted
// input; thread-safe (no state).
Result<int> DisclosureVersionOf(std::string_view disclosure_text);

// True when a licence whose consent was signed under disclosure `version` must be confirmed again
// before a scene moves its double: its text did not tell the performer that their double may be
// moved through a set (every version before kDisclosureV2, and 0, "unknown").
constexpr bool NeedsMovementReconfirmation(int disclosure_version) {
  return disclosure_version < kDisclosureV2;
}

}  // namespace figurant::consent

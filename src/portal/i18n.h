// The portal's languages (docs/portal.md, "Languages"): English and French, each a catalogue of
// the strings every page shows (src/portal/i18n/en/*.json and fr/*.json, built into the binary;
// both have exactly the same keys, checked by portal_test). A disclosure is never translated here:
// the performer reads the exact text they sign, in the language their licence names.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "consent/disclosure.h"

namespace figurant::portal {

using consent::Language;  // consent::LanguageCode and ParseLanguage read and write "en", "fr"

// The cookie the language switch sets ("en" or "fr").
inline constexpr std::string_view kLanguageCookie = "figurant_lang";

// The language a page is shown in: the request's `lang` query parameter (the switch), else the
// language cookie, else `preferred` (a performer's own language), else the first of English or
// French the Accept-Language header names, else English.
Language PageLanguage(std::string_view query_lang, std::string_view cookies,
                      std::optional<Language> preferred, std::string_view accept_language);

// The catalogue of `language`: a JSON object of strings by key, from every file
// i18n/<en|fr>/*.json (one file per audience).
const nlohmann::json& Strings(Language language);

// The catalogue `t`'s text `key` (the key itself when missing) with each {name} replaced by its
// value: "Paused by you since {date}" with {"date", "2026-06-01"}.
std::string Say(const nlohmann::json& t, const std::string& key,
                const std::map<std::string, std::string>& values = {});

// What is wrong with the built-in catalogue files: a file that is not a JSON object of non-empty
// strings, a key two files of one language define. Empty when they are sound.
std::vector<std::string> CatalogueProblems();

}  // namespace figurant::portal

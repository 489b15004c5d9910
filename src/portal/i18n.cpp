#include "portal/i18n.h"

#include <array>

#include "api/session.h"
#include "portal/internal/embedded.h"

namespace figurant::portal {

namespace {

// The catalogue file of `language`, parsed once. An embedded catalogue that is not a JSON object
// of strings is a build mistake portal_test catches; here it reads as an empty catalogue.
nlohmann::json LoadCatalogue(Language language) {
  const std::string path = "i18n/" + std::string(consent::LanguageCode(language)) + ".json";
  const internal::EmbeddedFile* file = internal::FindEmbedded(path);
  if (file == nullptr) return nlohmann::json::object();
  auto j = nlohmann::json::parse(file->bytes, nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

// The first of "en"/"fr" an Accept-Language header names ("fr-CA,fr;q=0.9,en;q=0.8" → French).
std::optional<Language> FromAcceptLanguage(std::string_view header) {
  while (!header.empty()) {
    while (!header.empty() && (header.front() == ' ' || header.front() == ',')) {
      header.remove_prefix(1);
    }
    if (auto l = consent::ParseLanguage(header.substr(0, 2)); l && header.size() >= 2) return l;
    const size_t next = header.find(',');
    header = next == std::string_view::npos ? std::string_view() : header.substr(next);
  }
  return std::nullopt;
}

}  // namespace

Language PageLanguage(std::string_view query_lang, std::string_view cookies,
                      std::optional<Language> preferred, std::string_view accept_language) {
  if (auto l = consent::ParseLanguage(query_lang)) return *l;
  if (auto l = consent::ParseLanguage(api::CookieValue(cookies, kLanguageCookie))) return *l;
  if (preferred) return *preferred;
  return FromAcceptLanguage(accept_language).value_or(Language::kEnglish);
}

const nlohmann::json& Strings(Language language) {
  static const std::array<nlohmann::json, 2> kCatalogues = {LoadCatalogue(Language::kEnglish),
                                                            LoadCatalogue(Language::kFrench)};
  return kCatalogues[language == Language::kFrench ? 1 : 0];
}

}  // namespace figurant::portal

#include "portal/i18n.h"

#include <array>
#include <map>

#include "api/session.h"
#include "portal/internal/embedded.h"

namespace figurant::portal {

namespace {

// The catalogue of `language`: every file i18n/<code>/*.json merged, parsed once. An embedded
// catalogue file that is not a JSON object, or a key two files define, is a build mistake
// portal_test catches (CatalogueProblems); here the first definition stands.
nlohmann::json LoadCatalogue(Language language) {
  const std::string dir = "i18n/" + std::string(consent::LanguageCode(language)) + "/";
  nlohmann::json out = nlohmann::json::object();
  for (const internal::EmbeddedFile& file : internal::EmbeddedFiles()) {
    if (file.path.rfind(dir, 0) != 0) continue;
    auto j = nlohmann::json::parse(file.bytes, nullptr, false);
    if (!j.is_object()) continue;
    for (auto& [key, value] : j.items()) out.emplace(key, value);
  }
  return out;
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

std::vector<std::string> CatalogueProblems() {
  std::vector<std::string> problems;
  std::map<std::string, std::string> defined;  // "en/key" → file
  for (const internal::EmbeddedFile& file : internal::EmbeddedFiles()) {
    if (file.path.rfind("i18n/", 0) != 0) continue;
    const std::string path(file.path);
    auto j = nlohmann::json::parse(file.bytes, nullptr, false);
    if (!j.is_object()) {
      problems.push_back(path + ": not a JSON object");
      continue;
    }
    const std::string lang = path.substr(5, 2);
    for (const auto& [key, value] : j.items()) {
      if (!value.is_string() || value.get<std::string>().empty()) {
        problems.push_back(path + ": " + key + " is not a non-empty string");
      }
      auto [it, fresh] = defined.emplace(lang + "/" + key, path);
      if (!fresh) problems.push_back(path + ": " + key + " is defined in " + it->second + " too");
    }
  }
  return problems;
}

const nlohmann::json& Strings(Language language) {
  static const std::array<nlohmann::json, 2> kCatalogues = {LoadCatalogue(Language::kEnglish),
                                                            LoadCatalogue(Language::kFrench)};
  return kCatalogues[language == Language::kFrench ? 1 : 0];
}

std::string Say(const nlohmann::json& t, const std::string& key,
                const std::map<std::string, std::string>& values) {
  std::string text = t.value(key, key);
  for (const auto& [name, value] : values) {
    const std::string mark = "{" + name + "}";
    for (size_t at = 0; (at = text.find(mark, at)) != std::string::npos; at += value.size())
      text.replace(at, mark.size(), value);
  }
  return text;
}

}  // namespace figurant::portal

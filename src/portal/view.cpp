#include "portal/view.h"

#include <kainjow/mustache.hpp>

#include "api/session.h"
#include "portal/internal/embedded.h"

namespace figurant::portal {

namespace {

namespace mustache = kainjow::mustache;

// A JSON value as Mustache data: objects and arrays as they are, numbers and strings as text,
// true as true, false and null as false (an empty section).
mustache::data ToMustache(const nlohmann::json& j) {
  if (j.is_object()) {
    mustache::data out{mustache::data::type::object};
    for (const auto& [key, value] : j.items()) out.set(key, ToMustache(value));
    return out;
  }
  if (j.is_array()) {
    mustache::data out{mustache::data::type::list};
    for (const auto& value : j) out.push_back(ToMustache(value));
    return out;
  }
  if (j.is_string()) return mustache::data(j.get<std::string>());
  if (j.is_boolean())
    return j.get<bool>() ? mustache::data::type::bool_true : mustache::data::type::bool_false;
  if (j.is_null()) return mustache::data::type::bool_false;
  return mustache::data(j.dump());
}

// The navigation of a role: [{href, label_key}] in the catalogue's words.
nlohmann::json Navigation(const api::Principal& who, const nlohmann::json& t) {
  using registry::UserRole;
  std::vector<std::pair<std::string, std::string>> links;
  if (who.user_id.empty()) return nlohmann::json::array();
  switch (who.role) {
    case UserRole::kPerformer:
      links = {{"/me", "nav_home"},
               {"/me/appearances", "nav_appearances"},
               {"/me/statement", "nav_statement"},
               {"/me/data", "nav_data"}};
      break;
    case UserRole::kStudio:
      links = {{"/studio", "nav_studio"}, {"/studio/offers/new", "nav_new_offer"}};
      break;
    case UserRole::kUnion:
      links = {{"/audit", "nav_audit"}, {"/audit/members", "nav_members"}};
      break;
    case UserRole::kOperator:
      links = {{"/operator", "nav_operator"}};
      break;
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [href, key] : links)
    out.push_back({{"href", href}, {"label", t.value(key, key)}});
  return out;
}

}  // namespace

Result<std::string> RenderTemplate(std::string_view name, Language language, nlohmann::json data) {
  const internal::EmbeddedFile* file =
      internal::FindEmbedded("templates/" + std::string(name) + ".html");
  if (file == nullptr) return Internal("portal: no template " + std::string(name));
  data["t"] = Strings(language);
  mustache::mustache tmpl{std::string(file->bytes)};
  if (!tmpl.is_valid())
    return Internal("portal template " + std::string(name) + ": " + tmpl.error_message());
  return tmpl.render(ToMustache(data));
}

Result<std::string> LayoutHtml(Language language, const api::Principal& who,
                               const std::string& title_key, const std::string& body) {
  const nlohmann::json& t = Strings(language);
  const bool french = language == Language::kFrench;
  const nlohmann::json layout = {
      {"lang", consent::LanguageCode(language)},
      {"title", t.value(title_key, title_key)},
      {"body", body},
      {"nav", Navigation(who, t)},
      {"signed_in", !who.user_id.empty()},
      {"other_lang", french ? "en" : "fr"},
      {"other_lang_name", french ? "English" : "Français"},
  };
  return RenderTemplate("layout", language, layout);
}

Result<api::Reply> RenderPage(const api::Call& call, Language language, const PageView& view) {
  FIGURANT_ASSIGN_OR_RETURN(std::string body,
                            RenderTemplate(view.template_name, language, view.data));
  FIGURANT_ASSIGN_OR_RETURN(std::string html,
                            LayoutHtml(language, call.principal, view.title_key, body));
  api::Reply reply;
  reply.status = view.status;
  reply.content_type = "text/html; charset=utf-8";
  reply.body = std::move(html);
  if (const auto it = call.query.find("lang"); it != call.query.end()) {
    if (auto l = consent::ParseLanguage(it->second)) {
      reply.headers.emplace_back("Set-Cookie", std::string(kLanguageCookie) + "=" +
                                                   std::string(consent::LanguageCode(*l)) +
                                                   "; Path=/; Secure; SameSite=Strict; "
                                                   "Max-Age=31536000");
    }
  }
  return reply;
}

api::Reply Redirect(const std::string& location) {
  api::Reply r;
  r.status = 303;
  r.content_type = "text/plain";
  r.headers.emplace_back("Location", location);
  return r;
}

}  // namespace figurant::portal

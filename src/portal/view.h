// Rendering the portal's pages (docs/portal.md, "Pages"): a page handler says which template
// shows which data; this file wraps it in the layout every page shares — the language switch,
// the navigation of the session's role, the stylesheet and scripts from /assets — and answers
// text/html. Templates are Mustache (kainjow's, from Debian: every {{value}} is HTML-escaped,
// only {{{value}}} is not and is used for markup this code made), in src/portal/templates, built
// into the binary. Pure functions of their arguments; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "api/routes.h"
#include "portal/i18n.h"

namespace figurant::portal {

// What a page handler hands to the layout.
struct PageView {
  std::string title_key;      // the catalogue key of the page's title (i18n/*.json)
  std::string template_name;  // "performer_home" → templates/performer_home.html
  nlohmann::json data = nlohmann::json::object();  // what the template shows, beside `t`
  int status = 200;
};

// The template `name` rendered with `data`; `data.t` is set to the catalogue of `language`.
// Internal naming the template when it is not built in.
Result<std::string> RenderTemplate(std::string_view name, Language language, nlohmann::json data);

// `body` (HTML this code rendered) inside the layout, titled with the catalogue's `title_key`, with
// the navigation of `who` (none when who.user_id is empty).
Result<std::string> LayoutHtml(Language language, const api::Principal& who,
                               const std::string& title_key, const std::string& body);

// `view` inside the layout, for the request `call` (its query's `lang` sets the language cookie).
Result<api::Reply> RenderPage(const api::Call& call, Language language, const PageView& view);

// 303 See Other to `location` (a path on this server).
api::Reply Redirect(const std::string& location);

}  // namespace figurant::portal

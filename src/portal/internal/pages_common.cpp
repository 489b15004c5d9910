// GET /, /login and the error page; /assets/NAME.
#include "api/body.h"
#include "portal/internal/embedded.h"
#include "portal/internal/pages.h"

namespace figurant::portal::internal {

namespace {

using registry::UserRole;

std::string_view Query(const api::Call& call, const std::string& name) {
  const auto it = call.query.find(name);
  return it == call.query.end() ? std::string_view() : std::string_view(it->second);
}

// Each role's first page.
std::string HomeOf(UserRole role) {
  switch (role) {
    case UserRole::kPerformer:
      return "/me";
    case UserRole::kStudio:
      return "/studio";
    case UserRole::kUnion:
      return "/audit";
    case UserRole::kOperator:
      return "/operator";
  }
  return "/login";
}

// Where to go after logging in: a path on this server only (never "//host" or "https://…").
std::string SafeNext(std::string_view next) {
  if (next.size() < 2 || next[0] != '/' || next[1] == '/' || next[1] == '\\') return "";
  for (const char c : next) {
    if (static_cast<unsigned char>(c) < 0x20) return "";
  }
  return std::string(next);
}

// GET /: a session's home, or the log-in page. Public, so it resumes the session itself.
Result<api::Reply> Home(api::Call& call) {
  auto session =
      api::ResumeSession(call.bank.registry(), call.state.clock, call.state.sessions, call.cookies);
  if (!session.ok()) return Redirect("/login");
  return Redirect(HomeOf(session->principal.role));
}

Result<api::Reply> Login(api::Call& call) {
  PageView view{"login_title", "login", {{"next", SafeNext(Query(call, "next"))}}};
  return RenderPage(call, LanguageOf(call), view);
}

// GET /enrol: the one-time enrolment code, then a passkey made in the browser (passkey.mjs).
Result<api::Reply> Enrol(api::Call& call) {
  return RenderPage(call, LanguageOf(call), {"enrol_title", "enrol", nlohmann::json::object()});
}

std::string_view ContentTypeOf(std::string_view name) {
  const auto ends = [&](std::string_view ext) {
    return name.size() >= ext.size() && name.substr(name.size() - ext.size()) == ext;
  };
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

Language LanguageOf(const api::Call& call) {
  std::optional<Language> preferred;
  if (call.principal.role == UserRole::kPerformer && !call.principal.user_id.empty()) {
    if (auto p = call.bank.registry().GetPerformer(call.principal.subject_id); p.ok()) {
      preferred = consent::ParseLanguage(p->language);
    }
  }
  return PageLanguage(Query(call, "lang"), call.cookies, preferred, call.accept_language);
}

std::vector<api::Route> CommonPages() {
  using api::Method;
  return {
      {Method::kGet, "/", {}, "The session's home page, or the log-in page", Home},
      {Method::kGet, "/login", {}, "Log in with a passkey or a sign-in code", Login},
      {Method::kGet, "/enrol", {}, "Create a passkey with a one-time enrolment code", Enrol},
  };
}

api::Reply ErrorPage(const Status& failure, std::string_view cookies,
                     std::string_view accept_language) {
  const Language language = PageLanguage("", cookies, std::nullopt, accept_language);
  const bool hidden = failure.code() == StatusCode::kNotFound;
  const std::string title = hidden ? "error_not_found_title" : "error_title";
  const std::string message =
      hidden ? Strings(language).value("error_not_found", "") : failure.message();
  api::Reply r;
  r.status = api::HttpStatusFor(failure.code());
  r.content_type = "text/html; charset=utf-8";
  auto body = RenderTemplate("error", language, {{"message", message}});
  auto html = LayoutHtml(language, api::Principal{}, title, body.ok() ? *body : message);
  r.body = html.ok() ? *html : message;
  return r;
}

std::optional<api::Reply> Asset(std::string_view name) {
  const EmbeddedFile* file = FindEmbedded("assets/" + std::string(name));
  if (file == nullptr) return std::nullopt;
  api::Reply r;
  r.content_type = std::string(ContentTypeOf(name));
  r.body = std::string(file->bytes);
  return r;
}

}  // namespace figurant::portal::internal

// The operator's pages (docs/portal.md, "Pages"): the bank's performers, studios, users, enrolment
// codes and erasure requests, with the forms that add a performer and issue codes (/operator); the
// printable enrolment slip (/operator/invites/slip), whose code the browser fills in from the
// reply that issued it (assets/operator.mjs) — the server never sees it again.
#include "portal/internal/pages.h"

namespace figurant::portal::internal {

namespace {

using api::Method;
using nlohmann::json;
using registry::UserRole;

// One of the operator's lists, as the API answers it: GET `path` → reply[key].
Result<json> List(const api::Call& call, std::string_view path, const std::string& key) {
  FIGURANT_ASSIGN_OR_RETURN(json reply, api::CallApi(call, Method::kGet, path, {}));
  return reply[key];
}

// Performers' names by id, for the lists that name performers by id only.
std::map<std::string, std::string> NamesById(const json& performers) {
  std::map<std::string, std::string> names;
  for (const json& p : performers) names[p["id"]] = p.value("name", "");
  return names;
}

// Each item of `items` with `performer_name` beside its `performer` id.
json WithPerformerNames(json items, const std::map<std::string, std::string>& names) {
  for (json& item : items) {
    const auto it = names.find(item.value("performer", ""));
    item["performer_name"] = it == names.end() ? "" : it->second;
  }
  return items;
}

// The page's lists, each straight from its API route.
struct OperatorLists {
  json performers, studios, users, invites, erasure_requests;
};

Result<OperatorLists> ReadLists(const api::Call& call) {
  OperatorLists out;
  FIGURANT_ASSIGN_OR_RETURN(out.performers, List(call, "/api/v1/performers", "performers"));
  FIGURANT_ASSIGN_OR_RETURN(out.studios, List(call, "/api/v1/studios", "studios"));
  FIGURANT_ASSIGN_OR_RETURN(out.users, List(call, "/api/v1/users", "users"));
  FIGURANT_ASSIGN_OR_RETURN(out.invites, List(call, "/api/v1/invites", "invites"));
  FIGURANT_ASSIGN_OR_RETURN(out.erasure_requests,
                            List(call, "/api/v1/erasure-requests", "erasure_requests"));
  return out;
}

Result<api::Reply> OperatorHome(api::Call& call) {
  FIGURANT_ASSIGN_OR_RETURN(const OperatorLists lists, ReadLists(call));
  const auto names = NamesById(lists.performers);
  json performers = lists.performers;
  for (json& p : performers) p["live"] = p["erased_at"].is_null();  // erased: no code to issue
  json data = {{"performers", performers},
               {"studios", lists.studios},
               {"users", lists.users},
               {"invites", WithPerformerNames(lists.invites, names)},
               {"erasure_requests", WithPerformerNames(lists.erasure_requests, names)}};
  return RenderPage(call, LanguageOf(call), {"operator_title", "operator_home", std::move(data)});
}

// The slip's sentences in the performer's own language (the page around it is in the operator's).
json SlipWords(Language performer_language) {
  const json& t = Strings(performer_language);
  json words = json::object();
  for (const char* key : {"slip_heading", "slip_for", "slip_code_label", "slip_expires_label",
                          "slip_step_open", "slip_step_code", "slip_step_passkey"}) {
    words[key] = t.value(key, key);
  }
  return words;
}

// GET /operator/invites/slip?performer=ID: the slip for the enrolment code just issued to ID. The
// code itself is not in the request: operator.mjs fills it in from the reply that issued it.
Result<api::Reply> EnrolmentSlip(api::Call& call) {
  const auto wanted = call.query.find("performer");
  FIGURANT_ASSIGN_OR_RETURN(const json performers, List(call, "/api/v1/performers", "performers"));
  for (const json& p : performers) {
    if (wanted == call.query.end() || p["id"] != wanted->second) continue;
    const auto language = consent::ParseLanguage(p.value("language", ""));
    const Language slip_language = language.value_or(Language::kEnglish);
    json data = {{"performer", p["id"]},
                 {"name", p["name"]},
                 {"slip_lang", consent::LanguageCode(slip_language)},
                 {"enrol_address", call.state.origin + "/enrol"},
                 {"s", SlipWords(slip_language)}};
    return RenderPage(call, LanguageOf(call), {"slip_title", "operator_slip", std::move(data)});
  }
  return NotFound(std::string(api::kNotFoundMessage));
}

}  // namespace

std::vector<api::Route> OperatorPages() {
  return {
      {Method::kGet, "/operator", {UserRole::kOperator}, "The bank's administration", OperatorHome},
      {Method::kGet,
       "/operator/invites/slip",
       {UserRole::kOperator},
       "A printable enrolment slip for the code just issued",
       EnrolmentSlip},
  };
}

}  // namespace figurant::portal::internal

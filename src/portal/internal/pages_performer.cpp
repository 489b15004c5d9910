// A performer's own pages: /me (their doubles, licences and offers waiting).
#include "portal/internal/pages.h"

namespace figurant::portal::internal {

namespace {

using api::Method;
using nlohmann::json;
using registry::UserRole;

// The API route parameters naming the session's own performer.
std::map<std::string, std::string> Own(const api::Call& call) {
  return {{"performer", call.principal.subject_id}};
}

// A word the API answers ("in_force", "blanket"), in the catalogue's plain words: the key
// PREFIX_WORD, or the word itself when the catalogue has none.
std::string Words(const json& t, const std::string& prefix, const std::string& word) {
  return t.value(prefix + word, word);
}

json LicenceItems(const json& licences, const json& t) {
  json out = json::array();
  for (const json& l : licences) {
    if (l.value("standing", "") == "draft") continue;  // offers are shown apart
    json flags = json::array();
    for (const json& f : l["flags"]) flags.push_back(Words(t, "flag_", f.get<std::string>()));
    out.push_back({{"id", l["id"]},
                   {"studio_name", l["studio_name"]},
                   {"standing_text", Words(t, "standing_", l.value("standing", ""))},
                   {"flags", flags}});
  }
  return out;
}

json DoubleItems(const json& doubles, const json& t) {
  json out = json::array();
  for (const json& d : doubles) {
    out.push_back(
        {{"id", d["id"]}, {"status_text", Words(t, "double_status_", d.value("status", ""))}});
  }
  return out;
}

Result<api::Reply> PerformerHome(api::Call& call) {
  const Language language = LanguageOf(call);
  const json& t = Strings(language);
  const std::string base = "/api/v1/performers/{performer}";
  FIGURANT_ASSIGN_OR_RETURN(json doubles,
                            api::CallApi(call, Method::kGet, base + "/doubles", Own(call)));
  FIGURANT_ASSIGN_OR_RETURN(json licences,
                            api::CallApi(call, Method::kGet, base + "/licences", Own(call)));
  FIGURANT_ASSIGN_OR_RETURN(json offers,
                            api::CallApi(call, Method::kGet, base + "/offers", Own(call)));
  json data = {{"doubles", DoubleItems(doubles["doubles"], t)},
               {"licences", LicenceItems(licences["licences"], t)},
               {"offers", offers["offers"]},
               {"has_offers", !offers["offers"].empty()}};
  return RenderPage(call, language, {"home_title", "performer_home", std::move(data)});
}

}  // namespace

std::vector<api::Route> PerformerPages() {
  return {
      {Method::kGet, "/me", {UserRole::kPerformer}, "The performer's home", PerformerHome},
  };
}

}  // namespace figurant::portal::internal

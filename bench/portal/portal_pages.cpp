#include "portal_pages.h"

#include <algorithm>

#include "api/routes.h"
#include "portal/site.h"

namespace figurant::bench {

namespace {

// The site's home: it answers a signed-in user with a redirect to their role's home.
constexpr std::string_view kHome = "/";
constexpr int kSeeOther = 303;

// `pattern` with each {name} replaced by ids[name]; empty when a parameter has no id.
std::string Fill(std::string_view pattern, const std::map<std::string, std::string>& ids) {
  std::string path(pattern);
  for (const std::string& name : api::PathParams(pattern)) {
    const auto id = ids.find(name);
    if (id == ids.end()) return "";
    const std::string param = "{" + name + "}";
    path.replace(path.find(param), param.size(), id->second);
  }
  return path;
}

}  // namespace

std::vector<Page> PagesFor(registry::UserRole role, const std::map<std::string, std::string>& ids) {
  std::vector<Page> pages = {{std::string(kHome), std::string(kHome), kSeeOther}};
  for (const api::Route& route : portal::Site().pages) {
    const bool for_role =
        std::find(route.roles.begin(), route.roles.end(), role) != route.roles.end();
    if (route.method != api::Method::kGet || !for_role) continue;
    std::string path = Fill(route.path, ids);
    if (!path.empty()) pages.push_back({std::string(route.path), std::move(path)});
  }
  return pages;
}

}  // namespace figurant::bench

#include "portal_pages.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "api/routes.h"

namespace figurant::bench {

namespace {

// Route path endings that are downloads rather than pages: a user browsing does not fetch them.
constexpr std::array<std::string_view, 3> kDownloads = {"/export", "/mesh.glb", "/ledger/export"};

bool IsDownload(std::string_view path) {
  return std::any_of(kDownloads.begin(), kDownloads.end(),
                     [path](std::string_view d) { return path.ends_with(d); });
}

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
  std::vector<Page> pages;
  for (const api::Route& route : api::Routes()) {
    const bool for_role =
        std::find(route.roles.begin(), route.roles.end(), role) != route.roles.end();
    if (route.method != api::Method::kGet || !for_role || IsDownload(route.path)) continue;
    std::string path = Fill(route.path, ids);
    if (!path.empty()) pages.push_back({std::string(route.path), std::move(path)});
  }
  return pages;
}

}  // namespace figurant::bench

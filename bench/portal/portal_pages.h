// The pages the portal load test browses: the one list, by role. Until the portal's pages land
// (src/portal), a user browsing is a user reading the API's GET routes of their role
// (api::Routes()), with path parameters filled from the ids they own; downloads that nobody
// browses (the data export, a double's mesh, the raw ledger) are left out.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "registry/users.h"

namespace figurant::bench {

// One page: `name` is its path pattern ("/api/v1/performers/{performer}/statement"), what results
// are reported by; `path` is that pattern filled with one user's ids.
struct Page {
  std::string name;
  std::string path;
};

// The pages a user of `role` browses, each answering 200 to them. `ids` maps a path parameter's
// name ("performer", "studio", "production", ...) to the id this user owns; a route naming a
// parameter not in `ids` is left out.
std::vector<Page> PagesFor(registry::UserRole role, const std::map<std::string, std::string>& ids);

}  // namespace figurant::bench

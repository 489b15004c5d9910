// The pages the portal load test browses: the one list, by role, taken from the portal's own page
// table (portal::Site().pages, src/portal): every page of the user's role with the user's ids
// filled in, and the site's home `/`, which sends a signed-in user on to their role's home (303).
// The public log-in page is left out: a signed-in user browsing does not open it.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "registry/users.h"

namespace figurant::bench {

// One page: `name` is its path pattern ("/me", "/studio/productions/{production}"), what results
// are reported by; `path` is that pattern filled with one user's ids; `status` is what it answers
// that user (200, or 303 for the home page's redirect).
struct Page {
  std::string name;
  std::string path;
  int status = 200;
};

// The pages a user of `role` browses. `ids` maps a path parameter's name ("performer", "studio",
// "production", ...) to the id this user owns; a page naming a parameter not in `ids` is left
// out.
std::vector<Page> PagesFor(registry::UserRole role, const std::map<std::string, std::string>& ids);

}  // namespace figurant::bench

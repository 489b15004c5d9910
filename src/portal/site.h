// The portal (docs/portal.md): the pages performers, studios, union auditors and operators use in
// a browser, served by `figurant serve` beside the HTTP API and built on it — a page asks the API's
// routes for what it shows (api::CallApi, with the session's own principal, so authorisation is
// the API's, decided once) and renders it; a page's buttons call the API from small JavaScript
// modules with the session's CSRF token. No page or asset comes from another host.
#pragma once

#include "api/routes.h"

namespace figurant::portal {

// The page table and assets, for api::ServeOptions::site. Lives for the whole program.
const api::Site& Site();

}  // namespace figurant::portal

// The portal's page handlers, one file per audience; each runs as an API route does (after
// Authorise, with the bank locked) and answers HTML through RenderPage.
#pragma once

#include <vector>

#include "api/routes.h"
#include "portal/view.h"

namespace figurant::portal::internal {

// pages_common.cpp: log-in, the home redirect, errors, assets.
std::vector<api::Route> CommonPages();
api::Reply ErrorPage(const Status& failure, std::string_view cookies,
                     std::string_view accept_language);
std::optional<api::Reply> Asset(std::string_view name);
// The language of a page for `call`: its switch, cookie, the performer's own language, then
// Accept-Language (PageLanguage).
Language LanguageOf(const api::Call& call);

// pages_performer.cpp: a performer's own pages.
std::vector<api::Route> PerformerPages();

// pages_studio.cpp: a studio's productions, offers and usage.
std::vector<api::Route> StudioPages();

// pages_union.cpp: a union auditor's verification, members and strikes.
std::vector<api::Route> UnionPages();

// pages_operator.cpp: the bank's administration.
std::vector<api::Route> OperatorPages();

}  // namespace figurant::portal::internal

#include "portal/site.h"

#include "portal/internal/pages.h"

namespace figurant::portal {

namespace {

api::Site MakeSite() {
  api::Site site;
  for (auto part : {internal::CommonPages, internal::PerformerPages, internal::StudioPages,
                    internal::UnionPages, internal::OperatorPages}) {
    std::vector<api::Route> pages = part();
    site.pages.insert(site.pages.end(), pages.begin(), pages.end());
  }
  site.error_page = internal::ErrorPage;
  site.asset = internal::Asset;
  return site;
}

}  // namespace

const api::Site& Site() {
  static const api::Site kSite = MakeSite();
  return kSite;
}

}  // namespace figurant::portal

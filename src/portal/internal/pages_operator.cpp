// The operator's pages (docs/portal.md, "Pages").
#include "portal/internal/pages.h"

namespace figurant::portal::internal {

std::vector<api::Route> OperatorPages() { return {}; }

}  // namespace figurant::portal::internal

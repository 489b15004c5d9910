// The JSON forms the API answers with (docs/api.md, "Objects"). One function per object, so every
// route shows an object the same way.
#pragma once

#include <nlohmann/json.hpp>

#include "bank/bank.h"
#include "registry/registry.h"
#include "registry/users.h"

namespace figurant::api::internal {

nlohmann::json PerformerView(const registry::Performer& p);
nlohmann::json StudioView(const registry::Studio& s);
nlohmann::json ProductionView(const registry::Production& p);
nlohmann::json DoubleView(const registry::Double& d);
nlohmann::json UserView(const registry::User& u);
// A licence as listed: no disclosure text (it can be long); `with_disclosure` adds it and its
// SHA-256, exactly as stored (the text the performer is, or was, shown and signs).
nlohmann::json LicenceView(const bank::LicenceView& v, bool with_disclosure = false);

}  // namespace figurant::api::internal

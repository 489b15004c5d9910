// Shared fixtures for consent tests: the terms file from the issue and helpers to vary it.
#pragma once

#include <nlohmann/json.hpp>

namespace figurant::consent::testing {

inline nlohmann::json ExampleTermsJson() {
  return nlohmann::json::parse(R"({
    "productions": ["prd_0000000000000001"], "uses": ["background"],
    "media": ["streaming", "theatrical"], "territories": ["worldwide"],
    "valid_from": "2026-01-01", "valid_until": "2027-12-31",
    "max_screen_height_fraction": 0.2,
    "alterations": ["wardrobe_tint"], "excluded_content": ["nudity", "political"],
    "compensation": {"currency": "EUR", "scan_fee": 180.0, "per_production_fee": 180.0,
                     "per_screen_second": 0.0, "minimum_per_production": 0.0},
    "revocable": true, "revocation_notice_days": 30
  })");
}

}  // namespace figurant::consent::testing

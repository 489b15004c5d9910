// Test-only: a studio registered with its own key and one production it declared and signed, and
// terms a performer may be offered for it, as tests set a bank up for drafting. Not for production
// code; InitCrypto first.
#pragma once

#include <string>

#include "bank/bank.h"
#include "core/ids.h"

namespace figurant::bank::testonly {

struct TestStudio {
  registry::Studio studio;
  registry::Production production;  // streaming in FR, 24 fps
};

inline Result<TestStudio> AddTestStudio(Bank& bank) {
  const SigningKeyPair key = GenerateSigningKeyPair();  // the studio's own, never in the bank
  TestStudio out;
  FIGURANT_ASSIGN_OR_RETURN(out.studio, bank.AddStudio("Lumière Pictures", key.public_key));
  FIGURANT_ASSIGN_OR_RETURN(
      out.production, bank.AddProduction(consent::SignProduction({NewId(id_prefix::kProduction),
                                                                  out.studio.id,
                                                                  "Le Grand Match",
                                                                  {"streaming"},
                                                                  {"FR"},
                                                                  {"violence"},
                                                                  *ParseFrameRate("24")},
                                                                 key)));
  return out;
}

// Revocable terms for background use in `production_id`, streaming in FR, 2026 to 2027.
inline std::string TestTerms(const std::string& production_id) {
  return R"({"productions": [")" + production_id + R"("],
      "uses": ["background"], "media": ["streaming"], "territories": ["FR"],
      "valid_from": "2026-01-01", "valid_until": "2027-12-31", "max_screen_height_fraction": 0.2,
      "compensation": {"currency": "EUR", "per_screen_second": 2.0},
      "revocable": true, "revocation_notice_days": 0})";
}

}  // namespace figurant::bank::testonly

// The casting pool: every double of the bank judged for the production today (consent::Check with
// no on-screen height and no alteration); the doubles allowed and with stored geometry are cast,
// the others counted by reason. Also what the per-agent check later needs of every double:
// its judgement and its performer's licences, fetched once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "bank/bank.h"
#include "consent/check.h"
#include "core/status.h"

namespace figurant::shot::internal {

// A performer's licences and facts, as consent::Check reads them.
struct PerformerLicences {
  std::vector<consent::LicenceFacts> licences;
  consent::PerformerFacts facts;
};

// A double crowd groups may cast.
struct PoolDouble {
  registry::Double row;
  // The licence that allows the production without alterations: it decides which variation a
  // group may apply (the per-agent check then decides, and names the licence billed).
  std::string licence_id;
  bool tint_ok = false;   // that licence permits wardrobe_tint
  bool scale_ok = false;  // ... and body_scale
};

struct CastingPool {
  std::vector<PoolDouble> doubles;  // in the bank's order; casting indexes into it
  // Doubles left out, by reason: each consent::ReasonCodeName of a refused double once, and
  // "no_geometry" for an allowed double without stored geometry.
  std::map<std::string, int> excluded_by_reason;
  std::map<std::string, bank::DoubleEligibility> judged;  // every double of the bank, by id
  std::map<std::string, PerformerLicences> performers;    // every judged double's, by id
};

// Pure: the pool from the bank's judgement. `performers` must hold every judged double's performer
// (the alterations a pool double's licence permits are read there).
CastingPool BuildCastingPool(const std::vector<bank::DoubleEligibility>& judged,
                             std::map<std::string, PerformerLicences> performers);

// Judges every double of `bank` for `production` and background use on `today`, fetches each
// performer's licences and facts, and builds the pool. The bank's errors, unchanged.
Result<CastingPool> JudgeCastingPool(bank::Bank& bank, const std::string& production, Date today);

}  // namespace figurant::shot::internal

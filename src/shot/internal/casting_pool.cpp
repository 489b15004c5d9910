#include "shot/internal/casting_pool.h"

#include <algorithm>

namespace figurant::shot::internal {
namespace {

bool Permits(const consent::Terms& terms, consent::Alteration a) {
  return std::find(terms.alterations.begin(), terms.alterations.end(), a) !=
         terms.alterations.end();
}

}  // namespace

CastingPool BuildCastingPool(const std::vector<bank::DoubleEligibility>& judged,
                             std::map<std::string, PerformerLicences> performers) {
  CastingPool pool;
  pool.performers = std::move(performers);
  for (const bank::DoubleEligibility& e : judged) {
    pool.judged[e.double_row.id] = e;
    if (!e.decision.allowed || !e.double_row.blob_id) {
      for (consent::ReasonCode c : e.decision.AllReasonCodes()) {
        ++pool.excluded_by_reason[std::string(consent::ReasonCodeName(c))];
      }
      if (e.decision.allowed) ++pool.excluded_by_reason["no_geometry"];
      continue;
    }
    PoolDouble p{e.double_row, e.decision.licence_id};
    for (const consent::LicenceFacts& l : pool.performers.at(e.performer.id).licences) {
      if (l.id != p.licence_id) continue;
      p.tint_ok = Permits(l.terms, consent::Alteration::kWardrobeTint);
      p.scale_ok = Permits(l.terms, consent::Alteration::kBodyScale);
    }
    pool.doubles.push_back(std::move(p));
  }
  return pool;
}

Result<CastingPool> JudgeCastingPool(bank::Bank& bank, const std::string& production, Date today) {
  FIGURANT_ASSIGN_OR_RETURN(const std::vector<bank::DoubleEligibility> judged,
                            bank.JudgeDoubles(production, consent::Use::kBackground, today, {}));
  std::map<std::string, PerformerLicences> performers;
  for (const bank::DoubleEligibility& e : judged) {
    if (performers.contains(e.performer.id)) continue;
    PerformerLicences& p = performers[e.performer.id];
    FIGURANT_ASSIGN_OR_RETURN(p.licences, bank.LicenceFactsOf(e.performer.id));
    FIGURANT_ASSIGN_OR_RETURN(p.facts, bank.PerformerFactsOf(e.performer.id));
  }
  return BuildCastingPool(judged, std::move(performers));
}

}  // namespace figurant::shot::internal

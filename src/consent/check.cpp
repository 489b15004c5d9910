#include "consent/check.h"

#include <algorithm>
#include <set>
#include <sstream>

namespace figurant::consent {
namespace {

template <typename T>
bool Contains(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string FormatFraction(double f) {
  std::ostringstream out;
  out.precision(3);
  out << f;
  return out.str();
}

}  // namespace

std::string_view LicenceStateName(LicenceState s) {
  switch (s) {
    case LicenceState::kDraft:
      return "draft";
    case LicenceState::kActive:
      return "active";
    case LicenceState::kRevoked:
      return "revoked";
    case LicenceState::kErased:
      return "erased";
  }
  return "unknown";
}

std::string_view ReasonCodeName(ReasonCode code) {
  switch (code) {
    case ReasonCode::kNoLicence:
      return "no_licence";
    case ReasonCode::kNotSigned:
      return "not_signed";
    case ReasonCode::kSignatureInvalid:
      return "signature_invalid";
    case ReasonCode::kErased:
      return "erased";
    case ReasonCode::kRevoked:
      return "revoked";
    case ReasonCode::kOtherStudio:
      return "other_studio";
    case ReasonCode::kProductionNotCovered:
      return "production_not_covered";
    case ReasonCode::kUseNotCovered:
      return "use_not_covered";
    case ReasonCode::kMediumNotCovered:
      return "medium_not_covered";
    case ReasonCode::kTerritoryNotCovered:
      return "territory_not_covered";
    case ReasonCode::kNotYetValid:
      return "not_yet_valid";
    case ReasonCode::kExpired:
      return "expired";
    case ReasonCode::kContentExcluded:
      return "content_excluded";
    case ReasonCode::kTooLargeOnScreen:
      return "too_large_on_screen";
    case ReasonCode::kAlterationNotPermitted:
      return "alteration_not_permitted";
    case ReasonCode::kNeedsEstate:
      return "needs_estate";
  }
  return "unknown";
}

std::vector<ReasonCode> Decision::AllReasonCodes() const {
  std::set<ReasonCode> codes;
  for (const LicenceDenial& d : denials) {
    for (const Reason& r : d.reasons) codes.insert(r.code);
  }
  return {codes.begin(), codes.end()};
}

std::vector<Reason> LicenceReasons(const LicenceFacts& l, const PerformerFacts& performer,
                                   const UseRequest& req) {
  std::vector<Reason> out;
  const Terms& t = l.terms;
  const ProductionFacts& p = req.production;

  switch (l.state) {
    case LicenceState::kDraft:
      out.push_back({ReasonCode::kNotSigned, "licence is a draft; the performer has not signed"});
      break;
    case LicenceState::kErased:
      out.push_back({ReasonCode::kErased, "licence was erased with the performer's data"});
      break;
    case LicenceState::kRevoked:
      if (!l.revoked_from || req.date >= *l.revoked_from) {
        out.push_back({ReasonCode::kRevoked,
                       "revoked, effective " +
                           (l.revoked_from ? l.revoked_from->ToString() : std::string("now"))});
      }
      break;
    case LicenceState::kActive:
      break;
  }
  if (l.state != LicenceState::kDraft && !l.signature_valid) {
    out.push_back({ReasonCode::kSignatureInvalid,
                   "consent signature does not verify against the recorded terms and disclosure"});
  }
  if (l.studio_id != p.studio_id) {
    out.push_back({ReasonCode::kOtherStudio, "licence is for studio " + l.studio_id +
                                                 ", production belongs to " + p.studio_id});
  }
  if (!t.all_productions && !Contains(t.productions, p.id)) {
    out.push_back({ReasonCode::kProductionNotCovered,
                   "production " + p.id + " is not among the licensed productions"});
  }
  if (!Contains(t.uses, req.use)) {
    out.push_back(
        {ReasonCode::kUseNotCovered, "use '" + std::string(UseName(req.use)) + "' is not granted"});
  }
  for (const std::string& m : p.media) {
    if (!Contains(t.media, m)) {
      out.push_back({ReasonCode::kMediumNotCovered, "medium '" + m + "' is not covered"});
    }
  }
  const bool licence_worldwide = Contains(t.territories, std::string(kWorldwide));
  if (!licence_worldwide) {
    for (const std::string& terr : p.territories) {
      if (!Contains(t.territories, terr)) {
        out.push_back(
            {ReasonCode::kTerritoryNotCovered, "territory '" + terr + "' is not covered"});
      }
    }
  }
  if (req.date < t.valid_from) {
    out.push_back({ReasonCode::kNotYetValid, "term starts " + t.valid_from.ToString() +
                                                 ", use is on " + req.date.ToString()});
  }
  if (t.valid_until && req.date > *t.valid_until) {
    out.push_back({ReasonCode::kExpired, "term ended " + t.valid_until->ToString() +
                                             ", use is on " + req.date.ToString()});
  }
  for (const std::string& c : p.content) {
    if (Contains(t.excluded_content, c)) {
      out.push_back({ReasonCode::kContentExcluded,
                     "production contains '" + c + "', which the licence excludes"});
    }
  }
  if (req.screen_height_fraction && *req.screen_height_fraction > t.max_screen_height_fraction) {
    out.push_back({ReasonCode::kTooLargeOnScreen,
                   "on-screen height " + FormatFraction(*req.screen_height_fraction) +
                       " of frame exceeds the licensed maximum " +
                       FormatFraction(t.max_screen_height_fraction)});
  }
  for (Alteration a : req.alterations) {
    if (!Contains(t.alterations, a)) {
      out.push_back({ReasonCode::kAlterationNotPermitted,
                     "alteration '" + std::string(AlterationName(a)) + "' is not permitted"});
    }
  }
  if (performer.deceased_on && req.date >= *performer.deceased_on && l.signer != Signer::kEstate) {
    out.push_back(
        {ReasonCode::kNeedsEstate, "performer died on " + performer.deceased_on->ToString() +
                                       "; only a licence signed by their estate applies"});
  }
  return out;
}

Decision Check(const std::vector<LicenceFacts>& licences, const PerformerFacts& performer,
               const UseRequest& request) {
  Decision d;
  if (performer.erased) {
    d.denials.push_back({"", {{ReasonCode::kErased, "performer's data has been erased"}}});
    return d;
  }
  if (licences.empty()) {
    d.denials.push_back({"", {{ReasonCode::kNoLicence, "performer has no licence"}}});
    return d;
  }
  const LicenceFacts* best = nullptr;
  auto rank = [](const LicenceFacts& l) {
    return std::make_tuple(l.terms.all_productions, l.terms.perpetual(), l.id);
  };
  for (const LicenceFacts& l : licences) {
    std::vector<Reason> reasons = LicenceReasons(l, performer, request);
    if (reasons.empty()) {
      if (best == nullptr || rank(l) < rank(*best)) best = &l;
    } else {
      d.denials.push_back({l.id, std::move(reasons)});
    }
  }
  if (best != nullptr) {
    d.allowed = true;
    d.licence_id = best->id;
  }
  return d;
}

}  // namespace figurant::consent

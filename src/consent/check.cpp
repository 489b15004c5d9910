#include "consent/check.h"

#include <algorithm>
#include <set>
#include <sstream>

#include "core/names.h"

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

constexpr Entry<LicenceState, std::string_view> kLicenceStateNames[] = {
    {LicenceState::kDraft, "draft"},
    {LicenceState::kActive, "active"},
    {LicenceState::kRevoked, "revoked"},
    {LicenceState::kErased, "erased"},
};

constexpr Entry<ReasonCode, std::string_view> kReasonCodeNames[] = {
    {ReasonCode::kNoLicence, "no_licence"},
    {ReasonCode::kNotSigned, "not_signed"},
    {ReasonCode::kSignatureInvalid, "signature_invalid"},
    {ReasonCode::kErased, "erased"},
    {ReasonCode::kRevoked, "revoked"},
    {ReasonCode::kOtherStudio, "other_studio"},
    {ReasonCode::kProductionNotCovered, "production_not_covered"},
    {ReasonCode::kUseNotCovered, "use_not_covered"},
    {ReasonCode::kMediumNotCovered, "medium_not_covered"},
    {ReasonCode::kTerritoryNotCovered, "territory_not_covered"},
    {ReasonCode::kNotYetValid, "not_yet_valid"},
    {ReasonCode::kExpired, "expired"},
    {ReasonCode::kContentExcluded, "content_excluded"},
    {ReasonCode::kTooLargeOnScreen, "too_large_on_screen"},
    {ReasonCode::kAlterationNotPermitted, "alteration_not_permitted"},
    {ReasonCode::kNeedsEstate, "needs_estate"},
    {ReasonCode::kSuspended, "suspended"},
    {ReasonCode::kStrike, "strike"},
};

// ---- the rules of check.h, one function each ---------------------------------------------------
// A rule adds one reason for each way the licence fails it, and nothing when it holds.

struct Facts {
  const LicenceFacts& licence;
  const PerformerFacts& performer;
  const UseRequest& request;
};

using Rule = void (*)(const Facts&, std::vector<Reason>&);

// A draft allows nothing.
void Signed(const Facts& f, std::vector<Reason>& out) {
  if (f.licence.state == LicenceState::kDraft) {
    out.push_back({ReasonCode::kNotSigned, "licence is a draft; the performer has not signed"});
  }
}

void NotErased(const Facts& f, std::vector<Reason>& out) {
  if (f.licence.state == LicenceState::kErased) {
    out.push_back({ReasonCode::kErased, "licence was erased with the performer's data"});
  }
}

// A revoked licence still allows uses dated before the revocation takes effect.
void NotRevoked(const Facts& f, std::vector<Reason>& out) {
  const LicenceFacts& l = f.licence;
  if (l.state != LicenceState::kRevoked) return;
  if (!l.revoked_from || f.request.date >= *l.revoked_from) {
    out.push_back({ReasonCode::kRevoked,
                   "revoked, effective " +
                       (l.revoked_from ? l.revoked_from->ToString() : std::string("now"))});
  }
}

// (A draft has no signature to verify; Signed already refuses it.)
void SignatureVerified(const Facts& f, std::vector<Reason>& out) {
  if (f.licence.state != LicenceState::kDraft && !f.licence.signature_valid) {
    out.push_back({ReasonCode::kSignatureInvalid,
                   "consent signature does not verify against the recorded terms and disclosure"});
  }
}

void SameStudio(const Facts& f, std::vector<Reason>& out) {
  const std::string& production_studio = f.request.production.studio_id;
  if (f.licence.studio_id != production_studio) {
    out.push_back({ReasonCode::kOtherStudio, "licence is for studio " + f.licence.studio_id +
                                                 ", production belongs to " + production_studio});
  }
}

void ProductionCovered(const Facts& f, std::vector<Reason>& out) {
  const Terms& t = f.licence.terms;
  const std::string& id = f.request.production.id;
  if (!t.all_productions && !Contains(t.productions, id)) {
    out.push_back({ReasonCode::kProductionNotCovered,
                   "production " + id + " is not among the licensed productions"});
  }
}

void UseGranted(const Facts& f, std::vector<Reason>& out) {
  const Use use = f.request.use;
  if (!Contains(f.licence.terms.uses, use)) {
    out.push_back(
        {ReasonCode::kUseNotCovered, "use '" + std::string(UseName(use)) + "' is not granted"});
  }
}

void EveryMediumCovered(const Facts& f, std::vector<Reason>& out) {
  for (const std::string& m : f.request.production.media) {
    if (!Contains(f.licence.terms.media, m)) {
      out.push_back({ReasonCode::kMediumNotCovered, "medium '" + m + "' is not covered"});
    }
  }
}

// "worldwide" covers every territory, and only it covers a production released worldwide.
void EveryTerritoryCovered(const Facts& f, std::vector<Reason>& out) {
  const std::vector<std::string>& licensed = f.licence.terms.territories;
  if (Contains(licensed, std::string(kWorldwide))) return;
  for (const std::string& terr : f.request.production.territories) {
    if (!Contains(licensed, terr)) {
      out.push_back({ReasonCode::kTerritoryNotCovered, "territory '" + terr + "' is not covered"});
    }
  }
}

// valid_from and valid_until are both inclusive; a perpetual licence has no end.
void WithinTerm(const Facts& f, std::vector<Reason>& out) {
  const Terms& t = f.licence.terms;
  const Date& date = f.request.date;
  if (date < t.valid_from) {
    out.push_back({ReasonCode::kNotYetValid,
                   "term starts " + t.valid_from.ToString() + ", use is on " + date.ToString()});
  }
  if (t.valid_until && date > *t.valid_until) {
    out.push_back({ReasonCode::kExpired,
                   "term ended " + t.valid_until->ToString() + ", use is on " + date.ToString()});
  }
}

void NoExcludedContent(const Facts& f, std::vector<Reason>& out) {
  for (const std::string& c : f.request.production.content) {
    if (Contains(f.licence.terms.excluded_content, c)) {
      out.push_back({ReasonCode::kContentExcluded,
                     "production contains '" + c + "', which the licence excludes"});
    }
  }
}

// Only checked when the request knows the on-screen size; a size that is not a number >= 0 (NaN,
// negative) is refused, never taken for "no limit". +inf is larger than any limit.
void SmallEnoughOnScreen(const Facts& f, std::vector<Reason>& out) {
  const std::optional<double>& size = f.request.screen_height_fraction;
  if (!size) return;
  const double allowed = f.licence.terms.max_screen_height_fraction;
  if (!(*size >= 0)) {
    out.push_back({ReasonCode::kTooLargeOnScreen, "on-screen size " + FormatFraction(*size) +
                                                      " is not a measurement (expected a number "
                                                      ">= 0, in frame heights)"});
  } else if (*size > allowed) {
    out.push_back({ReasonCode::kTooLargeOnScreen, "on-screen size " + FormatFraction(*size) +
                                                      " of frame height exceeds the licensed "
                                                      "maximum " +
                                                      FormatFraction(allowed)});
  }
}

void EveryAlterationPermitted(const Facts& f, std::vector<Reason>& out) {
  for (Alteration a : f.request.alterations) {
    if (!Contains(f.licence.terms.alterations, a)) {
      out.push_back({ReasonCode::kAlterationNotPermitted,
                     "alteration '" + std::string(AlterationName(a)) + "' is not permitted"});
    }
  }
}

// From the day of death on, only a licence signed by the estate applies.
void EstateAfterDeath(const Facts& f, std::vector<Reason>& out) {
  const std::optional<Date>& died = f.performer.deceased_on;
  if (died && f.request.date >= *died && f.licence.signer != Signer::kEstate) {
    out.push_back(
        {ReasonCode::kNeedsEstate, "performer died on " + died->ToString() +
                                       "; only a licence signed by their estate applies"});
  }
}

// A suspension holds from the day the performer suspended the licence until the day they resumed
// it.
void NotSuspended(const Facts& f, std::vector<Reason>& out) {
  for (const Suspension& s : f.licence.suspensions) {
    if (s.Contains(f.request.date)) {
      out.push_back({ReasonCode::kSuspended,
                     "the performer suspended this licence " + s.ToString() +
                         (s.until ? std::string() : std::string(" (until they resume it)"))});
    }
  }
}

// A strike covers every licence with the studio it is declared against.
void NoStrike(const Facts& f, std::vector<Reason>& out) {
  for (const Strike& s : f.performer.strikes) {
    if (s.studio_id == f.request.production.studio_id && s.period.Contains(f.request.date)) {
      out.push_back({ReasonCode::kStrike, "union " + s.union_id + " is on strike against studio " +
                                              s.studio_id + " " + s.period.ToString()});
    }
  }
}

// In the order check.h lists them, which is the order of a licence's reasons.
constexpr Rule kRules[] = {
    Signed,
    NotErased,
    NotRevoked,
    SignatureVerified,
    SameStudio,
    ProductionCovered,
    UseGranted,
    EveryMediumCovered,
    EveryTerritoryCovered,
    WithinTerm,
    NoExcludedContent,
    SmallEnoughOnScreen,
    EveryAlterationPermitted,
    EstateAfterDeath,
    NotSuspended,
    NoStrike,
};

}  // namespace

std::string DatePeriod::ToString() const {
  return "from " + from.ToString() + (until ? " until " + until->ToString() : std::string());
}

std::string_view LicenceStateName(LicenceState s) {
  return Lookup(kLicenceStateNames, s, "unknown");
}

std::string_view ReasonCodeName(ReasonCode code) {
  return Lookup(kReasonCodeNames, code, "unknown");
}

std::vector<ReasonCode> Decision::AllReasonCodes() const {
  std::set<ReasonCode> codes;
  for (const LicenceDenial& d : denials) {
    for (const Reason& r : d.reasons) codes.insert(r.code);
  }
  return {codes.begin(), codes.end()};
}

std::vector<Reason> LicenceReasons(const LicenceFacts& licence, const PerformerFacts& performer,
                                   const UseRequest& request) {
  const Facts facts{licence, performer, request};
  std::vector<Reason> out;
  for (const Rule rule : kRules) rule(facts, out);
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

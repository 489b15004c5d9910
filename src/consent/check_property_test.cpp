// Property test: the licence check agrees with a small, separately written reference model of
// the rules on random licences and requests. The model is deliberately written another way (sets
// and a table of predicates over plain integers) so that a shared mistake is unlikely.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "consent/check.h"

namespace figurant::consent {
namespace {

// ---- the reference model ------------------------------------------------------------------
// Dates are day numbers; sets are std::set; a licence is a bag of plain fields.
struct RefLicence {
  std::string id;
  int studio;
  bool any_production;
  std::set<int> productions;
  std::set<int> uses;  // 0 background, 1 featured
  std::set<std::string> media;
  std::set<std::string> territories;  // may contain "worldwide"
  int from, until;                    // until < 0: perpetual
  double max_height;
  std::set<int> alterations;
  std::set<std::string> excluded;
  int state;         // 0 draft 1 active 2 revoked 3 erased
  int revoked_from;  // day, for state 2; < 0 means immediately
  bool signature_ok;
  bool estate;
  std::vector<std::pair<int, int>> suspended;  // [first day, first day after); after < 0: open
};

struct RefRequest {
  int studio, production, use, day;
  std::set<std::string> media, territories, content;
  double height;  // < 0: unknown
  std::set<int> alterations;
  int deceased_on;  // < 0: alive
  bool erased;
  struct Strike {
    int studio, from, until;  // [from, until); until < 0: not ended
  };
  std::vector<Strike> strikes;
};

std::set<ReasonCode> RefReasons(const RefLicence& l, const RefRequest& r) {
  std::set<ReasonCode> out;
  auto subset = [](const std::set<std::string>& a, const std::set<std::string>& b) {
    return std::includes(b.begin(), b.end(), a.begin(), a.end());
  };
  if (l.state == 0) out.insert(ReasonCode::kNotSigned);
  if (l.state == 3) out.insert(ReasonCode::kErased);
  if (l.state == 2 && (l.revoked_from < 0 || r.day >= l.revoked_from)) {
    out.insert(ReasonCode::kRevoked);
  }
  if (l.state != 0 && !l.signature_ok) out.insert(ReasonCode::kSignatureInvalid);
  if (l.studio != r.studio) out.insert(ReasonCode::kOtherStudio);
  if (!l.any_production && !l.productions.count(r.production)) {
    out.insert(ReasonCode::kProductionNotCovered);
  }
  if (!l.uses.count(r.use)) out.insert(ReasonCode::kUseNotCovered);
  if (!subset(r.media, l.media)) out.insert(ReasonCode::kMediumNotCovered);
  if (!l.territories.count("worldwide") && !subset(r.territories, l.territories)) {
    out.insert(ReasonCode::kTerritoryNotCovered);
  }
  if (r.day < l.from) out.insert(ReasonCode::kNotYetValid);
  if (l.until >= 0 && r.day > l.until) out.insert(ReasonCode::kExpired);
  std::set<std::string> clash;
  std::set_intersection(r.content.begin(), r.content.end(), l.excluded.begin(), l.excluded.end(),
                        std::inserter(clash, clash.begin()));
  if (!clash.empty()) out.insert(ReasonCode::kContentExcluded);
  if (r.height >= 0 && r.height > l.max_height) out.insert(ReasonCode::kTooLargeOnScreen);
  if (!std::includes(l.alterations.begin(), l.alterations.end(), r.alterations.begin(),
                     r.alterations.end())) {
    out.insert(ReasonCode::kAlterationNotPermitted);
  }
  if (r.deceased_on >= 0 && r.day >= r.deceased_on && !l.estate) {
    out.insert(ReasonCode::kNeedsEstate);
  }
  auto in = [&](int from, int until) { return r.day >= from && (until < 0 || r.day < until); };
  for (const auto& [from, until] : l.suspended) {
    if (in(from, until)) out.insert(ReasonCode::kSuspended);
  }
  for (const RefRequest::Strike& s : r.strikes) {
    if (s.studio == r.studio && in(s.from, s.until)) out.insert(ReasonCode::kStrike);
  }
  return out;
}

// ---- random generation ----------------------------------------------------------------------
constexpr int kBaseDay = 20454;  // 2026-01-01
const std::vector<std::string> kMedia = {"theatrical", "streaming", "broadcast"};
const std::vector<std::string> kTerritories = {"FR", "US", "GB"};
const std::vector<std::string> kContent = {"violence", "nudity", "political"};

template <typename T>
std::set<T> RandomSubset(const std::vector<T>& all, std::mt19937& rng, bool non_empty) {
  std::set<T> out;
  do {
    out.clear();
    for (const T& x : all) {
      if (rng() % 2) out.insert(x);
    }
  } while (non_empty && out.empty());
  return out;
}

std::string ProductionId(int p) { return "prd_" + std::to_string(p); }
std::string StudioId(int s) { return "stu_" + std::to_string(s); }

RefLicence RandomLicence(std::mt19937& rng, int index) {
  RefLicence l;
  l.id = "lic_" + std::to_string(index);
  l.studio = static_cast<int>(rng() % 2);
  l.any_production = rng() % 5 == 0;
  l.productions = RandomSubset<int>({0, 1, 2}, rng, true);
  l.uses = RandomSubset<int>({0, 1}, rng, true);
  l.media = RandomSubset(kMedia, rng, true);
  if (rng() % 3 == 0) {
    l.territories = {"worldwide"};
  } else {
    l.territories = RandomSubset(kTerritories, rng, true);
  }
  l.from = kBaseDay + static_cast<int>(rng() % 200);
  l.until = rng() % 4 == 0 ? -1 : l.from + static_cast<int>(rng() % 400);
  l.max_height = 0.05 + 0.05 * static_cast<double>(rng() % 10);
  l.alterations = RandomSubset<int>({0, 1, 2}, rng, false);
  l.excluded = RandomSubset(kContent, rng, false);
  const int s = static_cast<int>(rng() % 10);
  l.state = s < 6 ? 1 : (s < 8 ? 2 : (s < 9 ? 0 : 3));
  l.revoked_from =
      l.state == 2 ? (rng() % 5 == 0 ? -1 : kBaseDay + static_cast<int>(rng() % 500)) : -1;
  l.signature_ok = rng() % 20 != 0;
  l.estate = rng() % 4 == 0;
  for (int i = static_cast<int>(rng() % 8); i < 2; ++i) {  // a quarter of licences have one or two
    const int from = kBaseDay + static_cast<int>(rng() % 600);
    l.suspended.emplace_back(from, rng() % 3 == 0 ? -1 : from + static_cast<int>(rng() % 90));
  }
  return l;
}

RefRequest RandomRequest(std::mt19937& rng) {
  RefRequest r;
  r.studio = static_cast<int>(rng() % 2);
  r.production = static_cast<int>(rng() % 3);
  r.use = static_cast<int>(rng() % 2);
  r.day = kBaseDay - 20 + static_cast<int>(rng() % 700);
  r.media = RandomSubset(kMedia, rng, true);
  if (rng() % 4 == 0) {
    r.territories = {"worldwide"};
  } else {
    r.territories = RandomSubset(kTerritories, rng, true);
  }
  r.content = rng() % 2 ? RandomSubset(kContent, rng, false) : std::set<std::string>{};
  r.height = rng() % 5 == 0 ? -1.0 : 0.01 * static_cast<double>(rng() % 60);
  r.alterations = RandomSubset<int>({0, 1, 2}, rng, false);
  r.deceased_on = rng() % 6 == 0 ? kBaseDay + static_cast<int>(rng() % 600) : -1;
  r.erased = rng() % 50 == 0;
  for (int i = static_cast<int>(rng() % 10); i < 2; ++i) {  // a fifth of performers
    const int from = kBaseDay + static_cast<int>(rng() % 600);
    r.strikes.push_back({static_cast<int>(rng() % 2), from,
                         rng() % 3 == 0 ? -1 : from + static_cast<int>(rng() % 120)});
  }
  return r;
}

// Moves a random request inside one licence's grant, so that allowed outcomes are common; the
// random deceased/erased/alteration draws still make some of them fail.
void FitRequestTo(const RefLicence& l, RefRequest& r, std::mt19937& rng) {
  r.studio = l.studio;
  if (!l.any_production) {
    auto it = l.productions.begin();
    std::advance(it, static_cast<long>(rng() % l.productions.size()));
    r.production = *it;
  }
  r.use = *l.uses.begin();
  r.media = {*l.media.begin()};
  if (!l.territories.count("worldwide")) r.territories = {*l.territories.begin()};
  const int span = l.until >= 0 ? l.until - l.from + 1 : 300;
  r.day = l.from + static_cast<int>(rng() % static_cast<unsigned>(span));
  r.content.clear();
  if (r.height > l.max_height) r.height = l.max_height;
  if (rng() % 2) r.alterations = l.alterations;
}

// ---- conversion to the real types --------------------------------------------------------
LicenceFacts ToFacts(const RefLicence& l) {
  LicenceFacts f;
  f.id = l.id;
  f.studio_id = StudioId(l.studio);
  f.terms.studio = f.studio_id;
  f.terms.all_productions = l.any_production;
  for (int p : l.productions) f.terms.productions.push_back(ProductionId(p));
  for (int u : l.uses) f.terms.uses.push_back(u == 0 ? Use::kBackground : Use::kFeaturedBackground);
  f.terms.media.assign(l.media.begin(), l.media.end());
  f.terms.territories.assign(l.territories.begin(), l.territories.end());
  f.terms.valid_from = Date::FromDays(l.from);
  if (l.until >= 0) f.terms.valid_until = Date::FromDays(l.until);
  f.terms.max_screen_height_fraction = l.max_height;
  for (int a : l.alterations) f.terms.alterations.push_back(static_cast<Alteration>(a));
  f.terms.excluded_content.assign(l.excluded.begin(), l.excluded.end());
  f.state = static_cast<LicenceState>(l.state);
  if (l.revoked_from >= 0) f.revoked_from = Date::FromDays(l.revoked_from);
  f.signature_valid = l.signature_ok;
  f.signer = l.estate ? Signer::kEstate : Signer::kPerformer;
  for (const auto& [from, until] : l.suspended) {
    Suspension& s = f.suspensions.emplace_back();
    s.from = Date::FromDays(from);
    if (until >= 0) s.until = Date::FromDays(until);
  }
  return f;
}

UseRequest ToRequest(const RefRequest& r) {
  UseRequest q;
  q.production.id = ProductionId(r.production);
  q.production.studio_id = StudioId(r.studio);
  q.production.media.assign(r.media.begin(), r.media.end());
  q.production.territories.assign(r.territories.begin(), r.territories.end());
  q.production.content.assign(r.content.begin(), r.content.end());
  q.use = r.use == 0 ? Use::kBackground : Use::kFeaturedBackground;
  q.date = Date::FromDays(r.day);
  if (r.height >= 0) q.screen_height_fraction = r.height;
  for (int a : r.alterations) q.alterations.push_back(static_cast<Alteration>(a));
  return q;
}

TEST(CheckPropertyTest, AgreesWithReferenceModelOnRandomLicencesAndRequests) {
  std::mt19937 rng(20261125);
  constexpr int kTrials = 12000;
  int pairs = 0, allowed_count = 0, disagreements = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    const int n = 1 + static_cast<int>(rng() % 3);
    std::vector<RefLicence> refs;
    std::vector<LicenceFacts> facts;
    for (int i = 0; i < n; ++i) {
      refs.push_back(RandomLicence(rng, i));
      facts.push_back(ToFacts(refs.back()));
    }
    RefRequest req = RandomRequest(rng);
    if (rng() % 2 == 0) FitRequestTo(refs[rng() % refs.size()], req, rng);
    PerformerFacts performer;
    if (req.deceased_on >= 0) performer.deceased_on = Date::FromDays(req.deceased_on);
    performer.erased = req.erased;
    for (const RefRequest::Strike& s : req.strikes) {
      Strike& strike = performer.strikes.emplace_back();
      strike.union_id = "uni_1";
      strike.studio_id = StudioId(s.studio);
      strike.period.from = Date::FromDays(s.from);
      if (s.until >= 0) strike.period.until = Date::FromDays(s.until);
    }
    const Decision d = Check(facts, performer, ToRequest(req));

    // Reference decision: allowed iff some licence has no reasons; the chosen one is the first by
    // (blanket, perpetual, id).
    std::vector<const RefLicence*> allowing;
    for (const RefLicence& l : refs) {
      ++pairs;
      const std::set<ReasonCode> expected = RefReasons(l, req);
      if (expected.empty()) allowing.push_back(&l);
      if (req.erased) continue;
      const auto it = std::find_if(d.denials.begin(), d.denials.end(),
                                   [&](const LicenceDenial& x) { return x.licence_id == l.id; });
      std::set<ReasonCode> got;
      if (it != d.denials.end()) {
        for (const Reason& r : it->reasons) got.insert(r.code);
      }
      if (got != expected) {
        ++disagreements;
        ADD_FAILURE() << "trial " << trial << " licence " << l.id << ": reasons differ";
      }
    }
    const bool ref_allowed = !req.erased && !allowing.empty();
    if (ref_allowed != d.allowed) {
      ++disagreements;
      ADD_FAILURE() << "trial " << trial << ": allowed differs";
    }
    if (ref_allowed) {
      ++allowed_count;
      const RefLicence* best = *std::min_element(
          allowing.begin(), allowing.end(), [](const RefLicence* a, const RefLicence* b) {
            return std::make_tuple(a->any_production, a->until < 0, a->id) <
                   std::make_tuple(b->any_production, b->until < 0, b->id);
          });
      if (best->id != d.licence_id) {
        ++disagreements;
        ADD_FAILURE() << "trial " << trial << ": chose " << d.licence_id << " not " << best->id;
      }
    }
    if (disagreements > 10) break;
  }
  EXPECT_EQ(disagreements, 0);
  EXPECT_GE(pairs, 10000);
  // The generator must exercise both outcomes, or the test proves little.
  EXPECT_GT(allowed_count, kTrials / 50);
  EXPECT_LT(allowed_count, kTrials / 2);
  RecordProperty("pairs", pairs);
  RecordProperty("allowed", allowed_count);
}

}  // namespace
}  // namespace figurant::consent

// The licence check: may this double appear in this use? The one decision function used by the
// `check` command, by the renderer for every agent, and by casting. Pure: no I/O, no clock, no
// globals; everything it needs is in its arguments, so it is deterministic and thread-safe.
//
// The rules (docs/licence.md states them for people):
//   A use is allowed when at least one licence of the performer allows it. A licence allows a use
//   when ALL of these hold, else each failing rule is a reason:
//   - it is signed (a draft allows nothing) and its consent signature verified;
//   - it is not erased; if revoked, the use date is before the revocation's effective date;
//   - its studio is the requesting production's studio;
//   - it is blanket or names the production;
//   - it grants the use (background / featured_background);
//   - it covers every medium and every territory the production is released in ("worldwide"
//     covers every territory; a production released worldwide needs a worldwide licence);
//   - the use date is within [valid_from, valid_until] (perpetual: no end);
//   - the production's content categories include none the licence excludes;
//   - when the on-screen size is known, it is at most max_screen_height_fraction (a size that is
//     not a number >= 0 — NaN, negative — is refused, never taken for "no limit");
//   - every alteration asked for is permitted;
//   - if the performer died on or before the use date, the licence was signed by their estate;
//   - the performer has not suspended it on the use date (suspend/resume, signed with their key);
//   - no union the performer belongs to is on strike against the production's studio on the use
//     date (a strike declared with the union's key).
//   An erased performer is never allowed.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "consent/terms.h"
#include "core/clock.h"
#include "core/frame_rate.h"

namespace figurant::consent {

enum class LicenceState { kDraft, kActive, kRevoked, kErased };
enum class Signer { kPerformer, kEstate };

std::string_view LicenceStateName(LicenceState s);  // "draft", "active", "revoked", "erased"

// What the check needs to know about one licence.
// A period in days: from `from` (the first day it applies) up to, not including, `until` (the
// first day it no longer applies); no `until` while it has not been ended.
struct DatePeriod {
  Date from;
  std::optional<Date> until;

  bool Contains(const Date& day) const { return from <= day && (!until || day < *until); }
  std::string ToString() const;  // "from 2026-06-01 until 2026-07-01" or "from 2026-06-01"
};

// The performer's suspension of one licence (SAG-AFTRA 2025 interactive agreement): from the day
// they suspended it to the day they resumed it.
using Suspension = DatePeriod;

// A strike a union the performer belongs to declared against a studio.
struct Strike {
  std::string union_id;
  std::string studio_id;
  DatePeriod period;
};

struct LicenceFacts {
  std::string id;
  std::string studio_id;
  Terms terms;
  LicenceState state = LicenceState::kDraft;
  bool signature_valid = false;  // consent signature verified against the stored text
  Signer signer = Signer::kPerformer;
  std::optional<Date> revoked_from;     // first day the revocation applies (state kRevoked)
  std::vector<Suspension> suspensions;  // as the performer signed them, in any order
  // The disclosure version its consent was signed under (DisclosureVersionOf); 0 when unknown.
  // Check does not read it: a render that moves a double asks NeedsMovementReconfirmation of it.
  int disclosure_version = 0;
};

struct PerformerFacts {
  std::optional<Date> deceased_on;  // date of death, when recorded
  bool erased = false;
  // Strikes declared by unions the performer belongs to (against any studio), in any order.
  std::vector<Strike> strikes;
};

struct ProductionFacts {
  std::string id;
  std::string studio_id;
  std::vector<std::string> media;        // every medium the production is released in
  std::vector<std::string> territories;  // ["worldwide"] or ISO country codes
  std::vector<std::string> content;      // content categories (violence, nudity, ...)
  FrameRate frame_rate;                  // declared by the studio (not read by Check)
};

struct UseRequest {
  ProductionFacts production;
  Use use = Use::kBackground;
  Date date;  // the day of the use (render date)
  // The double's size on screen: the longest side of the rectangle it takes in the image (its
  // height, or its width when seen from above or lying), over the frame's height
  // (docs/licence.md, "Size on screen"). Unset: not judged. [Limits: >= 0]
  std::optional<double> screen_height_fraction;
  std::vector<Alteration> alterations;  // what the render changes
};

enum class ReasonCode {
  kNoLicence,
  kNotSigned,
  kSignatureInvalid,
  kErased,
  kRevoked,
  kOtherStudio,
  kProductionNotCovered,
  kUseNotCovered,
  kMediumNotCovered,
  kTerritoryNotCovered,
  kNotYetValid,
  kExpired,
  kContentExcluded,
  kTooLargeOnScreen,
  kAlterationNotPermitted,
  kNeedsEstate,
  kSuspended,
  kStrike,
};

std::string_view ReasonCodeName(ReasonCode code);  // "production_not_covered", ...

struct Reason {
  ReasonCode code;
  std::string detail;  // plain English, names the value: "medium 'theatrical' not covered"
};

struct LicenceDenial {
  std::string licence_id;  // empty for performer-level reasons (no licence, erased)
  std::vector<Reason> reasons;
};

struct Decision {
  bool allowed = false;
  std::string licence_id;              // the licence that allows the use, when allowed
  std::vector<LicenceDenial> denials;  // why each other licence does not (all, when denied)

  // Every reason code across all denials, deduplicated, in ReasonCode order.
  std::vector<ReasonCode> AllReasonCodes() const;
};

// Reasons this one licence does not allow the request; empty when it allows it.
std::vector<Reason> LicenceReasons(const LicenceFacts& licence, const PerformerFacts& performer,
                                   const UseRequest& request);

// The decision over all of a performer's licences. When several allow the use, the most specific
// is chosen (named productions before blanket, then fixed-term before perpetual, then by id), so
// the same request always bills the same licence.
Decision Check(const std::vector<LicenceFacts>& licences, const PerformerFacts& performer,
               const UseRequest& request);

}  // namespace figurant::consent

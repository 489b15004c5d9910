// What signed statements in a ledger establish — suspended licences, strikes, union memberships
// (docs/licence.md, "Suspensions and strikes"; docs/ledger.md, type 12) — from the ledger alone,
// each statement re-verified under the key its signer held when it signed: a performer's key from
// the key_enrolled / key_revoked entries before it, a union's from its representative_registered
// entry. The bank decides with it; `ledger verify` audits an export with it.
//
// Each kind's fields, in message order (consent/statement.h signs them):
//   suspend_licence, resume_licence   licence, performer, from (YYYY-MM-DD), signed_at
//   strike, end_strike                union, studio, from, signed_at
//   join_union, leave_union           performer, union, signed_at
//   key_replacement                   signer (performer|estate), signer_id, performer, old_key,
//                                     new_key (64 lowercase hex each), code_sha256
// A key_replacement is not indexed here: it is carried by its key_enrolled entry, and KeyHistory
// (ledger/consent_audit.h) re-verifies it there.
// A suspension or strike holds from its `from` day up to, not including, the `from` of the
// statement that ends it; a membership from the day (UTC) of its join's signed_at to the day of
// its leave's. Not thread-safe; no I/O.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "consent/check.h"
#include "consent/statement.h"
#include "core/clock.h"
#include "core/status.h"
#include "ledger/payloads.h"

namespace figurant::ledger {

class KeyHistory;  // ledger/consent_audit.h
using Ed25519Key = std::array<uint8_t, kEd25519PublicKeyBytes>;

// The fields of each kind, built for a request (consent::StatementRequest::fields).
std::vector<consent::StatementField> SuspensionFields(const std::string& licence_id,
                                                      const std::string& performer_id,
                                                      const Date& from, UnixSeconds signed_at);
// The representative's confirmation that a signer's lost key is replaced (docs/keys.md, "Lost
// keys"): no date, as it is bound to one single-use enrolment code by its hash.
std::vector<consent::StatementField> KeyReplacementFields(
    consent::Signer signer, const std::string& signer_id, const std::string& performer_id,
    const Ed25519Key& old_key, const Ed25519Key& new_key, const std::string& code_sha256);
std::vector<consent::StatementField> StrikeFields(const std::string& union_id,
                                                  const std::string& studio_id, const Date& from,
                                                  UnixSeconds signed_at);
std::vector<consent::StatementField> MembershipFields(const std::string& performer_id,
                                                      const std::string& union_id,
                                                      UnixSeconds signed_at);

// Who must have signed `statement`, read from its fields: InvalidArgument naming the field when
// the fields are not exactly its kind's, in order, with well-formed values (ids, a date, a time),
// or when the kind is not one this module indexes (key_replacement, login).
struct StatementParty {
  StatementSigner signer = StatementSigner::kPerformer;
  std::string signer_id;
  UnixSeconds signed_at = 0;
};
Result<StatementParty> PartyOf(const consent::SignedStatement& statement);

class StatementIndex {
 public:
  // Indexes representative_registered and statement entries; ignores the others. `keys` must
  // already hold every key entry before `entry`. DataLoss naming the entry when a statement's
  // payload or fields break their format, its signer is not the party its fields name, its key
  // was not that party's at signed_at, its signature does not verify, or it makes no sense where
  // it stands: resuming a licence that is not suspended, suspending one that is, ending a strike
  // that was not declared, declaring one that is on, leaving a union one is not a member of,
  // joining one twice, or ending something before it began.
  Status Add(const Entry& entry, const KeyHistory& keys);
  // Applies a statement already checked by the caller (Check), as Add does for its entry.
  void Apply(const consent::SignedStatement& statement);
  // OK when `event` may be appended now: Add's checks without indexing it. InvalidArgument for
  // fields that are not its kind's or a signer that is not the party they name; PermissionDenied
  // for a key that was not the signer's then or a signature that does not verify;
  // FailedPrecondition when it makes no sense where the ledger stands (CheckTransition).
  Status Check(const StatementEvent& event, const KeyHistory& keys) const;
  // OK when the statement makes sense where the ledger stands, whoever signed it (resuming a
  // suspended licence, ending a strike that is on, ...); FailedPrecondition saying why not.
  Status CheckTransition(const consent::SignedStatement& statement) const {
    return Next(statement).status();
  }

  // The licence's suspensions, oldest first.
  std::vector<consent::Suspension> SuspensionsOf(const std::string& licence_id) const;
  // True while the licence's latest suspension has not been resumed.
  bool Suspended(const std::string& licence_id) const;
  // Strikes of every union the performer belonged to, each clipped to the membership's period.
  std::vector<consent::Strike> StrikesFor(const std::string& performer_id) const;
  // Strikes of one union against one studio, oldest first.
  std::vector<consent::DatePeriod> StrikesOf(const std::string& union_id,
                                             const std::string& studio_id) const;
  // Current members of `union_id`, and the unions `performer_id` currently belongs to.
  std::vector<std::string> MembersOf(const std::string& union_id) const;
  std::vector<std::string> UnionsOf(const std::string& performer_id) const;
  // Everyone who ever joined `union_id`, current or past members, with their membership periods
  // (oldest first; the last one open while they are a member), by performer id. A performer who
  // never joined is absent.
  std::map<std::string, std::vector<consent::DatePeriod>> MembershipsOf(
      const std::string& union_id) const;
  // Every strike `union_id` declared, by studio id, oldest first; a strike not ended is open.
  std::map<std::string, std::vector<consent::DatePeriod>> StrikesBy(
      const std::string& union_id) const;
  bool IsUnion(const std::string& representative_id) const;
  uint64_t statements() const { return statements_; }

 private:
  struct Union {
    Ed25519Key public_key{};
    bool is_union = false;
  };
  using Periods = std::vector<consent::DatePeriod>;
  using PeriodMap = std::map<std::pair<std::string, std::string>, Periods>;
  enum class Map { kSuspensions, kStrikes, kMemberships };
  // The periods a statement opens or closes: which map, under which key, from which day.
  struct Target {
    Map map = Map::kSuspensions;
    std::pair<std::string, std::string> key;
    Date day;
    bool opens = false;
    std::string what;  // for messages: "the suspension of licence lic_…"
  };
  // Opens a period at `from` (FailedPrecondition when the last is open) or closes the open one.
  static Status Open(Periods& periods, const Date& from, std::string_view what);
  static Status Close(Periods& periods, const Date& until, std::string_view what);
  Target TargetOf(const consent::SignedStatement& statement) const;
  const PeriodMap& MapOf(Map m) const;
  // The target's periods once `statement` is applied; FailedPrecondition when it makes no sense.
  Result<Periods> Next(const consent::SignedStatement& statement) const;
  Status CheckKey(const consent::SignedStatement& statement, const StatementParty& party,
                  const KeyHistory& keys) const;

  std::map<std::string, Union> representatives_;
  PeriodMap suspensions_;  // by (licence, "")
  PeriodMap strikes_;      // by (union, studio)
  PeriodMap memberships_;  // by (performer, union)
  uint64_t statements_ = 0;
};

}  // namespace figurant::ledger

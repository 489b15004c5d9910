// The facts a licence decision reads that the signed ledger states (docs/licence.md, "What a
// decision reads"), indexed from its entries, and the check of registry rows against them.
//
// The registry is where the bank looks things up; the ledger — hash-chained, signed, witnessed —
// is what they must agree with. A licence's signature, revocation and erasure, a performer's
// death and erasure, a studio's key and a production's signed declaration each have a ledger
// entry (docs/ledger.md, types 3–8). A registry row that says otherwise was altered outside the
// bank: the Check functions return DataLoss naming its table, row and column, and the decision is
// never taken on it.
//
// Other processes append to the same ledger (docs/ledger.md, "Several writers"): CatchUp indexes
// what they added, and UntilRowsAgree gives a row and the ledger the moment another process takes
// between writing one and the other.
//
// Not thread-safe; owned by one Bank and fed every entry of its ledger, in order.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "consent/production_declaration.h"
#include "core/status.h"
#include "ledger/consent_audit.h"
#include "ledger/ledger.h"
#include "ledger/payloads.h"
#include "registry/registry.h"

namespace figurant::bank::internal {

class LedgerFacts {
 public:
  // Indexes one entry of a verified ledger; entries that state no decision fact are skipped.
  // DataLoss (naming the entry and field) when a payload of types 3–8 breaks its format.
  Status Add(const ledger::Entry& entry);
  // Indexes the entries of `ledger` after the last one indexed (all of them the first time), as
  // far as the ledger has read or written; call ledger.Refresh() first to include what other
  // processes appended. Errors as Add, or the ledger's when it cannot read them back.
  Status CatchUp(const ledger::Ledger& ledger);
  // After catching up with `ledger`, the `events` (types 3–8, as ledger::ToEntry makes them) it
  // does not hold yet, byte for byte. For Ledger::AppendSelected: a fact is appended once, though
  // the process that makes it and another that finds it missing from the ledger (Bank's
  // reconciliation with the registry) may both try.
  Result<ledger::Ledger::Events> Unrecorded(const ledger::Ledger& ledger,
                                            const ledger::Ledger::Events& events);

  bool HasSignature(const std::string& licence_id) const;
  // Whether a custodial consent to the licence was re-confirmed by its signer.
  bool HasConfirmation(const std::string& licence_id) const;
  bool HasRevocation(const std::string& licence_id) const;
  bool HasErasure(const std::string& performer_id) const;
  bool HasDeath(const std::string& performer_id) const;
  // The key the ledger registered for the studio, if any.
  std::optional<std::array<uint8_t, kEd25519PublicKeyBytes>> StudioKey(
      const std::string& studio_id) const;
  bool HasDeclaration(const std::string& production_id) const;
  // Which signer key was valid when (key_enrolled and key_revoked entries).
  const ledger::KeyHistory& keys() const { return keys_; }
  // Suspensions, strikes and union memberships, as signed statements establish them.
  const ledger::StatementIndex& statements() const { return statements_; }
  // The representative the ledger registered under `id`, if any.
  const ledger::RepresentativeRegisteredEvent* Representative(const std::string& id) const;

  // OK when the licence row's state, signing time, revocation date, parties and terms are what
  // the ledger records; DataLoss naming the first column that is not. Call after the ledger has
  // caught up with the registry (Bank::Reconcile).
  Status CheckLicence(const registry::Licence& row) const;
  // OK when the performer row's date of death and erasure are what the ledger records.
  Status CheckPerformer(const registry::Performer& row) const;
  // OK when the studio row's name and key are those the ledger registered (a studio from before
  // schema v3 that never enrolled a key has neither).
  Status CheckStudio(const registry::Studio& row) const;
  // The production row's declaration, when every declared column equals the ledger's
  // `production_declared` entry, the declaration is signed with its studio's registered key and
  // the signature verifies over the row's values. FailedPrecondition for a production registered
  // before schema v3 and never declared (it cannot be used until its studio declares it);
  // DataLoss naming the first altered column otherwise.
  Result<consent::SignedProduction> CheckProduction(const registry::Production& row) const;

 private:
  struct Licence {
    uint64_t signed_seq = 0;
    ledger::LicenceSignedEvent signed_event;
    std::optional<uint64_t> confirmed_seq;  // a custodial consent re-confirmed by its signer
    std::optional<uint64_t> revoked_seq;
    Date revoked_from;
  };
  struct Performer {
    std::optional<uint64_t> death_seq;
    Date died_on;
    std::optional<uint64_t> erased_seq;
  };
  template <typename Event>
  struct Recorded {
    uint64_t seq = 0;
    Event event;
  };

  Status CheckLicenceState(const registry::Licence& row, const Licence* signed_licence) const;

  uint64_t next_seq_ = 0;                                         // the first entry not indexed yet
  std::set<std::pair<ledger::EntryType, std::string>> recorded_;  // every fact entry's payload
  std::map<std::string, Licence> licences_;
  std::map<std::string, Performer> performers_;
  std::map<std::string, Recorded<ledger::StudioRegisteredEvent>> studios_;
  std::map<std::string, Recorded<consent::SignedProduction>> productions_;
  std::map<std::string, ledger::RepresentativeRegisteredEvent> representatives_;
  ledger::KeyHistory keys_;
  ledger::StatementIndex statements_;
};

// How long a decision waits for a registry row and the ledger to agree. A licence's signature,
// revocation or a death is written to the registry and then to the ledger, by whichever process
// made it; a decision taken in between finds them disagreeing, which is not tampering. Rows
// altered outside the bank disagree for good and are refused once this has passed.
// [Units: ms]
inline constexpr std::chrono::milliseconds kRowsAgreeWithin{1000};

// Runs `attempt` — read registry rows, catch the facts up, check the rows against them — and
// again, pausing 2, 4, 8 … ms, while it fails with DataLoss, for up to kRowsAgreeWithin; returns
// its first result that is not DataLoss, or its last.
template <typename T>
Result<T> UntilRowsAgree(const std::function<Result<T>()>& attempt) {
  const auto deadline = std::chrono::steady_clock::now() + kRowsAgreeWithin;
  std::chrono::milliseconds pause{2};
  for (;;) {
    Result<T> r = attempt();
    if (r.status().code() != StatusCode::kDataLoss ||
        std::chrono::steady_clock::now() + pause > deadline) {
      return r;
    }
    std::this_thread::sleep_for(pause);
    pause *= 2;
  }
}

}  // namespace figurant::bank::internal

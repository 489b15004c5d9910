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
// Not thread-safe; owned by one Bank and fed every entry of its ledger, in order.
#pragma once

#include <map>
#include <optional>
#include <string>

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

  std::map<std::string, Licence> licences_;
  std::map<std::string, Performer> performers_;
  std::map<std::string, Recorded<ledger::StudioRegisteredEvent>> studios_;
  std::map<std::string, Recorded<consent::SignedProduction>> productions_;
  std::map<std::string, ledger::RepresentativeRegisteredEvent> representatives_;
  ledger::KeyHistory keys_;
};

}  // namespace figurant::bank::internal

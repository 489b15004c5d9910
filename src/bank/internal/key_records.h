// What the bank writes for a signer key and a signed licence: a new key's registry row, the
// signer's current key, and the ledger events (key_enrolled, key_revoked, licence_signed) made
// from the registry's rows — the one place the bank says what those events carry (enrolment,
// replacement and signing record them; Bank::Reconcile catches up after a crash). Pure
// functions; private to the bank module.
#pragma once

#include <optional>
#include <vector>

#include "bank/bank.h"
#include "ledger/payloads.h"
#include "registry/registry.h"

namespace figurant::bank::internal {

// The signer's current (unrevoked) key, if any.
std::optional<registry::SignerKey> CurrentKey(const std::vector<registry::SignerKey>& keys);

// FailedPrecondition, saying how a lost key is replaced, when `keys` has a current key: enrolment
// gives a signer their first key, or one after a revocation.
Status CheckNoCurrentKey(const std::vector<registry::SignerKey>& keys);

// The row of `key` enrolled with `code` for the code's signer, valid from `now` (how, seq and the
// passkey left for the caller).
registry::SignerKey NewKeyFor(const registry::EnrolmentCode& code, const Ed25519PublicKey& key,
                              UnixSeconds now);

ledger::KeyEnrolledEvent EnrolledEventOf(const registry::SignerKey& k);
// The end of an enrolled key's period, as the ledger records it. Only for a revoked key.
ledger::KeyRevokedEvent RevokedEventOf(const registry::SignerKey& k);

// A licence signed, from the registry's row and its stored consent (none for licences signed
// before consent records were carried). DataLoss when the stored terms are not a JSON object.
Result<ledger::LicenceSignedEvent> SignedEventOf(const registry::Licence& l, bool synthetic,
                                                 UnixSeconds signed_at,
                                                 const std::optional<registry::Consent>& consent);

}  // namespace figurant::bank::internal

// The one conversion between what the registry stores and what consent/ reasons about: the
// `consents` row (registry::Consent) and consent::ConsentRecord, and the registry's enums and
// their consent/ counterparts.
//
// It lives in bank/ because bank/ is the module that depends on both: registry/ is storage and
// must not know consent/'s types, and consent/ holds the rules and must not know how they are
// stored. Pure functions; private to the bank module.
#pragma once

#include <string_view>

#include "consent/check.h"
#include "consent/consent_record.h"
#include "consent/disclosure.h"
#include "core/status.h"
#include "ledger/payloads.h"
#include "registry/registry.h"
#include "webauthn/assertion.h"

namespace figurant::bank::internal {

// The record that the stored row `row` proves. `licence` is the licence the row belongs to
// (row.licence_id == licence.id): its performer and studio are part of the signed message.
// DataLoss naming the row when its language is not one consent::Language knows.
Result<consent::ConsentRecord> RecordOf(const registry::Licence& licence,
                                        const registry::Consent& row);

// The row that stores `record` (everything but the licence's parties, which the licence row
// holds).
registry::Consent RowOf(const consent::ConsentRecord& record);

// The consent record as a licence_signed ledger entry carries it (no disclosure text, no parties).
ledger::SignedConsent LedgerConsentOf(const consent::ConsentRecord& record, bool custodial);

// A passkey signer key's columns (registry::SignerPasskey) and what webauthn/ and the ledger
// reason about (webauthn::Passkey). The stored algorithm is -7 or -8 (the registry reads nothing
// else).
webauthn::Passkey PasskeyOf(const registry::SignerPasskey& stored);
registry::SignerPasskey RowOf(const webauthn::Passkey& passkey);
registry::PasskeyCredential RowOf(const webauthn::Credential& credential);

// A stored language code ("en", "fr") as consent::Language; DataLoss naming `where` otherwise.
Result<consent::Language> LanguageOf(std::string_view code, std::string_view where);

consent::LicenceState ToConsent(registry::LicenceState state);
consent::Signer ToConsent(registry::SignerKind signer);
consent::Representation ToConsent(registry::Representation representation);
registry::SignerKind ToRegistry(consent::Signer signer);
registry::Representation ToRegistry(consent::Representation representation);

}  // namespace figurant::bank::internal

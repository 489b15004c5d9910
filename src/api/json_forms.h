// The JSON form of each bank object, as the HTTP API answers with it (docs/api.md, "Objects") and
// as `figurant --json` prints it: one function per object, so both faces of the bank show an
// object the same way.
#pragma once

#include <nlohmann/json.hpp>

#include "bank/bank.h"
#include "ledger/consent_audit.h"
#include "registry/registry.h"
#include "registry/users.h"

namespace figurant::api {

nlohmann::json PerformerJson(const registry::Performer& p);
nlohmann::json StudioJson(const registry::Studio& s);
nlohmann::json ProductionJson(const registry::Production& p);
nlohmann::json DoubleJson(const registry::Double& d);
nlohmann::json UserJson(const registry::User& u);
// A licence as listed, without its disclosure text (it can be long).
nlohmann::json LicenceJson(const bank::LicenceView& v);
// LicenceJson plus `disclosure`, exactly as stored (the text the performer is, or was, shown and
// signs), and its `disclosure_sha256`.
nlohmann::json LicenceWithDisclosureJson(const bank::LicenceView& v);
// When the performer's biometric data must be erased (bank::Retention): erase_on, held_by, basis.
nlohmann::json RetentionJson(const bank::Retention& r);
// An enrolled signer key and its period: valid_from, and revoked_from with the reason once revoked
// (the first second it no longer signs); a replacement names the representative who confirmed it
// and their confirmation signature (docs/keys.md).
nlohmann::json SignerKeyJson(const registry::SignerKey& k);
nlohmann::json EstateJson(const registry::Estate& e);
nlohmann::json ErasureRequestJson(const registry::ErasureRequest& e);
// A period of days: from, and until (the first day it no longer applies; null while open).
nlohmann::json DatePeriodJson(const consent::DatePeriod& p);
// What re-verifying every consent of a ledger found (ledger::AuditConsents), as `figurant ledger
// verify` reports it under "consents": signed, verified, custodial_signature, custodial_licences,
// keys_enrolled, keys_revoked, keys_replaced, statements.
nlohmann::json ConsentAuditJson(const ledger::ConsentAuditReport& r);

}  // namespace figurant::api

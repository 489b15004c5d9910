#include "bank/internal/key_records.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "bank/internal/consent_row.h"

namespace figurant::bank::internal {

using nlohmann::json;

std::optional<registry::SignerKey> CurrentKey(const std::vector<registry::SignerKey>& keys) {
  for (const registry::SignerKey& k : keys) {
    if (!k.revoked_from) return k;
  }
  return std::nullopt;
}

Status CheckNoCurrentKey(const std::vector<registry::SignerKey>& keys) {
  if (!CurrentKey(keys)) return Status::Ok();
  return FailedPrecondition(
      "this signer already has an enrolled key; a lost key is replaced with a new code and a "
      "confirmation signed by their union or counsel (figurant performer replace-key, "
      "docs/keys.md)");
}

registry::SignerKey NewKeyFor(const registry::EnrolmentCode& code, const Ed25519PublicKey& key,
                              UnixSeconds now) {
  registry::SignerKey k;
  k.signer = code.signer;
  k.signer_id = code.signer_id;
  k.performer_id = code.performer_id;
  k.public_key.assign(key.begin(), key.end());
  k.valid_from = now;
  return k;
}

namespace {

// The fields key_enrolled and key_revoked share: whose key, and which.
template <typename KeyEvent>
KeyEvent KeyEventOf(const registry::SignerKey& k) {
  KeyEvent e;
  e.signer = ToConsent(k.signer);
  e.signer_id = k.signer_id;
  e.performer_id = k.performer_id;
  std::copy_n(k.public_key.begin(), std::min(k.public_key.size(), e.public_key.size()),
              e.public_key.begin());
  return e;
}

}  // namespace

ledger::KeyEnrolledEvent EnrolledEventOf(const registry::SignerKey& k) {
  auto e = KeyEventOf<ledger::KeyEnrolledEvent>(k);
  switch (k.how) {
    case registry::KeyOrigin::kEnrolmentCode:
      e.how = ledger::KeyOrigin::kEnrolmentCode;
      break;
    case registry::KeyOrigin::kReplacement:
      e.how = ledger::KeyOrigin::kReplacement;
      break;
    case registry::KeyOrigin::kCustodial:
      e.how = ledger::KeyOrigin::kCustodial;
      break;
  }
  e.valid_from = k.valid_from;
  e.confirmed_by = k.confirmed_by;
  e.code_sha256 = k.code_sha256;
  std::copy_n(k.confirmation.begin(), std::min(k.confirmation.size(), e.confirmation.size()),
              e.confirmation.begin());
  if (k.passkey) e.passkey = PasskeyOf(*k.passkey);
  return e;
}

ledger::KeyRevokedEvent RevokedEventOf(const registry::SignerKey& k) {
  auto e = KeyEventOf<ledger::KeyRevokedEvent>(k);
  e.from = k.revoked_from.value_or(0);
  e.reason = k.revoked_reason;
  return e;
}

Result<ledger::LicenceSignedEvent> SignedEventOf(const registry::Licence& l, bool synthetic,
                                                 UnixSeconds signed_at,
                                                 const std::optional<registry::Consent>& consent) {
  ledger::LicenceSignedEvent e;
  e.licence_id = l.id;
  e.performer_id = l.performer_id;
  e.studio_id = l.studio_id;
  e.synthetic = synthetic;
  e.signed_at = signed_at;
  e.terms = json::parse(l.terms_json, nullptr, false);
  if (!e.terms.is_object()) {
    return DataLoss("licence " + l.id + ": its stored terms are not a JSON object");
  }
  if (consent) {
    FIGURANT_ASSIGN_OR_RETURN(const consent::ConsentRecord r, RecordOf(l, *consent));
    e.consent = LedgerConsentOf(r, consent->custodial);
  }
  return e;
}

}  // namespace figurant::bank::internal

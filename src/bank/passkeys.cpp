// The bank's side of passkeys (docs/passkeys.md, docs/keys.md "Passkeys"): enrolling a WebAuthn
// credential as a signer's key, and recording a consent a passkey signed. The browser's assertion
// is kept whole, so `ledger verify` re-verifies it from an export with no registry.
#include "bank/bank.h"
#include "bank/internal/consent_row.h"
#include "bank/internal/key_records.h"
#include "core/ids.h"
#include "ledger/payloads.h"

namespace figurant::bank {

// A draft ready for a passkey: the licence, who signs it now, their current passkey key and the
// consent record to be signed (no proof yet).
struct Bank::PasskeyDraft {
  registry::Licence licence;
  Signatory signer;
  registry::SignerKey key;  // key.passkey set
  consent::ConsentRecord record;
};

Status Bank::StorePasskeyEnrolment(const std::string& code_sha256, PasskeyEnrolment& out,
                                   const webauthn::Credential& credential) {
  const UnixSeconds now = out.key.valid_from;
  return registry_->InTransaction([&]() -> Status {
    FIGURANT_RETURN_IF_ERROR(registry_->MarkEnrolmentCodeUsed(code_sha256, now));
    FIGURANT_ASSIGN_OR_RETURN(out.key.seq, registry_->InsertSignerKey(out.key));
    if (out.key.signer != registry::SignerKind::kPerformer) return Status::Ok();
    // As POST /api/v1/enrolment adds the performer's user for an Ed25519 key (api::AddUser): its
    // public key is the signer key (here the fingerprint), which api::LoginKeyFor requires.
    registry::User user{NewId(registry::kUserIdPrefix), registry::UserRole::kPerformer,
                        out.key.performer_id, out.key.public_key, now};
    FIGURANT_RETURN_IF_ERROR(registry::InsertUser(*registry_, user));
    FIGURANT_RETURN_IF_ERROR(
        registry::InsertUserPasskey(*registry_, {user.id, internal::RowOf(credential), now}));
    out.user = std::move(user);
    return Status::Ok();
  });
}

Result<PasskeyEnrolment> Bank::EnrolPasskey(std::string_view typed_code,
                                            const webauthn::Registration& registration,
                                            const webauthn::Expected& expected) {
  FIGURANT_ASSIGN_OR_RETURN(const webauthn::Credential credential,
                            webauthn::VerifyRegistration(expected, registration));
  FIGURANT_ASSIGN_OR_RETURN(const std::string normalised, NormaliseEnrolmentCode(typed_code));
  FIGURANT_ASSIGN_OR_RETURN(const registry::EnrolmentCode code, UsableCode(typed_code));
  FIGURANT_ASSIGN_OR_RETURN(const auto keys,
                            registry_->ListSignerKeys(code.signer, code.signer_id));
  FIGURANT_RETURN_IF_ERROR(internal::CheckNoCurrentKey(keys));
  PasskeyEnrolment out;
  out.key =
      internal::NewKeyFor(code, webauthn::Fingerprint(credential.public_key_spki), clock_.Now());
  out.key.how = registry::KeyOrigin::kEnrolmentCode;
  out.key.passkey = internal::RowOf(webauthn::Passkey{credential, expected.origin, expected.rp_id});
  FIGURANT_RETURN_IF_ERROR(StorePasskeyEnrolment(EnrolmentCodeHash(normalised), out, credential));
  // The registry first, then the ledger, as EnrolKey: Reconcile catches up after a crash.
  FIGURANT_RETURN_IF_ERROR(RecordLicenceEvent(ledger::ToEntry(internal::EnrolledEventOf(out.key))));
  return out;
}

Result<Bank::PasskeyDraft> Bank::PrepareForPasskey(const std::string& licence_id,
                                                   UnixSeconds signed_at,
                                                   consent::Representation representation) {
  PasskeyDraft d;
  FIGURANT_ASSIGN_OR_RETURN(d.licence, registry_->GetLicence(licence_id));
  const registry::Licence& l = d.licence;
  if (l.state != registry::LicenceState::kDraft) {
    return FailedPrecondition("licence " + l.id + " is " +
                              std::string(registry::LicenceStateName(l.state)) +
                              ", not a draft: a passkey signs drafts (a custodial consent is "
                              "re-confirmed with a key file)");
  }
  // The draft offered as its signer's device would be offered it (OfferFor's checks: not
  // declined, the signer who may sign now, the disclosure unchanged), and its record.
  FIGURANT_ASSIGN_OR_RETURN(const consent::Offer offer, OfferFor(l.id));
  FIGURANT_ASSIGN_OR_RETURN(d.signer,
                            SignatoryFor(l.performer_id, offer.signer == consent::Signer::kEstate));
  FIGURANT_ASSIGN_OR_RETURN(
      const auto keys, registry_->ListSignerKeys(internal::ToRegistry(d.signer.kind), d.signer.id));
  const std::optional<registry::SignerKey> current = internal::CurrentKey(keys);
  if (!current || !current->passkey) {
    return FailedPrecondition(std::string(consent::SignerName(d.signer.kind)) + " " + d.signer.id +
                              " has no current passkey: enrol one, or sign with their key file");
  }
  d.key = *current;
  d.record = consent::RecordFor(offer, representation, signed_at);
  d.record.public_key = d.key.public_key;
  FIGURANT_RETURN_IF_ERROR(consent::CheckConsentFields(d.record));
  FIGURANT_RETURN_IF_ERROR(CheckRecordSigner(l, d.signer, d.record));
  return d;
}

Result<PasskeyConsentRequest> Bank::PasskeyConsentChallenge(
    const std::string& licence_id, UnixSeconds signed_at, consent::Representation representation) {
  FIGURANT_ASSIGN_OR_RETURN(PasskeyDraft d,
                            PrepareForPasskey(licence_id, signed_at, representation));
  PasskeyConsentRequest out;
  const auto challenge = consent::ConsentChallenge(d.record);
  out.challenge.assign(challenge.begin(), challenge.end());
  out.passkey = internal::PasskeyOf(*d.key.passkey);
  out.record = std::move(d.record);
  return out;
}

Result<LicenceView> Bank::SignLicenceWithPasskey(const std::string& licence_id,
                                                 UnixSeconds signed_at,
                                                 consent::Representation representation,
                                                 const webauthn::Assertion& assertion) {
  FIGURANT_ASSIGN_OR_RETURN(PasskeyDraft d,
                            PrepareForPasskey(licence_id, signed_at, representation));
  const webauthn::Passkey passkey = internal::PasskeyOf(*d.key.passkey);
  if (assertion.credential_id != passkey.credential.id) {
    return PermissionDenied("licence " + licence_id +
                            ": the assertion is by another credential than the signer's current "
                            "passkey");
  }
  d.record.passkey = consent::PasskeyProof{assertion.authenticator_data, assertion.client_data_json,
                                           assertion.signature};
  FIGURANT_ASSIGN_OR_RETURN(const webauthn::Verified verified,
                            consent::VerifyPasskeyConsent(d.record, d.licence.terms_json, passkey));
  FIGURANT_RETURN_IF_ERROR(registry_->InTransaction([&]() -> Status {
    FIGURANT_RETURN_IF_ERROR(StoreSignedConsent(d.record, /*custodial=*/false));
    return registry_->SetSignerPasskeySignCount(d.key.seq, verified.sign_count);
  }));
  FIGURANT_ASSIGN_OR_RETURN(const std::optional<registry::Consent> stored,
                            registry_->GetConsent(d.licence.id));
  FIGURANT_ASSIGN_OR_RETURN(
      const ledger::LicenceSignedEvent signed_event,
      internal::SignedEventOf(d.licence, d.signer.performer.synthetic, signed_at, stored));
  FIGURANT_RETURN_IF_ERROR(RecordLicenceEvent(ledger::ToEntry(signed_event)));
  return GetLicence(d.licence.id);
}

}  // namespace figurant::bank

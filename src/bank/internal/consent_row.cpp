#include "bank/internal/consent_row.h"

#include <algorithm>
#include <string>

namespace figurant::bank::internal {

Result<consent::ConsentRecord> RecordOf(const registry::Licence& licence,
                                        const registry::Consent& row) {
  consent::ConsentRecord rec;
  rec.version = row.version;
  rec.licence_id = row.licence_id;
  rec.performer_id = licence.performer_id;
  rec.studio_id = licence.studio_id;
  rec.terms_sha256 = row.terms_sha256;
  rec.disclosure_text = row.disclosure_text;
  rec.disclosure_sha256 = row.disclosure_sha256;
  FIGURANT_ASSIGN_OR_RETURN(rec.language,
                            LanguageOf(row.language, "consents row '" + row.licence_id + "'"));
  rec.signed_at = row.signed_at;
  rec.signer = ToConsent(row.signer);
  rec.signer_id = row.signer_id;
  rec.public_key = row.public_key;
  rec.signature = row.signature;
  rec.representation = ToConsent(row.representation);
  if (row.passkey) {
    rec.passkey = consent::PasskeyProof{row.passkey->authenticator_data,
                                        row.passkey->client_data_json, row.passkey->signature};
  }
  return rec;
}

registry::Consent RowOf(const consent::ConsentRecord& record) {
  registry::Consent row;
  row.version = record.version;
  row.licence_id = record.licence_id;
  row.disclosure_text = record.disclosure_text;
  row.disclosure_sha256 = record.disclosure_sha256;
  row.terms_sha256 = record.terms_sha256;
  row.language = std::string(consent::LanguageCode(record.language));
  row.signed_at = record.signed_at;
  row.signer = ToRegistry(record.signer);
  row.signer_id = record.signer_id;
  row.public_key = record.public_key;
  row.signature = record.signature;
  row.representation = ToRegistry(record.representation);
  if (record.passkey) {
    row.passkey =
        registry::ConsentPasskeyProof{record.passkey->authenticator_data,
                                      record.passkey->client_data_json, record.passkey->signature};
  }
  return row;
}

ledger::SignedConsent LedgerConsentOf(const consent::ConsentRecord& record, bool custodial) {
  ledger::SignedConsent c;
  c.signer = record.signer;
  c.signer_id = record.signer_id;
  std::copy_n(record.public_key.begin(), std::min(record.public_key.size(), c.public_key.size()),
              c.public_key.begin());
  std::copy_n(record.signature.begin(), std::min(record.signature.size(), c.signature.size()),
              c.signature.begin());
  c.terms_sha256 = record.terms_sha256;
  c.disclosure_sha256 = record.disclosure_sha256;
  c.language = record.language;
  c.representation = record.representation;
  c.version = record.version;
  c.custodial = custodial;
  c.passkey = record.passkey;
  return c;
}

webauthn::Passkey PasskeyOf(const registry::SignerPasskey& stored) {
  webauthn::Passkey p;
  p.credential.algorithm = static_cast<webauthn::Algorithm>(stored.credential.algorithm);
  p.credential.id = stored.credential.id;
  p.credential.public_key_spki = stored.credential.public_key_spki;
  p.credential.sign_count = stored.credential.sign_count;
  p.origin = stored.origin;
  p.rp_id = stored.rp_id;
  return p;
}

registry::SignerPasskey RowOf(const webauthn::Passkey& passkey) {
  return {RowOf(passkey.credential), passkey.origin, passkey.rp_id};
}

registry::PasskeyCredential RowOf(const webauthn::Credential& c) {
  return {c.id, static_cast<int>(c.algorithm), c.public_key_spki, c.sign_count};
}

Result<consent::Language> LanguageOf(std::string_view code, std::string_view where) {
  if (auto language = consent::ParseLanguage(code)) return *language;
  return DataLoss(std::string(where) + ": language '" + std::string(code) +
                  "' is not one Figurant writes disclosures in (en, fr)");
}

consent::LicenceState ToConsent(registry::LicenceState state) {
  switch (state) {
    case registry::LicenceState::kDraft:
      return consent::LicenceState::kDraft;
    case registry::LicenceState::kActive:
      return consent::LicenceState::kActive;
    case registry::LicenceState::kRevoked:
      return consent::LicenceState::kRevoked;
    case registry::LicenceState::kErased:
      return consent::LicenceState::kErased;
  }
  return consent::LicenceState::kErased;  // unreachable: the switch names every state
}

consent::Signer ToConsent(registry::SignerKind signer) {
  return signer == registry::SignerKind::kEstate ? consent::Signer::kEstate
                                                 : consent::Signer::kPerformer;
}

registry::SignerKind ToRegistry(consent::Signer signer) {
  return signer == consent::Signer::kEstate ? registry::SignerKind::kEstate
                                            : registry::SignerKind::kPerformer;
}

consent::Representation ToConsent(registry::Representation representation) {
  switch (representation) {
    case registry::Representation::kUnion:
      return consent::Representation::kUnion;
    case registry::Representation::kCounsel:
      return consent::Representation::kCounsel;
    case registry::Representation::kNone:
      return consent::Representation::kNone;
  }
  return consent::Representation::kNone;  // unreachable: the switch names every value
}

registry::Representation ToRegistry(consent::Representation representation) {
  switch (representation) {
    case consent::Representation::kUnion:
      return registry::Representation::kUnion;
    case consent::Representation::kCounsel:
      return registry::Representation::kCounsel;
    case consent::Representation::kNone:
      return registry::Representation::kNone;
  }
  return registry::Representation::kNone;  // unreachable: the switch names every value
}

}  // namespace figurant::bank::internal

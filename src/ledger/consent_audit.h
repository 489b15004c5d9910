// Which signer key was valid when, and every consent re-verified, from a ledger alone
// (docs/ledger.md, "Consents in an export"). An auditor, a union or a court holding an export and
// the bank's public key needs no registry and no trust in the bank: a `licence_signed` entry
// carries its consent record, and `key_enrolled` / `key_revoked` entries earlier in the log say
// which key the signer held at the signing time.
//
// The consent message is consent::ConsentMessage (docs/licence.md); signatures are Ed25519
// (RFC 8032, libsodium). Not thread-safe; no I/O.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto.h"
#include "core/status.h"
#include "ledger/ledger.h"
#include "ledger/payloads.h"
#include "ledger/statements.h"

namespace figurant::ledger {

using Ed25519Key = std::array<uint8_t, kEd25519PublicKeyBytes>;

// One enrolled key and its validity period, as the ledger states it.
struct KeyPeriod {
  consent::Signer signer = consent::Signer::kPerformer;
  std::string signer_id, performer_id;
  Ed25519Key public_key{};
  KeyOrigin how = KeyOrigin::kEnrolmentCode;
  int64_t valid_from = 0;               // [Units: Unix seconds]
  std::optional<int64_t> revoked_from;  // first second it no longer signs [Units: Unix seconds]
  uint64_t enrolled_seq = 0;            // the key_enrolled entry
  // Set for a passkey (public_key is then its fingerprint): the credential as registered and the
  // origin and relying party its assertions must state.
  std::optional<webauthn::Passkey> passkey;
};

// The key periods of every signer, fed the ledger's entries in order.
class KeyHistory {
 public:
  // Indexes key_enrolled, key_revoked and representative_registered entries; other entries are
  // ignored. DataLoss naming the entry when its payload breaks its format, when it enrols a key
  // already enrolled, enrols a second current key for a signer, or revokes a key that is not
  // enrolled for that signer or is revoked already. A replacement (how `replacement`) must also
  // follow the revocation of the signer's previous key, and its confirmation must verify under the
  // key of the representative an earlier entry registered, over the key_replacement statement
  // naming the signer, the old and new keys and the code's hash (docs/keys.md, "Lost keys").
  Status Add(const Entry& entry);

  // The replacements (key_enrolled, how replacement) whose representative's confirmation was
  // re-verified.
  uint64_t replacements() const { return replacements_; }

  // The period of `key`, if any entry enrolled it.
  const KeyPeriod* Find(const Ed25519Key& key) const;
  // The signer's current (unrevoked) key, if any.
  const KeyPeriod* Current(consent::Signer signer, const std::string& signer_id) const;
  // Every period of the signer, in enrolment order.
  std::vector<KeyPeriod> PeriodsOf(consent::Signer signer, const std::string& signer_id) const;
  // OK when `key` was enrolled for the signer and valid at `at` (valid_from <= at < revoked_from).
  // PermissionDenied saying why otherwise: not enrolled at all, enrolled for another signer, not
  // yet valid, or revoked by then.
  Status CheckValidAt(consent::Signer signer, const std::string& signer_id, const Ed25519Key& key,
                      int64_t at) const;

 private:
  Status CheckReplacement(const Entry& entry, const KeyEnrolledEvent& k) const;

  std::map<Ed25519Key, KeyPeriod> periods_;
  std::map<std::string, Ed25519Key> representatives_;  // by representative id
  uint64_t replacements_ = 0;
};

// The consent record a licence_signed entry states, disclosure text empty. Only for entries that
// carry one (event.consent set).
consent::ConsentRecord RecordOf(const LicenceSignedEvent& event);

// What the audit found.
struct ConsentAuditReport {
  uint64_t consents = 0;  // licence_signed entries
  uint64_t verified = 0;  // signed on the signer's own device, re-verified under the enrolled key
  // Of those, signed with a passkey: the WebAuthn assertion re-verified (docs/passkeys.md) with
  // the enrolled credential, origin and relying party, its sign count advancing through the log.
  uint64_t passkey_verified = 0;
  uint64_t custodial = 0;  // signed with a key the bank held: reported `custodial_signature`
  std::vector<std::string> custodial_licences;  // their licence ids, in ledger order
  uint64_t keys_enrolled = 0, keys_revoked = 0;
  uint64_t keys_replaced = 0;  // enrolled as replacements, each confirmation re-verified
  uint64_t statements = 0;     // suspensions, strikes and memberships, each re-verified
};

// Re-verifies every consent of a ledger, fed its entries in order (e.g. through ReadLog). A consent
// carried by a licence_signed entry must: hash the entry's terms to its terms_sha256 (the terms
// re-serialised canonically), verify under its public key over consent::ConsentMessage, and that
// key must be the signer's key enrolled and valid at signed_at (KeyHistory::CheckValidAt over the
// entries before it). When that key is a passkey, the consent must carry a passkey assertion
// (and an Ed25519 key never one), which must verify as consent::VerifyPasskeyConsentByHash says
// with the credential, origin and relying party of its key_enrolled entry, and whose sign count
// must advance past the last one the log showed for that credential (the registration's, then
// each consent's) unless both are 0. A custodial consent is counted, not verified (its key was the
// bank's to use). The first consent that fails stops the audit: DataLoss naming the entry, the
// licence and why.
class ConsentAuditor {
 public:
  Status Add(const Entry& entry);
  const ConsentAuditReport& report() const { return report_; }
  const KeyHistory& keys() const { return keys_; }
  const StatementIndex& statements() const { return statements_; }

 private:
  Status AuditSigned(const Entry& entry);
  // The passkey assertion of a consent signed with passkey key `period`.
  Status AuditPasskey(const std::string& where, const LicenceSignedEvent& event,
                      const KeyPeriod& period);
  KeyHistory keys_;
  std::map<Ed25519Key, uint32_t> sign_counts_;  // by fingerprint: the last count the log showed
  StatementIndex statements_;  // every statement re-verified under its signer's key then
  ConsentAuditReport report_;
};

// ConsentAuditor over a whole log (an export): ReadLog with the bank's key, every entry audited.
// DataLoss naming the first bad record, or the first consent that fails.
Result<ConsentAuditReport> AuditConsents(std::string_view log_bytes,
                                         const std::array<uint8_t, 32>& bank_public_key);

// The flag every listing shows for a consent signed with a bank-held key.
inline constexpr std::string_view kCustodialSignature = "custodial_signature";

}  // namespace figurant::ledger
